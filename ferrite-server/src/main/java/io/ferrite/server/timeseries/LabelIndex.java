package io.ferrite.server.timeseries;

import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label index: label name → label value → the series carrying it, for TS.MGET, TS.MRANGE,
 * TS.MREVRANGE and TS.QUERYINDEX.
 *
 * <p>Why a lock of its own: the index is one structure for the whole server, but TS.CREATE,
 * TS.ADD (auto-create) and TS.ALTER run holding only their own key's shard lock, so writers on
 * different shards would race on it. Every method is synchronized on the index; readers (the
 * multi-key commands, registered lock_all) take it too, briefly, to copy the candidates.
 *
 * <p>Keeping it consistent without hooks in the keyspace: each series remembers the key and db
 * under which it was indexed. A query checks every candidate against the keyspace (it holds all
 * shard locks); a candidate whose key no longer holds that very series (deleted, expired,
 * renamed, FLUSHALL, or a COPY not yet named) makes the query re-walk that database once and
 * rebuild its entries (O(keys)), so renamed series are found under their new name and deleted
 * ones leave the index. Stale entries of a database nobody queries stay until it is queried.
 */
final class LabelIndex {
    static final LabelIndex INSTANCE = new LabelIndex();

    private record Bytes(byte[] b) {
        @Override public boolean equals(Object o) { return o instanceof Bytes x && Arrays.equals(b, x.b); }
        @Override public int hashCode() { return Arrays.hashCode(b); }
    }

    private final HashMap<Bytes, HashMap<Bytes, Set<TimeSeries>>> index = new HashMap<>();
    private final Set<TimeSeries> all = Collections.newSetFromMap(new IdentityHashMap<>());

    synchronized void add(TimeSeries s, byte[] key, int db) {
        remove(s);
        s.indexedKey = key;
        s.indexedDb = db;
        insert(s);
    }

    synchronized void addUnnamed(TimeSeries s) {
        remove(s);
        s.indexedKey = null;
        s.indexedDb = -1;
        insert(s);
    }

    private void insert(TimeSeries s) {
        all.add(s);
        byte[][] l = s.labels;
        for (int i = 0; i < l.length; i += 2) {
            index.computeIfAbsent(new Bytes(l[i]), k -> new HashMap<>())
                    .computeIfAbsent(new Bytes(l[i + 1]), k -> Collections.newSetFromMap(new IdentityHashMap<>()))
                    .add(s);
        }
    }

    synchronized void remove(TimeSeries s) {
        if (!all.remove(s)) return;
        byte[][] l = s.labels;
        for (int i = 0; i < l.length; i += 2) {
            Map<Bytes, Set<TimeSeries>> byValue = index.get(new Bytes(l[i]));
            if (byValue == null) continue;
            Set<TimeSeries> set = byValue.get(new Bytes(l[i + 1]));
            if (set == null) continue;
            set.remove(s);
            if (set.isEmpty()) byValue.remove(new Bytes(l[i + 1]));
            if (byValue.isEmpty()) index.remove(new Bytes(l[i]));
        }
    }

    /** A matched series and the key it lives under. */
    record Match(byte[] key, TimeSeries series) {}

    /** Series of db matching every matcher, sorted by key. The caller holds every shard lock. */
    List<Match> query(Database db, List<Filter.Matcher> matchers) {
        List<Match> out = lookup(db, matchers);
        if (out == null) {
            rebuild(db);
            out = lookup(db, matchers);
            if (out == null) out = List.of();
        }
        out.sort((a, b) -> Arrays.compareUnsigned(a.key, b.key));
        return out;
    }

    /** null when a stale candidate was seen. */
    private List<Match> lookup(Database db, List<Filter.Matcher> matchers) {
        List<TimeSeries> candidates = new ArrayList<>();
        synchronized (this) {
            Filter.Matcher first = null;
            for (Filter.Matcher m : matchers) if (m.positive()) { first = m; break; }
            Map<Bytes, Set<TimeSeries>> byValue = index.get(new Bytes(first.label()));
            if (byValue != null) {
                for (byte[] v : first.values()) {
                    Set<TimeSeries> set = byValue.get(new Bytes(v));
                    if (set != null) candidates.addAll(set);
                }
            }
        }
        List<Match> out = new ArrayList<>();
        for (TimeSeries s : candidates) {
            if (s.indexedKey == null) return null;
            if (s.indexedDb != db.index()) continue;
            DbEntry e = db.lookup(s.indexedKey);
            if (e == null || e.value() != s) return null;
            if (Filter.matches(s, matchers)) out.add(new Match(s.indexedKey, s));
        }
        return out;
    }

    private void rebuild(Database db) {
        synchronized (this) {
            for (TimeSeries s : new ArrayList<>(all)) {
                if (s.indexedDb == db.index() || s.indexedKey == null) remove(s);
            }
        }
        db.forEach(e -> {
            if (e.value() instanceof TimeSeries s) add(s, e.key(), db.index());
        });
    }
}
