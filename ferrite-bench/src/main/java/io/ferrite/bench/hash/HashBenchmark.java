package io.ferrite.bench.hash;

import io.ferrite.server.hash.HashValue;
import java.nio.charset.StandardCharsets;
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
 * HSET / HGET on the hash value itself (no socket, no dispatch): a 10-field listpack and a
 * 100,000-field hashtable, hitting existing fields at random.
 * Run: {@code java -jar ferrite-bench/target/ferrite-bench.jar HashBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HashBenchmark {
    private static final int SMALL = 10, BIG = 100_000, MASK = 1023;

    private HashValue small, big;
    private byte[][] smallFields, bigFields;
    private final byte[] value = "value:123456".getBytes(StandardCharsets.US_ASCII);
    private int i;

    private static byte[][] fields(int n) {
        byte[][] f = new byte[n][];
        for (int k = 0; k < n; k++) f[k] = ("field:" + k).getBytes(StandardCharsets.US_ASCII);
        return f;
    }

    @Setup(Level.Trial)
    public void setup() {
        small = new HashValue();
        smallFields = fields(SMALL);
        for (byte[] f : smallFields) small.set(f, value, 128, 64);
        big = new HashValue();
        byte[][] all = fields(BIG);
        for (byte[] f : all) big.set(f, value, 128, 64);
        // a fixed random sample, so the index costs nothing and lookups miss the cache like real ones
        bigFields = new byte[MASK + 1][];
        java.util.Random rnd = new java.util.Random(1);
        for (int k = 0; k <= MASK; k++) bigFields[k] = ("field:" + rnd.nextInt(BIG)).getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] hgetSmall() {
        return small.get(smallFields[i++ % SMALL]);
    }

    @Benchmark
    public boolean hsetSmall() {
        return small.set(smallFields[i++ % SMALL], value, 128, 64);
    }

    @Benchmark
    public byte[] hgetBig() {
        return big.get(bigFields[i++ & MASK]);
    }

    @Benchmark
    public boolean hsetBig() {
        return big.set(bigFields[i++ & MASK], value, 128, 64);
    }
}
