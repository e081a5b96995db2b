package io.ferrite.server.timeseries;

import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.IndexedValue;
import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.keyspace.RdbOutput;
import io.ferrite.server.keyspace.TableIndex;
import io.ferrite.server.keyspace.Value;
import io.ferrite.server.protocol.CommandError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A RedisTimeSeries-compatible series (TYPE "TSDB-TYPE"): samples (long ms timestamp, double)
 * in chunks ordered by first timestamp, plus retention, chunk size, duplicate policy, IGNORE
 * thresholds, labels and compaction rules.
 *
 * <p>Representation: an {@code ArrayList} of {@link Chunk}s; appends go to the last chunk and open
 * a new one when it reaches CHUNK_SIZE bytes (default 4096; closed chunks are trimmed to their
 * exact size). COMPRESSED chunks cost about 1.2–2 bytes a sample for regular gauges; UNCOMPRESSED
 * 16. An insert before the last sample, or an upsert, decodes the one covering chunk, rewrites it
 * and splits it into chunks of at most CHUNK_SIZE bytes (O(chunk)). Retention trims whole chunks
 * whose last sample is older than (newest - retention), lazily on writes; queries clamp their
 * start to that limit. Range reads stream chunks without decoding the ones outside the range.
 *
 * <p>Thread safety: none of its own. A series is read and written under its key's shard lock;
 * a compaction rule writes its destination from the source's command, which holds the
 * destination's shard lock too (see {@link CompactionRule}: the command asks the dispatcher for
 * the shards of every destination its samples can reach before it writes).
 *
 * <p>Differences from RedisTimeSeries: chained rules are allowed (raw → 1m → 1h) and
 * TS.CREATERULE ... BACKFILL computes the destination from stored samples.
 */
public final class TimeSeries implements IndexedValue {
    static final int DEFAULT_CHUNK_SIZE = 4096;

    long retention;
    int chunkSize = DEFAULT_CHUNK_SIZE;
    boolean compressed = true;
    DuplicatePolicy duplicatePolicy; // null: not set (the server default, BLOCK, applies)
    long ignoreMaxTimeDiff;
    double ignoreMaxValDiff;
    byte[][] labels = new byte[0][]; // name, value, name, value ...
    final ArrayList<Chunk> chunks = new ArrayList<>();
    // The last chunk (null when there is none), kept beside the list: an append to one of many
    // series then touches the chunk directly, one cache miss fewer (see tailChanged).
    private Chunk tail;
    long totalSamples;

    /** Rules whose source is this series. */
    final ArrayList<CompactionRule> rules = new ArrayList<>();
    /** The rule writing into this series, if it is a compaction. */
    CompactionRule sourceRule;

    @Override public String typeName() { return "TSDB-TYPE"; }
    @Override public String encoding() { return "raw"; }

    @Override public TableIndex newIndex() { return new LabelIndex(); }

    /** Links a restored payload named, until RESTORE stores the series ({@link SeriesDump#relink}). */
    SeriesDump.SavedLinks savedLinks;

    /** The DUMP body of the series at key (empty for a digest): a module value, see {@link SeriesDump}. */
    public void writeDump(byte[] key, RdbOutput out) {
        SeriesDump.write(this, key, out);
    }

    /** A series from a DUMP body (after the RDB type byte); RdbInput.Malformed when it is not one. */
    public static TimeSeries readDump(RdbInput in) {
        return SeriesDump.read(in);
    }

    @Override
    public void beforeRestore(Database db, byte[] key) {
        SeriesDump.relink(db, key, this);
    }

    /**
     * RENAME re-points the rules of a series to its new name on both ends, as RedisTimeSeries's
     * rename_from/rename_to handlers do (tsdb.c RenameSeriesTo); it needs the shards of the
     * linked keys for that (ShardsNeeded before anything changes).
     */
    @Override
    public void beforeRename(Database db, byte[] from, byte[] to) {
        CompactionRule.requireNeighbours(db, this);
        for (CompactionRule r : rules) r.sourceKey = to;
        if (sourceRule != null) sourceRule.destKey = to;
    }

    @Override
    public Value copy() {
        TimeSeries t = new TimeSeries();
        t.retention = retention;
        t.chunkSize = chunkSize;
        t.compressed = compressed;
        t.duplicatePolicy = duplicatePolicy;
        t.ignoreMaxTimeDiff = ignoreMaxTimeDiff;
        t.ignoreMaxValDiff = ignoreMaxValDiff;
        t.labels = labels.clone();
        for (Chunk c : chunks) t.chunks.add(c.copy());
        t.tailChanged();
        t.totalSamples = totalSamples;
        // Like RedisTimeSeries (CopySeries), a copy carries no rules. The key table indexes its
        // labels when COPY stores it.
        return t;
    }

