package io.ferrite.server.transaction;

import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.KeyModified;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.Client;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which clients WATCH which keys, and the marking of their transactions when a key changes.
 *
 * <p>Per shard, a map from (database, key) to the transactions watching it, guarded by that
 * shard's lock: WATCH registers under the key's lock (the dispatcher takes it from WATCH's key
 * spec), every write reaches {@link #modified} under the same lock from {@code Database}, and
 * unwatching takes the locks of the client's watched keys. A count of registrations lets a
 * write return after one volatile read when nothing is watched (the common case).
 *
 * <p>Writes mark watchers dirty at once. What happens without a write (a key expiring, lazily
 * or actively, FLUSHDB/FLUSHALL, SWAPDB) is found by EXEC under all locks: {@link #changed}
 * compares each watched key's stored entry with the one seen at WATCH time, with Redis 7.2's
 * rules for stale keys (a key already expired when watched that is then removed, or replaced
 * by another stale one, is no change).
 */
public final class WatchedKeys implements KeyModified {
    /** (database, key) as a map key; allocated by WATCH, and by writes only while something is watched. */
    private record WatchKey(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof WatchKey w && w.db == db && Arrays.equals(w.key, key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + db;
        }
    }

    private final Keyspace keyspace;
    private final Map<WatchKey, ArrayList<MultiState>>[] watchers;
    private final AtomicInteger registrations = new AtomicInteger();

    @SuppressWarnings("unchecked")
    public WatchedKeys(Keyspace keyspace) {
        this.keyspace = keyspace;
        this.watchers = new Map[keyspace.shardCount()];
        for (int i = 0; i < watchers.length; i++) watchers[i] = new HashMap<>();
        for (int i = 0; i < keyspace.databaseCount(); i++) keyspace.database(i).keyModified(this);
    }

    /** Watched (client, key) pairs right now. */
    public int registrations() { return registrations.get(); }

    @Override
    public void modified(Database db, byte[] key) {
        if (registrations.get() == 0) return;
        ArrayList<MultiState> list = watchers[keyspace.shardIndex(key)].get(new WatchKey(db.index(), key));
        if (list == null) return;
        for (int i = 0; i < list.size(); i++) list.get(i).dirty = true;
    }

    /** WATCH of key in c's selected database; caller holds the key's shard lock. */
    void watch(MultiState m, Database db, byte[] key) {
        for (MultiState.Watch w : m.watches) {
            if (w.db() == db.index() && Arrays.equals(w.key(), key)) return;
        }
        m.watches.add(new MultiState.Watch(db.index(), key, liveEntry(db, key)));
        watchers[keyspace.shardIndex(key)].computeIfAbsent(new WatchKey(db.index(), key), k -> new ArrayList<>(1)).add(m);
        registrations.incrementAndGet();
    }

    /**
     * True when a watched key changed without a write since WATCH: a live key expired, was
     * removed by expiry or FLUSH, or was swapped away; a missing or stale key became live.
     * Caller holds all shard locks.
     */
    boolean changed(MultiState m) {
        for (MultiState.Watch w : m.watches) {
            DbEntry now = liveEntry(keyspace.database(w.db()), w.key());
            if (now != w.entry()) return true;
        }
        return false;
    }

    /** Drops all of m's watches and its dirty flag; caller holds the shard locks of m's keys. */
    void unwatchAll(MultiState m) {
        for (MultiState.Watch w : m.watches) {
            var map = watchers[keyspace.shardIndex(w.key())];
            WatchKey k = new WatchKey(w.db(), w.key());
            ArrayList<MultiState> list = map.get(k);
            if (list == null) continue;
            list.remove(m);
            if (list.isEmpty()) map.remove(k);
            registrations.decrementAndGet();
        }
        m.watches.clear();
        m.dirty = false;
    }

    /** {@link #unwatchAll} taking the needed shard locks itself; call with no lock held. */
    void unwatchAllLocking(Dispatcher dispatcher, MultiState m) {
        if (m.watches.isEmpty()) {
            m.dirty = false;
            return;
        }
        long shards = 0;
        for (MultiState.Watch w : m.watches) shards |= 1L << keyspace.shardIndex(w.key());
        dispatcher.runWithLocks(shards, () -> unwatchAll(m));
    }

    /**
     * Makes a closed connection give up its watches. Runs as a separate task on the client's
     * loop, never inside a command that may hold shard locks (CLIENT KILL closes channels).
     */
    void unwatchOnClose(Client c, Dispatcher dispatcher, MultiState m) {
        if (m.closeHooked) return;
        m.closeHooked = true;
        c.channel().closeFuture().addListener(f ->
                c.channel().eventLoop().execute(() -> unwatchAllLocking(dispatcher, m)));
    }

    private static DbEntry liveEntry(Database db, byte[] key) {
        DbEntry e = db.peekStored(key);
        if (e == null || (e.hasExpire() && e.expireAt() <= Clock.now())) return null;
        return e;
    }
}
