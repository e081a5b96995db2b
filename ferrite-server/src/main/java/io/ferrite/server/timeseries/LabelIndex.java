package io.ferrite.server.timeseries;

import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.TableIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label index of one database within one shard: label name → label value → the keys whose
 * series carry that pair, for TS.MGET, TS.MRANGE, TS.MREVRANGE and TS.QUERYINDEX.
 *
 * <p>It is the {@link TableIndex} of the shard's key table, so it needs no lock of its own:
 * TS.CREATE, TS.ADD (auto-create) and TS.ALTER change it under their key's shard lock, and the
 * multi-key commands, registered lock_all, read every shard's index of the database. The key
 * table tells it of every series key that appears or goes (create, DEL, expiry, SET over it,
 * RENAME, MOVE, COPY, RESTORE), so it holds exactly the live keys; SWAPDB swaps it along with the
 * table and FLUSHDB drops it. Entries are the keyspace's own {@link DbEntry}s: no key copies.
 */
final class LabelIndex implements TableIndex {
    private record Bytes(byte[] b) {
        @Override public boolean equals(Object o) { return o instanceof Bytes x && Arrays.equals(b, x.b); }
        @Override public int hashCode() { return Arrays.hashCode(b); }
    }

    private final HashMap<Bytes, HashMap<Bytes, Set<DbEntry>>> byLabel = new HashMap<>();
    /** The labels each entry was indexed under (a series' labels change with TS.ALTER). */
    private final IdentityHashMap<DbEntry, byte[][]> indexed = new IdentityHashMap<>();

    @Override
    public void added(DbEntry e) {
        byte[][] l = ((TimeSeries) e.value()).labels;
        if (l.length == 0) return;
        indexed.put(e, l);
        for (int i = 0; i < l.length; i += 2) {
            byLabel.computeIfAbsent(new Bytes(l[i]), k -> new HashMap<>())
                    .computeIfAbsent(new Bytes(l[i + 1]), k -> Collections.newSetFromMap(new IdentityHashMap<>()))
                    .add(e);
        }
    }

    @Override
    public void removed(DbEntry e) {
        byte[][] l = indexed.remove(e);
        if (l == null) return;
        for (int i = 0; i < l.length; i += 2) {
            Bytes name = new Bytes(l[i]), value = new Bytes(l[i + 1]);
            Map<Bytes, Set<DbEntry>> byValue = byLabel.get(name);
            if (byValue == null) continue;
            Set<DbEntry> set = byValue.get(value);
            if (set == null) continue;
            set.remove(e);
            if (set.isEmpty()) byValue.remove(value);
            if (byValue.isEmpty()) byLabel.remove(name);
        }
    }

    /** Replaces the labels of the series at e (TS.ALTER LABELS). Caller holds e's shard lock. */
    static void relabel(Database db, DbEntry e, byte[][] labels) {
        TableIndex index = db.index(e);
        index.removed(e);
        ((TimeSeries) e.value()).labels = labels;
        index.added(e);
    }

    /** A matched series and the key it lives under. */
    record Match(byte[] key, TimeSeries series) {}

    /** Series of db matching every matcher, sorted by key. The caller holds every shard lock. */
    static List<Match> query(Database db, List<Filter.Matcher> matchers) {
        Filter.Matcher first = null;
        for (Filter.Matcher m : matchers) if (m.positive()) { first = m; break; }
        Bytes name = new Bytes(first.label());
        List<DbEntry> candidates = new ArrayList<>();
        for (byte[] v : first.values()) {
            Bytes value = new Bytes(v);
            db.forEachIndex(x -> {
                Map<Bytes, Set<DbEntry>> byValue = ((LabelIndex) x).byLabel.get(name);
                Set<DbEntry> set = byValue == null ? null : byValue.get(value);
                if (set != null) candidates.addAll(set);
            });
        }
        List<Match> out = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        long now = Clock.now();
        for (DbEntry e : candidates) {
            if (e.hasExpire() && e.expireAt() <= now) {
                expired.add(e.key());
                continue;
            }
            TimeSeries s = (TimeSeries) e.value();
            if (Filter.matches(s, matchers)) out.add(new Match(e.key(), s));
        }
        for (byte[] k : expired) db.peek(k); // reclaims them, which also unindexes them
        out.sort((a, b) -> Arrays.compareUnsigned(a.key, b.key));
        return out;
    }
}
