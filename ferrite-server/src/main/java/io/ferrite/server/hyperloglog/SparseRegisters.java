package io.ferrite.server.hyperloglog;

import static io.ferrite.server.hyperloglog.HyperLogLog.HDR_SIZE;
import static io.ferrite.server.hyperloglog.HyperLogLog.REGISTERS;

import java.util.Arrays;

/**
 * The sparse HLL encoding, and a growable working copy of one sparse string for a command that
 * changes several registers (PFADD with many elements, PFMERGE into a sparse key).
 *
 * <p>After the header come run-length opcodes covering the 16384 registers in order:
 * <pre>
 *   ZERO   00xxxxxx            xxxxxx+1 (1..64) registers at 0
 *   XZERO  01xxxxxx yyyyyyyy   14-bit big-endian length+1 (1..16384) registers at 0
 *   VAL    1vvvvvxx            xx+1 (1..4) registers at value vvvvv+1 (1..32)
 * </pre>
 * Byte identity with Redis depends on updating the opcodes exactly as hllSparseSet does: a
 * register above 32 promotes to dense; a VAL already large enough is left alone; a one-register
 * VAL or ZERO is rewritten in place; otherwise the run is split into at most three opcodes
 * (XZERO for zero runs above 64); the string is promoted when it would grow past
 * {@code hll-sparse-max-bytes} (header included); afterwards up to five opcodes from the one
 * before the change are scanned to merge adjacent equal VALs (at most 4 registers each).
 *
 * <p>Not thread-safe; a command builds one under the key's shard lock and stores
 * {@link #toBytes()} back. Corrupt input never throws: a missing trailing byte reads as 0 (the
 * sds terminator Redis reads), and an inconsistent run total is reported to the caller.
 */
public final class SparseRegisters {
    /** {@link #set} result: the string must become dense first. */
    public static final int PROMOTE = 2;
    /** {@link #set} result: the opcodes do not cover the register (corrupt). */
    public static final int CORRUPT = -1;

    private byte[] b;
    private int len;

    /** A working copy of the sparse string s, with room to grow. */
    public SparseRegisters(byte[] s) {
        this.b = Arrays.copyOf(s, s.length + 16);
        this.len = s.length;
    }

    public int length() { return len; }

    /** The current string, exact length (a new array). */
    public byte[] toBytes() {
        return Arrays.copyOf(b, len);
    }

    private int at(int i) {
        return i < len ? b[i] & 0xff : 0;
    }

    private static boolean isZero(int op) { return (op & 0xc0) == 0; }
    private static boolean isXzero(int op) { return (op & 0xc0) == 0x40; }
    private static boolean isVal(int op) { return (op & 0x80) != 0; }
    private static int valValue(int op) { return ((op >>> 2) & 0x1f) + 1; }
    private static int valLen(int op) { return (op & 3) + 1; }
    private static byte val(int value, int runLen) { return (byte) (0x80 | ((value - 1) << 2) | (runLen - 1)); }

    /**
     * Raises register index to count if lower. Returns 1 when changed (cache invalidated), 0
     * when not, {@link #PROMOTE} when the caller must convert to dense and set it there, or
     * {@link #CORRUPT}.
     */
    public int set(int index, int count, long maxBytes) {
        if (count > 32) return PROMOTE;
        int end = len;
        int p = HDR_SIZE, prev = -1;
        long first = 0, span = 0;
        int op = 0;
        while (p < end) {
            op = b[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) {
                span = (op & 0x3f) + 1;
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = (((op & 0x3f) << 8) | at(p + 1)) + 1;
                oplen = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) return CORRUPT;
        boolean xzero = isXzero(op), zero = isZero(op);
        int next = xzero ? p + 2 : p + 1;
        if (next >= end) next = -1;
        long runlen = span;

        if (!zero && !xzero) {
            int old = valValue(op);
            if (old >= count) return 0;
            if (runlen == 1) {
                b[p] = val(count, 1);
                return mergeFrom(prev);
            }
        }
        if (zero && runlen == 1) {
            b[p] = val(count, 1);
            return mergeFrom(prev);
        }

        // General case: split the run around the register into at most three opcodes.
        byte[] seq = new byte[5];
        int n = 0;
        long last = first + span - 1;
        if (zero || xzero) {
            if (index != first) n = zeroRun(seq, n, (int) (index - first));
            seq[n++] = val(count, 1);
            if (index != last) n = zeroRun(seq, n, (int) (last - index));
        } else {
            int cur = valValue(op);
            if (index != first) seq[n++] = val(cur, (int) (index - first));
            seq[n++] = val(count, 1);
            if (index != last) seq[n++] = val(cur, (int) (last - index));
        }
        int delta = n - (xzero ? 2 : 1);
        if (delta > 0 && (long) len + delta > maxBytes) return PROMOTE;
        if (len + delta + 8 > b.length || p + n + 8 > b.length) b = Arrays.copyOf(b, Math.max(b.length * 2, p + n + 16));
        if (delta != 0 && next != -1) System.arraycopy(b, next, b, next + delta, end - next);
        len += delta;
        System.arraycopy(seq, 0, b, p, n);
        return mergeFrom(prev);
    }

    private static int zeroRun(byte[] seq, int n, int runLen) {
        if (runLen > 64) {
            seq[n++] = (byte) (0x40 | ((runLen - 1) >>> 8));
            seq[n++] = (byte) ((runLen - 1) & 0xff);
        } else {
            seq[n++] = (byte) (runLen - 1);
        }
        return n;
    }

    /** Merges adjacent equal VALs in the five opcodes from prev (or the first), invalidates. */
    private int mergeFrom(int prev) {
        int p = prev >= 0 ? prev : HDR_SIZE;
        int scan = 5;
        while (p < len && scan-- != 0) {
            int op = b[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
                continue;
            } else if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < len && isVal(b[p + 1])) {
                int op2 = b[p + 1] & 0xff;
                if (valValue(op) == valValue(op2)) {
                    int runLen = valLen(op) + valLen(op2);
                    if (runLen <= 4) {
                        b[p + 1] = val(valValue(op), runLen);
                        System.arraycopy(b, p + 1, b, p, len - p - 1);
                        len--;
                        b[len] = 0;
                        // Stay on p: the merged opcode may merge again with the one after it.
                        continue;
                    }
                }
            }
            p++;
        }
        HyperLogLog.invalidateCache(b);
        return 1;
    }

