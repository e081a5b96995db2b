package io.ferrite.server.keyspace;

/** A non-string value (hash, list, set, ...). Strings are stored as plain {@code byte[]}. */
public interface Value {
    /** The TYPE name: "hash", "list", ... */
    String typeName();

    /** The OBJECT ENCODING name, as Redis reports it. */
    String encoding();

    /** A deep copy, for COPY. */
    Value copy();

    /**
     * Called by RENAME under the locks of both names before anything moves, for values that
     * other keys refer to by name (time-series compaction rules). It may throw
     * {@link ShardsNeeded} to ask for the shards of those keys.
     */
    default void beforeRename(Database db, byte[] from, byte[] to) {}

    /**
     * Called by RESTORE under the key's lock before a restored value is stored under key (and
     * before REPLACE deletes the current one), for values whose payload names other keys
     * (time-series compaction rules). It may throw {@link ShardsNeeded}.
     */
    default void beforeRestore(Database db, byte[] key) {}
}
