package io.ferrite.server.timeseries;

import static io.ferrite.server.string.StringCommands.is;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time-series commands, RedisTimeSeries 1.12 compatible (group "timeseries"): TS.CREATE TS.ALTER
 * TS.ADD TS.MADD TS.INCRBY TS.DECRBY TS.DEL TS.GET TS.INFO TS.RANGE TS.REVRANGE TS.MGET TS.MRANGE
 * TS.MREVRANGE TS.QUERYINDEX TS.CREATERULE TS.DELETERULE.
 * Spec: https://redis.io/docs/latest/commands/ts.add/ and siblings. Layout: {@link TimeSeries};
 * definitions of the aggregators and the differences from RedisTimeSeries: docs/timeseries.md.
 *
 * <p>Values reply as RESP2 simple strings (shortest round-trip digits, {@code NaN},
 * {@code Infinity}) and RESP3 doubles. Errors are {@code ERR TSDB: ...}. The multi-key commands
 * (MGET, MRANGE, MREVRANGE, QUERYINDEX) find keys through {@link LabelIndex} and run lock_all.
 */
public final class TimeSeriesCommands {
    private TimeSeriesCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("ts.create", -2, "write denyoom", "", 1, 1, 1, TimeSeriesCommands::create);
        t.add("ts.alter", -2, "write denyoom", "", 1, 1, 1, TimeSeriesCommands::alter);
        t.add("ts.add", -4, "write denyoom fast", "", 1, 1, 1, TimeSeriesCommands::add);
        t.add("ts.madd", -4, "write denyoom", "", 1, -1, 3, TimeSeriesCommands::madd);
        t.add("ts.incrby", -3, "write denyoom", "", 1, 1, 1, TimeSeriesCommands::incrBy);
        t.add("ts.decrby", -3, "write denyoom", "", 1, 1, 1, TimeSeriesCommands::incrBy);
        t.add("ts.del", 4, "write", "", 1, 1, 1, TimeSeriesCommands::del);
        t.add("ts.get", -2, "readonly fast", "", 1, 1, 1, TimeSeriesCommands::get);
        t.add("ts.info", -2, "readonly", "", 1, 1, 1, TimeSeriesCommands::info);
        t.add("ts.range", -4, "readonly", "", 1, 1, 1, TimeSeriesCommands::range);
        t.add("ts.revrange", -4, "readonly", "", 1, 1, 1, TimeSeriesCommands::range);
        t.add("ts.createrule", -6, "write denyoom", "", 1, 2, 1, TimeSeriesCommands::createRule);
        t.add("ts.deleterule", 3, "write", "", 1, 2, 1, TimeSeriesCommands::deleteRule);
        t.add("ts.mget", -3, "readonly lock_all", "", 0, 0, 0, TimeSeriesCommands::mget);
        t.add("ts.mrange", -5, "readonly lock_all", "", 0, 0, 0, TimeSeriesCommands::mrange);
        t.add("ts.mrevrange", -5, "readonly lock_all", "", 0, 0, 0, TimeSeriesCommands::mrange);
        t.add("ts.queryindex", -2, "readonly lock_all", "", 0, 0, 0, TimeSeriesCommands::queryIndex);
    }

    static final CommandError NO_KEY = new CommandError("ERR TSDB: the key does not exist");
    static final CommandError EXISTS = new CommandError("ERR TSDB: key already exists");
    static final CommandError BAD_TS = new CommandError("ERR TSDB: invalid timestamp, must be a nonnegative integer");
    static final CommandError BAD_VALUE = new CommandError("ERR TSDB: invalid value");
    static final CommandError BAD_RETENTION = new CommandError("ERR TSDB: Couldn't parse RETENTION");
    static final CommandError BAD_CHUNK = new CommandError(
            "ERR TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]");
    static final CommandError BAD_POLICY = new CommandError("ERR TSDB: Unknown DUPLICATE_POLICY");
    static final CommandError BAD_ENCODING = new CommandError("ERR TSDB: unknown ENCODING parameter");
    static final CommandError BAD_LABELS = new CommandError("ERR TSDB: Couldn't parse LABELS");
    static final CommandError BAD_IGNORE = new CommandError("ERR TSDB: Couldn't parse IGNORE");
    static final CommandError BAD_FROM = new CommandError("ERR TSDB: wrong fromTimestamp");
    static final CommandError BAD_TO = new CommandError("ERR TSDB: wrong toTimestamp");
    static final CommandError BAD_AGG = new CommandError("ERR TSDB: Unknown aggregation type");
    static final CommandError BAD_BUCKET = new CommandError("ERR TSDB: bucketDuration must be greater than zero");
    static final CommandError BAD_COUNT = new CommandError("ERR TSDB: Couldn't parse COUNT");
    static final CommandError BAD_ALIGN = new CommandError("ERR TSDB: unknown ALIGN parameter");
    static final CommandError BAD_BUCKETTS = new CommandError("ERR TSDB: unknown BUCKETTIMESTAMP parameter");
    static final CommandError BAD_FILTER_VALUE = new CommandError("ERR TSDB: Couldn't parse MIN or MAX");
    static final CommandError NEED_FILTER = new CommandError("ERR TSDB: missing FILTER argument");
    static final CommandError LABELS_BOTH = new CommandError(
            "ERR TSDB: cannot accept WITHLABELS and SELECT_LABELS together");
    static final CommandError BAD_REDUCER = new CommandError("ERR TSDB: Unknown reducer type");
    static final CommandError INCR_OLD = new CommandError(
            "ERR TSDB: timestamp must be equal to or higher than the maximum existing timestamp");

    // ---- options shared by TS.CREATE, TS.ADD, TS.INCRBY/DECRBY and TS.ALTER

    /** Parsed series options; null/absent fields were not given. */
    private static final class Options {
        Long retention;
        Integer chunkSize;
        Boolean compressed;
        DuplicatePolicy duplicatePolicy;
        DuplicatePolicy onDuplicate;
        Long ignoreTime;
        Double ignoreValue;
        byte[][] labels;
        Long timestamp; // TS.INCRBY TIMESTAMP
    }

    private static Options parseOptions(Client c, int from, boolean alter, boolean add, boolean incr) {
        Options o = new Options();
        int argc = c.argc();
        for (int i = from; i < argc; i++) {
            byte[] a = c.arg(i);
            boolean more = i + 1 < argc;
            if (is(a, "retention") && more) {
                long r = Numbers.isLong(c.arg(i + 1)) ? Numbers.parseLong(c.arg(++i)) : -1;
                if (r < 0) throw BAD_RETENTION;
                o.retention = r;
            } else if (is(a, "chunk_size") && more) {
                byte[] v = c.arg(++i);
                long s = Numbers.isLong(v) ? Numbers.parseLong(v) : -1;
                if (s < 48 || s > 1048576 || s % 8 != 0) throw BAD_CHUNK;
                o.chunkSize = (int) s;
            } else if (is(a, "encoding") && more && !alter) {
                byte[] v = c.arg(++i);
                if (is(v, "compressed")) o.compressed = true;
                else if (is(v, "uncompressed")) o.compressed = false;
                else throw BAD_ENCODING;
            } else if (is(a, "uncompressed") && !alter) {
                o.compressed = false;
            } else if (is(a, "compressed") && !alter) {
                o.compressed = true;
            } else if (is(a, "duplicate_policy") && more) {
                o.duplicatePolicy = DuplicatePolicy.parse(c.arg(++i));
                if (o.duplicatePolicy == null) throw BAD_POLICY;
            } else if (is(a, "on_duplicate") && more && add) {
                o.onDuplicate = DuplicatePolicy.parse(c.arg(++i));
                if (o.onDuplicate == null) throw BAD_POLICY;
            } else if (is(a, "ignore")) {
                if (i + 2 >= argc) throw BAD_IGNORE;
                long t = Numbers.isLong(c.arg(i + 1)) ? Numbers.parseLong(c.arg(i + 1)) : -1;
                Double v = Numbers.parseDouble(c.arg(i + 2));
                if (t < 0 || v == null || v < 0) throw BAD_IGNORE;
                o.ignoreTime = t;
                o.ignoreValue = v;
                i += 2;
            } else if (is(a, "timestamp") && more && incr) {
                o.timestamp = parseTimestamp(c.arg(++i));
            } else if (is(a, "labels")) {
                int n = argc - i - 1;
                if (n % 2 != 0) throw BAD_LABELS;
                byte[][] l = new byte[n][];
                for (int k = 0; k < n; k++) {
                    l[k] = c.arg(i + 1 + k);
                    if (l[k].length == 0) throw BAD_LABELS;
                }
                o.labels = l;
                i = argc;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return o;
    }

    /** Applies options other than LABELS to a series. */
    private static void apply(TimeSeries s, Options o) {
        if (o.retention != null) s.retention = o.retention;
        if (o.chunkSize != null) s.chunkSize = o.chunkSize;
        if (o.compressed != null) s.compressed = o.compressed;
        if (o.duplicatePolicy != null) s.duplicatePolicy = o.duplicatePolicy;
        if (o.ignoreTime != null) {
            s.ignoreMaxTimeDiff = o.ignoreTime;
            s.ignoreMaxValDiff = o.ignoreValue;
        }
    }

    /**
     * A new series with the options, the ts-* configuration supplying the ones not given (as
     * RedisTimeSeries's parseCreateArgs); the key table indexes its labels as it is stored.
     */
    private static TimeSeries newSeries(Client c, Options o, byte[] key) {
        TimeSeries s = new TimeSeries();
        FerriteConfig cfg = c.server().config();
        s.retention = cfg.tsRetentionPolicy.longValue();
        s.chunkSize = cfg.tsChunkSizeBytes.intValue();
        s.compressed = cfg.tsEncoding.longValue() == 0;
        s.ignoreMaxTimeDiff = cfg.tsIgnoreMaxTimeDiff.longValue();
        s.ignoreMaxValDiff = Double.longBitsToDouble(cfg.tsIgnoreMaxValDiff.longValue());
        apply(s, o);
        if (o.labels != null) s.labels = o.labels;
        c.db().add(key, s);
        return s;
    }

    // Keeps the loads of touchTail from being optimised away. Shared by every event loop and
    // written without synchronisation on purpose: nobody reads it, so a lost or torn store is harmless.
    @SuppressWarnings("unused")
    private static long touchSink;

    private static final DuplicatePolicy[] POLICIES = DuplicatePolicy.values(); // values() copies per call

    /** The server's ts-duplicate-policy, for series without a policy of their own. */
    private static DuplicatePolicy serverPolicy(Client c) {
        return POLICIES[(int) c.server().config().tsDuplicatePolicy.longValue()];
    }

    /**
     * Before TS.ADD/TS.INCRBY create key: the destinations ts-compaction-policy will create with
     * it, and the shards they live in (ShardsNeeded before anything is created).
     */
    private static List<CompactionPolicy.Rule> policyFor(Client c, byte[] key) {
        String policy = c.server().config().tsCompactionPolicy.value();
        if (policy.isEmpty()) return List.of();
        List<CompactionPolicy.Rule> rules = CompactionPolicy.parse(policy);
        if (rules == null) return List.of();
        Keyspace ks = c.db().keyspace();
        long shards = 0;
        for (CompactionPolicy.Rule r : rules) shards |= 1L << ks.shardIndex(r.destKey(key));
        ks.require(shards);
        return rules;
    }

    /**
     * Creates the compactions of a new series as tsdb.c SeriesCreateRulesFromGlobalConfig does: a
     * destination that exists already is skipped; a new one gets the source's labels plus
     * aggregation and time_bucket, the rule's retention and the configured chunk size and encoding.
     */
    private static void createPolicyRules(Client c, byte[] key, TimeSeries src, List<CompactionPolicy.Rule> rules) {
        Database db = c.db();
        FerriteConfig cfg = c.server().config();
        for (CompactionPolicy.Rule rule : rules) {
            byte[] destKey = rule.destKey(key);
            if (db.lookup(destKey) != null) continue;
            TimeSeries dst = new TimeSeries();
            dst.retention = rule.retention();
            dst.chunkSize = cfg.tsChunkSizeBytes.intValue();
            dst.compressed = cfg.tsEncoding.longValue() == 0;
            byte[][] l = java.util.Arrays.copyOf(src.labels, src.labels.length + 4);
            l[src.labels.length] = bytes("aggregation");
            l[src.labels.length + 1] = bytes(rule.agg().label.toUpperCase(java.util.Locale.ROOT));
            l[src.labels.length + 2] = bytes("time_bucket");
            l[src.labels.length + 3] = bytes(Long.toString(rule.bucket()));
            dst.labels = l;
            db.add(destKey, dst);
            CompactionRule r = new CompactionRule(src, key, dst, destKey, rule.agg(), rule.bucket(), rule.align());
            src.rules.add(r);
            dst.sourceRule = r;
        }
    }

    /**
     * Before samples are written to s: holds the shards of every series its rules can write
     * (ShardsNeeded otherwise; nothing has changed yet), dropping dead rules; and checks its own
     * source link when IGNORE depends on it ("the series is not a compaction").
     */
    private static void prepareWrite(Database db, TimeSeries s) {
        CompactionRule.requireDownstream(db, s);
        if (s.sourceRule != null && s.ignoreMaxTimeDiff + s.ignoreMaxValDiff > 0) CompactionRule.liveSource(db, s);
    }

    static long parseTimestamp(byte[] a) {
        if (a.length == 1 && a[0] == '*') return System.currentTimeMillis();
        long t = Numbers.isLong(a) ? Numbers.parseLong(a) : -1;
        if (t < 0) throw BAD_TS;
        return t;
    }

    static double parseValue(byte[] a) {
        double v = Numbers.parseDoubleOrNaN(a); // no allocation: one value per sample
        if (Double.isNaN(v)) throw BAD_VALUE;
        return v;
    }

    private static TimeSeries existing(Database db, byte[] key, boolean read) {
        DbEntry e = read ? db.lookupRead(key) : db.lookup(key);
        if (e == null) throw NO_KEY;
        if (!(e.value() instanceof TimeSeries s)) throw CommandError.WRONGTYPE;
        return s;
    }

    // ---- writes

    /** TS.CREATE key [RETENTION ms] [ENCODING e] [CHUNK_SIZE n] [DUPLICATE_POLICY p] [IGNORE t v] [LABELS ...] */
    static void create(Client c) {
        byte[] key = c.arg(1);
        Options o = parseOptions(c, 2, false, false, false);
        if (c.db().lookup(key) != null) throw EXISTS;
        newSeries(c, o, key);
        c.reply().ok();
    }

    /** TS.ALTER key [RETENTION ms] [CHUNK_SIZE n] [DUPLICATE_POLICY p] [IGNORE t v] [LABELS ...] */
    static void alter(Client c) {
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        if (e == null) throw NO_KEY;
        if (!(e.value() instanceof TimeSeries s)) throw CommandError.WRONGTYPE;
        Options o = parseOptions(c, 2, true, false, false);
        apply(s, o);
        if (o.labels != null) LabelIndex.relabel(db, e, o.labels);
        db.touched(e);
        c.reply().ok();
    }

    /** TS.ADD key timestamp value [options] [ON_DUPLICATE p]: creates the key with the options when absent. */
    static void add(Client c) {
        byte[] key = c.arg(1);
        long ts = parseTimestamp(c.arg(2));
        double v = parseValue(c.arg(3));
        Options o = c.argc() > 4 ? parseOptions(c, 4, false, true, false) : null;
        DbEntry e = c.db().lookup(key);
        TimeSeries s;
        if (e == null) {
            List<CompactionPolicy.Rule> policy = policyFor(c, key);
            s = newSeries(c, o != null ? o : new Options(), key);
            createPolicyRules(c, key, s, policy);
        } else if (e.value() instanceof TimeSeries t) {
            s = t;
            prepareWrite(c.db(), s);
        } else {
            throw CommandError.WRONGTYPE;
        }
        long r = s.add(ts, v, o != null ? o.onDuplicate : null, serverPolicy(c));
        c.reply().integer(r);
    }

    /** TS.MADD key ts value [key ts value ...]: one reply per sample, an error in place of a failed one. */
    static void madd(Client c) {
        if ((c.argc() - 1) % 3 != 0) throw CommandError.arity("ts.madd");
        Database db = c.db();
        int n = (c.argc() - 1) / 3;
        // RedisTimeSeries checks every key exists before adding anything; the series found
        // are kept so that each key is looked up once.
        TimeSeries[] series = new TimeSeries[n];
        long touched = 0;
        for (int i = 0; i < n; i++) {
            series[i] = existing(db, c.arg(1 + 3 * i), false);
            prepareWrite(db, series[i]);
            // With many series each sample's chunk is a cache miss; loading them all here lets the
            // misses of different keys overlap instead of each append waiting for its own.
            touched ^= series[i].touchTail();
        }
        touchSink = touched;
        DuplicatePolicy fallback = serverPolicy(c);
        RespWriter w = c.reply();
        w.array(n);
        for (int i = 0; i < n; i++) {
            int a = 1 + 3 * i;
            try {
                long ts = parseTimestamp(c.arg(a + 1));
                double v = parseValue(c.arg(a + 2));
                w.integer(series[i].add(ts, v, null, fallback));
            } catch (CommandError err) {
                w.error(err.getMessage());
            }
        }
    }

    /** TS.INCRBY / TS.DECRBY key value [TIMESTAMP ts] [options]: adds to the last value, at or after the last timestamp. */
    static void incrBy(Client c) {
        boolean decr = is(c.arg(0), "ts.decrby");
        byte[] key = c.arg(1);
        double by = parseValue(c.arg(2));
        Options o = parseOptions(c, 3, false, false, true);
        DbEntry e = c.db().lookup(key);
        TimeSeries s;
        if (e == null) {
            List<CompactionPolicy.Rule> policy = policyFor(c, key);
            s = newSeries(c, o, key);
            createPolicyRules(c, key, s, policy);
        } else if (e.value() instanceof TimeSeries t) {
            s = t;
            prepareWrite(c.db(), s);
        } else {
            throw CommandError.WRONGTYPE;
        }
        long ts = o.timestamp != null ? o.timestamp : System.currentTimeMillis();
        double base = 0;
        if (!s.isEmpty()) {
            if (ts < s.lastTimestamp()) throw INCR_OLD;
            base = s.lastValue();
        }
        c.reply().integer(s.add(ts, decr ? base - by : base + by, DuplicatePolicy.LAST));
    }

    /** TS.DEL key from to: deletes the samples in the range; returns how many. */
    static void del(Client c) {
        TimeSeries s = existing(c.db(), c.arg(1), false);
        long from = parseRangeTs(c.arg(2), BAD_FROM, 0);
        long to = parseRangeTs(c.arg(3), BAD_TO, Long.MAX_VALUE);
        c.reply().integer(s.deleteRange(from, to));
    }

    static long parseRangeTs(byte[] a, CommandError err, long dash) {
        if (a.length == 1 && a[0] == '-') return 0;
        if (a.length == 1 && a[0] == '+') return Long.MAX_VALUE;
        if (a.length == 1 && a[0] == '*') return System.currentTimeMillis();
        long t = Numbers.isLong(a) ? Numbers.parseLong(a) : -1;
        if (t < 0) throw err;
        return t;
    }

    // ---- reads

    static void writeValue(RespWriter w, double v) {
        if (w.resp3()) {
            w.doubleValue(v);
        } else if (Double.isNaN(v)) {
            w.simple("NaN");
        } else if (Double.isInfinite(v)) {
            w.simple(v > 0 ? "Infinity" : "-Infinity");
        } else {
            w.simple(Numbers.formatDouble(v));
        }
    }

    static void writeSample(RespWriter w, long ts, double v) {
        w.array(2);
        w.integer(ts);
        writeValue(w, v);
    }

    /** TS.GET key [LATEST]: [ts, value], or an empty array for an empty series. */
    static void get(Client c) {
        boolean latest = false;
        for (int i = 2; i < c.argc(); i++) {
            if (is(c.arg(i), "latest")) latest = true;
            else throw CommandError.SYNTAX;
        }
        TimeSeries s = existing(c.db(), c.arg(1), true);
        writeLast(c.db(), c.reply(), s, latest);
    }

    private static void writeLast(Database db, RespWriter w, TimeSeries s, boolean latest) {
        CompactionRule r = latest ? CompactionRule.liveSource(db, s) : null;
        if (r != null && r.openBucket != Long.MIN_VALUE) {
            double[] v = new double[1];
            if (r.source.aggregateOne(r.agg, r.openBucket, r.bucket, v)) {
                writeSample(w, r.openBucket, v[0]);
                return;
            }
        }
        if (s.isEmpty()) w.emptyArray();
        else writeSample(w, s.lastTimestamp(), s.lastValue());
    }

    /** TS.INFO key [DEBUG] */
    static void info(Client c) {
        boolean debug = false;
        for (int i = 2; i < c.argc(); i++) {
            if (is(c.arg(i), "debug")) debug = true;
            else throw CommandError.SYNTAX;
        }
        byte[] key = c.arg(1);
        TimeSeries s = existing(c.db(), key, true);
        // As RedisTimeSeries's TS.INFO, drop links to keys that are gone before reporting them.
        CompactionRule.requireNeighbours(c.db(), s);
        RespWriter w = c.reply();
        {
            w.map(debug ? 16 : 14);
            w.bulk("totalSamples");
            w.integer(s.totalSamples);
            w.bulk("memoryUsage");
            w.integer(s.memoryUsage());
            w.bulk("firstTimestamp");
            w.integer(s.firstTimestamp());
            w.bulk("lastTimestamp");
            w.integer(s.lastTimestamp());
            w.bulk("retentionTime");
            w.integer(s.retention);
            w.bulk("chunkCount");
            w.integer(s.chunks.size());
            w.bulk("chunkSize");
            w.integer(s.chunkSize);
            w.bulk("chunkType");
            w.bulk(s.compressed ? "compressed" : "uncompressed");
            w.bulk("duplicatePolicy");
            if (s.duplicatePolicy == null) w.nullBulk();
            else w.bulk(s.duplicatePolicy.lower());
            w.bulk("labels");
            writeLabels(w, s.labels);
            w.bulk("sourceKey");
            w.bulk(s.sourceRule == null ? null : s.sourceRule.sourceKey);
            w.bulk("rules");
            if (w.resp3()) {
                w.map(s.rules.size());
                for (CompactionRule r : s.rules) {
                    w.bulk(r.destKey);
                    writeRuleTail(w, r, 3);
                }
            } else {
                w.array(s.rules.size());
                for (CompactionRule r : s.rules) {
                    w.array(4);
                    w.bulk(r.destKey);
                    writeRuleTail(w, r, 0);
                }
            }
            w.bulk("ignoreMaxTimeDiff");
            w.integer(s.ignoreMaxTimeDiff);
            w.bulk("ignoreMaxValDiff");
            writeValue(w, s.ignoreMaxValDiff);
            if (debug) {
                w.bulk("keySelfName");
                w.bulk(key);
                w.bulk("Chunks");
                w.array(s.chunks.size());
                for (Chunk ch : s.chunks) {
                    w.map(5);
                    w.bulk("startTimestamp");
                    w.integer(ch.first());
                    w.bulk("endTimestamp");
                    w.integer(ch.last());
                    w.bulk("samples");
                    w.integer(ch.count());
                    w.bulk("size");
                    w.integer(ch.bytes());
                    w.bulk("bytesPerSample");
                    writeValue(w, (double) ch.bytes() / ch.count());
                }
            }
        }
    }

    private static void writeRuleTail(RespWriter w, CompactionRule r, int header) {
        if (header > 0) w.array(header);
        w.integer(r.bucket);
        w.bulk(r.agg.label);
        w.integer(r.align);
    }

    /** Labels: RESP2 an array of [name, value] pairs, RESP3 a map. */
    private static void writeLabels(RespWriter w, byte[][] labels) {
        int n = labels.length / 2;
        if (w.resp3()) {
            w.map(n);
            for (int i = 0; i < labels.length; i++) w.bulk(labels[i]);
        } else {
            w.array(n);
            for (int i = 0; i < labels.length; i += 2) {
                w.array(2);
                w.bulk(labels[i]);
                w.bulk(labels[i + 1]);
            }
        }
    }

    /** Parses the range options from argument i until a word in {@code stop} (MRANGE's FILTER). */
    private static int parseQuery(Client c, int i, Query q, boolean multi, long from, long to) {
        int argc = c.argc();
        for (; i < argc; i++) {
            byte[] a = c.arg(i);
            if (multi && (is(a, "filter") || is(a, "withlabels") || is(a, "selected_labels") || is(a, "groupby"))) return i;
            if (is(a, "latest")) {
                q.latest = true;
            } else if (is(a, "filter_by_ts")) {
                List<Long> ts = new ArrayList<>();
                while (i + 1 < argc && Numbers.isLong(c.arg(i + 1))) ts.add(Numbers.parseLong(c.arg(++i)));
                if (ts.isEmpty()) throw new CommandError("ERR TSDB: FILTER_BY_TS one or more arguments are missing");
                q.filterTs = ts.stream().mapToLong(Long::longValue).sorted().toArray();
            } else if (is(a, "filter_by_value")) {
                if (i + 2 >= argc) throw BAD_FILTER_VALUE;
                Double lo = Numbers.parseDouble(c.arg(i + 1));
                Double hi = Numbers.parseDouble(c.arg(i + 2));
                if (lo == null || hi == null) throw BAD_FILTER_VALUE;
                q.valueFilter = true;
                q.minValue = lo;
                q.maxValue = hi;
                i += 2;
            } else if (is(a, "count")) {
                if (i + 1 >= argc) throw BAD_COUNT;
                long n = Numbers.isLong(c.arg(i + 1)) ? Numbers.parseLong(c.arg(++i)) : -1;
                if (n < 0) throw BAD_COUNT;
                q.count = n;
            } else if (is(a, "align")) {
                if (i + 1 >= argc) throw BAD_ALIGN;
                byte[] v = c.arg(++i);
                if (v.length == 1 && v[0] == '-' || is(v, "start")) q.alignMode = 1;
                else if (v.length == 1 && v[0] == '+' || is(v, "end")) q.alignMode = 2;
                else if (Numbers.isLong(v)) q.align = Numbers.parseLong(v);
                else throw BAD_ALIGN;
            } else if (is(a, "aggregation")) {
                if (i + 2 >= argc) throw new CommandError("ERR TSDB: missing AGGREGATION arguments");
                q.agg = Aggregator.parse(c.arg(i + 1));
                if (q.agg == null) throw BAD_AGG;
                long b = Numbers.isLong(c.arg(i + 2)) ? Numbers.parseLong(c.arg(i + 2)) : 0;
                if (b <= 0) throw BAD_BUCKET;
                q.bucket = b;
                i += 2;
            } else if (is(a, "buckettimestamp")) {
                if (i + 1 >= argc) throw BAD_BUCKETTS;
                byte[] v = c.arg(++i);
                if (v.length == 1 && v[0] == '-' || is(v, "start")) q.bucketTs = 0;
                else if (v.length == 1 && v[0] == '+' || is(v, "end")) q.bucketTs = 1;
                else if (v.length == 1 && v[0] == '~' || is(v, "mid")) q.bucketTs = 2;
                else throw BAD_BUCKETTS;
            } else if (is(a, "empty")) {
                q.empty = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return i;
    }

    private static void finishQuery(Query q, byte[] fromArg, byte[] toArg, long from, long to) {
        if (q.agg == null && (q.bucketTs != 0 || q.empty || q.alignMode != 0 || q.align != 0)) {
            throw new CommandError("ERR TSDB: AGGREGATION is required");
        }
        if (q.alignMode == 1) {
            if (fromArg.length == 1 && fromArg[0] == '-') throw new CommandError(
                    "ERR TSDB: start alignment can only be used with explicit start timestamp");
            q.align = from;
        } else if (q.alignMode == 2) {
            if (toArg.length == 1 && toArg[0] == '+') throw new CommandError(
                    "ERR TSDB: end alignment can only be used with explicit end timestamp");
            q.align = to;
        }
    }

    private static Query.Samples runQuery(Database db, TimeSeries s, Query q, long from, long to, boolean reverse) {
        if (q.latest) CompactionRule.liveSource(db, s); // LATEST reads the source: its shard, and a live link
        long limit = s.retentionLimit();
        return q.run(s, Math.max(from, limit), to, reverse);
    }

    private static void writeSamples(RespWriter w, Query.Samples r) {
        w.array(r.n);
        for (int i = 0; i < r.n; i++) writeSample(w, r.ts[i], r.vs[i]);
    }

    /** TS.RANGE / TS.REVRANGE key from to [options] */
    static void range(Client c) {
        boolean reverse = is(c.arg(0), "ts.revrange");
        long from = parseRangeTs(c.arg(2), BAD_FROM, 0);
        long to = parseRangeTs(c.arg(3), BAD_TO, Long.MAX_VALUE);
        Query q = new Query();
        parseQuery(c, 4, q, false, from, to);
        finishQuery(q, c.arg(2), c.arg(3), from, to);
        TimeSeries s = existing(c.db(), c.arg(1), true);
        writeSamples(c.reply(), runQuery(c.db(), s, q, from, to, reverse));
    }

    /** TS.QUERYINDEX filter...: the matching keys, sorted. */
    static void queryIndex(Client c) {
        List<Filter.Matcher> ms = Filter.parseAll(c.argv(), 1, c.argc());
        List<LabelIndex.Match> found = LabelIndex.query(c.db(), ms);
        RespWriter w = c.reply();
        w.set(found.size());
        for (LabelIndex.Match m : found) w.bulk(m.key());
    }

    /** Label reply mode of MGET/MRANGE: none, WITHLABELS, or SELECTED_LABELS names. */
    private static final class LabelMode {
        boolean all;
        byte[][] selected;

        void write(RespWriter w, TimeSeries s) {
            if (all) {
                writeLabels(w, s.labels);
            } else if (selected != null) {
                if (w.resp3()) w.map(selected.length);
                else w.array(selected.length);
                for (byte[] name : selected) {
                    if (!w.resp3()) w.array(2);
                    w.bulk(name);
                    w.bulk(s.label(name));
                }
            } else {
                writeLabels(w, new byte[0][]);
            }
        }
    }

    /** Parses [WITHLABELS | SELECTED_LABELS l...] FILTER ... from i; returns the index after the filters. */
    private static int parseLabelsAndFilter(Client c, int i, LabelMode mode, List<Filter.Matcher> out, boolean groupBy) {
        int argc = c.argc();
        boolean sawFilter = false;
        while (i < argc) {
            byte[] a = c.arg(i);
            if (is(a, "withlabels")) {
                if (mode.selected != null) throw LABELS_BOTH;
                mode.all = true;
                i++;
            } else if (is(a, "selected_labels")) {
                if (mode.all) throw LABELS_BOTH;
                int j = i + 1;
                List<byte[]> names = new ArrayList<>();
                while (j < argc && !is(c.arg(j), "filter")) names.add(c.arg(j++));
                if (names.isEmpty()) throw CommandError.SYNTAX;
                mode.selected = names.toArray(new byte[0][]);
                i = j;
            } else if (is(a, "filter")) {
                int j = i + 1;
                while (j < argc && !(groupBy && is(c.arg(j), "groupby"))) j++;
                out.addAll(Filter.parseAll(c.argv(), i + 1, j));
                sawFilter = true;
                i = j;
                break;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (!sawFilter) throw NEED_FILTER;
        return i;
    }

    /** TS.MGET [LATEST] [WITHLABELS | SELECTED_LABELS l...] FILTER filter... */
    static void mget(Client c) {
        int i = 1;
        boolean latest = false;
        if (is(c.arg(1), "latest")) {
            latest = true;
            i++;
        }
        LabelMode mode = new LabelMode();
        List<Filter.Matcher> ms = new ArrayList<>();
        parseLabelsAndFilter(c, i, mode, ms, false);
        List<LabelIndex.Match> found = LabelIndex.query(c.db(), ms);
        RespWriter w = c.reply();
        if (w.resp3()) w.map(found.size());
        else w.array(found.size());
        for (LabelIndex.Match m : found) {
            if (w.resp3()) {
                w.bulk(m.key());
                w.array(2);
            } else {
                w.array(3);
                w.bulk(m.key());
            }
            mode.write(w, m.series());
            writeLast(c.db(), w, m.series(), latest);
        }
    }

    /** TS.MRANGE / TS.MREVRANGE from to [options] [WITHLABELS|SELECTED_LABELS ...] FILTER ... [GROUPBY l REDUCE r] */
    static void mrange(Client c) {
        boolean reverse = is(c.arg(0), "ts.mrevrange");
        long from = parseRangeTs(c.arg(1), BAD_FROM, 0);
        long to = parseRangeTs(c.arg(2), BAD_TO, Long.MAX_VALUE);
        Query q = new Query();
        int i = parseQuery(c, 3, q, true, from, to);
        LabelMode mode = new LabelMode();
        List<Filter.Matcher> ms = new ArrayList<>();
        i = parseLabelsAndFilter(c, i, mode, ms, true);
        byte[] groupLabel = null;
        Aggregator reducer = null;
        if (i < c.argc()) {
            if (!is(c.arg(i), "groupby") || i + 4 != c.argc() || !is(c.arg(i + 2), "reduce")) throw CommandError.SYNTAX;
            groupLabel = c.arg(i + 1);
            reducer = Aggregator.parse(c.arg(i + 3));
            if (reducer == null || !reducer.isReducer()) throw BAD_REDUCER;
        }
        finishQuery(q, c.arg(1), c.arg(2), from, to);
        List<LabelIndex.Match> found = LabelIndex.query(c.db(), ms);
        RespWriter w = c.reply();
        if (groupLabel == null) {
            if (w.resp3()) w.map(found.size());
            else w.array(found.size());
            for (LabelIndex.Match m : found) {
                Query.Samples r = runQuery(c.db(), m.series(), q, from, to, reverse);
                if (w.resp3()) {
                    w.bulk(m.key());
                    w.array(3);
                } else {
                    w.array(3);
                    w.bulk(m.key());
                }
                mode.write(w, m.series());
                if (w.resp3()) {
                    w.map(1);
                    w.bulk("aggregators");
                    w.array(q.agg == null ? 0 : 1);
                    if (q.agg != null) w.bulk(q.agg.label);
                }
                writeSamples(w, r);
            }
            return;
        }
        writeGroups(c, w, found, q, from, to, reverse, groupLabel, reducer, mode);
    }

    /** GROUPBY label REDUCE r: one series per label value, reduced per timestamp over its members. */
    private static void writeGroups(Client c, RespWriter w, List<LabelIndex.Match> found, Query q, long from, long to,
                                    boolean reverse, byte[] label, Aggregator reducer, LabelMode mode) {
        TreeMap<String, List<LabelIndex.Match>> groups = new TreeMap<>();
        Map<String, byte[]> groupValue = new LinkedHashMap<>();
        for (LabelIndex.Match m : found) {
            byte[] v = m.series().label(label);
            if (v == null) continue;
            // ISO-8859-1 maps bytes 1:1, so the TreeMap orders groups by unsigned byte value.
            String k = new String(v, StandardCharsets.ISO_8859_1);
            groups.computeIfAbsent(k, x -> new ArrayList<>()).add(m);
            groupValue.put(k, v);
        }
        if (w.resp3()) w.map(groups.size());
        else w.array(groups.size());
        for (Map.Entry<String, List<LabelIndex.Match>> g : groups.entrySet()) {
            byte[] value = groupValue.get(g.getKey());
            byte[] name = concat(label, "=".getBytes(), value);
            TreeMap<Long, double[]> byTs = new TreeMap<>();
            StringBuilder sources = new StringBuilder();
            List<byte[]> sourceKeys = new ArrayList<>();
            for (LabelIndex.Match m : g.getValue()) {
                Query.Samples r = runQuery(c.db(), m.series(), q, from, to, false);
                for (int k = 0; k < r.n; k++) {
                    byTs.computeIfAbsent(r.ts[k], x -> new double[1 + 4]);
                    append(byTs, r.ts[k], r.vs[k]);
                }
                sourceKeys.add(m.key());
            }
            byte[] sourceList = joinKeys(sourceKeys);
            Query.Samples out = new Query.Samples();
            for (Map.Entry<Long, double[]> e : byTs.entrySet()) {
                double[] vals = e.getValue();
                int n = (int) vals[0];
                double[] clean = new double[n];
                int k = 0;
                for (int j = 0; j < n; j++) if (!Double.isNaN(vals[1 + j])) clean[k++] = vals[1 + j];
                double red = k == 0 ? Double.NaN
                        : reducer.apply(new long[k], clean, k, 0, 1, 0, 0, false, 0, 0, false, new double[k]);
                out.add(e.getKey(), red);
            }
            if (reverse) out.reverse();
            out.limit(q.count);
            if (w.resp3()) {
                w.bulk(name);
                w.array(4);
            } else {
                w.array(3);
                w.bulk(name);
            }
            byte[][] groupLabels = {label, value, bytes("__reducer__"), bytes(reducer.label),
                    bytes("__source__"), sourceList};
            writeLabels(w, mode.all || mode.selected != null || w.resp3() ? groupLabels : new byte[0][]);
            if (w.resp3()) {
                w.map(1);
                w.bulk("reducers");
                w.array(1);
                w.bulk(reducer.label);
                w.map(1);
                w.bulk("sources");
                w.array(sourceKeys.size());
                for (byte[] k2 : sourceKeys) w.bulk(k2);
            }
            writeSamples(w, out);
        }
    }

    /** Appends v to the per-timestamp value list: slot 0 is the count. */
    private static void append(TreeMap<Long, double[]> byTs, long ts, double v) {
        double[] acc = byTs.get(ts);
        int n = (int) acc[0];
        if (1 + n == acc.length) {
            acc = Arrays.copyOf(acc, acc.length * 2);
            byTs.put(ts, acc);
        }
        acc[1 + n] = v;
        acc[0] = n + 1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static byte[] joinKeys(List<byte[]> keys) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) parts.add(new byte[] {','});
            parts.add(keys.get(i));
        }
        return concat(parts.toArray(new byte[0][]));
    }

    // ---- compaction rules

    static final CommandError SAME_KEY = new CommandError("ERR TSDB: the source key and destination key should be different");
    static final CommandError DEST_HAS_SRC = new CommandError("ERR TSDB: the destination key already has a src rule");
    static final CommandError CYCLE = new CommandError("ERR TSDB: the rule would create a cycle of compactions");
    static final CommandError NO_RULE = new CommandError("ERR TSDB: compaction rule does not exist");

    /** TS.CREATERULE src dst AGGREGATION agg bucket [align] [BACKFILL]: chained rules allowed, no cycles. */
    static void createRule(Client c) {
        byte[] srcKey = c.arg(1);
        byte[] dstKey = c.arg(2);
        if (!is(c.arg(3), "aggregation")) throw CommandError.SYNTAX;
        Aggregator agg = Aggregator.parse(c.arg(4));
        if (agg == null) throw BAD_AGG;
        long bucket = Numbers.isLong(c.arg(5)) ? Numbers.parseLong(c.arg(5)) : 0;
        if (bucket <= 0) throw BAD_BUCKET;
        long align = 0;
        boolean backfill = false;
        for (int i = 6; i < c.argc(); i++) {
            if (is(c.arg(i), "backfill")) backfill = true;
            else if (i == 6 && Numbers.isLong(c.arg(i))) align = Numbers.parseLong(c.arg(i));
            else throw CommandError.SYNTAX;
        }
        if (Arrays.equals(srcKey, dstKey)) throw SAME_KEY;
        Database db = c.db();
        TimeSeries src = existing(db, srcKey, false);
        TimeSeries dst = existing(db, dstKey, false);
        // The cycle check walks up from src, BACKFILL writes dst and what dst feeds: hold their shards.
        CompactionRule.requireUpstream(db, src);
        if (backfill) CompactionRule.requireDownstream(db, dst);
        if (CompactionRule.liveSource(db, dst) != null) throw DEST_HAS_SRC;
        // A cycle would make dst feed src: walk up from src.
        for (TimeSeries up = src; up != null; up = up.sourceRule == null ? null : up.sourceRule.source) {
            if (up == dst) throw CYCLE;
        }
        CompactionRule r = new CompactionRule(src, srcKey, dst, dstKey, agg, bucket, align);
        if (backfill && !src.isEmpty()) {
            long first = r.bucketStart(src.firstTimestamp());
            long open = r.bucketStart(src.lastTimestamp());
            for (long b = first; b < open; b += bucket) src.writeBucket(r, b);
        }
        if (!src.isEmpty()) r.openBucket = r.bucketStart(src.lastTimestamp());
        src.rules.add(r);
        dst.sourceRule = r;
        c.reply().ok();
    }

    /** TS.DELETERULE src dst: as RedisTimeSeries, a rule whose destination is gone does not exist. */
    static void deleteRule(Client c) {
        Database db = c.db();
        TimeSeries src = existing(db, c.arg(1), false);
        CompactionRule.requireNeighbours(db, src);
        CompactionRule found = null;
        for (CompactionRule r : src.rules) if (Arrays.equals(r.destKey, c.arg(2))) found = r;
        if (found == null) throw NO_RULE;
        src.rules.remove(found);
        found.dest.sourceRule = null;
        c.reply().ok();
    }
}
