package io.ferrite.server.timeseries;

import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.Keyspace;
import java.util.Iterator;

/**
 * A compaction rule (TS.CREATERULE src dst AGGREGATION agg bucket [align]): each closed bucket of
 * the source series is aggregated into one sample of the destination series.
 *
 * <p><b>Links.</b> One rule object is shared by both ends: the source lists it in
 * {@link TimeSeries#rules}, the destination holds it in {@link TimeSeries#sourceRule}. As in
 * RedisTimeSeries, the ends name each other by key within one database ({@link #sourceKey},
 * {@link #destKey}); the series objects are kept too, so a rule is <i>linked</i> only while
 * sourceKey holds that very source series (whose rules still include the rule) and destKey that
 * very destination (whose sourceRule is still the rule). Deleting, expiring, overwriting
 * (SET, RESTORE REPLACE, RENAME onto it), flushing or moving a key to another database therefore
 * needs no hook: the next command that follows a link from the other end finds the key gone or
 * holding another value and drops the rule on its own side. That is what RedisTimeSeries 1.12
 * does by name (tsdb.c deleteReferenceToDeletedSeries, run by TS.INFO, TS.CREATERULE,
 * TS.DELETERULE, RENAME and before upserts); here every command that follows a link checks it,
 * so a dropped key is never written through a stale rule and a key re-created under the same name
 * is not mistaken for the old series. SWAPDB moves both ends together, so their rules live on,
 * as they do in RedisTimeSeries. RENAME re-points the names on both ends
 * ({@link TimeSeries#beforeRename}).
 *
 * <p><b>Locking.</b> Following a link reads a key of another shard, so a command must hold that
 * shard's lock first: {@link #requireDownstream} and friends walk the links whose keys are in
 * shards the thread holds and throw {@code ShardsNeeded} (through {@link Keyspace#require}) for
 * the others; the dispatcher then runs the command again holding them too, so a chain raw → 1m →
 * 1h is locked shard by shard until its whole transitive set is held. Walks happen before the
 * command changes any sample. The rule's own mutable state ({@link #openBucket}) belongs to the
 * source and changes under its lock; the names change only under the locks of both ends.
 */
final class CompactionRule {
    final TimeSeries source;
    final TimeSeries dest;
    byte[] sourceKey;
    byte[] destKey;
    final Aggregator agg;
    final long bucket;
    final long align;
    /** Start of the bucket the source's newest sample falls in; Long.MIN_VALUE before any. */
    long openBucket = Long.MIN_VALUE;

    CompactionRule(TimeSeries source, byte[] sourceKey, TimeSeries dest, byte[] destKey, Aggregator agg,
                   long bucket, long align) {
        this.source = source;
        this.sourceKey = sourceKey;
        this.dest = dest;
        this.destKey = destKey;
        this.agg = agg;
        this.bucket = bucket;
        this.align = align;
    }

    long bucketStart(long ts) {
        return ts - Math.floorMod(ts - align, bucket);
    }

    /** destKey still holds the destination, which still takes this rule. Caller holds destKey's shard. */
    boolean destLinked(Database db) {
        DbEntry e = db.peek(destKey);
        return e != null && e.value() == dest && dest.sourceRule == this;
    }

    /** sourceKey still holds the source, which still has this rule. Caller holds sourceKey's shard. */
    boolean sourceLinked(Database db) {
        DbEntry e = db.peek(sourceKey);
        return e != null && e.value() == source && source.rules.contains(this);
    }

    // ---- walks over the links; each drops the dead links it meets on the side it stands on

    /**
     * Makes sure the current thread holds the shard of every destination that samples written
     * to s can reach (its rules, their destinations' rules, ...), dropping dead rules on the way.
     * Throws ShardsNeeded when a shard is missing.
     */
    static void requireDownstream(Database db, TimeSeries s) {
        if (s.rules.isEmpty()) return;
        Keyspace ks = db.keyspace();
        long missing = downstream(db, ks, s, 0);
        if (missing != 0) ks.require(missing);
    }

    private static long downstream(Database db, Keyspace ks, TimeSeries s, int depth) {
        long missing = 0;
        // Rules cannot form a cycle (TS.CREATERULE refuses one); the depth bound is a safety net.
        if (depth > 64) return 0;
        for (Iterator<CompactionRule> it = s.rules.iterator(); it.hasNext(); ) {
            CompactionRule r = it.next();
            int shard = ks.shardIndex(r.destKey);
            if (!ks.holds(shard)) {
                missing |= 1L << shard;
            } else if (!r.destLinked(db)) {
                it.remove();
            } else {
                missing |= downstream(db, ks, r.dest, depth + 1);
            }
        }
        return missing;
    }

    /**
     * Makes sure the current thread holds the shards of s's sources up the chain (for the cycle
     * check of TS.CREATERULE), dropping a dead source link on the way.
     */
    static void requireUpstream(Database db, TimeSeries s) {
        Keyspace ks = db.keyspace();
        for (int depth = 0; s.sourceRule != null && depth <= 64; depth++) {
            CompactionRule r = s.sourceRule;
            ks.require(1L << ks.shardIndex(r.sourceKey));
            if (!r.sourceLinked(db)) {
                s.sourceRule = null;
                return;
            }
            s = r.source;
        }
    }

    /** One level both ways (TS.INFO, RENAME): the destinations of s's rules and its source. */
    static void requireNeighbours(Database db, TimeSeries s) {
        Keyspace ks = db.keyspace();
        long shards = 0;
        for (CompactionRule r : s.rules) shards |= 1L << ks.shardIndex(r.destKey);
        if (s.sourceRule != null) shards |= 1L << ks.shardIndex(s.sourceRule.sourceKey);
        if (shards == 0) return;
        ks.require(shards);
        s.rules.removeIf(r -> !r.destLinked(db));
        if (s.sourceRule != null && !s.sourceRule.sourceLinked(db)) s.sourceRule = null;
    }

    /** The source link of s, for LATEST: null when it has none or it is dead. */
    static CompactionRule liveSource(Database db, TimeSeries s) {
        CompactionRule r = s.sourceRule;
        if (r == null) return null;
        Keyspace ks = db.keyspace();
        ks.require(1L << ks.shardIndex(r.sourceKey));
        if (r.sourceLinked(db)) return r;
        s.sourceRule = null;
        return null;
    }
}
