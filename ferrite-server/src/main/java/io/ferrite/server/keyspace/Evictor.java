package io.ferrite.server.keyspace;

import io.ferrite.server.config.FerriteConfig;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * maxmemory (Redis's evict.c): the memory figure, and eviction of keys by
 * {@code maxmemory-policy} while it is over the limit.
 *
 * <p><b>Used memory</b> is the JVM heap in use (live data plus garbage not yet collected),
 * minus an estimate of what evictions freed since the last collection: the heap figure drops
 * only when the collector runs, and without the correction one burst over the limit would
 * evict key after key until then. So the limit is approximate: set maxmemory below the heap
 * size (-Xmx) with room for garbage.
 *
 * <p><b>Policies.</b> allkeys-/volatile-lru sample {@code maxmemory-samples} keys of a random
 * shard and evict the least recently used (the per-key access clock of OBJECT IDLETIME);
 * -lfu policies evict the sampled key with the lowest decayed access counter (see Lfu); -random evicts
 * a random key; volatile-ttl the sampled key nearest to expiring; volatile-* only consider keys
 * with a TTL. noeviction evicts nothing: commands that may grow memory get OOM.
 *
 * <p><b>Threads.</b> Called by any event loop before a command takes its locks, and by CONFIG
 * SET; it takes one shard lock at a time. Evictions are serialised by this object's monitor,
 * which no other code takes: eviction is rare, and two loops evicting at once would each
 * count the other's frees.
 */
public final class Evictor {
    /** DbEntry with compact object headers: header 8, key/value/next refs 12, hash 4, index 4, clock 4, expiry 8. */
    static final long ENTRY_OVERHEAD = 40;
    static final long ARRAY_HEADER = 16;
    private static final int MAX_PER_CALL = 128; // bounded work per command, like Redis's eviction time limit

    private final Keyspace keyspace;
    private final FerriteConfig config;
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    // Written under this object's monitor (evictions), read without it on every command while
    // maxmemory is set: a command must not take a lock to learn that memory is fine.
    private volatile long freedSinceGc;
    private volatile long gcCountAtFree = -1;

    public Evictor(Keyspace keyspace, FerriteConfig config) {
        this.keyspace = keyspace;
        this.config = config;
    }

    /** The estimated bytes of one key: entry, key and value (a flat guess for values without DUMP form). */
    public static long estimate(DbEntry e) {
        long bytes = ENTRY_OVERHEAD + ARRAY_HEADER + e.key().length;
        if (e.value() instanceof byte[] b) return bytes + ARRAY_HEADER + b.length;
        try {
            return bytes + DumpFormat.dump(e.value()).length + ENTRY_OVERHEAD;
        } catch (io.ferrite.server.protocol.CommandError notSerializable) {
            return bytes + 1024;
        }
    }

    /** Heap in use minus what evictions freed since the last collection. */
    public long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        long freed = freedSinceGc;
        if (freed > 0 && gcCount() != gcCountAtFree) freed = 0; // collected since: the heap figure shows it
        return Math.max(0, heap - freed);
    }

    /** True when maxmemory is set and used memory is above it. */
    public boolean overLimit() {
        long limit = config.maxmemory.longValue();
        return limit > 0 && usedMemory() > limit;
    }

    /**
     * Evicts keys while over the limit (at most a bounded number per call); returns false when
     * memory is still over it (noeviction, or nothing left to evict under the policy).
     */
    public boolean evict() {
        long limit = config.maxmemory.longValue();
        if (limit <= 0) return true;
        String policy = config.maxmemoryPolicy.value();
        if (policy.equals("noeviction")) return usedMemory() <= limit; // nothing to do: no lock
        return evictUnderMonitor(limit, policy);
    }

    private synchronized boolean evictUnderMonitor(long limit, String policy) {
        if (freedSinceGc > 0 && gcCount() != gcCountAtFree) freedSinceGc = 0;
        boolean volatileOnly = policy.startsWith("volatile-");
        for (int n = 0; n < MAX_PER_CALL && usedMemory() > limit; n++) {
            if (!evictOne(policy, volatileOnly)) return false;
        }
        return usedMemory() <= limit;
    }

    /** Evicts the best candidate of one shard that has any; false when no shard has one. */
    private boolean evictOne(String policy, boolean volatileOnly) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int shards = keyspace.shardCount();
        int start = rnd.nextInt(shards);
        int samples = (int) Math.max(1, config.param("maxmemory-samples").longValue());
        for (int k = 0; k < shards; k++) {
            Shard shard = keyspace.shard((start + k) % shards);
            shard.lock();
            try {
                for (int db = 0; db < keyspace.databaseCount(); db++) {
                    KeyTable t = shard.tables[db];
                    if (volatileOnly ? t.expiringCount() == 0 : t.size() == 0) continue;
                    DbEntry best = null;
                    for (int i = 0; i < (policy.endsWith("-random") ? 1 : samples); i++) {
                        DbEntry e = volatileOnly ? t.randomExpiring(rnd) : t.random(rnd);
                        if (e != null && (best == null || better(policy, e, best))) best = e;
                    }
                    if (best == null) continue;
                    long freed = estimate(best);
                    keyspace.database(db).evict(best);
                    keyspace.stats().evictedKeys.increment();
                    freedSinceGc += freed;
                    gcCountAtFree = gcCount();
                    return true;
                }
            } finally {
                shard.unlock();
            }
        }
        return false;
    }

    private boolean better(String policy, DbEntry e, DbEntry best) {
        if (policy.equals("volatile-ttl")) return e.expireAt() < best.expireAt();
        if (policy.endsWith("-lfu")) return keyspace.frequency(e) < keyspace.frequency(best);
        return e.accessClock() < best.accessClock();
    }

    private long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : collectors) n += Math.max(0, gc.getCollectionCount());
        return n;
    }
}
