package io.ferrite.server.admin;

import io.ferrite.server.exec.Counter;
import io.ferrite.server.exec.CounterBlock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters for INFO stats. Those that move per command or per read are counters
 * of the server's {@link CounterBlock} (no atomic add); the rare ones are LongAdders. INFO sums
 * on read. Error counts are keyed by prefix (INFO errorstats);
 * that map is touched only when a command fails.
 */
public final class ServerStats {
    public final Counter commandsProcessed;
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder rejectedCalls = new LongAdder();
    public final Counter netInputBytes;
    public final Counter netOutputBytes;
    public final LongAdder totalErrorReplies = new LongAdder();
    private final Map<String, LongAdder> errorsByPrefix = new ConcurrentHashMap<>();
    private final OpsSampler opsSampler = new OpsSampler();
    private final AtomicLong peakMemory = new AtomicLong();

    /** counters: the server's block, for the counters that move on every command or read. */
    public ServerStats(CounterBlock counters) {
        commandsProcessed = counters.counter();
        netInputBytes = counters.counter();
        netOutputBytes = counters.counter();
    }

    public void countError(String message) {
        totalErrorReplies.increment();
        int sp = message.indexOf(' ');
        String prefix = sp < 0 ? message : message.substring(0, sp);
        if (errorsByPrefix.size() < 128 || errorsByPrefix.containsKey(prefix)) {
            errorsByPrefix.computeIfAbsent(prefix, k -> new LongAdder()).increment();
        }
    }

    public Map<String, LongAdder> errorsByPrefix() { return errorsByPrefix; }

    public OpsSampler opsSampler() { return opsSampler; }

    /** used_memory_peak: the highest heap use INFO has seen, raised to {@code used} if needed. */
    public long peakMemory(long used) {
        return peakMemory.accumulateAndGet(used, Math::max);
    }

    public void reset() {
        commandsProcessed.reset();
        connectionsReceived.reset();
        rejectedConnections.reset();
        rejectedCalls.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        totalErrorReplies.reset();
        errorsByPrefix.clear();
        peakMemory.set(0);
    }

    /**
     * instantaneous_ops_per_sec and instantaneous_input/output_kbps: rates averaged over the
     * last 16 samples taken every 100 ms, as Redis's trackInstantaneousMetric does.
     */
    public final class OpsSampler {
        private static final int SAMPLES = 16;
        private final long[] ops = new long[SAMPLES], in = new long[SAMPLES], out = new long[SAMPLES];
        private int idx;
        private long lastOps = -1, lastIn, lastOut, lastTime;

        public synchronized void sample() {
            long now = System.nanoTime();
            long o = commandsProcessed.sum(), i = netInputBytes.sum(), w = netOutputBytes.sum();
            if (lastOps >= 0 && now > lastTime) {
                long dt = now - lastTime;
                int k = idx++ % SAMPLES;
                ops[k] = Math.max(0, o - lastOps) * 1_000_000_000L / dt;
                in[k] = Math.max(0, i - lastIn) * 1_000_000_000L / dt;
                out[k] = Math.max(0, w - lastOut) * 1_000_000_000L / dt;
            }
            lastOps = o;
            lastIn = i;
            lastOut = w;
            lastTime = now;
        }

        public synchronized long perSecond() { return mean(ops); }

        /** Bytes read per second. */
        public synchronized long inputPerSecond() { return mean(in); }

        /** Bytes written per second. */
        public synchronized long outputPerSecond() { return mean(out); }

        private long mean(long[] samples) {
            int n = Math.min(idx, SAMPLES);
            if (n == 0) return 0;
            long sum = 0;
            for (int i = 0; i < n; i++) sum += samples[i];
            return sum / n;
        }
    }
}
