package io.ferrite.server.admin;

import io.ferrite.server.config.ConfigParam;
import io.ferrite.server.config.FerriteConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's latency monitor for commands: with latency-monitor-threshold (ms) above 0, a command
 * that took at least that long adds a sample to the "command" event ("fast-command" for fast
 * commands); LATENCY LATEST / HISTORY / RESET read and clear them. Each event keeps one sample per
 * second (the highest), the last 160 of them, and its all-time maximum.
 *
 * <p>Shared by every event loop under this object's monitor: only commands slower than the
 * threshold get here, which is rare by definition.
 */
public final class LatencyMonitor {
    static final int HISTORY = 160;

    private final ConfigParam threshold;
    private final Map<String, Event> events = new LinkedHashMap<>(); // guarded by this

    /** One sample: a second and the highest latency (ms) seen in it. */
    record Sample(long second, long millis) {}

    static final class Event {
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        long max;
    }

    public LatencyMonitor(FerriteConfig config) {
        this.threshold = config.param("latency-monitor-threshold");
    }

    /** Called for every command with its duration; one read of the threshold when it is off. */
    public void commandRan(boolean fast, long micros) {
        sample(fast ? "fast-command" : "command", micros / 1000);
    }

    /** Records millis for event (e.g. "expire-cycle") when it reaches latency-monitor-threshold. */
    public void sample(String event, long millis) {
        long limit = threshold.longValue();
        if (limit <= 0 || millis < limit) return;
        add(event, millis, System.currentTimeMillis() / 1000);
    }

    /**
     * LATENCY GRAPH: a header with the samples' high and low and the all-time high, then one
     * column per sample (oldest first), its bar four rows high at most, scaled between low and
     * high. Ferrite's own rendering; null when the event has no samples.
     */
    synchronized String graph(String name) {
        Event e = events.get(name);
        if (e == null || e.samples.isEmpty()) return null;
        long high = 0, low = Long.MAX_VALUE;
        for (Sample x : e.samples) {
            high = Math.max(high, x.millis());
            low = Math.min(low, x.millis());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(" - high ").append(high).append(" ms, low ").append(low)
                .append(" ms (all time high ").append(e.max).append(" ms)\n");
        sb.append("-".repeat(Math.max(40, e.samples.size()))).append('\n');
        int rows = 4;
        int[] heights = new int[e.samples.size()];
        int i = 0;
        for (Sample x : e.samples) {
            heights[i++] = high == low ? rows : 1 + (int) ((x.millis() - low) * (rows - 1) / (high - low));
        }
        for (int row = rows; row >= 1; row--) {
            for (int h : heights) sb.append(h > row ? '|' : h == row ? '#' : ' ');
            sb.append('\n');
        }
        long newest = e.samples.peekLast().second();
        sb.append("\n").append(e.samples.size()).append(" samples, oldest first; the newest ")
                .append(System.currentTimeMillis() / 1000 - newest).append(" s ago.\n");
        return sb.toString();
    }

    /** LATENCY DOCTOR: a plain report of every event's samples, and what to look at. */
    synchronized String report() {
        StringBuilder sb = new StringBuilder();
        if (events.isEmpty()) {
            sb.append("No latency events recorded");
            sb.append(threshold.longValue() <= 0
                    ? ": the latency monitor is off. Set latency-monitor-threshold to a number of milliseconds"
                        + " to record commands and expire cycles that take at least that long.\n"
                    : " at or above latency-monitor-threshold (" + threshold.longValue() + " ms).\n");
            return sb.toString();
        }
        sb.append("Latency events at or above latency-monitor-threshold (").append(threshold.longValue()).append(" ms):\n");
        int n = 1;
        for (Map.Entry<String, Event> e : events.entrySet()) {
            long sum = 0;
            for (Sample s : e.getValue().samples) sum += s.millis();
            int count = e.getValue().samples.size();
            sb.append(n++).append(". ").append(e.getKey()).append(": ").append(count).append(" sample(s), average ")
                    .append(count == 0 ? 0 : sum / count).append(" ms, worst ").append(e.getValue().max).append(" ms.\n");
        }
        sb.append("\n");
        if (events.containsKey("command") || events.containsKey("fast-command")) {
            sb.append("- Slow commands: SLOWLOG GET lists them with their arguments, INFO latencystats and LATENCY")
                    .append(" HISTOGRAM show each command's distribution. Commands over large values (KEYS, SMEMBERS,")
                    .append(" LRANGE 0 -1, SORT, scripts) hold their shard for their whole run.\n");
        }
        if (events.containsKey("expire-cycle")) {
            sb.append("- Expire cycles: many keys expiring at the same moment make the active expiry cycle long;")
                    .append(" spread TTLs with some jitter.\n");
        }
        return sb.toString();
    }

    synchronized void add(String name, long millis, long second) {
        Event e = events.computeIfAbsent(name, n -> new Event());
        Sample last = e.samples.peekLast();
        if (last != null && last.second() == second) {
            if (millis > last.millis()) {
                e.samples.pollLast();
                e.samples.addLast(new Sample(second, millis));
            }
        } else {
            e.samples.addLast(new Sample(second, millis));
            if (e.samples.size() > HISTORY) e.samples.pollFirst();
        }
        e.max = Math.max(e.max, millis);
    }

    /** LATENCY LATEST rows: name, second of the latest sample, its latency, the maximum. */
    synchronized List<Object[]> latest() {
        List<Object[]> out = new ArrayList<>();
        events.forEach((name, e) -> {
            Sample s = e.samples.peekLast();
            if (s != null) out.add(new Object[] {name, s.second(), s.millis(), e.max});
        });
        return out;
    }

    synchronized List<Sample> history(String name) {
        Event e = events.get(name);
        return e == null ? List.of() : new ArrayList<>(e.samples);
    }

    /** Forgets the named events (all when names is empty); returns how many there were. */
    synchronized int reset(List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) if (events.remove(name) != null) n++;
        return n;
    }
}
