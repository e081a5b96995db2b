package io.ferrite.server.keyspace;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * The active expiry cycle (Redis's activeExpireCycle, adapted to shards): {@code hz} times a
 * second, for each shard and database, sample 20 keys that carry a TTL and delete the expired
 * ones; repeat while more than a quarter of a sample had expired and the cycle's time budget
 * (25% of the period) lasts.
 *
 * <p>Runs on its own daemon thread and takes one shard lock at a time, holding it for at
 * most one sampling round, so clients on other shards never wait and clients on the same
 * shard wait microseconds. A million keys with TTLs are reclaimed without ever scanning the
 * whole keyspace.
 */
public final class ActiveExpiry implements Runnable {
    private static final int SAMPLE = 20;
    private static final int ACCEPTABLE_STALE_PERCENT = 25;

    private final Keyspace keyspace;
    private final IntSupplier hz;
    private volatile boolean running = true;
    private volatile boolean enabled = true; // DEBUG SET-ACTIVE-EXPIRE
    private final Thread thread;
    private volatile java.util.function.LongConsumer cycleMillis = ms -> {};

    public ActiveExpiry(Keyspace keyspace, IntSupplier hz) {
        this.keyspace = keyspace;
        this.hz = hz;
        this.thread = Thread.ofPlatform().daemon().name("ferrite-expiry").unstarted(this);
    }

    public void start() { thread.start(); }

    /** Receives each cycle's duration in milliseconds (the latency monitor's expire-cycle event). */
    public void cycleMillis(java.util.function.LongConsumer listener) { this.cycleMillis = listener; }

    /** DEBUG SET-ACTIVE-EXPIRE 0|1: turns the cycle off (lazy expiry only) or on. */
    public void enabled(boolean on) { this.enabled = on; }

    public void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public void run() {
        while (running) {
            int rate = Math.max(1, Math.min(500, hz.getAsInt()));
            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            if (enabled && !keyspace.expiryPaused()) {
                cycle(start + periodNanos / 4);
                cycleMillis.accept((System.nanoTime() - start) / 1_000_000);
            }
            long sleep = periodNanos - (System.nanoTime() - start);
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One cycle over all shards; returns the number of keys reclaimed. */
    public long cycle(long deadlineNanos) {
        long reclaimed = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int s = 0; s < keyspace.shardCount(); s++) {
            Shard shard = keyspace.shard(s);
            for (int db = 0; db < keyspace.databaseCount(); db++) {
                while (true) {
                    int expired;
                    shard.lock();
                    try {
                        KeyTable t = shard.tables[db];
                        if (t.expiringCount() == 0) break;
                        expired = 0;
                        long now = Clock.now();
                        int n = Math.min(SAMPLE, t.expiringCount());
                        for (int i = 0; i < n; i++) {
                            DbEntry e = t.randomExpiring(rnd);
                            if (e != null && e.expireAt <= now) {
                                t.remove(e);
                                keyspace.database(db).expiredEvent(e.key);
                                expired++;
                            }
                        }
                        if (expired > 0) keyspace.stats().expiredKeys.add(expired);
                        reclaimed += expired;
                        if (expired * 100 <= n * ACCEPTABLE_STALE_PERCENT) break;
                    } finally {
                        shard.unlock();
                    }
                    if (System.nanoTime() > deadlineNanos) return reclaimed;
                }
            }
        }
        return reclaimed;
    }
}
