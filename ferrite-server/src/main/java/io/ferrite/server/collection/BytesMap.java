package io.ferrite.server.collection;

import io.ferrite.server.keyspace.Keyspace;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A hash map from {@code byte[]} to V: the "hashtable" encoding behind big hashes, sets and
 * the member index of sorted sets (Redis's dict).
 *
 * <p>Chained buckets, power-of-two table, grown at load 1 and shrunk below 1/8, resized at once
 * (values are per key, so one resize touches one collection). Iteration for HSCAN/SSCAN/ZSCAN
 * uses Redis's reverse-binary cursor over the buckets ({@link #scan}), which returns every
 * element present for the whole scan at least once across resizes.
 *
 * <p>Keys are not copied: the caller hands over arrays it will not modify. Not thread-safe:
 * owned by one value, used under its shard's lock.
 */
public final class BytesMap<V> {
    private static final int MIN_BUCKETS = 4;

    private static final class Node<V> {
        final byte[] key;
        final int hash;
        V value;
        Node<V> next;

        Node(byte[] key, int hash, V value) {
            this.key = key;
            this.hash = hash;
            this.value = value;
        }
    }

    @SuppressWarnings("unchecked")
    private Node<V>[] buckets = new Node[MIN_BUCKETS];
    private int size;

    public BytesMap() {}

    public BytesMap(int expected) {
        int n = MIN_BUCKETS;
        while (n < expected) n <<= 1;
        @SuppressWarnings("unchecked")
        Node<V>[] b = new Node[n];
        buckets = b;
    }

    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }

    private static int hash(byte[] key) {
        return Keyspace.hash(key);
    }

    private Node<V> node(byte[] key) {
        int h = hash(key);
        for (Node<V> n = buckets[h & (buckets.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) return n;
        }
        return null;
    }

    public boolean containsKey(byte[] key) { return node(key) != null; }

    public V get(byte[] key) {
        Node<V> n = node(key);
        return n == null ? null : n.value;
    }

    /** The stored key array equal to key (to reuse it instead of a caller's copy), or null. */
    public byte[] storedKey(byte[] key) {
        Node<V> n = node(key);
        return n == null ? null : n.key;
    }

    /** Puts key → value; returns the previous value, or null when the key was new. */
    public V put(byte[] key, V value) {
        int h = hash(key);
        int i = h & (buckets.length - 1);
        for (Node<V> n = buckets[i]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) {
                V old = n.value;
                n.value = value;
                return old;
            }
        }
        Node<V> n = new Node<>(key, h, value);
        n.next = buckets[i];
        buckets[i] = n;
        if (++size > buckets.length) resize(buckets.length * 2);
        return null;
    }

    /** True when key was added, false when it was present (the value is then left alone). */
    public boolean putIfAbsent(byte[] key, V value) {
        if (node(key) != null) return false;
        put(key, value);
        return true;
    }

    /** Removes key; returns true when it was present. */
    public boolean remove(byte[] key) {
        return removeNode(key) != null;
    }

    /** Removes key and returns its value, or null when absent. */
    public V removeValue(byte[] key) {
        Node<V> n = removeNode(key);
        return n == null ? null : n.value;
    }

    private Node<V> removeNode(byte[] key) {
        int h = hash(key);
        int i = h & (buckets.length - 1);
        Node<V> prev = null;
        for (Node<V> n = buckets[i]; n != null; prev = n, n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) {
                if (prev == null) buckets[i] = n.next; else prev.next = n.next;
                size--;
                if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) resize(buckets.length / 2);
                return n;
            }
        }
        return null;
    }

    public void forEach(BiConsumer<byte[], V> visitor) {
        for (Node<V> b : buckets) {
            for (Node<V> n = b; n != null; n = n.next) visitor.accept(n.key, n.value);
        }
    }

    /** Visits the bucket at cursor and returns the next cursor (0 when the scan is complete). */
    public long scan(long cursor, BiConsumer<byte[], V> visitor) {
        long mask = buckets.length - 1;
        for (Node<V> n = buckets[(int) (cursor & mask)]; n != null; n = n.next) visitor.accept(n.key, n.value);
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        return Long.reverse(cursor);
    }

    /** A random key (bucket, then chain position), or null when empty. */
    public byte[] randomKey(ThreadLocalRandom rnd) {
        if (size == 0) return null;
        while (true) {
            Node<V> n = buckets[rnd.nextInt(buckets.length)];
            if (n == null) continue;
            int len = 0;
            for (Node<V> x = n; x != null; x = x.next) len++;
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
    public byte[] fairRandomKey(ThreadLocalRandom rnd) {
        if (size == 0) return null;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            Node<V> n = buckets[rnd.nextInt(buckets.length)];
            for (int k = rnd.nextInt(FAIR_CHAIN); n != null && k > 0; k--) n = n.next;
            if (n != null) return n.key;
        }
        return randomKey(rnd);
    }

    /**
     * A deep copy with the same bucket layout and chain order, so the copy iterates (and
     * serializes) exactly like the original: COPY followed by DUMP gives identical bytes.
     */
    public BytesMap<V> copy(java.util.function.UnaryOperator<V> copyValue) {
        BytesMap<V> m = new BytesMap<>();
        @SuppressWarnings("unchecked")
        Node<V>[] b = new Node[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            Node<V> tail = null;
            for (Node<V> n = buckets[i]; n != null; n = n.next) {
                Node<V> x = new Node<>(n.key.clone(), n.hash, n.value == null ? null : copyValue.apply(n.value));
                if (tail == null) b[i] = x; else tail.next = x;
                tail = x;
            }
        }
        m.buckets = b;
        m.size = size;
        return m;
    }

    public void clear() {
        @SuppressWarnings("unchecked")
        Node<V>[] b = new Node[MIN_BUCKETS];
        buckets = b;
        size = 0;
    }

    private void resize(int n) {
        @SuppressWarnings("unchecked")
        Node<V>[] fresh = new Node[n];
        int mask = n - 1;
        for (Node<V> head : buckets) {
            Node<V> e = head;
            while (e != null) {
                Node<V> next = e.next;
                int i = e.hash & mask;
                e.next = fresh[i];
                fresh[i] = e;
                e = next;
            }
        }
        buckets = fresh;
    }
}
