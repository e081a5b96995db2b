package io.ferrite.server.keyspace;

/**
 * Thrown by a command that found, under the locks it holds, that it must also reach keys in
 * other shards (a time-series compaction rule writes its destination; RENAME of a series
 * re-points the rules of the series it is linked to). The dispatcher releases its locks, takes
 * the union with {@link #shards()} in ascending shard order, and runs the command again from
 * the start. So a handler throws it before it changes anything, and it never escapes a command
 * that runs under every shard lock (MULTI/EXEC, scripts, LOCK_ALL commands, one shard).
 *
 * <p>Each retry adds at least one shard, so a command runs at most 64 times; in practice once
 * more, and only when a rule crosses shards.
 */
public final class ShardsNeeded extends RuntimeException {
    private final long shards;

    ShardsNeeded(long shards) {
        super(null, null, false, false); // control flow: no stack trace
        this.shards = shards;
    }

    /** The shards the command lacked, as a bit set. */
    public long shards() { return shards; }
}
