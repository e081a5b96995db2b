package io.ferrite.server.keyspace;

/**
 * Told when a key's value, type or expiry is changed by a command, or the key is deleted: the
 * hook WATCH needs ({@code transaction.WatchedKeys}). Called under the key's shard lock on
 * every write, so implementations return at once when nobody watches anything.
 *
 * <p>Not called for keys removed because they expired, nor by FLUSHDB/FLUSHALL/SWAPDB: those
 * change whether a watched key exists, which EXEC checks itself against the entry it saw.
 */
public interface KeyModified {
    void modified(Database db, byte[] key);
}
