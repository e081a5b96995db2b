package io.ferrite.server.keyspace;

/**
 * Told when a key that clients may be blocked on gets data: a list, sorted set or stream key
 * created, or a stream appended to. Called under the key's shard lock; implementations only
 * record the key (see {@code blocking.BlockedClients}) and serve waiters after the command.
 */
public interface ReadyKeys {
    void signal(Database db, byte[] key);
}
