package io.ferrite.server.timeseries;

import java.util.Arrays;

/**
 * The options of one range read (FILTER_BY_TS, FILTER_BY_VALUE, COUNT, ALIGN, AGGREGATION,
 * BUCKETTIMESTAMP, EMPTY, LATEST) and its execution over a series. Filters apply before
 * aggregation; COUNT limits samples, or buckets when aggregating. Samples stream from the chunks;
 * only the current bucket is buffered (exact percentiles need its values).
 */
final class Query {
    long[] filterTs; // sorted, null: no filter
    boolean valueFilter;
    double minValue;
    double maxValue;
    long count = -1;
    Aggregator agg;
    long bucket;
    long align;
    int alignMode; // 0 explicit value, 1 start, 2 end
    int bucketTs; // 0 start, 1 end, 2 mid
    boolean empty;
    boolean latest;

    boolean accepts(long t, double v) {
        if (filterTs != null && Arrays.binarySearch(filterTs, t) < 0) return false;
        return !valueFilter || (v >= minValue && v <= maxValue);
    }

    /** A growable list of samples (the reply of one series). */
    static final class Samples {
        long[] ts = new long[16];
        double[] vs = new double[16];
        int n;

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = t;
            vs[n] = v;
            n++;
        }

        void reverse() {
            for (int i = 0, j = n - 1; i < j; i++, j--) {
                long t = ts[i];
                ts[i] = ts[j];
                ts[j] = t;
                double v = vs[i];
                vs[i] = vs[j];
                vs[j] = v;
            }
        }

        void limit(long count) {
            if (count >= 0 && n > count) n = (int) count;
        }
    }

    /** Runs the query on [from, to] of the series (from already clamped to retention). */
    Samples run(TimeSeries s, long from, long to, boolean reverse) {
        Samples out = new Samples();
        if (agg == null) {
            long limit = reverse ? -1 : count;
            s.forEach(from, to, (t, v) -> {
                if ((limit < 0 || out.n < limit) && accepts(t, v)) out.add(t, v);
            });
        } else {
            aggregate(s, from, to, this, reverse ? -1 : count, out::add);
        }
        // The caller has checked the source link (CompactionRule.liveSource) and holds its shard.
        if (latest && s.sourceRule != null) addLatest(s, from, to, out);
        if (reverse) out.reverse();
        out.limit(count);
        return out;
    }

    /** LATEST on a compaction: the still-open bucket, computed from the source. */
    private void addLatest(TimeSeries s, long from, long to, Samples out) {
        CompactionRule r = s.sourceRule;
        long b = r.openBucket;
        if (b == Long.MIN_VALUE || b < from || b > to) return;
        if (out.n > 0 && out.ts[out.n - 1] >= b) return;
        double[] v = new double[1];
        if (r.source.aggregateOne(r.agg, b, r.bucket, v) && accepts(b, v[0]) && agg == null) out.add(b, v[0]);
    }

    long bucketStart(long t) {
        return t - Math.floorMod(t - align, bucket);
    }

    long reported(long bs) {
        return switch (bucketTs) {
            case 1 -> bs + bucket;
            case 2 -> bs + bucket / 2;
            default -> bs;
        };
    }

    /** Streams [from, to] of s into buckets, emitting (reported timestamp, aggregate) pairs. */
    static void aggregate(TimeSeries s, long from, long to, Query q, long limit, TimeSeries.SampleSink out) {
        Bucketer b = new Bucketer(q, limit, out);
        s.forEach(from, to, b);
        b.finish();
    }

    private static final class Bucketer implements TimeSeries.SampleSink {
        private final Query q;
        private final TimeSeries.SampleSink out;
        private long[] ts = new long[64];
        private double[] vs = new double[64];
        private double[] work = new double[64];
        private int n;
        private long cb;
        private long pt;
        private double pv;
        private boolean hasPrev;
        private long emitted;
        private final long limit;

        Bucketer(Query q, long limit, TimeSeries.SampleSink out) {
            this.q = q;
            this.limit = limit;
            this.out = out;
        }

        private boolean full() {
            return limit >= 0 && emitted >= limit;
        }

        private void emit(long bs, double v) {
            if (full()) return;
            out.accept(q.reported(bs), v);
            emitted++;
        }

        @Override
        public void accept(long t, double v) {
            if (!q.accepts(t, v) || full()) return;
            long b = q.bucketStart(t);
            if (n > 0 && b != cb) {
                flush(t, v, true);
                if (q.empty) {
                    for (long e = cb + q.bucket; e < b && !full(); e += q.bucket) {
                        emit(e, q.agg.empty(pv, e, e + q.bucket, pt, pv, true, t, v, true));
                    }
                }
            }
            if (n == 0) cb = b;
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
                work = new double[n * 2];
            }
            ts[n] = t;
            vs[n] = v;
            n++;
        }

        private void flush(long nt, double nv, boolean hasNext) {
            double r = q.agg.apply(ts, vs, n, cb, cb + q.bucket, pt, pv, hasPrev, nt, nv, hasNext, work);
            emit(cb, r);
            pt = ts[n - 1];
            pv = vs[n - 1];
            hasPrev = true;
            n = 0;
        }

        void finish() {
            if (n > 0) flush(0, 0, false);
        }
    }
}
