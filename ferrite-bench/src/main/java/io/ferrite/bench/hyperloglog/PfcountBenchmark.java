package io.ferrite.bench.hyperloglog;

import io.ferrite.server.hyperloglog.DenseRegisters;
import io.ferrite.server.hyperloglog.HyperLogLog;
import java.util.SplittableRandom;
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
 * Multi-key PFCOUNT over 10 dense HLLs (the union then the estimate), as the command computes
 * it: {@code wordAtATime} is Ferrite's path (six bytes read as one long, registers spread into
 * byte lanes with Long.expand, SWAR max of 8 lanes); {@code scalar} takes one register at a time
 * as Redis 7.2's hllMerge does. Run:
 * {@code java -jar ferrite-bench/target/ferrite-bench.jar PfcountBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PfcountBenchmark {
    private byte[][] keys;

    @Setup(Level.Trial)
    public void setup() {
        keys = new byte[10][];
        byte[] e = new byte[8];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int k = 0; k < keys.length; k++) {
            keys[k] = DenseRegisters.empty();
            // 200k distinct elements per key: every register set, as in a real dense key.
            for (int i = 0; i < 200_000; i++) {
                long v = rnd.nextLong();
                for (int j = 0; j < 8; j++) e[j] = (byte) (v >>> (8 * j));
                DenseRegisters.add(keys[k], e);
            }
        }
    }

    @Benchmark
    public long wordAtATime() {
        byte[] raw = new byte[HyperLogLog.REGISTERS];
        for (byte[] h : keys) DenseRegisters.mergeInto(raw, h);
        return HyperLogLog.countRaw(raw);
    }

    @Benchmark
    public long scalar() {
        byte[] raw = new byte[HyperLogLog.REGISTERS];
        for (byte[] h : keys) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int v = DenseRegisters.get(h, i);
                if (v > raw[i]) raw[i] = (byte) v;
            }
        }
        return HyperLogLog.countRaw(raw);
    }
}
