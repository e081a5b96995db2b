package io.ferrite.server.keyspace;

import io.ferrite.server.exec.Counter;
import io.ferrite.server.exec.CounterBlock;

/**
 * Keyspace counters for INFO stats and persistence: counters of the server's
 * {@link CounterBlock}, bumped by command threads without atomics and summed on read.
 */
public final class KeyspaceStats {
    public final Counter hits;
    public final Counter misses;
    public final Counter expiredKeys;
    public final Counter evictedKeys;
    public final Counter dirty;

    KeyspaceStats(CounterBlock counters) {
        hits = counters.counter();
        misses = counters.counter();
        expiredKeys = counters.counter();
        evictedKeys = counters.counter();
        dirty = counters.counter();
    }

    public void reset() {
        hits.reset();
        misses.reset();
        expiredKeys.reset();
        evictedKeys.reset();
    }
}
