package io.ferrite.server.keyspace;

/**
 * A secondary index over the entries of one database within one shard whose values are
 * {@link IndexedValue}s: the time-series label index. It belongs to the shard's table, so it is
 * guarded by the shard lock like the keys themselves, SWAPDB swaps it with the table and
 * FLUSHDB/FLUSHALL drop it with the table.
 *
 * <p>The table tells it of every entry that gains or loses an indexed value, whatever the
 * cause (create, DEL, UNLINK, lazy or active expiry, SET or RESTORE over it, RENAME, MOVE,
 * COPY), so it never holds a key that is gone.
 */
public interface TableIndex {
    /** e now holds an indexed value (a new key, or a value replaced in place). */
    void added(DbEntry e);

    /** e's indexed value leaves the table or is about to be replaced. */
    void removed(DbEntry e);
}
