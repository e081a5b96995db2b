package io.ferrite.server.collection;

import io.ferrite.server.keyspace.Keyspace;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The chained hash table of {@code byte[]} keys under {@link BytesMap} (hashes, sets) and the
 * sorted set's member index (member → score): Redis's dict. A subclass says what an entry
 * carries besides its key by extending {@link Entry} (a value reference, a primitive score), so
 * no entry pays for a field it does not use and a score is not boxed.
 *
 * <p>Chained buckets, power-of-two table, grown at load 1 and shrunk below 1/8, resized at once
 * (values are per key, so one resize touches one collection). Iteration for HSCAN/SSCAN/ZSCAN
 * uses Redis's reverse-binary cursor over the buckets ({@link #scanEntries}), which returns every
 * element present for the whole scan at least once across resizes.
 *
 * <p>Keys are not copied: the caller hands over arrays it will not modify. Not thread-safe:
 * owned by one value, used under its shard's lock.
 *
 * @param <E> the entry type, the subclass's own
 */
public abstract class BytesTable<E extends BytesTable.Entry> {
    private static final int MIN_BUCKETS = 4;

    /**
     * One key and its chain link. Layout with compressed class pointers: header, key, hash and
     * next take 20 bytes (compact headers) or 24, so a subclass adding one reference stays at
     * 24 or 32 bytes, and one adding a double at 32.
     */
    public static class Entry {
        final byte[] key;
        final int hash;
        Entry next;

        protected Entry(byte[] key, int hash) {
            this.key = key;
            this.hash = hash;
        }

        /** The stored key: the array the caller handed over when the entry was added. */
        public final byte[] key() { return key; }
    }

    Entry[] buckets = new Entry[MIN_BUCKETS];
    int size;

    protected BytesTable() {}

    /** A table presized for about {@code expected} keys. */
    protected BytesTable(int expected) {
        int n = MIN_BUCKETS;
        while (n < expected) n <<= 1;
        buckets = new Entry[n];
    }

    public final int size() { return size; }
    public final boolean isEmpty() { return size == 0; }

    /** The hash of a key, for {@link #find(byte[], int)} and new entries. */
    protected static int hash(byte[] key) {
        return Keyspace.hash(key);
    }

    /** The entry of key, or null. */
    protected final E find(byte[] key) {
        return find(key, hash(key));
    }

    /** The entry of key, whose hash is h, or null. */
    @SuppressWarnings("unchecked")
    protected final E find(byte[] key, int h) {
        for (Entry n = buckets[h & (buckets.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) return (E) n;
        }
        return null;
    }

    /** Links an entry whose key is absent (the caller looked it up), growing the table at load 1. */
    protected final void insert(E e) {
        int i = e.hash & (buckets.length - 1);
        e.next = buckets[i];
        buckets[i] = e;
        if (++size > buckets.length) resize(buckets.length * 2);
    }

    /** Unlinks the entry of key and returns it, or null when absent; shrinks below load 1/8. */
    @SuppressWarnings("unchecked")
    protected final E delete(byte[] key) {
        int h = hash(key);
        int i = h & (buckets.length - 1);
        Entry prev = null;
        for (Entry n = buckets[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) {
                if (prev == null) buckets[i] = n.next; else prev.next = n.next;
                size--;
                if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) resize(buckets.length / 2);
                return (E) n;
            }
        }
        return null;
    }

    public final boolean containsKey(byte[] key) { return find(key) != null; }

    /** The stored key array equal to key (to reuse it instead of a caller's copy), or null. */
    public final byte[] storedKey(byte[] key) {
        Entry n = find(key);
        return n == null ? null : n.key;
    }

    /** Visits every entry, bucket by bucket. */
    @SuppressWarnings("unchecked")
    protected final void forEachEntry(Consumer<? super E> visitor) {
        for (Entry b : buckets) {
            for (Entry n = b; n != null; n = n.next) visitor.accept((E) n);
        }
    }

    /** Visits the bucket at cursor and returns the next cursor (0 when the scan is complete). */
    @SuppressWarnings("unchecked")
    protected final long scanEntries(long cursor, Consumer<? super E> visitor) {
        long mask = buckets.length - 1;
        for (Entry n = buckets[(int) (cursor & mask)]; n != null; n = n.next) visitor.accept((E) n);
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        return Long.reverse(cursor);
    }

    /** A random key (bucket, then chain position), or null when empty. */
    public final byte[] randomKey(ThreadLocalRandom rnd) {
        if (size == 0) return null;
        while (true) {
            Entry n = buckets[rnd.nextInt(buckets.length)];
            if (n == null) continue;
            int len = 0;
            for (Entry x = n; x != null; x = x.next) len++;
            for (int k = rnd.nextInt(len); k > 0; k--) n = n.next;
            return n.key;
        }
    }

    private static final int FAIR_CHAIN = 8;

    /**
     * A uniformly random key, or null when empty (for SRANDMEMBER, SPOP, HRANDFIELD, whose
     * tests check the distribution). {@link #randomKey} favours keys in short chains; this one
     * picks a bucket and a chain position below {@value #FAIR_CHAIN} and retries when that
     * position is empty, so every key within the first {@value #FAIR_CHAIN} links of its chain
     * has the same chance. At load 1/8 or more that takes at most 64 tries on average.
     */
    public final byte[] fairRandomKey(ThreadLocalRandom rnd) {
        if (size == 0) return null;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            Entry n = buckets[rnd.nextInt(buckets.length)];
            for (int k = rnd.nextInt(FAIR_CHAIN); n != null && k > 0; k--) n = n.next;
            if (n != null) return n.key;
        }
        return randomKey(rnd);
    }

    public void clear() {
        buckets = new Entry[MIN_BUCKETS];
        size = 0;
    }

    private void resize(int n) {
        Entry[] fresh = new Entry[n];
        int mask = n - 1;
        for (Entry head : buckets) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int i = e.hash & mask;
                e.next = fresh[i];
                fresh[i] = e;
                e = next;
            }
        }
        buckets = fresh;
    }
}