    /** Call after any change to the chunk list. */
    void tailChanged() {
        tail = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
    }

    boolean isEmpty() { return tail == null; }

    /** Loads the tail chunk's write position into cache; see {@link Chunk#touch}. */
    long touchTail() { return tail == null ? 0 : tail.touch(); }

    long firstTimestamp() { return chunks.isEmpty() ? 0 : chunks.get(0).first(); }

    long lastTimestamp() { return tail == null ? 0 : tail.last(); }

    double lastValue() { return tail.lastValue(); }

    /** The earliest timestamp retention keeps (Long.MIN_VALUE without retention). */
    long retentionLimit() {
        if (retention == 0 || tail == null) return Long.MIN_VALUE;
        return Math.max(0, lastTimestamp() - retention);
    }

    long memoryUsage() {
        long m = 120 + 16L * labels.length;
        for (byte[] l : labels) m += l.length;
        for (Chunk c : chunks) m += 40 + c.bytes();
        return m;
    }

    static final CommandError TOO_OLD = new CommandError("ERR TSDB: Timestamp is older than retention");

    /** {@link #add(long, double, DuplicatePolicy, DuplicatePolicy)} with BLOCK as the server default. */
    long add(long ts, double v, DuplicatePolicy onDuplicate) {
        return add(ts, v, onDuplicate, DuplicatePolicy.BLOCK);
    }

    /**
     * Adds a sample with the given duplicate policy (null: the series' own, then the server's
     * ts-duplicate-policy, {@code serverDefault}); returns the timestamp reported to the client
     * (the series' max timestamp when IGNOREd).
     */
    long add(long ts, double v, DuplicatePolicy onDuplicate, DuplicatePolicy serverDefault) {
        DuplicatePolicy policy = onDuplicate != null ? onDuplicate
                : duplicatePolicy != null ? duplicatePolicy : serverDefault;
        if (tail == null) {
            appendNew(ts, v);
            afterAdd(ts, true);
            return ts;
        }
        long last = lastTimestamp();
        if (ts > last) {
            if (sourceRule == null && policy == DuplicatePolicy.LAST && ignoreMaxTimeDiff + ignoreMaxValDiff > 0
                    && ts - last <= ignoreMaxTimeDiff && Math.abs(v - lastValue()) <= ignoreMaxValDiff) {
                return last;
            }
            appendNew(ts, v);
            afterAdd(ts, true);
            return ts;
        }
        if (retention > 0 && ts < last - retention) throw TOO_OLD;
        if (ts == last) {
            // The common duplicate (`*` at a high rate): re-encode just the last sample.
            tail.replaceLast(policy.merge(tail.lastValue(), v));
            afterAdd(ts, false);
            return ts;
        }
        upsert(ts, v, policy);
        afterAdd(ts, false);
        return ts;
    }

    private void appendNew(long ts, double v) {
        if (tail == null || !tail.append(ts, v)) {
            if (tail != null) tail.trim();
            Chunk c = Chunk.create(compressed, chunkSize);
            c.append(ts, v);
            chunks.add(c);
            tail = c;
        }
        totalSamples++;
    }

