package io.ferrite.server.collection;

import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * A hash map from {@code byte[]} to V: the "hashtable" encoding behind big hashes and sets
 * (Redis's dict). The table itself (chains, resizing, the SCAN cursor, random keys) is
 * {@link BytesTable}; an entry here adds one value reference to it.
 *
 * <p>Keys are not copied: the caller hands over arrays it will not modify. Not thread-safe:
 * owned by one value, used under its shard's lock.
 */
public final class BytesMap<V> extends BytesTable<BytesMap.Node<V>> {
    static final class Node<V> extends BytesTable.Entry {
        V value;

        Node(byte[] key, int hash, V value) {
            super(key, hash);
            this.value = value;
        }
    }

    public BytesMap() {}

    public BytesMap(int expected) {
        super(expected);
    }

    public V get(byte[] key) {
        Node<V> n = find(key);
        return n == null ? null : n.value;
    }

    /** Puts key → value; returns the previous value, or null when the key was new. */
    public V put(byte[] key, V value) {
        int h = hash(key);
        Node<V> n = find(key, h);
        if (n != null) {
            V old = n.value;
            n.value = value;
            return old;
        }
        insert(new Node<>(key, h, value));
        return null;
    }

    /** True when key was added, false when it was present (the value is then left alone). */
    public boolean putIfAbsent(byte[] key, V value) {
        int h = hash(key);
        if (find(key, h) != null) return false;
        insert(new Node<>(key, h, value));
        return true;
    }

    /** Removes key; returns true when it was present. */
    public boolean remove(byte[] key) {
        return delete(key) != null;
    }

    /** Removes key and returns its value, or null when absent. */
    public V removeValue(byte[] key) {
        Node<V> n = delete(key);
        return n == null ? null : n.value;
    }

    public void forEach(BiConsumer<byte[], V> visitor) {
        forEachEntry(n -> visitor.accept(n.key, n.value));
    }

    /** Visits the bucket at cursor and returns the next cursor (0 when the scan is complete). */
    public long scan(long cursor, BiConsumer<byte[], V> visitor) {
        return scanEntries(cursor, n -> visitor.accept(n.key, n.value));
    }

    /**
     * A deep copy with the same bucket layout and chain order, so the copy iterates (and
     * serializes) exactly like the original: COPY followed by DUMP gives identical bytes.
     */
    @SuppressWarnings("unchecked")
    public BytesMap<V> copy(UnaryOperator<V> copyValue) {
        BytesMap<V> m = new BytesMap<>();
        Entry[] b = new Entry[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            Entry tail = null;
            for (Entry e = buckets[i]; e != null; e = e.next) {
                Node<V> n = (Node<V>) e;
                Node<V> x = new Node<>(n.key.clone(), n.hash, n.value == null ? null : copyValue.apply(n.value));
                if (tail == null) b[i] = x; else tail.next = x;
                tail = x;
            }
        }
        m.buckets = b;
        m.size = size;
        return m;
    }
}
