package io.ferrite.server.keyspace;

import io.ferrite.server.protocol.Numbers;
import java.util.Arrays;

/**
 * A growable byte buffer that writes RDB primitives (Redis rdb.c): type bytes, lengths and
 * strings. Type encoders in {@link DumpFormat} build object bodies with it.
 *
 * <p>Length encoding, chosen by the smallest form that fits (the top two bits of the first byte
 * say which):
 * <pre>
 *   00xxxxxx                    6-bit length
 *   01xxxxxx xxxxxxxx           14-bit length, big endian
 *   10000000 + 4 bytes          32-bit length, big endian
 *   10000001 + 8 bytes          64-bit length, big endian
 *   11xxxxxx                    a special string encoding follows (see {@link #writeString})
 * </pre>
 */
public final class RdbOutput {
    static final int ENC_INT8 = 0, ENC_INT16 = 1, ENC_INT32 = 2, ENC_LZF = 3;

    private byte[] buf = new byte[64];
    private int size;
    // rdbcompression: strings over 20 bytes are LZF-compressed when that saves at least 4 bytes,
    // as Redis's rdbSaveRawString does. Off for DUMP payloads; scratch space made on first use.
    private boolean compress;
    private byte[] lzfOut;
    private Lzf.Compressor lzf;

    /** LZF-compresses strings longer than 20 bytes from now on (RDB files with rdbcompression yes). */
    public void compressStrings(boolean on) { compress = on; }

    public int size() { return size; }

    public byte[] toByteArray() { return Arrays.copyOf(buf, size); }

    /** The bytes written so far, without copying; valid up to {@link #size()}. */
    byte[] array() { return buf; }

    /** Forgets what was written, keeping the buffer (one buffer serves table after table of an RDB file). */
    public void clear() { size = 0; }

    /** The byte at index i of what was written. */
    public int byteAt(int i) { return buf[i] & 0xff; }

    /** Appends what was written here from index {@code from} to {@code other}. */
    public void copyTo(RdbOutput other, int from) { other.writeBytes(buf, from, size - from); }

    /** Writes what was written so far to os. */
    public void writeTo(java.io.OutputStream os) throws java.io.IOException { os.write(buf, 0, size); }

    /** crc (a CRC-64 so far) continued over what was written. */
    public long crc64(long crc) { return Crc64.update(crc, buf, 0, size); }

    private void ensure(int more) {
        if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }

    public void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A little-endian integer of {@code bytes} bytes (RDB integer encodings, footers). */
    public void writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) buf[size++] = (byte) (v >>> (8 * i));
    }

    /** A big-endian integer of {@code bytes} bytes (raw stream IDs). */
    public void writeBigEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = bytes - 1; i >= 0; i--) buf[size++] = (byte) (v >>> (8 * i));
    }

    /** A length; a negative value is the unsigned 64-bit length it stands for (Redis uint64_t). */
    public void writeLength(long len) {
        if (len >= 0 && len < (1 << 6)) {
            writeByte((int) len);
        } else if (len >= 0 && len < (1 << 14)) {
            writeByte((int) (0x40 | (len >>> 8)));
            writeByte((int) (len & 0xff));
        } else if (len >= 0 && len <= 0xffffffffL) {
            writeByte(0x80);
            writeBigEndian(len, 4);
        } else {
            writeByte(0x81);
            writeBigEndian(len, 8);
        }
    }

    /**
     * A string: canonical integers that fit in 32 bits as {@code 11000000|01|10} plus 1, 2 or 4
     * little-endian bytes (what Redis writes for them too), then (with {@link #compressStrings})
     * an LZF block when that is at least 4 bytes shorter, anything else as length + bytes.
     */
    public void writeString(byte[] s) {
        if (s.length <= 11 && Numbers.isLong(s)) {
            long v = Numbers.parseLong(s);
            if (v == (byte) v) {
                writeByte(0xc0 | ENC_INT8);
                writeLittleEndian(v, 1);
                return;
            } else if (v == (short) v) {
                writeByte(0xc0 | ENC_INT16);
                writeLittleEndian(v, 2);
                return;
            } else if (v == (int) v) {
                writeByte(0xc0 | ENC_INT32);
                writeLittleEndian(v, 4);
                return;
            }
        }
        if (compress && s.length > 20 && writeLzf(s)) return;
        writeLength(s.length);
        writeBytes(s, 0, s.length);
    }

    /** 11000011, compressed length, original length, the LZF block; false when it would not save 4 bytes. */
    private boolean writeLzf(byte[] s) {
        if (lzf == null) lzf = new Lzf.Compressor();
        int cap = s.length - 4;
        if (lzfOut == null || lzfOut.length < cap) lzfOut = new byte[Math.max(cap, 256)];
        int n = lzf.compress(s, lzfOut, cap);
        if (n == 0) return false;
        writeByte(0xc0 | ENC_LZF);
        writeLength(n);
        writeLength(s.length);
        writeBytes(lzfOut, 0, n);
        return true;
    }
}
