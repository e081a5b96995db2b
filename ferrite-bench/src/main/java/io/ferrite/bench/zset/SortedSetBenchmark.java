package io.ferrite.bench.zset;

import io.ferrite.server.zset.SortedSet;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A leaderboard on the value classes, no socket: ZADD of a random player with a random score
 * (an update: every player is present), ZINCRBY of a random player, ZREVRANK of a random
 * player, and ZREVRANGE 0 9 (the top ten), on sets of 100k, 1M and 10M members named
 * "player:N" with integer scores below 1M.
 * Run: {@code java -XX:+UseCompactObjectHeaders -jar ferrite-bench/target/ferrite-bench.jar
 * SortedSetBenchmark -f 1 -wi 3 -i 5} (about 6 minutes; the 10M set needs a few GB of heap,
 * set below).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseTransparentHugePages"})
public class SortedSetBenchmark {
    @Param({"100000", "1000000", "10000000"})
    public int members;

    private SortedSet board;
    private byte[][] names;
    private SplittableRandom rnd;

    @Setup(Level.Trial)
    public void setup() {
        rnd = new SplittableRandom(42);
        board = SortedSet.skiplist(members);
        names = new byte[members][];
        for (int i = 0; i < members; i++) {
            names[i] = ("player:" + i).getBytes(StandardCharsets.US_ASCII);
            board.insertNew(rnd.nextInt(1_000_000), names[i]);
        }
    }

    /** ZADD board <random score> <random player>: one map lookup, then a move to a random place. */
    @Benchmark
    public int zaddUpdate() {
        return board.add(rnd.nextInt(1_000_000), names[rnd.nextInt(members)], 0, 128, 64);
    }

    /** ZINCRBY board <1..100> <random player>: one map lookup, then a short move. */
    @Benchmark
    public double zincrby() {
        board.add(1 + rnd.nextInt(100), names[rnd.nextInt(members)], SortedSet.IN_INCR, 128, 64);
        return board.lastScore();
    }

    /** ZREVRANK board <random player>: map lookup, then one descent counting what lies before. */
    @Benchmark
    public long zrevrank() {
        return board.size() - 1 - board.rank(names[rnd.nextInt(members)]);
    }

    /** ZREVRANGE board 0 9 WITHSCORES: the last ten elements, from the tail backwards. */
    @Benchmark
    public void zrevrangeTop10(Blackhole bh) {
        int n = board.size();
        board.forEach(n - 10, n - 1, true, (m, s) -> {
            bh.consume(m);
            bh.consume(s);
        });
    }
}
