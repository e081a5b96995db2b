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
        long limit = threshold.longValue();
        if (limit <= 0 || micros / 1000 < limit) return;
        add(fast ? "fast-command" : "command", micros / 1000, System.currentTimeMillis() / 1000);
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
