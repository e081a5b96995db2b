package io.ferrite.server.hash;

import io.ferrite.server.protocol.Numbers;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Redis's serialized listpack, the body of RDB_TYPE_HASH_LISTPACK (16) and
 * RDB_TYPE_SET_LISTPACK (20) in DUMP payloads and RDB files, so RESTORE accepts what Redis 7.2
 * DUMPs for small hashes and sets. Read-only: Ferrite writes the plain RDB_TYPE_HASH / SET forms.
 *
 * <pre>
 * +-------------+------------+---------+-----+---------+------+
 * | total: 4 LE | count: 2 LE| entry 0 | ... | entry n | 0xFF |
 * +-------------+------------+---------+-----+---------+------+
 * entry = encoding byte(s) + data + back-length (1..5 bytes, skipped here)
 *   0xxxxxxx            7-bit unsigned integer
 *   10xxxxxx            string, 6-bit length
 *   110xxxxx yyyyyyyy   13-bit signed integer
 *   1110xxxx yyyyyyyy   string, 12-bit length
 *   11110000 + 4 B LE   string, 32-bit length
 *   11110001/2/3/4      16/24/32/64-bit signed integer, little-endian
 *   11111111            end
 * </pre>
 * Source studied: listpack.c and its header comment (Redis 7.2.6). Integers come back as their
 * decimal digits, as Redis returns them.
 */
public final class RdbListpack {
    private RdbListpack() {}

    /** The entries of a serialized listpack, or null when the blob is malformed. */
    public static List<byte[]> decode(byte[] lp) {
        try {
            return decode0(lp);
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            return null;
        }
    }

    private static List<byte[]> decode0(byte[] lp) {
        if (lp.length < 7) return null;
        long total = le(lp, 0, 4);
        if (total != lp.length || lp[lp.length - 1] != (byte) 0xff) return null;
        List<byte[]> out = new ArrayList<>();
        int p = 6;
        while (true) {
            int b = lp[p] & 0xff;
            if (b == 0xff) break;
            int start = p;
            byte[] entry;
            if ((b & 0x80) == 0) {
                entry = Numbers.formatLong(b);
                p += 1;
            } else if ((b & 0xc0) == 0x80) {
                int len = b & 0x3f;
                entry = slice(lp, p + 1, len);
                p += 1 + len;
            } else if ((b & 0xe0) == 0xc0) {
                long u = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
                entry = Numbers.formatLong(u >= (1 << 12) ? u - (1 << 13) : u);
                p += 2;
            } else if ((b & 0xf0) == 0xe0) {
                int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
                entry = slice(lp, p + 2, len);
                p += 2 + len;
            } else if (b == 0xf0) {
                long len = le(lp, p + 1, 4);
                if (len > lp.length) return null;
                entry = slice(lp, p + 5, (int) len);
                p += 5 + (int) len;
            } else if (b >= 0xf1 && b <= 0xf4) {
                int bytes = b == 0xf1 ? 2 : b == 0xf2 ? 3 : b == 0xf3 ? 4 : 8;
                long v = le(lp, p + 1, bytes);
                if (bytes < 8) {
                    int shift = 64 - 8 * bytes; // sign-extend
                    v = (v << shift) >> shift;
                }
                entry = Numbers.formatLong(v);
                p += 1 + bytes;
            } else {
                return null;
            }
            out.add(entry);
            p += backLengthSize(p - start);
        }
        if (p != lp.length - 1) return null;
        return out;
    }

    private static int backLengthSize(int entryLen) {
        if (entryLen < 128) return 1;
        if (entryLen < 16384) return 2;
        if (entryLen < 2097152) return 3;
        if (entryLen < 268435456) return 4;
        return 5;
    }

    private static byte[] slice(byte[] b, int off, int len) {
        if (off + len > b.length) throw new ArrayIndexOutOfBoundsException();
        byte[] s = new byte[len];
        System.arraycopy(b, off, s, 0, len);
        return s;
    }

    private static long le(byte[] b, int off, int n) {
        if (off + n > b.length) throw new ArrayIndexOutOfBoundsException();
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (b[off + i] & 0xff) << (8 * i);
        return v;
    }
}
