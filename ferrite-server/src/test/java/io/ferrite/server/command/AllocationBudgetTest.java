package io.ferrite.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.lang.management.ManagementFactory;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Bytes allocated on the event loops per command, against a recorded budget (style habit 6):
 * a regression that allocates per command on the hot path fails here. Measured with
 * {@code ThreadMXBean.getThreadAllocatedBytes} over the "ferrite-io" threads while a pipeline
 * of 20,000 identical commands runs (after a warm-up, so class loading and JIT are excluded).
 * Budgets include the arguments the decoder copies out (Ferrite stores those arrays as the
 * keys and values, so a write costs no second copy) and Netty's per-read overhead.
 */
class AllocationBudgetTest {
    // The suite runs Netty's paranoid leak detection, which records a stack trace per buffer
    // access; measure with it off, as the server runs in production, and restore it after.
    private static final io.netty.util.ResourceLeakDetector.Level SAVED = io.netty.util.ResourceLeakDetector.getLevel();

    static {
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    }

    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("io-threads", "1");

    @org.junit.jupiter.api.AfterAll
    static void restoreLeakDetection() {
        io.netty.util.ResourceLeakDetector.setLevel(SAVED);
    }

    private static long eventLoopAllocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ferrite-io")) sum += mx.getThreadAllocatedBytes(t.threadId());
        }
        return sum;
    }

    private static double bytesPerCommand(BiConsumer<Pipeline, Integer> command) {
        int n = 20_000;
        try (Jedis j = ferrite.jedis()) {
            for (int round = 0; round < 3; round++) { // warm-up
                Pipeline p = j.pipelined();
                for (int i = 0; i < n; i++) command.accept(p, i);
                p.sync();
            }
            long before = eventLoopAllocatedBytes();
            Pipeline p = j.pipelined();
            for (int i = 0; i < n; i++) command.accept(p, i);
            p.sync();
            return (eventLoopAllocatedBytes() - before) / (double) n;
        }
    }

    @Test
    void getAllocatesWithinBudget() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 1000; i++) j.set("key:" + i, "value-" + i);
        }
        double perGet = bytesPerCommand((p, i) -> p.get("key:" + (i % 1000)));
        System.out.printf("GET: %.1f bytes allocated per command%n", perGet);
        assertThat(perGet).isLessThan(64); // measured 40: the two argument arrays
    }

    @Test
    void setOverwriteAllocatesWithinBudget() {
        double perSet = bytesPerCommand((p, i) -> p.set("key:" + (i % 1000), "value-" + i));
        System.out.printf("SET: %.1f bytes allocated per command%n", perSet);
        assertThat(perSet).isLessThan(120); // measured 80: the three arguments, stored as key and value
    }

    @Test
    void incrAllocatesWithinBudget() {
        double perIncr = bytesPerCommand((p, i) -> p.incr("counter:" + (i % 100)));
        System.out.printf("INCR: %.1f bytes allocated per command%n", perIncr);
        assertThat(perIncr).isLessThan(128); // measured 96: arguments plus the new value
    }
}
