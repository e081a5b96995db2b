package io.ferrite.server.keyspace;

import io.ferrite.server.protocol.Numbers;
import java.util.Arrays;

/**
 * A Redis listpack (listpack.c, Redis 7.2) built element by element, for the RDB bodies whose
 * only form is a listpack blob (streams). Elements are encoded as Redis's lpAppend encodes them,
 * so a blob of the same elements has the same bytes as Redis's; the reader is
 * {@code ListDump.listpack}.
 *
 * <pre>
 * | total bytes: 4 LE | count: 2 LE (65535 when larger) | element ... | 0xFF |
 * element = encoding [+ length] + data + back-length (size of encoding + data, 1-5 bytes)
 *   0xxxxxxx           integer 0..127
 *   110xxxxx +1 B      13-bit signed integer
 *   F1 / F2 / F3 / F4  16 / 24 / 32 / 64-bit signed integer, little endian
 *   10xxxxxx           string of up to 63 bytes
 *   1110xxxx +1 B      string of up to 4095 bytes (12-bit length, high bits first)
 *   F0 + 4 B LE        longer string
 * </pre>
 * Strings that are canonical 64-bit integers (Redis's string2ll) are stored as integers, as
 * Redis does: reading them back yields the same text.
 */
public final class ListpackBlob {
    private static final int HEADER = 6;

    private byte[] buf = new byte[64];
    private int size = HEADER;
    private int count;

    private void ensure(int more) {
        if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }

    /** Appends an integer element in its smallest encoding. */
    public ListpackBlob add(long v) {
        ensure(9 + 1);
        int start = size;
        if (v >= 0 && v <= 127) {
            buf[size++] = (byte) v;
        } else if (v >= -4096 && v <= 4095) {
            long u = v < 0 ? (1 << 13) + v : v;
            buf[size++] = (byte) (0xc0 | (u >>> 8));
            buf[size++] = (byte) u;
        } else if (v >= -32768 && v <= 32767) {
            littleEndian(0xf1, v, 2);
        } else if (v >= -8388608 && v <= 8388607) {
            littleEndian(0xf2, v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            littleEndian(0xf3, v, 4);
        } else {
            littleEndian(0xf4, v, 8);
        }
        return endElement(start);
    }

    /** Appends a string element (an integer encoding when it is a canonical integer). */
    public ListpackBlob add(byte[] s) {
        if (s.length > 0 && s.length <= 20 && Numbers.isLong(s)) return add(Numbers.parseLong(s));
        int len = s.length;
        ensure(5 + len + 5);
        int start = size;
        if (len < 64) {
            buf[size++] = (byte) (0x80 | len);
        } else if (len < 4096) {
            buf[size++] = (byte) (0xe0 | (len >>> 8));
            buf[size++] = (byte) len;
        } else {
            littleEndian(0xf0, len, 4);
        }
        System.arraycopy(s, 0, buf, size, len);
        size += len;
        return endElement(start);
    }

    private void littleEndian(int encoding, long v, int bytes) {
        buf[size++] = (byte) encoding;
        for (int i = 0; i < bytes; i++) buf[size++] = (byte) (v >>> (8 * i));
    }

    /** Writes the back-length of the element that began at start: 7-bit groups, high group first. */
    private ListpackBlob endElement(int start) {
        long l = size - start;
        int n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
        ensure(n);
        for (int i = 0; i < n; i++) {
            int group = (int) ((l >>> (7 * (n - 1 - i))) & 0x7f);
            buf[size++] = (byte) (i == 0 ? group : group | 0x80);
        }
        count++;
        return this;
    }

    /** The finished blob: header filled in, terminator appended. */
    public byte[] toByteArray() {
        byte[] out = Arrays.copyOf(buf, size + 1);
        out[size] = (byte) 0xff;
        int total = size + 1;
        for (int i = 0; i < 4; i++) out[i] = (byte) (total >>> (8 * i));
        int declared = Math.min(count, 0xffff);
        out[4] = (byte) declared;
        out[5] = (byte) (declared >>> 8);
        return out;
    }
}
