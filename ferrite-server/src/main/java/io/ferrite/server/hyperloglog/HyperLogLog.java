package io.ferrite.server.hyperloglog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Redis's HyperLogLog string format: the functions that hash elements, check, create and count
 * the byte strings. An HLL is an ordinary string value ({@code byte[]} in the keyspace), so TYPE,
 * GET, SET, APPEND, DUMP and RESTORE see exactly the bytes Redis 7.2 would store; owned by the
 * key's shard, call under its lock.
 *
 * <p>Representation (hyperloglog.c of Redis 7.2.6, studied, not copied):
 * <pre>
 *   +------+---+-----+----------+-----------------------------------------+
 *   | HYLL | E | 000 | card[8]  | registers: dense 12288 bytes or sparse  |
 *   +------+---+-----+----------+-----------------------------------------+
 *    0..3   4   5..7   8..15     16..
 * </pre>
 * E is 0 (dense) or 1 (sparse). card is the cached cardinality, little-endian; it is valid iff
 * bit 7 of card[7] is clear, and invalidation only sets that bit (the stale bytes stay, as
 * they do in Redis's GET output). There are 2^14 registers of 6 bits. Dense: packed LSB first,
 * register r at bit 6r of the register area, 12304 bytes in all. Sparse: run-length opcodes,
 * see {@link SparseRegisters}; a new key is sparse {@code XZERO:16384} (18 bytes) and becomes
 * dense when a register exceeds 32 or the string would pass {@code hll-sparse-max-bytes}.
 *
 * <p>Elements are hashed with MurmurHash64A (seed 0xadc83b19, 8-byte blocks little-endian); the
 * low 14 bits select the register, the position of the first set bit among the other 50 (plus
 * one, at most 51) is its candidate value. The estimate is Ertl's improved estimator
 * (arXiv:1702.01284, used by Redis since 5.0), evaluated in the same floating-point order so the
 * counts equal Redis's. Standard error 1.04/sqrt(16384) = 0.81%.
 *
 * <p>Complexity: PFADD O(1) dense, O(sparse bytes) sparse (at most 3000 by default); a count is
 * O(16384). Where Ferrite differs: a sparse string is stored at its exact length (Redis keeps
 * slack in the sds allocation), so a growing sparse HLL is reallocated once per PFADD call.
 *
 * <p>References: [1] Redis 7.2.6 src/hyperloglog.c; [2] O. Ertl, "New cardinality estimation
 * algorithms for HyperLogLog sketches", arXiv:1702.01284; [3]
 * https://redis.io/docs/latest/develop/data-types/probabilistic/hyperloglogs/.
 */
public final class HyperLogLog {
    private HyperLogLog() {}

    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int BITS = 6;
    public static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int HDR_SIZE = 16;
    public static final int DENSE_SIZE = HDR_SIZE + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0, SPARSE = 1;
    static final int ENCODING_OFFSET = 4;
    static final int CARD_OFFSET = 8;

    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // ---------------------------------------------------------------- hashing

    /** MurmurHash64A of b with Redis's seed, endian-neutral (blocks read little-endian). */
    public static long hash(byte[] b) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int len = b.length;
        long h = 0xadc83b19L ^ (len * m);
        int blocks = len - (len & 7);
        for (int i = 0; i < blocks; i += 8) {
            long k = (long) LONG_LE.get(b, i);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int tail = len & 7;
        if (tail != 0) {
            // The C switch falls through from the highest tail byte down to byte 0, then multiplies.
            for (int i = tail - 1; i >= 0; i--) h ^= (long) (b[blocks + i] & 0xff) << (8 * i);
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** The register an element hashes to: the low 14 bits of the hash. */
    static int index(long hash) {
        return (int) (hash & (REGISTERS - 1));
    }

    /** The candidate register value: 1 + zeros before the first set bit above the index (1..51). */
    static int count(long hash) {
        return Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
    }

    // ---------------------------------------------------------------- the header

    /** A new empty HLL as Redis creates it: sparse, one XZERO of 16384 registers, card 0 valid. */
    public static byte[] create() {
        byte[] b = new byte[HDR_SIZE + 2];
        b[0] = 'H'; b[1] = 'Y'; b[2] = 'L'; b[3] = 'L';
        b[ENCODING_OFFSET] = SPARSE;
        b[HDR_SIZE] = (byte) (0x40 | ((REGISTERS - 1) >>> 8));
        b[HDR_SIZE + 1] = (byte) ((REGISTERS - 1) & 0xff);
        return b;
    }

    /**
     * Whether b passes Redis's isHLLObjectOrReply: at least a header, the magic, a known
     * encoding, and the exact size when dense. A sparse body is only checked while decoding it.
     */
    public static boolean isValid(byte[] b) {
        if (b.length < HDR_SIZE) return false;
        if (b[0] != 'H' || b[1] != 'Y' || b[2] != 'L' || b[3] != 'L') return false;
        int enc = b[ENCODING_OFFSET] & 0xff;
        if (enc > SPARSE) return false;
        return enc != DENSE || b.length == DENSE_SIZE;
    }

    public static int encoding(byte[] b) {
        return b[ENCODING_OFFSET] & 0xff;
    }

    public static boolean cacheValid(byte[] b) {
        return (b[CARD_OFFSET + 7] & 0x80) == 0;
    }

    public static long cachedCard(byte[] b) {
        return (long) LONG_LE.get(b, CARD_OFFSET);
    }

    public static void storeCard(byte[] b, long card) {
        LONG_LE.set(b, CARD_OFFSET, card);
    }

    /** Marks the cached cardinality stale by setting the top bit only (Redis HLL_INVALIDATE_CACHE). */
    public static void invalidateCache(byte[] b) {
        b[CARD_OFFSET + 7] |= (byte) 0x80;
    }

    // ---------------------------------------------------------------- counting

    /**
     * The cardinality estimate of a valid HLL, or -1 when its sparse body is corrupt (the
     * registers do not add up to exactly 16384).
     */
    public static long count(byte[] b) {
        int[] histo = new int[64];
        if (encoding(b) == DENSE) {
            DenseRegisters.histogram(b, histo);
        } else if (!SparseRegisters.histogram(b, b.length, histo)) {
            return -1;
        }
        return estimate(histo);
    }

    /** The estimate over one register per byte (the union buffer of multi-key PFCOUNT). */
    public static long countRaw(byte[] raw) {
        int[] histo = new int[64];
        for (int i = 0; i < REGISTERS; i += 8) {
            long w = (long) LONG_LE.get(raw, i);
            if (w == 0) {
                histo[0] += 8;
                continue;
            }
            for (int k = 0; k < 64; k += 8) histo[(int) (w >>> k) & 63]++;
        }
        return estimate(histo);
    }

    /** Ertl's estimator from the register-value histogram, in Redis's floating-point order. */
    public static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        // 0.5/ln(2); llroundl rounds halves away from zero, Math.round up: equal for z > 0.
        return Math.round(0.721347520444481703680 * m * m / z);
    }

    static double sigma(double x) {
        if (x == 1.) return Double.POSITIVE_INFINITY;
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0. || x == 1.) return 0.;
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            // pow(d, 2) in glibc is correctly rounded, as is the single product d*d.
            z -= d * d * y;
        } while (zPrime != z);
        return z / 3;
    }
}
