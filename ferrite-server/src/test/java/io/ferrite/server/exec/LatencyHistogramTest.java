package io.ferrite.server.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void everyLatencyFallsInTheBucketWhoseRangeHoldsItAndBucketsAreNarrow() {
        Random rnd = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long v = rnd.nextLong(1L << rnd.nextInt(1, 42));
            int b = LatencyHistogram.bucket(v);
            assertThat(LatencyHistogram.upperNanos(b)).isGreaterThanOrEqualTo(v);
            if (b > 0) assertThat(LatencyHistogram.upperNanos(b - 1)).isLessThan(v);
            // 16 buckets per power of two: the upper edge is within 6.25% of any value in the bucket.
            assertThat((double) LatencyHistogram.upperNanos(b)).isLessThanOrEqualTo(v * 1.0625 + 1);
        }
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void percentilesComeFromTheCountsAndResetStartsOver() {
        CounterBlock block = new CounterBlock();
        LatencyHistogram h = new LatencyHistogram(block);
        for (int i = 1; i <= 1000; i++) h.record(i * 1000L); // 1 µs .. 1 ms
        long[] counts = h.counts();
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(1000);
        assertThat(LatencyHistogram.percentile(counts, 50)).isBetween(500_000L, 531_250L);
        assertThat(LatencyHistogram.percentile(counts, 99)).isBetween(990_000L, 1_051_875L);
        assertThat(LatencyHistogram.percentile(counts, 100)).isBetween(1_000_000L, 1_062_500L);
        h.reset();
        assertThat(java.util.Arrays.stream(h.counts()).sum()).isZero();
        h.record(5);
        assertThat(LatencyHistogram.percentile(h.counts(), 50)).isEqualTo(5);
    }
}
