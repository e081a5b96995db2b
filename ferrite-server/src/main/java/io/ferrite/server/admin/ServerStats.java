package io.ferrite.server.admin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters for INFO stats. LongAdder cells are striped per thread, so the event
 * loops never contend; INFO sums on read. Error counts are keyed by prefix (INFO errorstats);
 * that map is touched only when a command fails.
 */
public final class ServerStats {
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder rejectedCalls = new LongAdder();
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final LongAdder totalErrorReplies = new LongAdder();
    private final Map<String, LongAdder> errorsByPrefix = new ConcurrentHashMap<>();
    private final OpsSampler opsSampler = new OpsSampler();

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

    public void reset() {
        commandsProcessed.reset();
        connectionsReceived.reset();
        rejectedConnections.reset();
        rejectedCalls.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        totalErrorReplies.reset();
        errorsByPrefix.clear();
    }

    /** instantaneous_ops_per_sec: commands per second over the last few 100 ms samples. */
    public final class OpsSampler {
        private final long[] samples = new long[16];
        private int idx;
        private long lastCount = -1, lastTime;

        public synchronized void sample() {
            long now = System.nanoTime();
            long count = commandsProcessed.sum();
            if (lastCount >= 0 && now > lastTime) {
                samples[idx++ % samples.length] = (count - lastCount) * 1_000_000_000L / (now - lastTime);
            }
            lastCount = count;
            lastTime = now;
        }

        public synchronized long perSecond() {
            int n = Math.min(idx, samples.length);
            if (n == 0) return 0;
            long sum = 0;
            for (int i = 0; i < n; i++) sum += samples[i];
            return sum / n;
        }
    }
}
