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
 * Ferrite reads LZF so that Redis-made payloads restore; it writes strings uncompressed, which
 * every Redis version also accepts.
 */
final class Lzf {
    private Lzf() {}

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
