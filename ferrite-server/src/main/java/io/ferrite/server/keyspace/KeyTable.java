package io.ferrite.server.keyspace;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The keys of one database within one shard: a chained hash table with power-of-two buckets,
 * plus a dense array of the entries that carry a TTL (the "expires" set that active expiry
 * samples from, as in Redis's db->expires).
 *
 * <p>SCAN walks buckets with Redis's reverse-binary cursor (dict.c dictScan): the cursor's bits
 * are incremented from the high end, so when the table doubles or halves between calls every
 * bucket of the old table maps onto buckets the cursor has yet to visit or has fully visited.
 * That gives Redis's guarantee: a key present for the whole scan is returned at least once.
 * Resizes happen at once rather than incrementally; tables are per shard, so one resize touches
 * only 1/S of the keys.
 *
 * <p>Not thread-safe: owned by its shard, used under the shard's lock.
 */
final class KeyTable {
    private static final int MIN_BUCKETS = 16;

    private DbEntry[] buckets = new DbEntry[MIN_BUCKETS];
    private int size;
    private DbEntry[] expiring = new DbEntry[0];
    private int expiringCount;
    // The time-series label index of this database and shard; null until a series is stored.
    TableIndex index;

    int size() { return size; }
    int expiringCount() { return expiringCount; }

    DbEntry find(byte[] key, int hash) {
        DbEntry e = buckets[hash & (buckets.length - 1)];
        while (e != null) {
            if (e.hash == hash && Arrays.equals(e.key, key)) return e;
            e = e.next;
        }
        return null;
    }

    /** Adds a new entry; the caller has checked the key is absent. */
    void insert(DbEntry e) {
        if (size >= buckets.length) resize(buckets.length * 2);
        int i = e.hash & (buckets.length - 1);
        e.next = buckets[i];
        buckets[i] = e;
        size++;
        if (e.expireAt != DbEntry.NO_EXPIRE) addExpiring(e);
        if (e.value instanceof IndexedValue v) indexAdd(e, v);
    }

    private void indexAdd(DbEntry e, IndexedValue v) {
        if (index == null) index = v.newIndex();
        index.added(e);
    }

    /** Replaces the value of an entry in place, keeping the index in step. */
    void replaceValue(DbEntry e, Object value) {
        if (index != null && e.value instanceof IndexedValue) index.removed(e);
        e.value = value;
        if (value instanceof IndexedValue v) indexAdd(e, v);
    }

    void remove(DbEntry target) {
        int i = target.hash & (buckets.length - 1);
        DbEntry prev = null, e = buckets[i];
        while (e != null) {
            if (e == target) {
                if (prev == null) buckets[i] = e.next; else prev.next = e.next;
                e.next = null;
                size--;
                if (e.expiringIndex >= 0) removeExpiring(e);
                if (index != null && e.value instanceof IndexedValue) index.removed(e);
                if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) resize(buckets.length / 2);
                return;
            }
            prev = e;
            e = e.next;
        }
    }

    void setExpire(DbEntry e, long at) {
        e.expireAt = at;
        if (at == DbEntry.NO_EXPIRE) {
            if (e.expiringIndex >= 0) removeExpiring(e);
        } else if (e.expiringIndex < 0) {
            addExpiring(e);
        }
    }

    private void addExpiring(DbEntry e) {
        if (expiringCount == expiring.length) expiring = Arrays.copyOf(expiring, Math.max(16, expiring.length * 2));
        e.expiringIndex = expiringCount;
        expiring[expiringCount++] = e;
    }

    private void removeExpiring(DbEntry e) {
        int i = e.expiringIndex;
        DbEntry last = expiring[--expiringCount];
        expiring[i] = last;
        last.expiringIndex = i;
        expiring[expiringCount] = null;
        e.expiringIndex = -1;
        if (expiring.length > 64 && expiringCount < expiring.length / 4) expiring = Arrays.copyOf(expiring, expiring.length / 2);
    }

    /** A uniformly chosen entry that has a TTL, or null. */
    DbEntry randomExpiring(ThreadLocalRandom rnd) {
        return expiringCount == 0 ? null : expiring[rnd.nextInt(expiringCount)];
    }

    /** A random entry (bucket first, then a chain element, as Redis's dictGetFairRandomKey approximates). */
    DbEntry random(ThreadLocalRandom rnd) {
        if (size == 0) return null;
        while (true) {
            DbEntry e = buckets[rnd.nextInt(buckets.length)];
            if (e == null) continue;
            int len = 0;
            for (DbEntry x = e; x != null; x = x.next) len++;
            int pick = rnd.nextInt(len);
            while (pick-- > 0) e = e.next;
            return e;
        }
    }

    /** Visits the bucket(s) at {@code cursor}; returns the next cursor, 0 when done. */
    long scan(long cursor, Consumer<DbEntry> visitor) {
        if (size == 0) return 0;
        long mask = buckets.length - 1;
        for (DbEntry e = buckets[(int) (cursor & mask)]; e != null; e = e.next) visitor.accept(e);
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        cursor = Long.reverse(cursor);
        return cursor;
    }

    void forEach(Consumer<DbEntry> visitor) {
        for (DbEntry b : buckets) {
            for (DbEntry e = b; e != null; e = e.next) visitor.accept(e);
        }
    }

    void clear() {
        buckets = new DbEntry[MIN_BUCKETS];
        size = 0;
        expiring = new DbEntry[0];
        expiringCount = 0;
        index = null;
    }

    private void resize(int n) {
        DbEntry[] old = buckets;
        DbEntry[] fresh = new DbEntry[n];
        int mask = n - 1;
        for (DbEntry head : old) {
            DbEntry e = head;
            while (e != null) {
                DbEntry next = e.next;
                int i = e.hash & mask;
                e.next = fresh[i];
                fresh[i] = e;
                e = next;
            }
        }
        buckets = fresh;
    }
}
