package io.ferrite.server.exec;

/**
 * One command's latency distribution (INFO latencystats, LATENCY HISTOGRAM): log-linear buckets,
 * sixteen per power of two of nanoseconds (6.25% wide), up to over an hour. Recording is one
 * plain add into the calling thread's cell of a {@link CounterBlock}, as the command counters
 * are; the buckets are taken from the block on the command's first call, so a command that never
 * runs costs no cells.
 */
public final class LatencyHistogram {
    public static final int BUCKETS = 640;
    private static final int SUB = 4; // 2^4 buckets per power of two

    private final CounterBlock block;
    private volatile int first = -1;
    private long[] base; // guarded by this: the counts at the last reset, null before one
    private static final long[] NONE = new long[0];

    public LatencyHistogram(CounterBlock block) {
        this.block = block;
    }

    public void record(long nanos) {
        int f = first;
        if (f < 0) f = allocate();
        block.add(f + bucket(nanos), 1);
    }

    private synchronized int allocate() {
        if (first < 0) first = block.cells(BUCKETS);
        return first;
    }

    /** The bucket of a latency: exact below 16 ns, then 16 per power of two. */
    static int bucket(long nanos) {
        if (nanos < (1 << SUB)) return (int) Math.max(0, nanos);
        int msb = 63 - Long.numberOfLeadingZeros(nanos);
        int index = ((msb - SUB + 1) << SUB) | (int) ((nanos >>> (msb - SUB)) & ((1 << SUB) - 1));
        return Math.min(index, BUCKETS - 1);
    }

    /** The highest latency in nanoseconds that falls in bucket index. */
    public static long upperNanos(int index) {
        if (index < (1 << SUB)) return index;
        int msb = (index >>> SUB) + SUB - 1;
        long lower = ((1L << SUB) | (index & ((1 << SUB) - 1))) << (msb - SUB);
        return lower + (1L << (msb - SUB)) - 1;
    }

    /** The counts per bucket since the last reset; empty for a command that never ran. */
    public long[] counts() {
        int f = first;
        if (f < 0) return NONE;
        long[] out = new long[BUCKETS];
        block.sumInto(f, out);
        synchronized (this) {
            if (base != null) for (int i = 0; i < BUCKETS; i++) out[i] -= base[i];
        }
        return out;
    }

    /** Starts counting from zero again (CONFIG RESETSTAT); never races with a record. */
    public void reset() {
        int f = first;
        if (f < 0) return;
        long[] now = new long[BUCKETS];
        block.sumInto(f, now);
        synchronized (this) {
            base = now;
        }
    }

    /** The latency at percentile p (0..100) of counts, in nanoseconds (a bucket's upper edge); 0 when empty. */
    public static long percentile(long[] counts, double p) {
        long total = 0;
        for (long n : counts) total += n;
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return upperNanos(i);
        }
        return upperNanos(counts.length - 1);
    }
}
