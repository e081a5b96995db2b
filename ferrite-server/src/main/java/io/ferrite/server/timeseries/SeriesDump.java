package io.ferrite.server.timeseries;

import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.keyspace.RdbOutput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DUMP/RESTORE body of a series: a Redis module value (RDB_TYPE_MODULE_2) of Ferrite's own
 * module type, so it travels inside the ordinary DUMP payload (type byte, body, RDB version, CRC).
 *
 * <pre>
 * module id (RDB length, 64 bits): the 9-character type name "FerriteTS" in 6-bit symbols, then
 *                                  the 10-bit encoding version (1), as Redis's moduleTypeEncodeId
 * then values, each behind a module opcode (1 SINT, 2 UINT, 4 DOUBLE, 5 STRING):
 *   STRING the key it was dumped from (as RedisTimeSeries's body starts with its key name)
 *   UINT retention    UINT chunkSize    UINT options (bit 0: UNCOMPRESSED)
 *   UINT duplicatePolicy (0 unset, 1 BLOCK .. 6 SUM)    UINT ignoreMaxTimeDiff    DOUBLE ignoreMaxValDiff
 *   UINT labels; then STRING name, STRING value each
 *   UINT hasSource; if 1: STRING sourceKey, STRING aggregator, UINT bucket, SINT align
 *   UINT rules; then STRING destKey, STRING aggregator, UINT bucket, SINT align, SINT openBucket each
 *   UINT chunks; then UINT samples and, COMPRESSED: UINT bits, STRING the Gorilla stream (MSB first);
 *                                      UNCOMPRESSED: STRING samples x (8-byte ts, 8-byte double), big endian
 * then opcode 0 (EOF)
 * </pre>
 *
 * <p>Why not RedisTimeSeries's own type ("TSDB-TYPE", rdb.c series_rdb_save): its body holds
 * each chunk's Gorilla bit buffer and each rule's aggregation context in its own layouts, which
 * would have to be reproduced bit for bit and cannot be checked here without the module. A
 * distinct type name makes Redis (with or without the module) refuse a Ferrite payload with
 * "Bad data format" instead of misreading it.
 *
 * <p>Rules: RedisTimeSeries 1.12 drops a series' cross references from DUMP payloads. Ferrite
 * keeps them and re-links on RESTORE under the name it was dumped from, where both ends agree
 * ({@link #relink}): a saved rule is restored when its destination is a series with no live
 * source (or with the series being replaced as source) and would not close a cycle; a saved
 * source when that key is a series with no live rule into the key (or only the replaced
 * series' one). Others are dropped, as a link to a deleted key is. Under another name the
 * series is a copy and, as with COPY, has no rules. Labels are re-indexed by the key table when
 * RESTORE stores the key.
 */
final class SeriesDump {
    private SeriesDump() {}

    static final String TYPE_NAME = "FerriteTS";
    static final int ENCODING_VERSION = 1;
    static final long MODULE_ID = moduleId(TYPE_NAME, ENCODING_VERSION);

    private static final int OP_EOF = 0, OP_SINT = 1, OP_UINT = 2, OP_DOUBLE = 4, OP_STRING = 5;
    private static final int OPT_UNCOMPRESSED = 1;

    /** Redis's moduleTypeEncodeId: 9 characters of a 64-symbol set, 6 bits each, then 10 bits of version. */
    static long moduleId(String name, int version) {
        String set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (int i = 0; i < 9; i++) id = (id << 6) | set.indexOf(name.charAt(i));
        return (id << 10) | version;
    }

    /** The links a payload carried, kept on the series until RESTORE stores it ({@link #relink}). */
    static final class SavedLinks {
        byte[] dumpedKey;
        byte[] sourceKey;
        Aggregator sourceAgg;
        long sourceBucket;
        long sourceAlign;
        final List<SavedRule> rules = new ArrayList<>();
    }

    record SavedRule(byte[] destKey, Aggregator agg, long bucket, long align, long openBucket) {}

    // ---- writing

    /** Writes the module id and body (the caller wrote the RDB type byte); key is where s lives. */
    static void write(TimeSeries s, byte[] key, RdbOutput out) {
        out.writeLength(MODULE_ID);
        string(out, key);
        unsigned(out, s.retention);
        unsigned(out, s.chunkSize);
        unsigned(out, s.compressed ? 0 : OPT_UNCOMPRESSED);
        unsigned(out, s.duplicatePolicy == null ? 0 : s.duplicatePolicy.ordinal() + 1);
        unsigned(out, s.ignoreMaxTimeDiff);
        out.writeLength(OP_DOUBLE);
        out.writeLittleEndian(Double.doubleToRawLongBits(s.ignoreMaxValDiff), 8);
        unsigned(out, s.labels.length / 2);
        for (byte[] l : s.labels) string(out, l);
        CompactionRule src = s.sourceRule;
        unsigned(out, src == null ? 0 : 1);
        if (src != null) {
            string(out, src.sourceKey);
            string(out, src.agg.label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            unsigned(out, src.bucket);
            signed(out, src.align);
        }
        unsigned(out, s.rules.size());
        for (CompactionRule r : s.rules) {
            string(out, r.destKey);
            string(out, r.agg.label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            unsigned(out, r.bucket);
            signed(out, r.align);
            signed(out, r.openBucket);
        }
        unsigned(out, s.chunks.size());
        for (Chunk c : s.chunks) {
            unsigned(out, c.count());
            if (c instanceof CompressedChunk cc) {
                unsigned(out, cc.bitLength());
                string(out, cc.streamBytes());
            } else {
                int n = c.count();
                long[] ts = new long[n];
                double[] vs = new double[n];
                c.decode(ts, vs, 0);
                byte[] b = new byte[16 * n];
                for (int i = 0; i < n; i++) {
                    putLong(b, 16 * i, ts[i]);
                    putLong(b, 16 * i + 8, Double.doubleToRawLongBits(vs[i]));
                }
                string(out, b);
            }
        }
        out.writeLength(OP_EOF);
    }

    private static void unsigned(RdbOutput out, long v) {
        out.writeLength(OP_UINT);
        out.writeLength(v);
    }

    private static void signed(RdbOutput out, long v) {
        out.writeLength(OP_SINT);
        out.writeLength(v); // two's complement as an unsigned 64-bit length, as RDB SINT does
    }

    private static void string(RdbOutput out, byte[] s) {
        out.writeLength(OP_STRING);
        out.writeString(s);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) b[off + i] = (byte) (v >>> (56 - 8 * i));
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    // ---- reading

    private static RdbInput.Malformed bad(String what) {
        return new RdbInput.Malformed(what);
    }

    private static long readOp(RdbInput in, int op) {
        if (in.readLength() != op) throw bad("unexpected module opcode");
        return in.readLength();
    }

    private static long unsigned(RdbInput in) {
        return readOp(in, OP_UINT);
    }

    private static long signed(RdbInput in) {
        return readOp(in, OP_SINT);
    }

    private static byte[] string(RdbInput in) {
        if (in.readLength() != OP_STRING) throw bad("unexpected module opcode");
        return in.readString();
    }

    private static Aggregator aggregator(RdbInput in) {
        Aggregator a = Aggregator.parse(string(in));
        if (a == null) throw bad("unknown aggregator");
        return a;
    }

    private static int bounded(long v, long max) {
        if (v < 0 || v > max) throw bad("value out of range");
        return (int) v;
    }

    /** Reads a module body after the RDB type byte; Malformed on anything unexpected. */
    static TimeSeries read(RdbInput in) {
        if (in.readLength() != MODULE_ID) throw bad("not a Ferrite time series (module type " + TYPE_NAME + ")");
        try {
            TimeSeries s = new TimeSeries();
            byte[] dumpedKey = string(in);
            s.retention = unsigned(in);
            if (s.retention < 0) throw bad("retention");
            s.chunkSize = bounded(unsigned(in), 1 << 20);
            if (s.chunkSize < 48 || s.chunkSize % 8 != 0) throw bad("chunk size");
            long options = unsigned(in);
            s.compressed = (options & OPT_UNCOMPRESSED) == 0;
            int policy = bounded(unsigned(in), DuplicatePolicy.values().length);
            s.duplicatePolicy = policy == 0 ? null : DuplicatePolicy.values()[policy - 1];
            s.ignoreMaxTimeDiff = unsigned(in);
            if (in.readLength() != OP_DOUBLE) throw bad("unexpected module opcode");
            s.ignoreMaxValDiff = Double.longBitsToDouble(in.readLittleEndian(8));
            if (s.ignoreMaxTimeDiff < 0 || !(s.ignoreMaxValDiff >= 0)) throw bad("ignore");
            int labels = bounded(unsigned(in), 1 << 20);
            s.labels = new byte[2 * labels][];
            for (int i = 0; i < 2 * labels; i++) s.labels[i] = string(in);

            SavedLinks links = new SavedLinks();
            links.dumpedKey = dumpedKey;
            if (unsigned(in) != 0) {
                links.sourceKey = string(in);
                links.sourceAgg = aggregator(in);
                links.sourceBucket = unsigned(in);
                links.sourceAlign = signed(in);
                if (links.sourceBucket <= 0) throw bad("bucket");
            }
            int rules = bounded(unsigned(in), 1 << 20);
            for (int i = 0; i < rules; i++) {
                byte[] dest = string(in);
                Aggregator agg = aggregator(in);
                long bucket = unsigned(in);
                if (bucket <= 0) throw bad("bucket");
                links.rules.add(new SavedRule(dest, agg, bucket, signed(in), signed(in)));
            }
            if (links.sourceKey != null || !links.rules.isEmpty()) s.savedLinks = links;

            int chunks = bounded(unsigned(in), Integer.MAX_VALUE);
            long last = Long.MIN_VALUE;
            for (int ci = 0; ci < chunks; ci++) {
                int n = bounded(unsigned(in), Integer.MAX_VALUE);
                if (n == 0) throw bad("empty chunk");
                Chunk.Cursor cur;
                if (s.compressed) {
                    int bits = bounded(unsigned(in), Integer.MAX_VALUE - 63);
                    byte[] stream = string(in);
                    if (stream.length != (bits + 7) >>> 3) throw bad("stream length");
                    cur = CompressedChunk.streamCursor(stream, bits, n);
                } else {
                    byte[] b = string(in);
                    if (b.length != 16L * n) throw bad("samples length");
                    cur = new Chunk.Cursor() {
                        int i = -1;

                        @Override public boolean next() { return ++i < n; }
                        @Override public long ts() { return getLong(b, 16 * i); }
                        @Override public double value() { return Double.longBitsToDouble(getLong(b, 16 * i + 8)); }
                    };
                }
                // Re-append every sample: rebuilds the encoder state and checks the order.
                Chunk c = null;
                for (int k = 0; k < n; k++) {
                    if (!cur.next()) throw bad("samples");
                    long t = cur.ts();
                    if (t < 0 || t <= last) throw bad("timestamps out of order");
                    last = t;
                    if (c == null || !c.append(t, cur.value())) {
                        if (c != null) c.trim();
                        c = Chunk.create(s.compressed, s.chunkSize);
                        c.append(t, cur.value());
                        s.chunks.add(c);
                    }
                    s.totalSamples++;
                }
                if (ci < chunks - 1) c.trim();
            }
            s.tailChanged();
            if (in.readLength() != OP_EOF) throw bad("no EOF opcode");
            return s;
        } catch (IndexOutOfBoundsException e) {
            throw bad("corrupt chunk stream");
        }
    }

    // ---- RESTORE: the links

    /**
     * Re-links a restored series about to be stored under key (the current value there, if any,
     * is being replaced), then forgets the saved links. Needs the shards of the linked keys and
     * of the source's ancestors (ShardsNeeded before anything changes).
     */
    static void relink(Database db, byte[] key, TimeSeries s) {
        SavedLinks links = s.savedLinks;
        if (links == null) return;
        if (!Arrays.equals(links.dumpedKey, key)) {
            s.savedLinks = null; // a copy under another name: no rules, as COPY
            return;
        }
        Keyspace ks = db.keyspace();
        DbEntry old = db.peek(key);
        Object replaced = old == null ? null : old.value();
        long shards = 0;
        if (links.sourceKey != null) shards |= 1L << ks.shardIndex(links.sourceKey);
        for (SavedRule r : links.rules) shards |= 1L << ks.shardIndex(r.destKey());
        ks.require(shards);

        // The source: a series with no live rule into key, other than the replaced value's.
        TimeSeries source = null;
        if (links.sourceKey != null && !Arrays.equals(links.sourceKey, key)) {
            DbEntry e = db.peek(links.sourceKey);
            if (e != null && e.value() instanceof TimeSeries src) {
                CompactionRule.requireNeighbours(db, src);
                CompactionRule.requireUpstream(db, src);
                boolean taken = false;
                for (CompactionRule r : src.rules) {
                    if (Arrays.equals(r.destKey, key) && r.dest != replaced) taken = true;
                }
                if (!taken) source = src;
            }
        }
        // The rules: destinations that are series with no live source other than the replaced value,
        // and that are not upstream of the restored series (a cycle).
        List<TimeSeries> dests = new ArrayList<>();
        List<SavedRule> kept = new ArrayList<>();
        for (SavedRule r : links.rules) {
            if (Arrays.equals(r.destKey(), key)) continue;
            DbEntry e = db.peek(r.destKey());
            if (!(e != null && e.value() instanceof TimeSeries dst) || dests.contains(dst)) continue;
            CompactionRule live = CompactionRule.liveSource(db, dst);
            if (live != null && live.source != replaced) continue;
            boolean cycle = false;
            for (TimeSeries up = source; up != null && !cycle; up = up.sourceRule == null ? null : up.sourceRule.source) {
                cycle = up == dst;
            }
            if (cycle) continue;
            dests.add(dst);
            kept.add(r);
        }
        s.savedLinks = null;
        // Everything checked: link. The replaced value's links on the same ends are superseded.
        if (source != null) {
            source.rules.removeIf(r -> Arrays.equals(r.destKey, key));
            CompactionRule r = new CompactionRule(source, links.sourceKey, s, key, links.sourceAgg,
                    links.sourceBucket, links.sourceAlign);
            if (!source.isEmpty()) r.openBucket = r.bucketStart(source.lastTimestamp());
            source.rules.add(r);
            s.sourceRule = r;
        }
        for (int i = 0; i < kept.size(); i++) {
            SavedRule saved = kept.get(i);
            TimeSeries dst = dests.get(i);
            CompactionRule r = new CompactionRule(s, key, dst, saved.destKey(), saved.agg(), saved.bucket(), saved.align());
            r.openBucket = saved.openBucket();
            s.rules.add(r);
            dst.sourceRule = r;
        }
    }
}
