package io.ferrite.server.zset;

import io.ferrite.server.collection.BytesTable;

/**
 * The member index of a big sorted set: member → score, Redis's zset dict. The score is a
 * primitive field of the entry (32 bytes with its key reference, hash and chain link), not a
 * boxed Double and not a pointer into the ordered structure: the {@link ScoreTree} moves pairs
 * between its nodes, so nothing may point into it. With the score, the tree finds its pair by
 * descent. Not thread-safe: owned by one {@link SortedSet}, used under its shard's lock.
 */
final class ScoreMap extends BytesTable<ScoreMap.Entry> {
    /** A member and its score. */
    static final class Entry extends BytesTable.Entry {
        double score;

        Entry(byte[] member, int hash, double score) {
            super(member, hash);
            this.score = score;
        }
    }

    ScoreMap(int expected) {
        super(expected);
    }

    /** The entry of member, or null when absent. */
    Entry entry(byte[] member) {
        return find(member);
    }

    /** The score of member, or NaN when absent (a stored score is never NaN). */
    double score(byte[] member) {
        Entry e = find(member);
        return e == null ? Double.NaN : e.score;
    }

    /** Adds member, which must be absent (the caller looked it up), with its score. */
    void add(byte[] member, double score) {
        insert(new Entry(member, hash(member), score));
    }

    /** Removes member and returns its entry (for the score), or null when absent. */
    Entry remove(byte[] member) {
        return delete(member);
    }

    /** Visits every member with its score, in table order. */
    void forEach(SortedSet.Visitor v) {
        forEachEntry(e -> v.accept(e.key(), e.score));
    }

    /** ZSCAN step: visits the bucket at cursor; returns the next cursor, 0 when done. */
    long scan(long cursor, SortedSet.Visitor v) {
        return scanEntries(cursor, e -> v.accept(e.key(), e.score));
    }
}
