package io.ferrite.server.hyperloglog;

import static io.ferrite.server.hyperloglog.HyperLogLog.DENSE_SIZE;
import static io.ferrite.server.hyperloglog.HyperLogLog.HDR_SIZE;
import static io.ferrite.server.hyperloglog.HyperLogLog.LONG_LE;
import static io.ferrite.server.hyperloglog.HyperLogLog.REGISTERS;

/**
 * The dense HLL encoding: 16384 six-bit registers packed LSB first after the 16-byte header of
 * a 12304-byte string (register r occupies bits 6r..6r+5 of the register area).
 *
 * <pre>
 *   byte 16        byte 17        byte 18
 *   +--------+     +--------+     +--------+
 *   |11000000|     |22221111|     |33333322|   (digits: register number, LSB on the right)
 *   +--------+     +--------+     +--------+
 * </pre>
 *
 * <p>Eight registers fill exactly six bytes, so the bulk operations (histogram, union into a
 * byte-per-register buffer, packing back) read those six bytes as one little-endian long and
 * take the registers apart with shifts, or with {@link Long#expand}/{@link Long#compress}
 * (PDEP/PEXT on x86 with BMI2), and take maxima eight lanes at a time (SWAR). Redis 7.2 does
 * these one register at a time; Redis 8 added AVX2 paths for the same job.
 */
public final class DenseRegisters {
    private DenseRegisters() {}

    /** Low six bits of each byte lane. */
    private static final long LANES = 0x3F3F3F3F3F3F3F3FL;
    private static final long HIGH = 0x8080808080808080L;
    /** Groups of eight registers; the last one is read byte by byte (a long would pass the end). */
    private static final int GROUPS = REGISTERS / 8;

    public static int get(byte[] b, int r) {
        int bit = r * 6;
        int at = HDR_SIZE + (bit >>> 3);
        int fb = bit & 7;
        int b0 = b[at] & 0xff;
        // Redis reads the sds terminator past the last register; its bits are masked away anyway.
        int b1 = at + 1 < b.length ? b[at + 1] & 0xff : 0;
        return ((b0 >>> fb) | (b1 << (8 - fb))) & 63;
    }

    public static void set(byte[] b, int r, int v) {
        int bit = r * 6;
        int at = HDR_SIZE + (bit >>> 3);
        int fb = bit & 7;
        b[at] = (byte) ((b[at] & ~(63 << fb)) | (v << fb));
        if (fb > 2) b[at + 1] = (byte) ((b[at + 1] & ~(63 >>> (8 - fb))) | (v >>> (8 - fb)));
    }

    /** Raises register r to count if lower; true if it changed. */
    public static boolean raise(byte[] b, int r, int count) {
        if (count <= get(b, r)) return false;
        set(b, r, count);
        return true;
    }

    /** PFADD of one element into dense string b; true if a register changed (caller invalidates). */
    public static boolean add(byte[] b, byte[] element) {
        long hash = HyperLogLog.hash(element);
        return raise(b, HyperLogLog.index(hash), HyperLogLog.count(hash));
    }

    /** A new dense HLL with every register zero (cached card 0, valid). */
    public static byte[] empty() {
        return withHeaderOf(HyperLogLog.create());
    }

    /** Eight registers of group g as the low 48 bits of a long. */
    private static long group(byte[] b, int g) {
        int at = HDR_SIZE + 6 * g;
        if (g < GROUPS - 1) return (long) LONG_LE.get(b, at);
        long w = 0;
        for (int i = 5; i >= 0; i--) w = (w << 8) | (b[at + i] & 0xff);
        return w;
    }

    /** Adds the value of every register to histo (histo has 64 slots). */
    static void histogram(byte[] b, int[] histo) {
        for (int g = 0; g < GROUPS; g++) {
            long w = group(b, g);
            if ((w & 0xFFFF_FFFF_FFFFL) == 0) {
                histo[0] += 8;
                continue;
            }
            for (int k = 0; k < 48; k += 6) histo[(int) (w >>> k) & 63]++;
        }
    }

    /**
     * raw[i] = max(raw[i], register i) for all registers: the union step of multi-key PFCOUNT
     * and PFMERGE. raw holds one register per byte, values below 128.
     */
    public static void mergeInto(byte[] raw, byte[] b) {
        for (int g = 0; g < GROUPS; g++) {
            long lanes = Long.expand(group(b, g), LANES);
            int at = g << 3;
            long cur = (long) LONG_LE.get(raw, at);
            LONG_LE.set(raw, at, maxLanes(cur, lanes));
        }
    }

    /** Per-byte unsigned max of two longs whose lanes are all below 128. */
    static long maxLanes(long a, long b) {
        long ge = ((a | HIGH) - b) & HIGH; // lane's top bit survives where a >= b
        long mask = (ge >>> 7) * 0xFF;
        return (a & mask) | (b & ~mask);
    }

    /** Writes the registers of raw (one per byte, each at most 63) into the dense string b. */
    public static void pack(byte[] raw, byte[] b) {
        for (int g = 0; g < GROUPS; g++) {
            long w = Long.compress((long) LONG_LE.get(raw, g << 3), LANES);
            int at = HDR_SIZE + 6 * g;
            if (g < GROUPS - 1) {
                // Writes two bytes too many; the next group overwrites them.
                LONG_LE.set(b, at, w);
            } else {
                for (int i = 0; i < 6; i++) b[at + i] = (byte) (w >>> (8 * i));
            }
        }
    }

    /** A dense string with header copied from hdr (magic and cached card) and the given registers. */
    static byte[] withHeaderOf(byte[] hdr) {
        byte[] d = new byte[DENSE_SIZE];
        System.arraycopy(hdr, 0, d, 0, HDR_SIZE);
        d[HyperLogLog.ENCODING_OFFSET] = HyperLogLog.DENSE;
        return d;
    }
}
