package io.ferrite.bench.list;

import io.ferrite.server.list.ListValue;
import java.lang.management.ManagementFactory;
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
 * The list value class without the network: LPUSH + RPOP on a 10k-element quicklist (a queue
 * in steady state), LINDEX near the head and in the middle of a 1M-element list.
 * Run: {@code java -jar ferrite-bench/target/ferrite-bench.jar ListBenchmark}.
 *
 * <p>Memory: {@code java -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.list.ListBenchmark}
 * builds 1M-element lists (as the server stores them: one fresh {@code byte[]} per element, as
 * the decoder hands them over) and prints the heap bytes per element after full GCs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ListBenchmark {
    private static final int FILL = -2; // list-max-listpack-size default
    private ListValue queue;
    private ListValue million;
    private byte[] element;

    @Setup(Level.Trial)
    public void setup() {
        queue = build(10_000, 10);
        million = build(1_000_000, 10);
        element = "element-xx".getBytes(StandardCharsets.US_ASCII);
    }

    static ListValue build(int n, int width) {
        ListValue l = new ListValue();
        for (int i = 0; i < n; i++) {
            byte[] v = String.format("%0" + width + "d", i).getBytes(StandardCharsets.US_ASCII);
            l.beforeGrowing(FILL, v.length, 1);
            l.push(v, false);
        }
        return l;
    }

    @Benchmark
    public byte[] lpushRpop() {
        queue.beforeGrowing(FILL, element.length, 1);
        queue.push(element, true);
        return queue.pop(false);
    }

    @Benchmark
    public byte[] lindexNearHead() {
        return million.get(1_000);
    }

    @Benchmark
    public byte[] lindexMiddle() {
        return million.get(500_000);
    }

    /** Heap bytes per element of 1M-element lists of a few element shapes. */
    public static void main(String[] args) {
        String[][] shapes = {{"8-digit integers", "%08d"}, {"16-byte strings", "element:%08d"},
                {"32-byte strings", "user:session:token:%013d"}};
        for (String[] shape : shapes) {
            long before = usedHeap();
            ListValue l = new ListValue();
            for (int i = 0; i < 1_000_000; i++) {
                byte[] v = String.format(shape[1], i).getBytes(StandardCharsets.US_ASCII);
                l.beforeGrowing(FILL, v.length, 1);
                l.push(v, false);
            }
            long after = usedHeap();
            int len = String.format(shape[1], 0).length();
            System.out.printf("%-17s (%2d B): %.1f heap bytes per element, %s, list of %d%n", shape[0], len,
                    (after - before) / 1e6, l.encoding(), l.size());
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