    /** Index of the chunk that holds or would hold ts (the last one starting at or before it). */
    private int chunkFor(long ts) {
        int lo = 0, hi = chunks.size() - 1, ans = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (chunks.get(mid).first() <= ts) {
                ans = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return ans;
    }

    private void upsert(long ts, double v, DuplicatePolicy policy) {
        int ci = chunkFor(ts);
        Chunk c = chunks.get(ci);
        int n = c.count();
        long[] t = new long[n + 1];
        double[] vs = new double[n + 1];
        c.decode(t, vs, 0);
        int pos = Arrays.binarySearch(t, 0, n, ts);
        if (pos >= 0) {
            vs[pos] = policy.merge(vs[pos], v);
        } else {
            int ins = -pos - 1;
            System.arraycopy(t, ins, t, ins + 1, n - ins);
            System.arraycopy(vs, ins, vs, ins + 1, n - ins);
            t[ins] = ts;
            vs[ins] = v;
            n++;
            totalSamples++;
        }
        replaceChunk(ci, t, vs, n);
    }

    /** Replaces chunk ci by chunks encoding the given samples (split when they overflow one chunk). */
    private void replaceChunk(int ci, long[] t, double[] vs, int n) {
        chunks.remove(ci);
        List<Chunk> built = new ArrayList<>();
        Chunk cur = null;
        for (int i = 0; i < n; i++) {
            if (cur == null || !cur.append(t[i], vs[i])) {
                if (cur != null) cur.trim();
                cur = Chunk.create(compressed, chunkSize);
                cur.append(t[i], vs[i]);
                built.add(cur);
            }
        }
        boolean isTail = ci == chunks.size();
        for (int i = 0; i < built.size(); i++) {
            if (i < built.size() - 1 || !isTail) built.get(i).trim();
        }
        chunks.addAll(ci, built);
        tailChanged();
    }

    /** Retention trimming and compaction after a sample at ts was written. */
    private void afterAdd(long ts, boolean inOrder) {
        trimRetention();
        for (int i = 0; i < rules.size(); i++) compact(rules.get(i), ts, inOrder); // no iterator per sample
    }

    private void trimRetention() {
        if (retention == 0 || chunks.size() < 2) return;
        long limit = lastTimestamp() - retention;
        while (chunks.size() > 1 && chunks.get(0).last() < limit) {
            totalSamples -= chunks.remove(0).count();
        }
        tailChanged();
    }

    /** Closes the open bucket when ts opens a later one; recomputes an older bucket an upsert touched. */
    private void compact(CompactionRule r, long ts, boolean inOrder) {
        long b = r.bucketStart(ts);
        if (r.openBucket == Long.MIN_VALUE) {
            r.openBucket = b;
        } else if (b > r.openBucket) {
            writeBucket(r, r.openBucket);
            r.openBucket = b;
        } else if (b < r.openBucket && !inOrder) {
            writeBucket(r, b);
        }
    }

    /** Aggregates [b, b + bucket) from the retained samples and upserts it into the destination. */
    void writeBucket(CompactionRule r, long b) {
        double[] out = new double[1];
        if (aggregateOne(r.agg, b, r.bucket, out)) r.dest.add(b, out[0], DuplicatePolicy.LAST);
    }

    /** One bucket's aggregate; false when it holds no sample. */
    boolean aggregateOne(Aggregator agg, long b, long bucket, double[] out) {
        Query q = new Query();
        q.agg = agg;
        q.bucket = bucket;
        q.align = b;
        final boolean[] found = {false};
        Query.aggregate(this, b, b + bucket - 1, q, -1, (t, v) -> {
            out[0] = v;
            found[0] = true;
        });
        return found[0];
    }

    /** Deletes samples in [from, to]; returns how many. */
    long deleteRange(long from, long to) {
        long deleted = 0;
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            if (c.last() < from || c.first() > to) continue;
            int n = c.count();
            long[] t = new long[n];
            double[] vs = new double[n];
            c.decode(t, vs, 0);
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (t[i] >= from && t[i] <= to) continue;
                t[k] = t[i];
                vs[k] = vs[i];
                k++;
            }
            deleted += n - k;
            if (k == 0) {
                chunks.remove(ci);
                ci--;
            } else {
                int before = chunks.size();
                replaceChunk(ci, t, vs, k);
                ci += chunks.size() - before;
            }
        }
        totalSamples -= deleted;
        tailChanged();
        return deleted;
    }

    /** Visits samples in [from, to] in ascending order, streaming over the chunks. */
    void forEach(long from, long to, SampleSink sink) {
        if (chunks.isEmpty() || from > to) return;
        for (int ci = chunkFor(from); ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            if (c.first() > to) break;
            if (c.last() < from) continue;
            Chunk.Cursor cur = c.cursor();
            while (cur.next()) {
                long t = cur.ts();
                if (t < from) continue;
                if (t > to) return;
                sink.accept(t, cur.value());
            }
        }
    }

    /** Receives samples. */
    @FunctionalInterface
    interface SampleSink {
        void accept(long ts, double value);
    }

    byte[] label(byte[] name) {
        for (int i = 0; i < labels.length; i += 2) if (Arrays.equals(labels[i], name)) return labels[i + 1];
        return null;
    }

    // ---- public entry points for benchmarks (ferrite-bench), not used by the commands

    /** Adds a sample with the series' duplicate policy; see {@link #add}. */
    public long append(long ts, double v) {
        return add(ts, v, null);
    }

    /** Runs TS.RANGE from..to (AGGREGATION aggregator bucket when aggregator is non-null); returns the reply length. */
    public int query(long from, long to, String aggregator, long bucket) {
        Query q = new Query();
        if (aggregator != null) {
            q.agg = Aggregator.parse(aggregator.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            q.bucket = bucket;
        }
        return q.run(this, from, to, false).n;
    }

    /** Bytes of encoded samples over all chunks. */
    public long dataBytes() {
        long b = 0;
        for (Chunk c : chunks) b += c.bytes();
        return b;
    }

    public long sampleCount() {
        return totalSamples;
    }
}
