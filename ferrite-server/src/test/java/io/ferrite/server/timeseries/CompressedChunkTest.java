package io.ferrite.server.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressedChunkTest {
    /** Appends until full, decodes both ways and compares every bit. */
    private static void roundTrip(Chunk c, long[] ts, double[] vs) {
        int n = 0;
        while (n < ts.length && c.append(ts[n], vs[n])) n++;
        assertThat(c.count()).isEqualTo(n);
        long[] t2 = new long[n];
        double[] v2 = new double[n];
        c.decode(t2, v2, 0);
        Chunk.Cursor cur = c.cursor();
        for (int i = 0; i < n; i++) {
            assertThat(t2[i]).as("ts %d", i).isEqualTo(ts[i]);
            assertThat(Double.doubleToLongBits(v2[i])).as("value %d", i).isEqualTo(Double.doubleToLongBits(vs[i]));
            assertThat(cur.next()).isTrue();
            assertThat(cur.ts()).isEqualTo(ts[i]);
            assertThat(Double.doubleToLongBits(cur.value())).isEqualTo(Double.doubleToLongBits(vs[i]));
        }
        assertThat(cur.next()).isFalse();
        if (n > 0) {
            assertThat(c.first()).isEqualTo(ts[0]);
            assertThat(c.last()).isEqualTo(ts[n - 1]);
        }
    }

    @Test
    void randomSamplesRoundTripExactlyIncludingExtremeDeltasAndSpecialValues() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            int n = 1 + rnd.nextInt(2000);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = rnd.nextInt(3) == 0 ? rnd.nextLong(Long.MAX_VALUE / 4) : rnd.nextInt(1_000_000);
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(8);
                long step = switch (kind) {
                    case 0 -> 1;
                    case 1 -> 1000;
                    case 2 -> 1 + rnd.nextInt(16);
                    case 3 -> 1 + rnd.nextInt(300);
                    case 4 -> 1 + rnd.nextInt(70_000);
                    case 5 -> 1 + rnd.nextLong(1L << 40);
                    default -> 10;
                };
                t += step;
                ts[i] = t;
                vs[i] = switch (rnd.nextInt(9)) {
                    case 0 -> i > 0 ? vs[i - 1] : 0;
                    case 1 -> rnd.nextInt(100);
                    case 2 -> rnd.nextGaussian() * 1e6;
                    case 3 -> Double.longBitsToDouble(rnd.nextLong());
                    case 4 -> Double.POSITIVE_INFINITY;
                    case 5 -> -0.0;
                    case 6 -> Double.MIN_VALUE;
                    default -> 20 + rnd.nextInt(5) * 0.5;
                };
                if (Double.isNaN(vs[i])) vs[i] = Double.NaN; // NaNs are stored canonical
            }
            roundTrip(new CompressedChunk(48 + 8 * rnd.nextInt(600)), ts, vs);
            roundTrip(new UncompressedChunk(48 + 8 * rnd.nextInt(600)), ts, vs);
        }
    }

    @Test
    void regularGaugeCostsUnderTwoBytesPerSample() {
        Random rnd = new Random(7);
        CompressedChunk c = new CompressedChunk(4096);
        double v = 50;
        long t = 1_700_000_000_000L;
        int n = 0;
        while (c.append(t, v)) {
            n++;
            t += 1000;
            if (rnd.nextInt(4) == 0) v = Math.round((v + rnd.nextInt(3) - 1) * 2) / 2.0;
        }
        double bytesPerSample = (double) c.bytes() / c.count();
        assertThat(bytesPerSample).isLessThan(2.0);
        assertThat(c.bytes()).isBetween(4096, 4096 + 20);
    }

    @Test
    void fullChunkRefusesTheNextSampleAndKeepsItsContent() {
        UncompressedChunk c = new UncompressedChunk(48);
        assertThat(c.append(1, 1)).isTrue();
        assertThat(c.append(2, 2)).isTrue();
        assertThat(c.append(3, 3)).isTrue();
        assertThat(c.append(4, 4)).isFalse();
        assertThat(c.count()).isEqualTo(3);
        assertThat(c.lastValue()).isEqualTo(3.0);
    }

    @Test
    void replacingTheLastValueReencodesItInPlace() {
        Random rnd = new Random(11);
        for (int round = 0; round < 200; round++) {
            Chunk c = rnd.nextBoolean() ? new CompressedChunk(65536) : new UncompressedChunk(65536);
            int n = 1 + rnd.nextInt(300);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = rnd.nextInt(1000);
            int k = 0;
            for (int i = 0; i < n; i++) {
                t += 1 + rnd.nextInt(2000);
                double v = rnd.nextInt(3) == 0 ? rnd.nextGaussian() : rnd.nextInt(5);
                assertThat(c.append(t, v)).isTrue();
                ts[k] = t;
                vs[k] = v;
                k++;
                for (int r = rnd.nextInt(3); r > 0; r--) {
                    double w = rnd.nextInt(2) == 0 ? rnd.nextGaussian() * 1e9 : rnd.nextInt(5);
                    c.replaceLast(w);
                    vs[k - 1] = w;
                }
                if (rnd.nextInt(50) == 0) c = c.copy();
            }
            long[] t2 = new long[k];
            double[] v2 = new double[k];
            c.decode(t2, v2, 0);
            assertThat(t2).containsExactly(java.util.Arrays.copyOf(ts, k));
            assertThat(v2).containsExactly(java.util.Arrays.copyOf(vs, k));
            assertThat(c.lastValue()).isEqualTo(vs[k - 1]);
        }
    }
}
