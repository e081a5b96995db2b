package io.ferrite.server.keyspace;

/**
 * Decompression of LZF blocks (Marc Lehmann's liblzf format), which Redis uses for strings longer
 * than 20 bytes in RDB files and DUMP payloads when {@code rdbcompression} is on.
 *
 * <p>A block is a sequence of runs, each introduced by a control byte {@code c}:
 * <ul>
 *   <li>{@code c < 32}: a literal run; the next {@code c + 1} bytes are copied as they are.</li>
 *   <li>otherwise a back reference: length {@code (c >> 5) + 2}, where a 3-bit field of 7 means
 *       "add the next byte"; distance {@code ((c & 0x1f) << 8) + next byte + 1} back from the end of
 *       the output. The source may overlap what is being written (run-length repeats).</li>
 * </ul>
 * Ferrite reads LZF so that Redis-made payloads and files load, and writes it in RDB files (with
 * {@code rdbcompression yes}); its DUMP payloads stay uncompressed, which every Redis accepts.
 *
 * <p>The compressor is a greedy one over a hash of the next three bytes (the format's minimum
 * match): not liblzf's code, so its output need not be byte-identical with Redis's, only valid.
 */
final class Lzf {
    private static final int HASH_BITS = 14;
    private static final int MAX_DISTANCE = 1 << 13; // 13 offset bits: back 1..8192
    private static final int MAX_MATCH = 7 + 255 + 2; // 3-bit length field of 7 plus one extra byte, plus 2
    private static final int MAX_LITERALS = 32;

    private Lzf() {}

    /**
     * An LZF compressor with its hash table, reused string after string: table entries hold
     * {@code base + position}, and each call moves {@code base} past every earlier entry, so a
     * short string does not pay for clearing 16k slots.
     */
    static final class Compressor {
        private final int[] table = new int[1 << HASH_BITS];
        private int base = Integer.MIN_VALUE;

        Compressor() {
            java.util.Arrays.fill(table, Integer.MIN_VALUE);
        }

        /**
         * Compresses {@code in} into {@code out[0, cap)}; returns the compressed length, or 0 when it
         * does not fit (the caller then stores the bytes as they are).
         */
        int compress(byte[] in, byte[] out, int cap) {
            int n = in.length;
            if (cap < 1 || n == 0) return 0;
            if (base > Integer.MAX_VALUE - n - MAX_DISTANCE - 2) { // wrapped: start the table over
                java.util.Arrays.fill(table, Integer.MIN_VALUE);
                base = Integer.MIN_VALUE;
            }
            base += MAX_DISTANCE + 1; // every entry of an earlier call is now out of reach
            int start = base;
            base += n;
            int ip = 0, op = 1, ctrl = 0, literals = 0; // out[ctrl]: the open literal run's control byte
            while (ip < n) {
                if (ip + 2 < n) {
                    int h = hash(in, ip);
                    int ref = table[h] - start; // negative or far: an earlier call's entry, or none
                    table[h] = start + ip;
                    if (ref >= 0 && ref < ip && ip - ref <= MAX_DISTANCE && in[ref] == in[ip]
                            && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                        int max = Math.min(n - ip, MAX_MATCH), len = 3;
                        while (len < max && in[ref + len] == in[ip + len]) len++;
                        if (literals > 0) out[ctrl] = (byte) (literals - 1);
                        else op = ctrl; // no literals before the match: drop the reserved control byte
                        int distance = ip - ref - 1, code = len - 2;
                        if (op + 4 > cap) return 0; // the reference (up to 3 bytes) and the next control byte
                        if (code < 7) {
                            out[op++] = (byte) ((code << 5) | (distance >>> 8));
                        } else {
                            out[op++] = (byte) ((7 << 5) | (distance >>> 8));
                            out[op++] = (byte) (code - 7);
                        }
                        out[op++] = (byte) distance;
                        ctrl = op++;
                        literals = 0;
                        // Index the positions inside the match too, so later repeats find them.
                        int end = ip + len;
                        for (int p = ip + 1; p < end && p + 2 < n; p++) table[hash(in, p)] = start + p;
                        ip = end;
                        continue;
                    }
                }
                if (op >= cap) return 0;
                out[op++] = in[ip++];
                if (++literals == MAX_LITERALS) {
                    out[ctrl] = (byte) (MAX_LITERALS - 1);
                    if (op >= cap) return 0;
                    ctrl = op++;
                    literals = 0;
                }
            }
            if (literals > 0) out[ctrl] = (byte) (literals - 1);
            else op = ctrl;
            return op;
        }
    }

    private static int hash(byte[] in, int p) {
        int v = (in[p] & 0xff) << 16 | (in[p + 1] & 0xff) << 8 | (in[p + 2] & 0xff);
        return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    /** Decodes {@code len} bytes of {@code in} from {@code off}; null unless exactly {@code outLen} bytes result. */
    static byte[] decompress(byte[] in, int off, int len, int outLen) {
        byte[] out = new byte[outLen];
        int ip = off, end = off + len, op = 0;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (ip + run > end || op + run > outLen) return null;
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int run = ctrl >>> 5;
                if (run == 7) {
                    if (ip >= end) return null;
                    run += in[ip++] & 0xff;
                }
                if (ip >= end) return null;
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                run += 2;
                if (ref < 0 || op + run > outLen) return null;
                for (int i = 0; i < run; i++) out[op++] = out[ref++]; // byte by byte: runs may overlap
            }
        }
        return op == outLen ? out : null;
    }
}
