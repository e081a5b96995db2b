package io.ferrite.server.keyspace;

import io.ferrite.server.protocol.Numbers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads RDB primitives (the inverse of {@link RdbOutput}) from a byte range, or from a stream
 * through a window that refills as it is consumed (an RDB file of any size, never held whole).
 * Malformed input (truncation, unknown encodings, lengths past the end) raises {@link Malformed},
 * never an index error; callers map it to their own error ("Bad data format" for RESTORE).
 */
public final class RdbInput {
    /** The input is not valid RDB. */
    public static final class Malformed extends RuntimeException {
        public Malformed(String what) {
            super(what, null, false, false);
        }
    }

    private byte[] buf;
    private int pos;
    private int end;
    // Stream mode: where the window refills from, and the CRC-64 of the bytes already dropped
    // from the window's front (the file checksum covers every byte before it).
    private final InputStream source;
    private long droppedCrc;

    public RdbInput(byte[] buf, int off, int end) {
        this.buf = buf;
        this.pos = off;
        this.end = end;
        this.source = null;
    }

    /** Reads from a stream, buffering what the next read needs (a whole string at most). */
    public RdbInput(InputStream source) {
        this.buf = new byte[1 << 16];
        this.source = source;
    }

    public int position() { return pos; }

    public boolean atEnd() { return !available(1); }

    /** The CRC-64 of every byte read so far (stream mode: from the start of the stream). */
    public long crcOfRead() {
        return Crc64.update(droppedCrc, buf, 0, pos);
    }

    /** True when n more bytes can be read: in stream mode the window refills, and grows, to hold them. */
    private boolean available(long n) {
        if (end - pos >= n) return true;
        if (source == null || n > Integer.MAX_VALUE - 16) return false;
        if (pos > 0) { // drop what was read, checksumming it first
            droppedCrc = Crc64.update(droppedCrc, buf, 0, pos);
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        try {
            while (end < n) {
                // Grows by doubling as data actually arrives: a corrupt length costs no more memory than the file has.
                if (end == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
                int r = source.read(buf, end, buf.length - end);
                if (r < 0) return false;
                end += r;
            }
        } catch (IOException e) {
            throw new Malformed("read error: " + e.getMessage());
        }
        return true;
    }

    public int readByte() {
        if (!available(1)) throw new Malformed("truncated");
        return buf[pos++] & 0xff;
    }

    public long readLittleEndian(int bytes) {
        if (!available(bytes)) throw new Malformed("truncated");
        long v = 0;
        for (int i = 0; i < bytes; i++) v |= (long) (buf[pos++] & 0xff) << (8 * i);
        return v;
    }

    /** A big-endian integer of {@code bytes} bytes (RDB 32/64-bit lengths, raw stream IDs). */
    public long readBigEndian(int bytes) {
        if (!available(bytes)) throw new Malformed("truncated");
        long v = 0;
        for (int i = 0; i < bytes; i++) v = (v << 8) | (buf[pos++] & 0xff);
        return v;
    }

    /** A plain length; a special-encoding marker here is malformed. */
    public long readLength() {
        int first = readByte();
        if ((first & 0xc0) == 0xc0) throw new Malformed("encoded value where a length was expected");
        return lengthAfter(first);
    }

    private long lengthAfter(int first) {
        switch (first >>> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return ((first & 0x3f) << 8) | readByte();
            default:
                if (first == 0x80) return readBigEndian(4);
                if (first == 0x81) return readBigEndian(8);
                throw new Malformed("unknown length encoding " + first);
        }
    }

    /** A string in any of its RDB forms: raw, 8/16/32-bit integer, or LZF-compressed. */
    public byte[] readString() {
        int first = readByte();
        if ((first & 0xc0) != 0xc0) return readRaw(lengthAfter(first));
        switch (first & 0x3f) {
            case RdbOutput.ENC_INT8:
                return Numbers.formatLong((byte) readLittleEndian(1));
            case RdbOutput.ENC_INT16:
                return Numbers.formatLong((short) readLittleEndian(2));
            case RdbOutput.ENC_INT32:
                return Numbers.formatLong((int) readLittleEndian(4));
            case RdbOutput.ENC_LZF: {
                long compressed = readLength();
                long length = readLength();
                if (!available(compressed) || length > Integer.MAX_VALUE - 8) throw new Malformed("bad LZF lengths");
                byte[] out = Lzf.decompress(buf, pos, (int) compressed, (int) length);
                if (out == null) throw new Malformed("bad LZF data");
                pos += (int) compressed;
                return out;
            }
            default:
                throw new Malformed("unknown string encoding " + (first & 0x3f));
        }
    }

    private byte[] readRaw(long len) {
        if (!available(len)) throw new Malformed("string past the end");
        byte[] s = Arrays.copyOfRange(buf, pos, pos + (int) len);
        pos += (int) len;
        return s;
    }
}
