package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The LZF compressor against the decompressor that reads Redis's blocks (and redis-server reads ours: RdbRedisInteropTest). */
class LzfTest {
    private final Lzf.Compressor lzf = new Lzf.Compressor();

    private byte[] roundTrip(byte[] in) {
        byte[] out = new byte[in.length + in.length / 32 + 64]; // worst case: a control byte per 32 literals
        int n = lzf.compress(in, out, out.length);
        assertThat(n).as("fits with room to spare").isPositive();
        return Lzf.decompress(out, 0, n, in.length);
    }

    @Test
    void repetitiveTextShrinksAndComesBackExactly() {
        byte[] in = "abcabcabc".repeat(200).concat("tail").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[in.length];
        int n = lzf.compress(in, out, out.length);
        assertThat(n).isBetween(1, in.length / 20);
        assertThat(Lzf.decompress(out, 0, n, in.length)).isEqualTo(in);
    }

    @Test
    void everyShapeRoundTrips() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int round = 0; round < 3000; round++) {
            int len = rnd.nextInt(round < 1000 ? 80 : 20_000) + 1;
            byte[] in = new byte[len];
            int alphabet = 1 + rnd.nextInt(round % 3 == 0 ? 256 : 4); // random bytes, or long runs and repeats
            for (int i = 0; i < len; i++) {
                if (i > 10 && rnd.nextInt(4) == 0) {
                    int back = 1 + rnd.nextInt(Math.min(i, 9000)); // repeats near and beyond the 8192 window
                    in[i] = in[i - back];
                } else {
                    in[i] = (byte) rnd.nextInt(alphabet);
                }
            }
            assertThat(roundTrip(in)).as("round %d, %d bytes", round, len).isEqualTo(in);
        }
    }

    @Test
    void incompressibleInputDoesNotFitAndSaysSo() {
        byte[] in = new byte[1000];
        new SplittableRandom(2).nextBytes(in);
        byte[] out = new byte[in.length - 4]; // what RdbOutput allows: it must save 4 bytes
        assertThat(lzf.compress(in, out, out.length)).isZero();
    }

    @Test
    void longMatchesUseTheExtraLengthByte() {
        byte[] in = new byte[5000]; // all zeros: one literal, then matches of the maximum length 264
        byte[] out = new byte[in.length];
        int n = lzf.compress(in, out, out.length);
        assertThat(n).isLessThan(70);
        assertThat(Lzf.decompress(out, 0, n, in.length)).isEqualTo(in);
    }
}
