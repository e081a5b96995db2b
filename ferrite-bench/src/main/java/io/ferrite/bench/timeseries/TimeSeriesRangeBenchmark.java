package io.ferrite.bench.timeseries;

import io.ferrite.server.timeseries.TimeSeries;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TS.RANGE latency over compressed chunks (issue 6): a raw range of 1,000 samples, and an
 * AGGREGATION avg / p99 over 1,000 and 1,000,000 samples, a 1 s regular gauge. In-process (no
 * network, no reply encoding). Also: append cost per sample.
 * Run: {@code java -jar ferrite-bench/target/ferrite-bench.jar TimeSeriesRangeBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TimeSeriesRangeBenchmark {
    static final long START = 1_700_000_000_000L;
    private TimeSeries small;
    private TimeSeries big;

    static TimeSeries gauge(int n) {
        TimeSeries s = new TimeSeries();
        Random rnd = new Random(1);
        double v = 50;
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) == 0) v += rnd.nextInt(3) - 1;
            s.append(START + 1000L * i, v);
        }
        return s;
    }

    @Setup(Level.Trial)
    public void setup() {
        small = gauge(1_000);
        big = gauge(1_000_000);
    }

    @Benchmark
    public int range1kRaw() {
        return small.query(0, Long.MAX_VALUE, null, 0);
    }

    @Benchmark
    public int range1kAvg() {
        return small.query(0, Long.MAX_VALUE, "avg", 60_000);
    }

    @Benchmark
    public int range1kMiddleOf1M() {
        long from = START + 500_000_000L;
        return big.query(from, from + 999_000L, null, 0);
    }

    @Benchmark
    public int aggregate1MAvg() {
        return big.query(0, Long.MAX_VALUE, "avg", 3_600_000);
    }

    @Benchmark
    public int aggregate1MP99() {
        return big.query(0, Long.MAX_VALUE, "p99", 3_600_000);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long append1M() {
        return gauge(1_000_000).sampleCount();
    }
}
