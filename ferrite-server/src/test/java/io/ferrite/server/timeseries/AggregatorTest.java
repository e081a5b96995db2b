package io.ferrite.server.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each aggregator against a straightforward reference written from its documented definition. */
class AggregatorTest {
    private static double reference(Aggregator a, long[] ts, double[] v, long bs, long be,
                                    long pt, double pv, boolean hp, long nt, double nv, boolean hn) {
        int n = v.length;
        double sum = Arrays.stream(v).sum();
        double mean = sum / n;
        double ssd = 0;
        for (double x : v) ssd += (x - mean) * (x - mean);
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return switch (a) {
            case AVG -> mean;
            case SUM -> sum;
            case MIN -> sorted[0];
            case MAX -> sorted[n - 1];
            case RANGE -> sorted[n - 1] - sorted[0];
            case COUNT -> n;
            case FIRST -> v[0];
            case LAST -> v[n - 1];
            case VAR_P -> ssd / n;
            case VAR_S -> n == 1 ? 0 : ssd / (n - 1);
            case STD_P -> Math.sqrt(ssd / n);
            case STD_S -> n == 1 ? 0 : Math.sqrt(ssd / (n - 1));
            case P50 -> pct(sorted, 0.5);
            case P90 -> pct(sorted, 0.9);
            case P95 -> pct(sorted, 0.95);
            case P99 -> pct(sorted, 0.99);
            case DELTA -> v[n - 1] - v[0];
            case INCREASE -> inc(v);
            case RATE -> inc(v) * 1000.0 / (be - bs);
            case TWA -> twa(ts, v, bs, be, pt, pv, hp, nt, nv, hn);
        };
    }

    private static double pct(double[] s, double p) {
        double rank = p * (s.length - 1);
        int lo = (int) rank;
        return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (rank - lo) : s[lo];
    }

    private static double inc(double[] v) {
        double r = 0;
        for (int i = 1; i < v.length; i++) r += v[i] >= v[i - 1] ? v[i] - v[i - 1] : v[i];
        return r;
    }

    /** Integrates the piecewise-linear curve numerically, one millisecond at a time. */
    private static double twa(long[] ts, double[] v, long bs, long be, long pt, double pv, boolean hp,
                              long nt, double nv, boolean hn) {
        long start = hp ? bs : ts[0];
        long end = hn ? be : ts[ts.length - 1];
        if (end == start) return v[0];
        long[] xs = new long[ts.length + 2];
        double[] ys = new double[ts.length + 2];
        xs[0] = hp ? pt : ts[0];
        ys[0] = hp ? pv : v[0];
        System.arraycopy(ts, 0, xs, 1, ts.length);
        System.arraycopy(v, 0, ys, 1, v.length);
        xs[ts.length + 1] = hn ? nt : ts[ts.length - 1];
        ys[ts.length + 1] = hn ? nv : v[v.length - 1];
        double area = 0;
        for (long t = start; t < end; t++) area += (at(xs, ys, t) + at(xs, ys, t + 1)) / 2;
        return area / (end - start);
    }

    private static double at(long[] xs, double[] ys, double t) {
        for (int i = 1; i < xs.length; i++) {
            if (t <= xs[i]) {
                if (xs[i] == xs[i - 1]) return ys[i];
                return ys[i - 1] + (ys[i] - ys[i - 1]) * (t - xs[i - 1]) / (xs[i] - xs[i - 1]);
            }
        }
        return ys[ys.length - 1];
    }

    @Test
    void everyAggregatorMatchesItsReferenceOnRandomBuckets() {
        Random rnd = new Random(3);
        for (int round = 0; round < 500; round++) {
            int n = 1 + rnd.nextInt(40);
            long bs = 1000;
            long be = 2000;
            long[] ts = new long[n];
            double[] v = new double[n];
            long t = bs + rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                ts[i] = t;
                t += 1 + rnd.nextInt(900 / n);
                v[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(10) : rnd.nextGaussian() * 100;
            }
            boolean hp = rnd.nextBoolean();
            boolean hn = rnd.nextBoolean();
            long pt = bs - 1 - rnd.nextInt(500);
            long nt = be + rnd.nextInt(500);
            double pv = rnd.nextGaussian() * 100;
            double nv = rnd.nextGaussian() * 100;
            for (Aggregator a : Aggregator.values()) {
                double got = a.apply(ts, v, n, bs, be, pt, pv, hp, nt, nv, hn, new double[n]);
                double want = reference(a, ts, v, bs, be, pt, pv, hp, nt, nv, hn);
                assertThat(got).as("%s round %d", a, round).isCloseTo(want, within(1e-6 * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void aliasesParseToTheirAggregators() {
        assertThat(Aggregator.parse("stddev".getBytes())).isEqualTo(Aggregator.STD_P);
        assertThat(Aggregator.parse("variance".getBytes())).isEqualTo(Aggregator.VAR_P);
        assertThat(Aggregator.parse("MEDIAN".getBytes())).isEqualTo(Aggregator.P50);
        assertThat(Aggregator.parse("Std.S".getBytes())).isEqualTo(Aggregator.STD_S);
        assertThat(Aggregator.parse("p42".getBytes())).isNull();
    }
}
