package io.ferrite.server.keyspace;

import io.ferrite.server.protocol.CommandError;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One numbered database (SELECT n): the view through which commands read and write keys.
 *
 * <p>Every method expects the caller to hold the shard lock of each key it passes (the
 * dispatcher takes them from the command's key spec); methods that touch all keys expect all
 * shard locks. Expired keys are removed lazily by every lookup, and actively by
 * {@link ActiveExpiry}.
 */
public final class Database {
    private final Keyspace keyspace;
    private final int index;
    private final KeyspaceStats stats;
    // WATCH: installed once before the server accepts clients (hence not volatile); the
    // listener itself returns after one volatile read when nothing is watched.
    private KeyModified keyModified;
    // Keyspace notifications (pubsub.KeyspaceEvents): installed once before the server accepts
    // clients; the listener returns after one volatile read while notify-keyspace-events is off.
    private KeyEvents keyEvents;

    /** Told of the events the database itself raises: "expired" (lazy or active) and "new". */
    public interface KeyEvents {
        void event(Database db, int type, String event, byte[] key);
    }

    /** Installs the keyspace-notification listener; call before the server accepts connections. */
    public void keyEvents(KeyEvents listener) { this.keyEvents = listener; }

    // Redis's NOTIFY_EXPIRED / NOTIFY_NEW bits (config.FerriteConfig.NOTIFY_*).
    private static final int NOTIFY_EXPIRED = 1 << 8, NOTIFY_EVICTED = 1 << 9, NOTIFY_NEW = 1 << 14;

    /** A key removed because it expired: the "expired" event. Caller holds its shard lock. */
    void expiredEvent(byte[] key) {
        KeyEvents k = keyEvents;
        if (k != null) k.event(this, NOTIFY_EXPIRED, "expired", key);
    }

    private void newKeyEvent(byte[] key) {
        KeyEvents k = keyEvents;
        if (k != null) k.event(this, NOTIFY_NEW, "new", key);
    }

    Database(Keyspace keyspace, int index) {
        this.keyspace = keyspace;
        this.index = index;
        this.stats = keyspace.stats();
    }

    public int index() { return index; }
    public Keyspace keyspace() { return keyspace; }

    /** Installs the WATCH listener; call before the server accepts connections. */
    public void keyModified(KeyModified listener) { this.keyModified = listener; }

    private void modified(byte[] key) {
        KeyModified m = keyModified;
        if (m != null) m.modified(this, key);
    }

    /**
     * The entry of key as stored, expired or not, without removing or touching it: for WATCH
     * and EXEC, which must tell a stale key from a missing one as Redis does.
     */
    public DbEntry peekStored(byte[] key) {
        int h = Keyspace.keyHash(key);
        return table(h).find(key, h);
    }

    private KeyTable table(int hash) {
        return keyspace.shard(keyspace.shardCount() == 1 ? 0 : shardOfHash(hash)).tables[index];
    }

    private int shardOfHash(int hash) {
        return hash >>> (32 - Integer.numberOfTrailingZeros(keyspace.shardCount()));
    }

    /** The live entry of key, or null; removes it first if it has expired. */
    public DbEntry lookup(byte[] key) {
        int h = Keyspace.keyHash(key);
        KeyTable t = table(h);
        DbEntry e = t.find(key, h);
        if (e == null) return null;
        if (e.expireAt != DbEntry.NO_EXPIRE && e.expireAt <= Clock.now()) {
            if (keyspace.expiryPaused()) return null; // CLIENT PAUSE: missing, but not deleted yet
            t.remove(e);
            stats.expiredKeys.increment();
            expiredEvent(e.key);
            return null;
        }
        keyspace.accessed(e);
        return e;
    }

    /** Like lookup, without refreshing the access time (OBJECT IDLETIME, TTL-style reads). */
    public DbEntry peek(byte[] key) {
        int h = Keyspace.keyHash(key);
        KeyTable t = table(h);
        DbEntry e = t.find(key, h);
        if (e == null) return null;
        if (e.expireAt != DbEntry.NO_EXPIRE && e.expireAt <= Clock.now()) {
            if (keyspace.expiryPaused()) return null; // CLIENT PAUSE: missing, but not deleted yet
            t.remove(e);
            stats.expiredKeys.increment();
            expiredEvent(e.key);
            return null;
        }
        return e;
    }

    /** A read lookup that counts a keyspace hit or miss for INFO. */
    public DbEntry lookupRead(byte[] key) {
        DbEntry e = lookup(key);
        if (e == null) stats.misses.increment(); else stats.hits.increment();
        return e;
    }

    /** Like lookupRead without refreshing the access time (Redis LOOKUP_NOTOUCH: EXISTS, TYPE, TTL). */
    public DbEntry peekRead(byte[] key) {
        DbEntry e = peek(key);
        if (e == null) stats.misses.increment(); else stats.hits.increment();
        return e;
    }

    /** The string value of key, null if absent; WRONGTYPE if it holds another type. */
    public byte[] getString(byte[] key) {
        DbEntry e = lookupRead(key);
        if (e == null) return null;
        if (!(e.value instanceof byte[] b)) throw CommandError.WRONGTYPE;
        return b;
    }

    /** The value of key if it is of type {@code type}, null if absent, WRONGTYPE otherwise. */
    public <T> T get(byte[] key, Class<T> type) {
        DbEntry e = lookupRead(key);
        if (e == null) return null;
        if (!type.isInstance(e.value)) throw CommandError.WRONGTYPE;
        return type.cast(e.value);
    }

    /** Sets key to value and drops any TTL (SET semantics). Returns the entry. */
    public DbEntry set(byte[] key, Object value) {
        return set(key, value, DbEntry.NO_EXPIRE);
    }

    /** Sets key to value with the given expiry (NO_EXPIRE for none). */
    public DbEntry set(byte[] key, Object value, long expireAt) {
        int h = Keyspace.keyHash(key);
        KeyTable t = table(h);
        DbEntry e = t.find(key, h);
        if (e == null) {
            e = new DbEntry(key, h, value);
            e.expireAt = expireAt;
            e.accessClock = keyspace.freshAccess();
            t.insert(e);
            newKeyEvent(key);
        } else {
            if (!(e.value instanceof byte[])) signalRemoved(e); // a stream replaced by SET
            t.replaceValue(e, value);
            keyspace.accessed(e); // a write is an access; under LFU the key keeps its counter, as in Redis
            t.setExpire(e, expireAt);
        }
        stats.dirty.increment();
        modified(key);
        if (!(value instanceof byte[])) keyspace.signalReady(this, key);
        return e;
    }

    /** Adds a key the caller knows to be absent (after a lookup returned null). */
    public DbEntry add(byte[] key, Object value) {
        return add(key, value, DbEntry.NO_EXPIRE);
    }

    /** Adds an absent key with an expiry (NO_EXPIRE for none). */
    public DbEntry add(byte[] key, Object value, long expireAt) {
        int h = Keyspace.keyHash(key);
        DbEntry e = new DbEntry(key, h, value);
        e.accessClock = keyspace.freshAccess();
        e.expireAt = expireAt;
        table(h).insert(e);
        newKeyEvent(key);
        stats.dirty.increment();
        modified(key);
        // Clients block only on missing keys (emptied collections are deleted), so a new key is
        // the moment to wake them, as Redis's dbAdd does.
        if (!(value instanceof byte[])) keyspace.signalReady(this, key);
        return e;
    }

    /**
     * Wakes clients blocked on key although it already existed (a stream that got a new entry).
     * Caller holds the key's shard lock.
     */
    public void signalReady(byte[] key) {
        keyspace.signalReady(this, key);
    }

    /**
     * Replaces the value and the expiry of a live entry from a lookup: SET on an existing key,
     * without hashing and finding the key a second time.
     */
    public void overwrite(DbEntry e, Object value, long expireAt) {
        if (!(e.value instanceof byte[])) signalRemoved(e);
        table(e.hash).replaceValue(e, value);
        if (!keyspace.lfu()) e.accessClock = Clock.seconds(); // LFU: the lookup before counted the access
        if (expireAt != e.expireAt) table(e.hash).setExpire(e, expireAt);
        stats.dirty.increment();
        modified(e.key);
        if (!(value instanceof byte[])) keyspace.signalReady(this, e.key);
    }

    /** Replaces the value of a live entry, keeping its TTL (INCR, APPEND, SETRANGE ...). */
    public void update(DbEntry e, Object value) {
        if (value instanceof byte[] && e.value instanceof byte[]) e.value = value; // the common case
        else table(e.hash).replaceValue(e, value);
        stats.dirty.increment();
        modified(e.key);
    }

    /** Records an in-place modification of e's value (for persistence and WATCH). */
    public void touched(DbEntry e) {
        stats.dirty.increment();
        modified(e.key);
    }

    public boolean delete(byte[] key) {
        int h = Keyspace.keyHash(key);
        KeyTable t = table(h);
        DbEntry e = t.find(key, h);
        if (e == null) return false;
        t.remove(e);
        if (e.expireAt != DbEntry.NO_EXPIRE && e.expireAt <= Clock.now()) {
            stats.expiredKeys.increment();
            expiredEvent(e.key);
            return false;
        }
        stats.dirty.increment();
        modified(key);
        signalRemoved(e);
        return true;
    }

    // A reader blocked on a stream that disappears (or turns into another type) must get its
    // error at once, as Redis's signalDeletedKeyAsReady does; list and zset waiters re-block.
    private void signalRemoved(DbEntry e) {
        if (!(e.value instanceof byte[])) keyspace.signalReady(this, e.key);
    }

    /** maxmemory eviction of e (caller holds its shard lock): removed, with the "evicted" event. */
    void evict(DbEntry e) {
        table(e.hash).remove(e);
        stats.dirty.increment();
        modified(e.key);
        signalRemoved(e);
        KeyEvents k = keyEvents;
        if (k != null) k.event(this, NOTIFY_EVICTED, "evicted", e.key);
    }

    /** Removes a live entry obtained from a lookup. */
    public void remove(DbEntry e) {
        table(e.hash).remove(e);
        stats.dirty.increment();
        modified(e.key);
        signalRemoved(e);
    }

    public void setExpire(DbEntry e, long at) {
        table(e.hash).setExpire(e, at);
        stats.dirty.increment();
        modified(e.key);
    }

    /** The {@link TableIndex} of e's table (database and shard), null when none. Caller holds e's shard lock. */
    public TableIndex index(DbEntry e) {
        return table(e.hash).index;
    }

    /** Visits the {@link TableIndex} of every shard of this database that has one. All locks. */
    public void forEachIndex(Consumer<TableIndex> visitor) {
        for (int i = 0; i < keyspace.shardCount(); i++) {
            TableIndex x = keyspace.shard(i).tables[index].index;
            if (x != null) visitor.accept(x);
        }
    }

    /** Number of keys (expired but not yet reclaimed included, as DBSIZE in Redis). All locks. */
    public long size() {
        long n = 0;
        for (int i = 0; i < keyspace.shardCount(); i++) n += keyspace.shard(i).tables[index].size();
        return n;
    }

    public long expiringCount() {
        long n = 0;
        for (int i = 0; i < keyspace.shardCount(); i++) n += keyspace.shard(i).tables[index].expiringCount();
        return n;
    }

    /** Removes all keys. All locks. */
    public void clear() {
        for (int i = 0; i < keyspace.shardCount(); i++) keyspace.shard(i).tables[index].clear();
        stats.dirty.increment();
    }

    /** Number of keys of this database in shard s (expired but not yet reclaimed included). Shard s's lock. */
    public long tableSize(int s) { return keyspace.shard(s).tables[index].size(); }

    /** Visits every entry of this database in shard s, expired or not. Shard s's lock. */
    public void forEachInTable(int s, Consumer<DbEntry> visitor) { keyspace.shard(s).tables[index].forEach(visitor); }

    /** Visits every entry, expired or not. All locks. */
    public void forEach(Consumer<DbEntry> visitor) {
        for (int i = 0; i < keyspace.shardCount(); i++) keyspace.shard(i).tables[index].forEach(visitor);
    }

    /**
     * One SCAN step. The cursor holds the shard in its low bits and the shard table's
     * reverse-binary cursor above them. All locks.
     */
    public long scan(long cursor, Consumer<DbEntry> visitor) {
        int bits = Integer.numberOfTrailingZeros(keyspace.shardCount());
        int shard = (int) (cursor & (keyspace.shardCount() - 1));
        long inner = cursor >>> bits;
        long next = keyspace.shard(shard).tables[index].scan(inner, visitor);
        if (next == 0) {
            shard++;
            if (shard == keyspace.shardCount()) return 0;
            return shard;
        }
        return (next << bits) | shard;
    }

    /** A random live key, or null when the database is empty. All locks. */
    public DbEntry randomEntry() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long total = size();
        for (int attempt = 0; total > 0 && attempt < 100; attempt++) {
            long pick = rnd.nextLong(total);
            for (int i = 0; i < keyspace.shardCount(); i++) {
                KeyTable t = keyspace.shard(i).tables[index];
                if (pick < t.size()) {
                    DbEntry e = t.random(rnd);
                    if (e.expireAt != DbEntry.NO_EXPIRE && e.expireAt <= Clock.now()) {
                        t.remove(e);
                        stats.expiredKeys.increment();
                        expiredEvent(e.key);
                        total--;
                        break;
                    }
                    return e;
                }
                pick -= t.size();
            }
        }
        return null;
    }

    /** The per-shard table, for the active expiry cycle. Caller holds that shard's lock. */
    KeyTable table(Shard shard) {
        return shard.tables[index];
    }
}
