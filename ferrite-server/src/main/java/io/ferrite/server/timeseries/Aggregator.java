package io.ferrite.server.timeseries;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The aggregation functions of TS.RANGE/TS.MRANGE AGGREGATION and TS.CREATERULE; their exact
 * definitions are in docs/timeseries.md. Each takes one bucket's samples (timestamps ascending),
 * so percentiles are exact; twa also takes the samples just outside the bucket.
 */
enum Aggregator {
    AVG("avg"), SUM("sum"), MIN("min"), MAX("max"), RANGE("range"), COUNT("count"), FIRST("first"),
    LAST("last"), STD_P("std.p"), STD_S("std.s"), VAR_P("var.p"), VAR_S("var.s"), TWA("twa"),
    P50("p50"), P90("p90"), P95("p95"), P99("p99"), RATE("rate"), INCREASE("increase"), DELTA("delta");

    final String label;

    Aggregator(String label) {
        this.label = label;
    }

    static Aggregator parse(byte[] arg) {
        String s = new String(arg, StandardCharsets.US_ASCII).toLowerCase();
        switch (s) {
            case "stddev": return STD_P;
            case "variance": return VAR_P;
            case "median": return P50;
            default:
        }
        for (Aggregator a : values()) if (a.label.equals(s)) return a;
        return null;
    }

    /** The reducers GROUPBY ... REDUCE accepts. */
    boolean isReducer() {
        return switch (this) {
            case AVG, SUM, MIN, MAX, RANGE, COUNT, STD_P, STD_S, VAR_P, VAR_S -> true;
            default -> false;
        };
    }

    /** Value of a bucket with no sample under EMPTY ({@code prevLast}: last value before it, NaN if none). */
    double empty(double prevLast, long bs, long be, long pt, double pv, boolean hasPrev, long nt, double nv, boolean hasNext) {
        return switch (this) {
            case SUM, COUNT, INCREASE, RATE -> 0;
            case LAST -> prevLast;
            case TWA -> hasPrev && hasNext ? interpolate(pt, pv, nt, nv, bs + (be - bs) / 2.0) : Double.NaN;
            default -> Double.NaN;
        };
    }

    static double interpolate(long t0, double v0, long t1, double v1, double t) {
        if (t1 == t0) return v1;
        return v0 + (v1 - v0) * ((t - t0) / (double) (t1 - t0));
    }

    /**
     * Applies the function to {@code vs[0..n)} (n > 0) at {@code ts[0..n)} in bucket [bs, be);
     * {@code work} is scratch space of at least n doubles.
     */
    double apply(long[] ts, double[] vs, int n, long bs, long be,
                 long pt, double pv, boolean hasPrev, long nt, double nv, boolean hasNext, double[] work) {
        switch (this) {
            case COUNT: return n;
            case FIRST: return vs[0];
            case LAST: return vs[n - 1];
            case SUM: {
                double s = 0;
                for (int i = 0; i < n; i++) s += vs[i];
                return s;
            }
            case AVG: {
                double s = 0;
                for (int i = 0; i < n; i++) s += vs[i];
                return s / n;
            }
            case MIN: {
                double m = vs[0];
                for (int i = 1; i < n; i++) if (vs[i] < m) m = vs[i];
                return m;
            }
            case MAX: {
                double m = vs[0];
                for (int i = 1; i < n; i++) if (vs[i] > m) m = vs[i];
                return m;
            }
            case RANGE: {
                double lo = vs[0], hi = vs[0];
                for (int i = 1; i < n; i++) {
                    lo = Math.min(lo, vs[i]);
                    hi = Math.max(hi, vs[i]);
                }
                return hi - lo;
            }
            case VAR_P: return variance(vs, n, false);
            case VAR_S: return variance(vs, n, true);
            case STD_P: return Math.sqrt(variance(vs, n, false));
            case STD_S: return Math.sqrt(variance(vs, n, true));
            case P50: return percentile(vs, n, 0.50, work);
            case P90: return percentile(vs, n, 0.90, work);
            case P95: return percentile(vs, n, 0.95, work);
            case P99: return percentile(vs, n, 0.99, work);
            case DELTA: return vs[n - 1] - vs[0];
            case INCREASE: return increase(vs, n);
            case RATE: return increase(vs, n) / ((be - bs) / 1000.0);
            case TWA: return twa(ts, vs, n, bs, be, pt, pv, hasPrev, nt, nv, hasNext);
            default: throw new IllegalStateException();
        }
    }

    /** Naive sum-of-squares variance, the expression order RedisTimeSeries uses; sample variance of one point is 0. */
    static double variance(double[] vs, int n, boolean sample) {
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            sum += vs[i];
            sq += vs[i] * vs[i];
        }
        double mean = sum / n;
        double var = (sq - 2 * sum * mean + mean * mean * n) / n;
        if (!sample) return var;
        return n == 1 ? 0 : var * n / (n - 1);
    }

    /** Exact percentile with linear interpolation between the closest ranks (rank p*(n-1)). */
    static double percentile(double[] vs, int n, double p, double[] work) {
        System.arraycopy(vs, 0, work, 0, n);
        Arrays.sort(work, 0, n);
        double rank = p * (n - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(n - 1, lo + 1);
        return work[lo] + (work[hi] - work[lo]) * (rank - lo);
    }

    /** Counter increase: the sum of rises; a drop is a counter reset, which adds the new value. */
    static double increase(double[] vs, int n) {
        double inc = 0;
        for (int i = 1; i < n; i++) {
            double d = vs[i] - vs[i - 1];
            inc += d >= 0 ? d : vs[i];
        }
        return inc;
    }

    /** Time-weighted average over [start, end]: trapezoids, the bucket edges interpolated from the neighbours. */
    static double twa(long[] ts, double[] vs, int n, long bs, long be,
                      long pt, double pv, boolean hasPrev, long nt, double nv, boolean hasNext) {
        double area = 0;
        long start = ts[0];
        double startV = vs[0];
        if (hasPrev && ts[0] > bs) {
            start = bs;
            startV = interpolate(pt, pv, ts[0], vs[0], bs);
            area += (startV + vs[0]) / 2 * (ts[0] - bs);
        }
        for (int i = 1; i < n; i++) area += (vs[i - 1] + vs[i]) / 2 * (ts[i] - ts[i - 1]);
        long end = ts[n - 1];
        if (hasNext && be > ts[n - 1]) {
            double endV = interpolate(ts[n - 1], vs[n - 1], nt, nv, be);
            area += (vs[n - 1] + endV) / 2 * (be - ts[n - 1]);
            end = be;
        }
        if (end == start) return startV;
        return area / (end - start);
    }
}
