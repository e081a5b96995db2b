package io.ferrite.server.list;

import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.keyspace.RdbOutput;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import java.util.Arrays;

/**
 * The RDB body of a list for DUMP and RESTORE (rdb.c of Redis 7.2.6, rdbSaveObject and
 * rdbLoadObject).
 *
 * <ul>
 *   <li>Written as RDB_TYPE_LIST (1): the length, then each element as an RDB string. Every
 *       Redis since 1.0 loads it, Redis 7 included (into a quicklist, then converted).</li>
 *   <li>Read: RDB_TYPE_LIST (1), and RDB_TYPE_LIST_QUICKLIST_2 (18), which Redis 7 writes: the
 *       node count, then per node its container (1 plain: the blob is one element; 2 packed:
 *       the blob is a listpack) and the blob. Packed nodes stay nodes, as Redis loads them.</li>
 * </ul>
 *
 * A listpack blob (listpack.c):
 * <pre>
 * | total bytes: 4 LE | count: 2 LE (65535 = unknown) | entry ... | 0xFF |
 * entry = encoding [+ length] + data + back-length (1-5 bytes, size of encoding + data)
 *   0xxxxxxx 7-bit uint       10xxxxxx 6-bit length string   110xxxxx +1 B 13-bit int
 *   1110xxxx +1 B 12-bit length string   F1/F2/F3/F4 16/24/32/64-bit int   F0 32-bit length string
 * </pre>
 * Integers are returned as their decimal text, which is the text a client pushed (Redis only
 * stores canonical integers as numbers).
 */
public final class ListDump {
    public static final int RDB_TYPE_LIST = 1;
    public static final int RDB_TYPE_LIST_QUICKLIST_2 = 18;
    private static final int CONTAINER_PLAIN = 1, CONTAINER_PACKED = 2;
    private static final CommandError BAD_FORMAT = new CommandError("ERR Bad data format");
    /** The node limit for restored lists: list-max-listpack-size's default (no config here). */
    private static final int DEFAULT_FILL = -2;

    private ListDump() {}

    /** The body of an RDB_TYPE_LIST object (the caller wrote the type byte). */
    public static void write(ListValue l, RdbOutput out) {
        out.writeLength(l.size());
        if (l.isEmpty()) return;
        ListValue.Cursor it = l.cursor(0, false);
        while (it.hasNext()) out.writeString(it.next());
    }

    /** A list from the body of an RDB object of the given type; "ERR Bad data format" if it is not valid. */
    public static ListValue read(int type, RdbInput in) {
        ListValue l = ListValue.quicklistFor(DEFAULT_FILL);
        long n = in.readLength();
        if (type == RDB_TYPE_LIST) {
            for (long i = 0; i < n; i++) l.push(in.readString(), false);
        } else if (type == RDB_TYPE_LIST_QUICKLIST_2) {
            for (long i = 0; i < n; i++) {
                long container = in.readLength();
                byte[] blob = in.readString();
                if (blob.length == 0) throw BAD_FORMAT;
                if (container == CONTAINER_PLAIN) {
                    l.appendNode(new byte[][] {blob}, 1);
                } else if (container == CONTAINER_PACKED) {
                    byte[][] elements = listpack(blob);
                    if (elements.length > 0) l.appendNode(elements, elements.length);
                } else {
                    throw BAD_FORMAT;
                }
            }
        } else {
            throw BAD_FORMAT;
        }
        // Redis refuses empty lists ("empty keys skipped", RESTORE: bad data format).
        if (l.isEmpty()) throw BAD_FORMAT;
        l.convertAuto(DEFAULT_FILL);
        return l;
    }

    /**
     * The elements of a listpack blob, validated as Redis's lpValidateIntegrity does; shared by
     * every type whose RDB form is a listpack (lists, hashes, sets).
     */
    public static byte[][] listpack(byte[] lp) {
        if (lp.length < ListValue.LISTPACK_EMPTY) throw BAD_FORMAT;
        long total = le(lp, 0, 4);
        int declared = (int) le(lp, 4, 2);
        if (total != lp.length || (lp[lp.length - 1] & 0xff) != 0xff) throw BAD_FORMAT;
        byte[][] out = new byte[declared == 0xffff ? 16 : declared][];
        int count = 0;
        int p = 6, end = lp.length - 1;
        while (p < end) {
            int b = lp[p] & 0xff;
            int start = p;
            byte[] v;
            if ((b & 0x80) == 0) {
                v = Numbers.formatLong(b);
                p += 1;
            } else if ((b & 0xc0) == 0x80) {
                int len = b & 0x3f;
                v = slice(lp, p + 1, len, end);
                p += 1 + len;
            } else if ((b & 0xe0) == 0xc0) {
                need(lp, p, 2, end);
                long x = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
                v = Numbers.formatLong(x >= 1 << 12 ? x - (1 << 13) : x);
                p += 2;
            } else if ((b & 0xf0) == 0xe0) {
                need(lp, p, 2, end);
                int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
                v = slice(lp, p + 2, len, end);
                p += 2 + len;
            } else if (b == 0xf0) {
                need(lp, p, 5, end);
                long len = le(lp, p + 1, 4);
                if (len > end - p - 5) throw BAD_FORMAT;
                v = slice(lp, p + 5, (int) len, end);
                p += 5 + (int) len;
            } else if (b >= 0xf1 && b <= 0xf4) {
                int bytes = b == 0xf1 ? 2 : b == 0xf2 ? 3 : b == 0xf3 ? 4 : 8;
                need(lp, p, 1 + bytes, end);
                long x = le(lp, p + 1, bytes);
                if (bytes < 8) {
                    int shift = 64 - 8 * bytes;
                    x = (x << shift) >> shift; // sign-extend
                }
                v = Numbers.formatLong(x);
                p += 1 + bytes;
            } else {
                throw BAD_FORMAT;
            }
            int encoded = p - start;
            int back = backlenBytes(encoded);
            if (p + back > end || backlen(lp, p, back) != encoded) throw BAD_FORMAT;
            p += back;
            if (count == out.length) out = Arrays.copyOf(out, count * 2);
            out[count++] = v;
        }
        if (p != end || (declared != 0xffff && declared != count)) throw BAD_FORMAT;
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    private static void need(byte[] lp, int p, int n, int end) {
        if (p + n > end) throw BAD_FORMAT;
    }

    private static byte[] slice(byte[] lp, int from, int len, int end) {
        if (from + len > end) throw BAD_FORMAT;
        return Arrays.copyOfRange(lp, from, from + len);
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (b[off + i] & 0xff) << (8 * i);
        return v;
    }

    private static int backlenBytes(long l) {
        if (l <= 127) return 1;
        if (l < 16383) return 2;
        if (l < 2097151) return 3;
        if (l < 268435455) return 4;
        return 5;
    }

    /** Decodes a back-length of n bytes at p: big-endian 7-bit groups, continuation bit on all but the first. */
    private static long backlen(byte[] lp, int p, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 7) | (lp[p + i] & 0x7f);
        return v;
    }
}
