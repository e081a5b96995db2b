package io.ferrite.server.keyspace;

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
    private final KeyspaceStats stats = new KeyspaceStats();
    private volatile ReadyKeys readyKeys;

    public Keyspace(int shardCount, int databaseCount) {
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

    /** Hash of a key: a 32-bit multiplicative hash with a murmur3 finalizer for good high bits. */
    public static int hash(byte[] key) {
        int h = 0x9747b28c;
        for (byte b : key) h = h * 31 + b;
        h ^= key.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    public int shardIndex(byte[] key) {
        return shards.length == 1 ? 0 : hash(key) >>> shardShift;
    }

    public Shard shardOf(byte[] key) {
        return shards[shardIndex(key)];
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
