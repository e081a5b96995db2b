package io.ferrite.server.keyspace;

import io.ferrite.server.config.ConfigParam;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.exec.CommandThread;
import io.ferrite.server.exec.CounterBlock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * All databases of the server, split into S lock-guarded shards (S a power of two, at most
 * 64 so a set of shards fits in one long). A key's shard is taken from the high bits of its
 * hash, its bucket inside the shard's table from the low bits.
 */
public final class Keyspace {
    public static final int MAX_SHARDS = 64;

    private final Shard[] shards;
    private final int shardShift;
    private final Database[] databases;
    private final KeyspaceStats stats;
    private volatile ReadyKeys readyKeys;
    // The configuration that says LRU or LFU (null: LRU, for tools without a server); the policy
    // string last seen and whether it is an -lfu one travel together in one immutable record.
    private volatile ConfigParam policy, lfuLogFactor, lfuDecayTime;
    private AccessMode accessMode = new AccessMode("", false);

    private record AccessMode(String policy, boolean lfu) {
        static AccessMode of(String policy) { return new AccessMode(policy, policy.endsWith("-lfu")); }
    }

    /** A keyspace with counters of its own (tools and benchmarks without a server). */
    public Keyspace(int shardCount, int databaseCount) {
        this(shardCount, databaseCount, new CounterBlock());
    }

