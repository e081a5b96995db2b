package io.ferrite.server.keyspace;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's LFU access counter. While an -lfu maxmemory-policy is selected, an entry's
 * {@code accessClock} holds it instead of the last access second: the minute of its last
 * decrement (16 bits, wrapping) above an 8-bit logarithmic counter. A hit increments the counter
 * with probability 1 / ((counter - 5) * lfu-log-factor + 1); an idle key loses one per
 * lfu-decay-time minutes. Switching policy at run time reinterprets the field, as in Redis,
 * where LRU and LFU data also share one field and take a while to settle after a switch.
 */
final class Lfu {
    /** The counter of a new key, so that it is not evicted before it had a chance to be read. */
    static final int INITIAL = 5;

    private Lfu() {}

    static int minutes() {
        return (int) ((Clock.now() / 60_000) & 0xFFFF);
    }

    /** The field of a new key. */
    static int fresh() {
        return minutes() << 8 | INITIAL;
    }

    /** The field for a counter set now (RESTORE ... FREQ). */
    static int withCounter(int counter) {
        return minutes() << 8 | counter;
    }

    /** The counter, decayed by one per decayMinutes minutes since its last decrement (OBJECT FREQ). */
    static int counter(int field, long decayMinutes) {
        int counter = field & 0xFF;
        if (decayMinutes <= 0) return counter;
        int last = (field >>> 8) & 0xFFFF;
        int now = minutes();
        int elapsed = now >= last ? now - last : 65535 - last + now;
        long periods = elapsed / decayMinutes;
        return periods >= counter ? 0 : counter - (int) periods;
    }

    /** The field after one access: decayed, then incremented logarithmically. */
    static int accessed(int field, long logFactor, long decayMinutes) {
        int counter = counter(field, decayMinutes);
        if (counter < 255) {
            double p = 1.0 / (Math.max(0, counter - INITIAL) * (double) logFactor + 1);
            if (ThreadLocalRandom.current().nextDouble() < p) counter++;
        }
        return minutes() << 8 | counter;
    }
}
