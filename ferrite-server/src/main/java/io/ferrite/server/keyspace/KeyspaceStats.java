package io.ferrite.server.keyspace;

import java.util.concurrent.atomic.LongAdder;

/**
 * Keyspace counters for INFO stats and persistence. LongAdder cells are striped per thread,
 * so event loops never contend on them; INFO sums them on read.
 */
public final class KeyspaceStats {

    public final LongAdder hits = new LongAdder();
    public final LongAdder misses = new LongAdder();
    public final LongAdder expiredKeys = new LongAdder();
    public final LongAdder evictedKeys = new LongAdder();
    public final LongAdder dirty = new LongAdder();

    public void reset() {
        hits.reset();
        misses.reset();
        expiredKeys.reset();
        evictedKeys.reset();
    }
}