    /** counters: the server's statistics block (see {@link CounterBlock}). */
    public Keyspace(int shardCount, int databaseCount, CounterBlock counters) {
        stats = new KeyspaceStats(counters);
        if (Integer.bitCount(shardCount) != 1 || shardCount > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be a power of two <= " + MAX_SHARDS);
        }
        shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) shards[i] = new Shard(i, databaseCount);
        shardShift = 32 - Integer.numberOfTrailingZeros(shardCount);
        databases = new Database[databaseCount];
        for (int i = 0; i < databaseCount; i++) databases[i] = new Database(this, i);
    }

    public KeyspaceStats stats() { return stats; }

    // CLIENT PAUSE pauses expiry: expired keys read as missing but stay until the pause ends.
    private volatile boolean expiryPaused;

    public void expiryPaused(boolean on) { expiryPaused = on; }

    public boolean expiryPaused() { return expiryPaused; }

    /** Follows maxmemory-policy for access tracking: LRU seconds, or LFU counters under -lfu. */
    public void config(FerriteConfig config) {
        lfuLogFactor = config.param("lfu-log-factor");
        lfuDecayTime = config.param("lfu-decay-time");
        // Known from the start, so the first command does not take lfu()'s policy-changed path:
        // code compiled during the JIT warm-up (another keyspace) would deoptimize on it.
        String name = config.maxmemoryPolicy.value();
        accessMode = AccessMode.of(name);
        policy = config.maxmemoryPolicy;
    }

    /** True while an -lfu maxmemory-policy is selected: entries carry {@link Lfu} counters. */
    public boolean lfu() {
        ConfigParam p = policy;
        if (p == null) return false;
        String name = p.value();
        AccessMode m = accessMode;
        if (m.policy() != name) accessMode = m = AccessMode.of(name);
        return m.lfu();
    }

    /** The access field of a new entry. */
    int freshAccess() {
        return lfu() ? Lfu.fresh() : Clock.seconds();
    }

    /** Records an access: the LRU second, or one LFU hit; nothing for a CLIENT NO-TOUCH command. */
    void accessed(DbEntry e) {
        if (CommandThread.touchesNothing()) return;
        if (lfu()) {
            e.accessClock = Lfu.accessed(e.accessClock, lfuLogFactor.longValue(), lfuDecayTime.longValue());
            return;
        }
        int now = Clock.seconds();
        if (e.accessClock != now) e.accessClock = now; // reads within a second leave the entry's line clean
    }

    /** The LFU counter of an entry as OBJECT FREQ shows it (decayed, not touched). */
    public int frequency(DbEntry e) {
        ConfigParam decay = lfuDecayTime;
        return Lfu.counter(e.accessClock, decay == null ? 1 : decay.longValue());
    }

    /** Sets the LFU counter of an entry (RESTORE ... FREQ). */
    public void frequency(DbEntry e, int counter) {
        e.accessClock = Lfu.withCounter(counter);
    }

    /** Sets how long ago an entry was last accessed (RESTORE ... IDLETIME, an RDB file's IDLE). */
    public void idleSeconds(DbEntry e, long idle) {
        e.accessClock = (int) Math.max(Integer.MIN_VALUE, Clock.seconds() - idle);
    }

    /** Seconds since an entry's last access (OBJECT IDLETIME; meaningful under LRU). */
    public long idleSeconds(DbEntry e) {
        return Math.max(0, Clock.seconds() - e.accessClock);
    }

    /** Installs the listener for keys that blocked clients may wait on (the blocking subsystem). */
    public void readyKeys(ReadyKeys listener) { this.readyKeys = listener; }

    /** A key of a blockable type was created or got new data; caller holds its shard lock. */
    void signalReady(Database db, byte[] key) {
        ReadyKeys r = readyKeys;
        if (r != null) r.signal(db, key);
    }
    public int shardCount() { return shards.length; }
    public Shard shard(int i) { return shards[i]; }
    public int databaseCount() { return databases.length; }
    public Database database(int i) { return databases[i]; }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Hash of a key: eight bytes per multiply step, then a murmur3 64-bit finalizer so that both
     * the high bits (shard) and the low bits (bucket) are well mixed. Byte-at-a-time hashing
     * was the top item of a SET profile; this one costs a few cycles for a typical key.
     */
    public static int hash(byte[] key) {
        int n = key.length;
        long h = 0x9E3779B97F4A7C15L ^ n;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            h = (h ^ (long) LONGS.get(key, i)) * 0xff51afd7ed558ccdL;
            h ^= h >>> 29;
        }
        if (i + 4 <= n) {
            h = (h ^ ((int) INTS.get(key, i) & 0xffffffffL)) * 0xc4ceb9fe1a85ec53L;
            i += 4;
        }
        for (; i < n; i++) h = (h ^ (key[i] & 0xff)) * 0x100000001b3L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    public int shardIndex(byte[] key) {
        return shards.length == 1 ? 0 : keyHash(key) >>> shardShift;
    }

    /**
     * {@link #hash} of a key of the running command: the dispatcher hashes a command's first key
     * to pick its shard, and the lookup that follows reuses that hash instead of computing it
     * again (the thread remembers the last key array it hashed, by identity, until the command
     * ends; argument arrays are not modified while their command runs).
     */
    public static int keyHash(byte[] key) {
        return Thread.currentThread() instanceof CommandThread t ? t.keyHash(key, Keyspace::hash) : hash(key);
    }

    public Shard shardOf(byte[] key) {
        return shards[shardIndex(key)];
    }

    /** True when the current thread holds the lock of shard i. */
    public boolean holds(int shard) {
        return shards[shard].heldByCurrentThread();
    }

    /**
     * Asks for more shard locks: throws {@link ShardsNeeded} when the current thread lacks the
     * lock of any shard in the bit set (see there for the protocol); returns when it holds them all.
     */
    public void require(long shardBits) {
        long missing = 0;
        for (long s = shardBits; s != 0; s &= s - 1) {
            int i = Long.numberOfTrailingZeros(s);
            if (!shards[i].heldByCurrentThread()) missing |= 1L << i;
        }
        if (missing != 0) throw new ShardsNeeded(missing);
    }

    public void lockAll() {
        for (Shard s : shards) s.lock();
    }

    public void unlockAll() {
        for (int i = shards.length - 1; i >= 0; i--) shards[i].unlock();
    }

    /** Swaps the contents of two databases. Call with all shard locks held. */
    public void swap(int a, int b) {
        for (Shard s : shards) {
            KeyTable t = s.tables[a];
            s.tables[a] = s.tables[b];
            s.tables[b] = t;
        }
    }

    /** Keys in all databases. Call with all shard locks held. */
    public long totalKeys() {
        long n = 0;
        for (Database d : databases) n += d.size();
        return n;
    }
}
