package io.ferrite.server.timeseries;

import static io.ferrite.server.timeseries.TsReplies.command;
import static io.ferrite.server.timeseries.TsReplies.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.lang.management.ManagementFactory;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Bytes allocated on the event loop per ingested sample (style habit 6), as AllocationBudgetTest
 * does for strings: a pipeline of identical-shaped TS.ADD / TS.MADD commands after a warm-up,
 * measured with ThreadMXBean over the "ferrite-io" thread. The budget is the arguments the
 * decoder copies out plus the encoded sample; parsing a value or a timestamp allocates nothing.
 */
class TimeSeriesAllocationTest {
    private static final io.netty.util.ResourceLeakDetector.Level SAVED = io.netty.util.ResourceLeakDetector.getLevel();

    static {
        // paranoid leak detection records a stack per buffer access; measure as production runs
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    }

    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("io-threads", "1");

    @AfterAll
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

    private static double bytesPerCommand(BiConsumer<Pipeline, Integer> cmd) {
        int n = 20_000;
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 100; i++) ts(j, "TS.CREATE", "s:" + i, "DUPLICATE_POLICY", "LAST");
            int t = 0;
            long before = 0;
            for (int round = 0; round < 4; round++) { // three warm-up rounds
                if (round == 3) before = eventLoopAllocatedBytes();
                Pipeline p = j.pipelined();
                for (int i = 0; i < n; i++) cmd.accept(p, t++);
                p.sync();
            }
            return (eventLoopAllocatedBytes() - before) / (double) n;
        }
    }

    @Test
    void tsAddAllocatesOnlyItsArguments() {
        double perAdd = bytesPerCommand((p, t) -> p.sendCommand(command("TS.ADD"), "s:" + (t % 100),
                String.valueOf(1_000_000 + t), "42.5"));
        System.out.printf("TS.ADD: %.1f bytes allocated per command%n", perAdd);
        assertThat(perAdd).isLessThan(120); // measured 80: the argument arrays (was 190 with a String per value)
    }

    @Test
    void tsMaddAllocatesOnlyItsArguments() {
        double perSample = bytesPerCommand((p, t) -> {
            String[] args = new String[30];
            for (int s = 0; s < 10; s++) {
                args[3 * s] = "s:" + ((t * 10 + s) % 100);
                args[3 * s + 1] = String.valueOf(1_000_000 + t);
                args[3 * s + 2] = String.valueOf(s + 0.5);
            }
            p.sendCommand(command("TS.MADD"), args);
        }) / 10;
        System.out.printf("TS.MADD: %.1f bytes allocated per sample%n", perSample);
        assertThat(perSample).isLessThan(96); // measured 64: three argument arrays per sample (was 165)
    }
}
