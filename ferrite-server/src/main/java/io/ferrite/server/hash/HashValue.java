package io.ferrite.server.hash;

import io.ferrite.server.collection.BytesMap;
import io.ferrite.server.keyspace.Value;
import io.ferrite.server.protocol.RespWriter;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A hash value: field → value, both byte strings. Owned by one key of one shard; read and
 * write it only under that shard's lock.
 *
 * <p>Two encodings, as in Redis 7.2 (t_hash.c), reported by OBJECT ENCODING:
 * <ul>
 *   <li><b>listpack</b>: one {@link Listpack} holding field, value, field, value ... in insertion
 *       order. Lookups are a linear scan of one array, O(n) with n ≤ hash-max-listpack-entries
 *       (128 by default); a field costs its bytes plus a 1-byte length, no object of its own.</li>
 *   <li><b>hashtable</b>: a {@link BytesMap} from field to value, O(1) lookups; a field costs a
 *       chain node, its two arrays and a bucket slot (see the measurements in the report).</li>
 * </ul>
 * A new hash is a listpack. It becomes a hashtable, for good, when a field or value longer than
 * hash-max-listpack-value (64) bytes is written, when it grows past hash-max-listpack-entries,
 * or when one HSET names more pairs than that; it never converts back (Redis neither). The
 * thresholds are read at each conversion check, so CONFIG SET affects later writes only.
 *
 * <p>Differences from Redis: the listpack stores integers as their digits rather than as packed
 * integers (HSTRLEN and replies are the same), and there is no 1 GB listpack safety limit
 * (lpSafeToAdd): with the default value limit a listpack stays below 20 KB.
 */
public final class HashValue implements Value {
    /** Receives one field/value pair as slices; they are valid only during the call. */
    public interface PairVisitor {
        void pair(byte[] f, int fOff, int fLen, byte[] v, int vOff, int vLen);
    }

    private Listpack pack;          // listpack encoding, else null
    private BytesMap<byte[]> table; // hashtable encoding, else null

    /** An empty listpack-encoded hash. */
    public HashValue() {
        pack = new Listpack();
    }

    private HashValue(Listpack pack, BytesMap<byte[]> table) {
        this.pack = pack;
        this.table = table;
    }

    @Override public String typeName() { return "hash"; }
    @Override public String encoding() { return pack != null ? "listpack" : "hashtable"; }

    public boolean isListpack() { return pack != null; }

    Listpack listpack() { return pack; }
    BytesMap<byte[]> table() { return table; }

    public int size() {
        return pack != null ? pack.size() / 2 : table.size();
    }

    /** Converts a listpack to a hashtable sized for {@code expected} fields. */
    public void convertToTable(int expected) {
        if (pack == null) return;
        BytesMap<byte[]> t = new BytesMap<>(Math.max(expected, pack.size() / 2));
        for (int off = pack.first(); off >= 0; ) {
            byte[] f = pack.copyAt(off);
            off = pack.next(off);
            t.put(f, pack.copyAt(off));
            off = pack.next(off);
        }
        table = t;
        pack = null;
    }

    /** The value of field, or null. From a listpack it is a copy. */
    public byte[] get(byte[] field) {
        if (pack != null) {
            int off = pack.find(field, 2);
            return off < 0 ? null : pack.copyAt(pack.next(off));
        }
        return table.get(field);
    }

    public boolean contains(byte[] field) {
        return pack != null ? pack.find(field, 2) >= 0 : table.containsKey(field);
    }

    /** Length of field's value, or -1 when the field is absent. */
    public int valueLength(byte[] field) {
        if (pack != null) {
            int off = pack.find(field, 2);
            return off < 0 ? -1 : pack.lengthAt(pack.next(off));
        }
        byte[] v = table.get(field);
        return v == null ? -1 : v.length;
    }

    /** Writes field's value as a bulk string and returns true, or writes nothing and returns false. */
    public boolean writeValue(byte[] field, RespWriter w) {
        if (pack != null) {
            int off = pack.find(field, 2);
            if (off < 0) return false;
            int v = pack.next(off); // replied in place: no copy of the value
            w.bulk(pack.array(), pack.dataAt(v), pack.lengthAt(v));
            return true;
        }
        byte[] v = table.get(field);
        if (v == null) return false;
        w.bulk(v);
        return true;
    }

    /**
     * Sets field to value; true when the field is new. The arrays are handed over (a hashtable
     * keeps them). Converts to a hashtable first when either is longer than maxValue, and after
     * the write when the listpack holds more than maxEntries fields (hashTypeSet's order).
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (pack != null && (field.length > maxValue || value.length > maxValue)) convertToTable(0);
        if (pack != null) {
            int off = pack.find(field, 2);
            boolean added = off < 0;
            if (added) {
                pack.append(field);
                pack.append(value);
            } else {
                pack.replace(pack.next(off), value);
            }
            // Checked after updates too: a CONFIG SET that lowered the limit takes effect here.
            if (pack.size() / 2 > maxEntries) convertToTable(0);
            return added;
        }
        return table.put(field, value) == null;
    }

    /** Removes field; true when it was present. */
    public boolean delete(byte[] field) {
        if (pack != null) {
            int off = pack.find(field, 2);
            if (off < 0) return false;
            pack.remove(off, 2);
            return true;
        }
        return table.remove(field);
    }

    /** Visits every pair: insertion order for a listpack, bucket order for a hashtable. */
    public void forEach(PairVisitor visitor) {
        if (pack != null) {
            byte[] b = pack.array();
            for (int off = pack.first(); off >= 0; ) {
                int v = pack.next(off);
                visitor.pair(b, pack.dataAt(off), pack.lengthAt(off), b, pack.dataAt(v), pack.lengthAt(v));
                off = pack.next(v);
            }
        } else {
            table.forEach((f, v) -> visitor.pair(f, 0, f.length, v, 0, v.length));
        }
    }

    /** Visits every pair as whole arrays (copies for a listpack): for conversions and DUMP. */
    public void forEachCopy(BiConsumer<byte[], byte[]> visitor) {
        if (pack != null) {
            for (int off = pack.first(); off >= 0; ) {
                int v = pack.next(off);
                visitor.accept(pack.copyAt(off), pack.copyAt(v));
                off = pack.next(v);
            }
        } else {
            table.forEach(visitor);
        }
    }

    @Override
    public HashValue copy() {
        if (pack != null) return new HashValue(pack.copy(), null);
        return new HashValue(null, table.copy(byte[]::clone));
    }

    /**
     * A hash loaded from a payload (RESTORE): {@code pairs} alternates fields and values. Encoded
     * as rdb.c loads it: a hashtable from the start when there are more than maxEntries pairs;
     * from RDB_TYPE_HASH a listpack that meets a long field or value converts; a listpack payload
     * ({@code fromListpack}) keeps its long values, as Redis keeps them. Null when a field repeats
     * or the pairs are odd or empty (Redis rejects those payloads).
     */
    public static HashValue load(List<byte[]> pairs, boolean fromListpack, long maxEntries, long maxValue) {
        int n = pairs.size() / 2;
        if (n == 0 || pairs.size() % 2 != 0) return null;
        HashValue h = new HashValue();
        if (n > maxEntries) h.convertToTable(n);
        long valueLimit = fromListpack ? Long.MAX_VALUE : maxValue;
        long entryLimit = fromListpack ? Long.MAX_VALUE : maxEntries;
        for (int i = 0; i < pairs.size(); i += 2) {
            if (!h.set(pairs.get(i), pairs.get(i + 1), entryLimit, valueLimit)) return null;
        }
        return h;
    }
}