    /** This string converted to dense (header copied, card included), or null if corrupt. */
    public byte[] toDense() {
        return toDense(b, len);
    }

    /** The dense form of sparse string s of length len, or null if its runs do not total 16384. */
    public static byte[] toDense(byte[] s, int len) {
        byte[] d = DenseRegisters.withHeaderOf(s);
        int idx = 0;
        int p = HDR_SIZE;
        while (p < len) {
            int op = s[p] & 0xff;
            if (isZero(op)) {
                idx += (op & 0x3f) + 1;
                p++;
            } else if (isXzero(op)) {
                idx += (((op & 0x3f) << 8) | (p + 1 < len ? s[p + 1] & 0xff : 0)) + 1;
                p += 2;
            } else {
                int run = valLen(op), v = valValue(op);
                // Overflow is corruption (Redis's CVE-2025-32023 fix returns an error here, not a break).
                if (idx + run > REGISTERS) return null;
                for (int k = 0; k < run; k++) DenseRegisters.set(d, idx++, v);
                p++;
            }
            if (idx > REGISTERS) break;
        }
        return idx == REGISTERS ? d : null;
    }

    /** Adds the register values of sparse string s (length len) to histo; false if corrupt. */
    static boolean histogram(byte[] s, int len, int[] histo) {
        long idx = 0;
        int p = HDR_SIZE;
        while (p < len) {
            int op = s[p] & 0xff;
            if (isZero(op)) {
                int run = (op & 0x3f) + 1;
                idx += run;
                histo[0] += run;
                p++;
            } else if (isXzero(op)) {
                int run = (((op & 0x3f) << 8) | (p + 1 < len ? s[p + 1] & 0xff : 0)) + 1;
                idx += run;
                histo[0] += run;
                p += 2;
            } else {
                int run = valLen(op);
                idx += run;
                histo[valValue(op)] += run;
                p++;
            }
        }
        return idx == REGISTERS;
    }

    /** raw[i] = max(raw[i], register i); false if corrupt (raw then holds a partial merge). */
    public static boolean mergeInto(byte[] raw, byte[] s) {
        int i = 0;
        int p = HDR_SIZE, len = s.length;
        while (p < len) {
            int op = s[p] & 0xff;
            if (isZero(op)) {
                i += (op & 0x3f) + 1;
                p++;
            } else if (isXzero(op)) {
                i += (((op & 0x3f) << 8) | (p + 1 < len ? s[p + 1] & 0xff : 0)) + 1;
                p += 2;
            } else {
                int run = valLen(op), v = valValue(op);
                // Overflow is corruption (Redis's CVE-2025-32023 fix returns an error here, not a break).
                if (i + run > REGISTERS) return false;
                for (int k = 0; k < run; k++, i++) if (v > raw[i]) raw[i] = (byte) v;
                p++;
            }
            if (i > REGISTERS) break;
        }
        return i == REGISTERS;
    }

    /** PFDEBUG DECODE text: "z:N" ZERO, "Z:N" XZERO, "v:value,len" VAL, space separated. */
    public static String decode(byte[] s) {
        StringBuilder sb = new StringBuilder();
        int p = HDR_SIZE, len = s.length;
        while (p < len) {
            int op = s[p] & 0xff;
            if (sb.length() > 0) sb.append(' ');
            if (isZero(op)) {
                sb.append("z:").append((op & 0x3f) + 1);
                p++;
            } else if (isXzero(op)) {
                sb.append("Z:").append((((op & 0x3f) << 8) | (p + 1 < len ? s[p + 1] & 0xff : 0)) + 1);
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op));
                p++;
            }
        }
        return sb.toString();
    }
}
