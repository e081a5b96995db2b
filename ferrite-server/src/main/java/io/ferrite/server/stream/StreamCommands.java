package io.ferrite.server.stream;

import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stream commands (Redis 7.2 group "stream"): XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID
 * XREAD XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP) XREADGROUP XACK XPENDING
 * XCLAIM XAUTOCLAIM XINFO (STREAM GROUPS CONSUMERS HELP), plus the Redis 8.2/8.4 additions
 * XACKDEL, XDELEX and XREADGROUP ... CLAIM min-idle-time (see docs/streams.md).
 * Spec: https://redis.io/docs/latest/commands/?group=stream (behaviour and error texts checked
 * against t_stream.c of 7.2.6). Layout: {@link Stream}, {@link StreamConsumerGroup}.
 *
 * <p>XREAD/XREADGROUP BLOCK park the client ({@link Client#block}) when nothing is served and
 * are re-run when a key is signalled: XADD to an existing stream signals, as does XGROUP
 * DESTROY so blocked readers get their NOGROUP error at once. {@code $} is resolved to the
 * stream's last ID on the first run and written back into the arguments, so a re-run waits for
 * entries after that ID rather than after the newest one.
 */
public final class StreamCommands {
    private StreamCommands() {}

    private static final CommandError XADD_ZERO = new CommandError("ERR The ID specified in XADD must be greater than 0-0");
    private static final CommandError XADD_SMALLER = new CommandError(
            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
    private static final CommandError EXHAUSTED = new CommandError(
            "ERR The stream has exhausted the last possible ID, unable to add more items");
    private static final CommandError BOTH_STRATEGIES = new CommandError(
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
    private static final CommandError MAXLEN_NEGATIVE = new CommandError("ERR The MAXLEN argument must be >= 0.");
    private static final CommandError LIMIT_NEGATIVE = new CommandError("ERR The LIMIT argument must be >= 0.");
    private static final CommandError LIMIT_NO_STRATEGY = new CommandError(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    private static final CommandError XTRIM_NO_STRATEGY = new CommandError(
            "ERR syntax error, XTRIM must be called with a trimming strategy");
    private static final CommandError LIMIT_NO_APPROX = new CommandError(
            "ERR syntax error, LIMIT cannot be used without the special ~ option");
    private static final CommandError BAD_START = new CommandError("ERR invalid start ID for the interval");
    private static final CommandError BAD_END = new CommandError("ERR invalid end ID for the interval");
    private static final CommandError BUSYGROUP = new CommandError("BUSYGROUP Consumer Group name already exists");
    private static final CommandError XGROUP_NO_KEY = new CommandError("ERR The XGROUP subcommand requires the key to "
            + "exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream "
            + "automatically.");
    private static final CommandError ENTRIESREAD = new CommandError("ERR value for ENTRIESREAD must be positive or -1");
    private static final CommandError TIMEOUT_NEGATIVE = new CommandError("ERR timeout is negative");
    private static final CommandError MISSING_GROUP = new CommandError("ERR Missing GROUP option for XREADGROUP");
    private static final CommandError GROUP_ONLY_XREADGROUP = new CommandError(
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
    private static final CommandError NOACK_ONLY_XREADGROUP = new CommandError(
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
    private static final CommandError DOLLAR_IN_GROUP = new CommandError("ERR The $ ID is meaningless in the context of "
            + "XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID "
            + "to get new messages. The $ ID would just return an empty result set.");
    private static final CommandError GT_ONLY_GROUP = new CommandError(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
    private static final CommandError ENTRIES_ADDED_NEGATIVE = new CommandError("ERR entries_added must be positive");
    private static final CommandError SETID_BELOW_GIVEN_MAXDEL = new CommandError(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
    private static final CommandError SETID_BELOW_MAXDEL = new CommandError(
            "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
    private static final CommandError SETID_BELOW_TOP = new CommandError(
            "ERR The ID specified in XSETID is smaller than the target stream top item");
    private static final CommandError SETID_ADDED_BELOW_LENGTH = new CommandError(
            "ERR The entries_added specified in XSETID is smaller than the target stream length");
    private static final CommandError AUTOCLAIM_COUNT = new CommandError("ERR COUNT must be > 0");

    public static void register(CommandTable.Builder t) {
        t.add("xadd", -5, "write denyoom fast", "@stream", 1, 1, 1, StreamCommands::xadd);
        t.add("xlen", 2, "readonly fast", "@stream", 1, 1, 1, StreamCommands::xlen);
        t.add("xrange", -4, "readonly", "@stream", 1, 1, 1, StreamCommands::xrange);
        t.add("xrevrange", -4, "readonly", "@stream", 1, 1, 1, StreamCommands::xrevrange);
        t.add("xdel", -3, "write fast", "@stream", 1, 1, 1, StreamCommands::xdel);
        t.add("xtrim", -4, "write", "@stream", 1, 1, 1, StreamCommands::xtrim);
        t.add("xsetid", -3, "write denyoom fast", "@stream", 1, 1, 1, StreamCommands::xsetId);
        // STREAMS keys come last, after options: no fixed key range, so these lock every shard.
        t.add("xread", -4, "readonly blocking movablekeys lock_all", "@stream", 0, 0, 0, StreamCommands::xread);
        t.add("xreadgroup", -7, "write blocking movablekeys lock_all", "@stream", 0, 0, 0, StreamCommands::xreadGroup);
        t.add("xack", -4, "write fast", "@stream", 1, 1, 1, StreamCommands::xack);
        t.add("xpending", -3, "readonly", "@stream", 1, 1, 1, StreamCommands::xpending);
        t.add("xclaim", -6, "write fast", "@stream", 1, 1, 1, StreamCommands::xclaim);
        t.add("xautoclaim", -6, "write fast", "@stream", 1, 1, 1, StreamCommands::xautoClaim);
        t.add("xackdel", -6, "write fast", "@stream", 1, 1, 1, StreamCommands::xackDel);
        t.add("xdelex", -5, "write fast", "@stream", 1, 1, 1, StreamCommands::xdelEx);
        t.container("xgroup", -2, "", "")
                .sub("create", -5, "write denyoom", "@stream", 2, 2, 1, StreamCommands::xgroupCreate)
                .sub("setid", -5, "write", "@stream", 2, 2, 1, StreamCommands::xgroupSetId)
                .sub("destroy", 4, "write", "@stream", 2, 2, 1, StreamCommands::xgroupDestroy)
                .sub("createconsumer", 5, "write denyoom", "@stream", 2, 2, 1, StreamCommands::xgroupCreateConsumer)
                .sub("delconsumer", 5, "write", "@stream", 2, 2, 1, StreamCommands::xgroupDelConsumer)
                .sub("help", 2, "loading stale", "@stream", 0, 0, 0, StreamCommands::xgroupHelp);
        t.container("xinfo", -2, "", "")
                .sub("stream", -3, "readonly", "@stream", 2, 2, 1, StreamCommands::xinfoStream)
                .sub("groups", 3, "readonly", "@stream", 2, 2, 1, StreamCommands::xinfoGroups)
                .sub("consumers", 4, "readonly", "@stream", 2, 2, 1, StreamCommands::xinfoConsumers)
                .sub("help", 2, "loading stale", "@stream", 0, 0, 0, StreamCommands::xinfoHelp);
    }

    // ---------------------------------------------------------------- helpers

    private static String str(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    private static Stream stream(DbEntry e) {
        if (e.value() instanceof Stream s) return s;
        throw CommandError.WRONGTYPE;
    }

    private static CommandError noGroup(byte[] key, byte[] group) {
        return new CommandError("NOGROUP No such key '" + str(key) + "' or consumer group '" + str(group) + "'");
    }

    private static CommandError noGroupForKey(byte[] group, byte[] key) {
        return new CommandError("NOGROUP No such consumer group '" + str(group) + "' for key name '" + str(key) + "'");
    }

    private static CommandError subcommandSyntax(Client c) {
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + str(c.arg(1))
                + "'. Try " + str(c.arg(0)).toUpperCase(Locale.ROOT) + " HELP.");
    }

    private static boolean isExactly(byte[] a, char ch) { return a.length == 1 && a[0] == ch; }

    /** A range bound: "(" exclusive prefix, incomplete IDs get missingSeq. */
    private static StreamId intervalStart(byte[] arg) {
        if (arg.length > 1 && arg[0] == '(') {
            StreamId id = StreamId.parse(Arrays.copyOfRange(arg, 1, arg.length), 0, true).next();
            if (id == null) throw BAD_START;
            return id;
        }
        return StreamId.parse(arg, 0, false);
    }

    private static StreamId intervalEnd(byte[] arg) {
        if (arg.length > 1 && arg[0] == '(') {
            StreamId id = StreamId.parse(Arrays.copyOfRange(arg, 1, arg.length), -1L, true).previous();
            if (id == null) throw BAD_END;
            return id;
        }
        return StreamId.parse(arg, -1L, false);
    }

    private static long nodeMaxEntries(Client c) {
        return c.server().config().param("stream-node-max-entries").longValue();
    }

    private static long nodeMaxBytes(Client c) {
        return c.server().config().param("stream-node-max-bytes").longValue();
    }

    // ---------------------------------------------------------------- XADD / XTRIM

    /** Parsed XADD/XTRIM options. */
    private static final class AddArgs {
        boolean maxlenGiven, minidGiven, approx, noMkStream, idGiven, seqGiven = true;
        long maxlen, limit;
        StreamId minId, id;
        int idIndex;
    }

    private static AddArgs parseAddOrTrim(Client c, boolean xadd) {
        AddArgs a = new AddArgs();
        int argc = c.argc();
        boolean limitGiven = false;
        int i = 2;
        for (; i < argc; i++) {
            int more = argc - 1 - i;
            byte[] opt = c.arg(i);
            if (xadd && isExactly(opt, '*')) {
                break;
            } else if ((StringCommands.is(opt, "maxlen") || StringCommands.is(opt, "minid")) && more > 0) {
                boolean maxlen = opt.length == 6;
                if (a.maxlenGiven || a.minidGiven) throw BOTH_STRATEGIES;
                a.approx = false;
                byte[] next = c.arg(i + 1);
                if (more >= 2 && isExactly(next, '~')) {
                    a.approx = true;
                    i++;
                } else if (more >= 2 && isExactly(next, '=')) {
                    i++;
                }
                if (maxlen) {
                    a.maxlen = Numbers.parseLong(c.arg(i + 1));
                    if (a.maxlen < 0) throw MAXLEN_NEGATIVE;
                    a.maxlenGiven = true;
                } else {
                    a.minId = StreamId.parse(c.arg(i + 1), 0, true);
                    a.minidGiven = true;
                }
                i++;
            } else if (StringCommands.is(opt, "limit") && more > 0) {
                a.limit = Numbers.parseLong(c.arg(i + 1));
                if (a.limit < 0) throw LIMIT_NEGATIVE;
                limitGiven = true;
                i++;
            } else if (xadd && StringCommands.is(opt, "nomkstream")) {
                a.noMkStream = true;
            } else if (xadd) {
                StreamId.Parsed p = StreamId.parseFull(opt, 0, true, true);
                a.id = p.id();
                a.seqGiven = p.seqGiven();
                a.idGiven = true;
                break;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        boolean strategy = a.maxlenGiven || a.minidGiven;
        if (a.limit != 0 && !strategy) throw LIMIT_NO_STRATEGY;
        if (!xadd && !strategy) throw XTRIM_NO_STRATEGY;
        if (limitGiven) {
            if (!a.approx) throw LIMIT_NO_APPROX;
        } else if (a.approx) {
            long l = 100 * nodeMaxEntries(c);
            if (l <= 0) l = 10000;
            if (l > 1000000) l = 1000000;
            a.limit = l;
        } else {
            a.limit = 0;
        }
        a.idIndex = i;
        return a;
    }

    private static long trim(Stream s, AddArgs a) {
        if (!a.maxlenGiven && !a.minidGiven) return 0;
        return s.trim(a.maxlen, a.minidGiven ? a.minId : null, a.approx, a.limit);
    }

    /** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
    static void xadd(Client c) {
        AddArgs a = parseAddOrTrim(c, true);
        int fieldPos = a.idIndex + 1;
        int n = c.argc() - fieldPos;
        if (n < 2 || n % 2 == 1) throw CommandError.arity("xadd");
        if (a.idGiven && a.seqGiven && a.id.isZero()) throw XADD_ZERO;
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = db.lookup(key);
        Stream s;
        if (e == null) {
            if (a.noMkStream) {
                c.reply().nullBulk();
                return;
            }
            s = new Stream();
        } else {
            s = stream(e);
        }
        if (s.lastMs == -1L && s.lastSeq == -1L) throw EXHAUSTED;
        long ms, seq;
        if (!a.idGiven) {
            long now = Clock.now();
            // IDs never go backwards: a clock behind the last ID reuses its ms with seq + 1.
            if (Long.compareUnsigned(now, s.lastMs) > 0) {
                ms = now;
                seq = 0;
            } else if (s.lastSeq != -1L) {
                ms = s.lastMs;
                seq = s.lastSeq + 1;
            } else {
                ms = s.lastMs + 1;
                seq = 0;
            }
        } else if (!a.seqGiven) {
            ms = a.id.ms();
            int cmp = Long.compareUnsigned(ms, s.lastMs);
            if (cmp < 0 || (cmp == 0 && s.lastSeq == -1L)) throw XADD_SMALLER;
            seq = cmp == 0 ? s.lastSeq + 1 : 0;
        } else {
            ms = a.id.ms();
            seq = a.id.seq();
            if (StreamId.compare(ms, seq, s.lastMs, s.lastSeq) <= 0) throw XADD_SMALLER;
        }
        s.append(ms, seq, c.argv(), fieldPos, c.argc(), nodeMaxEntries(c), nodeMaxBytes(c));
        byte[] reply = new StreamId(ms, seq).toBytes();
        boolean trimmed = trim(s, a) > 0;
        if (e == null) {
            db.add(key, s); // signals waiters
        } else {
            db.touched(e);
            db.signalReady(key);
        }
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xadd", key);
        if (trimmed) KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xtrim", key);
        c.reply().bulk(reply);
    }

    /** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
    static void xtrim(Client c) {
        AddArgs a = parseAddOrTrim(c, false);
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        Stream s = stream(e);
        long n = trim(s, a);
        if (n > 0) {
            c.db().touched(e);
            KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xtrim", c.arg(1));
        }
        c.reply().integer(n);
    }

    static void xlen(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(1));
        c.reply().integer(e == null ? 0 : stream(e).length());
    }

    static void xrange(Client c) { range(c, false); }

    static void xrevrange(Client c) { range(c, true); }

    /** XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n] */
    private static void range(Client c, boolean rev) {
        StreamId start = intervalStart(c.arg(rev ? 3 : 2));
        StreamId end = intervalEnd(c.arg(rev ? 2 : 3));
        long count = -1;
        for (int j = 4; j < c.argc(); j++) {
            if (StringCommands.is(c.arg(j), "count") && j + 1 < c.argc()) {
                count = Numbers.parseLong(c.arg(++j));
                if (count < 0) count = 0;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        DbEntry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().emptyArray();
            return;
        }
        Stream s = stream(e);
        if (count == 0) {
            c.reply().nullArray();
            return;
        }
        List<Stream.Entry> out = collect(s, start, end, rev, count < 0 ? 0 : count);
        writeEntries(c.reply(), out);
    }

    /** Up to count (0 = all) live entries, copied out of the walk. */
    private static List<Stream.Entry> collect(Stream s, StreamId start, StreamId end, boolean rev, long count) {
        List<Stream.Entry> out = new ArrayList<>();
        s.range(start, end, rev, false, e -> {
            out.add(new Stream.Entry().at(e.block, e.off));
            return count == 0 || out.size() < count;
        });
        return out;
    }

    private static void writeEntries(RespWriter w, List<Stream.Entry> entries) {
        w.array(entries.size());
        for (Stream.Entry e : entries) e.write(w);
    }

    /** XDEL key id [id ...] */
    static void xdel(Client c) {
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        Stream s = stream(e);
        StreamId[] ids = parseIds(c, 2, c.argc());
        long deleted = 0;
        for (StreamId id : ids) if (s.delete(id)) deleted++;
        if (deleted > 0) {
            c.db().touched(e);
            KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xdel", c.arg(1));
        }
        c.reply().integer(deleted);
    }

    private static StreamId[] parseIds(Client c, int from, int to) {
        StreamId[] ids = new StreamId[to - from];
        for (int j = from; j < to; j++) ids[j - from] = StreamId.parse(c.arg(j), 0, true);
        return ids;
    }

    /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
    static void xsetId(Client c) {
        StreamId id = StreamId.parse(c.arg(2), 0, true);
        long entriesAdded = -1;
        StreamId maxDel = StreamId.MIN;
        for (int i = 3; i < c.argc(); i += 2) {
            boolean more = i + 1 < c.argc();
            if (StringCommands.is(c.arg(i), "entriesadded") && more) {
                entriesAdded = Numbers.parseLong(c.arg(i + 1));
                if (entriesAdded < 0) throw ENTRIES_ADDED_NEGATIVE;
            } else if (StringCommands.is(c.arg(i), "maxdeletedid") && more) {
                maxDel = StreamId.parse(c.arg(i + 1), 0, true);
                if (id.compareTo(maxDel) < 0) throw SETID_BELOW_GIVEN_MAXDEL;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        DbEntry e = c.db().lookup(c.arg(1));
        if (e == null) throw CommandError.NO_SUCH_KEY;
        Stream s = stream(e);
        if (id.compareTo(s.maxDeletedId()) < 0) throw SETID_BELOW_MAXDEL;
        if (s.length > 0) {
            if (id.compareTo(s.lastValidId()) < 0) throw SETID_BELOW_TOP;
            if (entriesAdded != -1 && s.length > entriesAdded) throw SETID_ADDED_BELOW_LENGTH;
        }
        s.lastMs = id.ms();
        s.lastSeq = id.seq();
        if (entriesAdded != -1) s.entriesAdded = entriesAdded;
        if (!maxDel.isZero()) {
            s.maxDelMs = maxDel.ms();
            s.maxDelSeq = maxDel.seq();
        }
        c.db().touched(e);
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xsetid", c.arg(1));
        c.reply().ok();
    }

    // ---------------------------------------------------------------- XREAD / XREADGROUP

    static void xread(Client c) { read(c, false); }

    static void xreadGroup(Client c) { read(c, true); }

    /** What one stream contributes to an XREAD/XREADGROUP reply. */
    private record Served(byte[] key, List<Object> items, List<long[]> claimedMeta) {}

    /**
     * XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...]
     * XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] [CLAIM min-idle-time]
     * STREAMS key [key ...] id [id ...]
     */
    private static void read(Client c, boolean xreadgroup) {
        int argc = c.argc();
        long timeout = -1, count = 0, claimIdle = -1;
        int streamsArg = 0, streamCount = 0;
        boolean noack = false;
        byte[] groupName = null, consumerName = null;
        for (int i = 1; i < argc; i++) {
            int more = argc - i - 1;
            byte[] o = c.arg(i);
            if (StringCommands.is(o, "block") && more > 0) {
                i++;
                timeout = Numbers.parseLong(c.arg(i), CommandError.TIMEOUT_NOT_INTEGER);
                if (timeout < 0) throw TIMEOUT_NEGATIVE;
                if (c.inScript()) {
                    throw new CommandError("ERR " + new String(c.arg(0), java.nio.charset.StandardCharsets.UTF_8)
                            + " command is not allowed with BLOCK option from scripts");
                }
            } else if (StringCommands.is(o, "count") && more > 0) {
                count = Numbers.parseLong(c.arg(++i));
                if (count < 0) count = 0;
            } else if (StringCommands.is(o, "streams") && more > 0) {
                streamsArg = i + 1;
                streamCount = argc - streamsArg;
                if (streamCount % 2 != 0) {
                    throw new CommandError("ERR Unbalanced '" + (xreadgroup ? "xreadgroup" : "xread")
                            + "' list of streams: for each stream key an ID or '" + (xreadgroup ? '>' : '$')
                            + "' must be specified.");
                }
                streamCount /= 2;
                break;
            } else if (StringCommands.is(o, "group") && more >= 2) {
                if (!xreadgroup) throw GROUP_ONLY_XREADGROUP;
                groupName = c.arg(i + 1);
                consumerName = c.arg(i + 2);
                i += 2;
            } else if (StringCommands.is(o, "noack")) {
                if (!xreadgroup) throw NOACK_ONLY_XREADGROUP;
                noack = true;
            } else if (xreadgroup && StringCommands.is(o, "claim") && more > 0) {
                // Redis 8.4: deliver pending entries idle at least this long before new ones.
                claimIdle = Numbers.parseLong(c.arg(++i), new CommandError("ERR min-idle-time is not an integer or out of range"));
                if (claimIdle < 0) throw new CommandError("ERR min-idle-time must be a positive integer");
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (streamsArg == 0) throw CommandError.SYNTAX;
        if (xreadgroup && groupName == null) throw MISSING_GROUP;

        Database db = c.db();
        Stream[] streams = new Stream[streamCount];
        StreamConsumerGroup[] groups = new StreamConsumerGroup[streamCount];
        StreamId[] ids = new StreamId[streamCount];
        boolean[] newOnly = new boolean[streamCount];
        for (int k = 0; k < streamCount; k++) {
            byte[] key = c.arg(streamsArg + k);
            DbEntry e = db.lookupRead(key);
            if (e != null && !(e.value() instanceof Stream)) {
                // A parked XREAD is re-run only for a stream; another type keeps it waiting.
                if (c.serving() && !xreadgroup) {
                    c.block(keys(c, streamsArg, streamCount), 0, RespWriter::nullArray);
                    return;
                }
                throw CommandError.WRONGTYPE;
            }
            Stream s = e == null ? null : (Stream) e.value();
            streams[k] = s;
            if (xreadgroup) {
                StreamConsumerGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    throw new CommandError("NOGROUP No such key '" + str(key) + "' or consumer group '"
                            + str(groupName) + "' in XREADGROUP with GROUP option");
                }
                groups[k] = g;
            }
            byte[] idArg = c.arg(streamsArg + streamCount + k);
            if (isExactly(idArg, '$')) {
                if (xreadgroup) throw DOLLAR_IN_GROUP;
                ids[k] = s == null ? StreamId.MIN : s.lastId();
            } else if (isExactly(idArg, '>')) {
                if (!xreadgroup) throw GT_ONLY_GROUP;
                newOnly[k] = true;
                ids[k] = StreamId.MAX;
            } else if (!xreadgroup && isExactly(idArg, '+')) {
                // Redis 7.4 "+": the last entry. Accepted here: it reads the last entry.
                StreamId last = s == null ? StreamId.MIN : s.lastValidId();
                ids[k] = s == null || s.length == 0 ? StreamId.MIN : last.previous();
                if (ids[k] == null) ids[k] = StreamId.MIN;
            } else {
                ids[k] = StreamId.parse(idArg, 0, true);
            }
        }

        long now = Clock.now();
        List<Served> served = new ArrayList<>();
        for (int k = 0; k < streamCount; k++) {
            Stream s = streams[k];
            if (s == null) continue;
            byte[] key = c.arg(streamsArg + k);
            if (xreadgroup) {
                StreamConsumerGroup g = groups[k];
                StreamConsumerGroup.Consumer consumer = consumer(c, g, key, consumerName, now);
                consumer.seenTime = now;
                if (!newOnly[k]) {
                    served.add(new Served(key, historyRead(s, consumer, ids[k], count, now), null));
                    continue;
                }
                List<Object> items = new ArrayList<>();
                List<long[]> meta = null;
                if (claimIdle >= 0) {
                    meta = new ArrayList<>();
                    claimIdlePending(s, g, consumer, claimIdle, count, now, items, meta);
                }
                long left = count == 0 ? 0 : count - items.size();
                boolean fresh = s.length > 0 && s.lastValidId().compareTo(g.lastId) > 0;
                if (fresh && (count == 0 || left > 0)) {
                    StreamId start = g.lastId.next();
                    if (start != null) {
                        List<Stream.Entry> got = collect(s, start, StreamId.MAX, false, left);
                        for (Stream.Entry en : got) {
                            StreamId id = en.id();
                            advanceGroup(s, g, id);
                            if (!noack) g.deliver(id, consumer, now);
                            items.add(en);
                            if (meta != null) meta.add(null);
                        }
                        if (!noack && !got.isEmpty()) consumer.activeTime = now;
                    }
                }
                if (!items.isEmpty()) served.add(new Served(key, items, meta));
            } else if (s.length > 0 && s.lastValidId().compareTo(ids[k]) > 0) {
                StreamId start = ids[k].next();
                if (start == null) continue;
                served.add(new Served(key, new ArrayList<>(collect(s, start, StreamId.MAX, false, count)), null));
            }
        }
        if (xreadgroup) db.keyspace().stats().dirty.add(served.size());

        if (!served.isEmpty()) {
            RespWriter w = c.reply();
            if (w.resp3()) w.map(served.size()); else w.array(served.size());
            for (Served sv : served) {
                if (!w.resp3()) w.array(2);
                w.bulk(sv.key());
                w.array(sv.items().size());
                for (int i = 0; i < sv.items().size(); i++) {
                    Object it = sv.items().get(i);
                    long[] m = sv.claimedMeta() == null ? null : sv.claimedMeta().get(i);
                    if (it instanceof Stream.Entry en) {
                        if (sv.claimedMeta() != null) {
                            // CLAIM replies carry two more elements per entry: idle ms and delivery count.
                            w.array(4);
                            w.bulk(en.id().toBytes());
                            en.writeFields(w, 0);
                            w.integer(m == null ? 0 : m[0]);
                            w.integer(m == null ? 1 : m[1]);
                        } else {
                            en.write(w);
                        }
                    } else {
                        w.array(2);
                        w.bulk(((StreamId) it).toBytes());
                        w.nullArray();
                    }
                }
            }
            return;
        }
        if (timeout >= 0) {
            // Redis resolves "$" once, before parking, so a re-run waits for entries after it.
            for (int k = 0; k < streamCount; k++) {
                int idx = streamsArg + streamCount + k;
                if (isExactly(c.arg(idx), '$')) c.argv()[idx] = ids[k].toBytes();
            }
            c.block(keys(c, streamsArg, streamCount), timeout, RespWriter::nullArray);
            return;
        }
        c.reply().nullArray();
    }

    private static byte[][] keys(Client c, int first, int n) {
        return Arrays.copyOfRange(c.argv(), first, first + n);
    }

    /** Moves the group's last ID to id and keeps entries-read exact when it can (Redis 7). */
    private static void advanceGroup(Stream s, StreamConsumerGroup g, StreamId id) {
        if (id.compareTo(g.lastId) <= 0) return;
        if (g.entriesRead != Stream.INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, null)) {
            g.entriesRead++;
        } else if (s.entriesAdded != 0) {
            g.entriesRead = s.estimateEntriesRead(id);
        }
        g.lastId = id;
    }

    /** XREADGROUP with an explicit ID: this consumer's own pending entries after id; never blocks. */
    private static List<Object> historyRead(Stream s, StreamConsumerGroup.Consumer consumer, StreamId after,
                                            long count, long now) {
        List<Object> items = new ArrayList<>();
        StreamId start = after.next();
        if (start == null) return items;
        for (Map.Entry<StreamId, StreamConsumerGroup.Nack> pe : consumer.pel.tailMap(start, true).entrySet()) {
            if (count != 0 && items.size() >= count) break;
            Stream.Entry en = s.find(pe.getKey());
            if (en == null) {
                items.add(pe.getKey()); // deleted while pending: [id, nil]
            } else {
                pe.getValue().deliveryTime = now;
                pe.getValue().deliveryCount++;
                items.add(en);
            }
        }
        return items;
    }

    /**
     * XREADGROUP ... CLAIM: takes group-pending entries idle at least minIdle (oldest first), up
     * to count, for this consumer. Entries deleted while pending are dropped from the PEL.
     */
    private static void claimIdlePending(Stream s, StreamConsumerGroup g, StreamConsumerGroup.Consumer to,
                                         long minIdle, long count, long now, List<Object> items, List<long[]> meta) {
        List<StreamId> gone = new ArrayList<>();
        for (Map.Entry<StreamId, StreamConsumerGroup.Nack> pe : g.pel.entrySet()) {
            if (count != 0 && items.size() >= count) break;
            StreamConsumerGroup.Nack n = pe.getValue();
            long idle = now - n.deliveryTime;
            if (idle < minIdle) continue;
            Stream.Entry en = s.find(pe.getKey());
            if (en == null) {
                gone.add(pe.getKey());
                continue;
            }
            items.add(en);
            meta.add(new long[] {Math.max(0, idle), n.deliveryCount});
            n.deliveryTime = now;
            n.deliveryCount++;
        }
        for (StreamId id : gone) g.ack(id);
        for (int i = 0; i < items.size(); i++) {
            StreamId id = ((Stream.Entry) items.get(i)).id();
            g.transfer(id, g.pel.get(id), to);
        }
        if (!items.isEmpty()) to.activeTime = now;
    }

    // ---------------------------------------------------------------- groups

    /** The stream at arg 2 of an XGROUP subcommand (error when missing), and its group (arg 3). */
    private static Stream xgroupStream(Client c) {
        DbEntry e = c.db().lookup(c.arg(2));
        if (e == null) throw XGROUP_NO_KEY;
        return stream(e);
    }

    private static StreamConsumerGroup existingGroup(Client c, Stream s) {
        StreamConsumerGroup g = s.group(c.arg(3));
        if (g == null) throw noGroupForKey(c.arg(3), c.arg(2));
        return g;
    }

    /** ENTRIESREAD n (and MKSTREAM for CREATE) after the id; returns {mkstream?1:0, entriesRead}. */
    private static long[] groupOptions(Client c, boolean create) {
        boolean mkstream = false;
        long entriesRead = Stream.INVALID_ENTRIES_READ;
        for (int i = 5; i < c.argc(); ) {
            if (create && StringCommands.is(c.arg(i), "mkstream")) {
                mkstream = true;
                i++;
            } else if (StringCommands.is(c.arg(i), "entriesread") && i + 1 < c.argc()) {
                entriesRead = Numbers.parseLong(c.arg(i + 1));
                if (entriesRead < 0 && entriesRead != Stream.INVALID_ENTRIES_READ) throw ENTRIESREAD;
                i += 2;
            } else {
                throw subcommandSyntax(c);
            }
        }
        return new long[] {mkstream ? 1 : 0, entriesRead};
    }

    /** XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] */
    /** The named consumer of g, created if needed with its "xgroup-createconsumer" event, as Redis does. */
    private static StreamConsumerGroup.Consumer consumer(Client c, StreamConsumerGroup g, byte[] key, byte[] name, long now) {
        StreamConsumerGroup.Consumer consumer = g.consumer(name);
        if (consumer != null) return consumer;
        consumer = g.consumerOrCreate(name, now);
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xgroup-createconsumer", key);
        return consumer;
    }

    static void xgroupCreate(Client c) {
        long[] opts = groupOptions(c, true);
        boolean mkstream = opts[0] == 1;
        DbEntry e = c.db().lookup(c.arg(2));
        Stream s = e == null ? null : stream(e);
        if (s == null && !mkstream) throw XGROUP_NO_KEY;
        if (c.argc() > 8) throw subcommandSyntax(c);
        StreamId id;
        if (isExactly(c.arg(4), '$')) {
            id = s == null ? StreamId.MIN : s.lastId();
        } else {
            id = StreamId.parse(c.arg(4), 0, true);
        }
        if (s == null) {
            s = new Stream();
            c.db().add(c.arg(2), s);
        } else {
            c.db().touched(e);
        }
        if (s.createGroup(c.arg(3), id, opts[1]) == null) throw BUSYGROUP;
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xgroup-create", c.arg(2));
        c.reply().ok();
    }

    /** XGROUP SETID key group id|$ [ENTRIESREAD n] */
    static void xgroupSetId(Client c) {
        long[] opts = groupOptions(c, false);
        Stream s = xgroupStream(c);
        StreamConsumerGroup g = existingGroup(c, s);
        if (c.argc() != 5 && c.argc() != 7) throw subcommandSyntax(c);
        g.lastId = isExactly(c.arg(4), '$') ? s.lastId() : StreamId.parse(c.arg(4), 0, false);
        g.entriesRead = opts[1];
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xgroup-setid", c.arg(2));
        c.reply().ok();
    }

    /** XGROUP DESTROY key group: 1 when destroyed; blocked XREADGROUP readers wake and get NOGROUP. */
    static void xgroupDestroy(Client c) {
        Stream s = xgroupStream(c);
        StreamConsumerGroup g = s.group(c.arg(3));
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        s.groups.remove(g.name);
        c.db().signalReady(c.arg(2));
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xgroup-destroy", c.arg(2));
        c.reply().integer(1);
    }

    static void xgroupCreateConsumer(Client c) {
        Stream s = xgroupStream(c);
        StreamConsumerGroup g = existingGroup(c, s);
        if (g.consumer(c.arg(4)) != null) {
            c.reply().integer(0);
            return;
        }
        g.consumerOrCreate(c.arg(4), Clock.now());
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xgroup-createconsumer", c.arg(2));
        c.reply().integer(1);
    }

    /** XGROUP DELCONSUMER: replies the number of pending entries the consumer had (they are dropped). */
    static void xgroupDelConsumer(Client c) {
        Stream s = xgroupStream(c);
        StreamConsumerGroup g = existingGroup(c, s);
        StreamConsumerGroup.Consumer consumer = g.consumer(c.arg(4));
        if (consumer == null) {
            c.reply().integer(0);
            return;
        }
        long pending = g.deleteConsumer(consumer);
        KeyspaceEvents.notify(c, KeyspaceEvents.STREAM, "xgroup-delconsumer", c.arg(2));
        c.reply().integer(pending);
    }

    private static final String[] XGROUP_HELP = {
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    };

    private static final String[] XINFO_HELP = {
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    };

    static void xgroupHelp(Client c) { help(c, "XGROUP", XGROUP_HELP); }

    static void xinfoHelp(Client c) { help(c, "XINFO", XINFO_HELP); }

    private static void help(Client c, String cmd, String[] lines) {
        RespWriter w = c.reply();
        w.array(lines.length + 3);
        w.simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) w.simple(l);
        w.simple("HELP");
        w.simple("    Print this help.");
    }

    // ---------------------------------------------------------------- XACK / XPENDING / XCLAIM

    /** XACK key group id [id ...] */
    static void xack(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(1));
        StreamConsumerGroup g = e == null ? null : stream(e).group(c.arg(2));
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = parseIds(c, 3, c.argc());
        long acked = 0;
        for (StreamId id : ids) if (g.ack(id)) acked++;
        if (acked > 0) c.db().touched(e);
        c.reply().integer(acked);
    }

    /** XPENDING key group [[IDLE min-idle] start end count [consumer]] */
    static void xpending(Client c) {
        int argc = c.argc();
        if (argc != 3 && (argc < 6 || argc > 9)) throw CommandError.SYNTAX;
        StreamId start = null, end = null;
        long count = 0, minIdle = 0;
        byte[] consumerName = null;
        if (argc >= 6) {
            int startIdx = 3;
            if (StringCommands.is(c.arg(3), "idle")) {
                minIdle = Numbers.parseLong(c.arg(4));
                if (argc < 8) throw CommandError.SYNTAX;
                startIdx += 2;
            }
            count = Numbers.parseLong(c.arg(startIdx + 2));
            if (count < 0) count = 0;
            start = intervalStart(c.arg(startIdx));
            end = intervalEnd(c.arg(startIdx + 1));
            if (startIdx + 3 < argc) consumerName = c.arg(startIdx + 3);
        }
        DbEntry e = c.db().lookupRead(c.arg(1));
        StreamConsumerGroup g = e == null ? null : stream(e).group(c.arg(2));
        if (g == null) throw noGroup(c.arg(1), c.arg(2));
        RespWriter w = c.reply();
        if (argc == 3) {
            w.array(4);
            w.integer(g.pel.size());
            if (g.pel.isEmpty()) {
                w.nullBulk();
                w.nullBulk();
                w.nullArray();
                return;
            }
            w.bulk(g.pel.firstKey().toBytes());
            w.bulk(g.pel.lastKey().toBytes());
            int withPending = 0;
            for (StreamConsumerGroup.Consumer cons : g.consumers.values()) if (!cons.pel.isEmpty()) withPending++;
            w.array(withPending);
            for (StreamConsumerGroup.Consumer cons : g.consumers.values()) {
                if (cons.pel.isEmpty()) continue;
                w.array(2);
                w.bulk(cons.name);
                w.bulkLong(cons.pel.size()); // a bulk string in Redis, not an integer
            }
            return;
        }
        Map<StreamId, StreamConsumerGroup.Nack> pel;
        if (consumerName != null) {
            StreamConsumerGroup.Consumer cons = g.consumer(consumerName);
            if (cons == null) {
                w.emptyArray();
                return;
            }
            pel = cons.pel;
        } else {
            pel = g.pel;
        }
        long now = Clock.now();
        List<Map.Entry<StreamId, StreamConsumerGroup.Nack>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, StreamConsumerGroup.Nack> pe
                    : ((java.util.NavigableMap<StreamId, StreamConsumerGroup.Nack>) pel).subMap(start, true, end, true).entrySet()) {
                if (out.size() >= count) break;
                if (minIdle != 0 && now - pe.getValue().deliveryTime < minIdle) continue;
                out.add(pe);
            }
        }
        w.array(out.size());
        for (Map.Entry<StreamId, StreamConsumerGroup.Nack> pe : out) {
            w.array(4);
            w.bulk(pe.getKey().toBytes());
            w.bulk(pe.getValue().consumer.name);
            w.integer(Math.max(0, now - pe.getValue().deliveryTime));
            w.integer(pe.getValue().deliveryCount);
        }
    }

    /** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
    static void xclaim(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(1));
        Stream s = e == null ? null : stream(e);
        StreamConsumerGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) throw noGroup(c.arg(1), c.arg(2));
        long minIdle = Numbers.parseLong(c.arg(4), new CommandError("ERR Invalid min-idle-time argument for XCLAIM"));
        if (minIdle < 0) minIdle = 0;
        List<StreamId> ids = new ArrayList<>();
        int j = 5;
        for (; j < c.argc(); j++) {
            try {
                ids.add(StreamId.parse(c.arg(j), 0, true));
            } catch (CommandError notAnId) {
                break;
            }
        }
        long now = Clock.now();
        long deliveryTime = -1, retryCount = -1;
        boolean force = false, justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < c.argc(); j++) {
            boolean more = j + 1 < c.argc();
            byte[] opt = c.arg(j);
            if (StringCommands.is(opt, "force")) {
                force = true;
            } else if (StringCommands.is(opt, "justid")) {
                justId = true;
            } else if (StringCommands.is(opt, "idle") && more) {
                deliveryTime = now - Numbers.parseLong(c.arg(++j), new CommandError("ERR Invalid IDLE option argument for XCLAIM"));
            } else if (StringCommands.is(opt, "time") && more) {
                deliveryTime = Numbers.parseLong(c.arg(++j), new CommandError("ERR Invalid TIME option argument for XCLAIM"));
            } else if (StringCommands.is(opt, "retrycount") && more) {
                retryCount = Numbers.parseLong(c.arg(++j), new CommandError("ERR Invalid RETRYCOUNT option argument for XCLAIM"));
            } else if (StringCommands.is(opt, "lastid") && more) {
                lastId = StreamId.parse(c.arg(++j), 0, true);
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + str(opt) + "'");
            }
        }
        if (lastId.compareTo(g.lastId) > 0) g.lastId = lastId;
        if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
        StreamConsumerGroup.Consumer consumer = consumer(c, g, c.arg(1), c.arg(3), now);
        consumer.seenTime = now;
        List<Object> out = new ArrayList<>();
        for (StreamId id : ids) {
            StreamConsumerGroup.Nack n = g.pel.get(id);
            Stream.Entry en = s.find(id);
            if (en == null) {
                // Pending but deleted from the stream: dropped from the PEL, not returned (7.0+).
                if (n != null) g.ack(id);
                continue;
            }
            boolean created = false;
            if (force && n == null) {
                n = new StreamConsumerGroup.Nack(consumer, deliveryTime);
                n.deliveryCount = 0;
                g.pel.put(id, n);
                consumer.pel.put(id, n);
                created = true;
            }
            if (n == null) continue;
            if (!created && minIdle != 0 && now - n.deliveryTime < minIdle) continue;
            g.transfer(id, n, consumer);
            n.deliveryTime = deliveryTime;
            if (retryCount >= 0) n.deliveryCount = retryCount;
            else if (!justId) n.deliveryCount++;
            out.add(justId ? id : en);
            consumer.activeTime = now;
        }
        c.db().touched(e);
        RespWriter w = c.reply();
        w.array(out.size());
        for (Object o : out) {
            if (o instanceof StreamId id) w.bulk(id.toBytes()); else ((Stream.Entry) o).write(w);
        }
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
    static void xautoClaim(Client c) {
        long minIdle = Numbers.parseLong(c.arg(4), new CommandError("ERR Invalid min-idle-time argument for XAUTOCLAIM"));
        if (minIdle < 0) minIdle = 0;
        StreamId start = intervalStart(c.arg(5));
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < c.argc(); j++) {
            if (StringCommands.is(c.arg(j), "count") && j + 1 < c.argc()) {
                count = Numbers.parseLong(c.arg(++j), AUTOCLAIM_COUNT);
                if (count < 1 || count > Long.MAX_VALUE / 16) throw AUTOCLAIM_COUNT;
            } else if (StringCommands.is(c.arg(j), "justid")) {
                justId = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        DbEntry e = c.db().lookupRead(c.arg(1));
        Stream s = e == null ? null : stream(e);
        StreamConsumerGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) throw noGroup(c.arg(1), c.arg(2));
        long now = Clock.now();
        StreamConsumerGroup.Consumer consumer = consumer(c, g, c.arg(1), c.arg(3), now);
        consumer.seenTime = now;
        long attempts = count * 10;
        List<Object> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        StreamId cursor = start;
        StreamId next = null;
        while (true) {
            Map.Entry<StreamId, StreamConsumerGroup.Nack> pe = g.pel.ceilingEntry(cursor);
            if (pe == null) break;
            if (attempts-- == 0 || count == 0) {
                next = pe.getKey();
                break;
            }
            StreamId id = pe.getKey();
            StreamConsumerGroup.Nack n = pe.getValue();
            cursor = id.next();
            Stream.Entry en = s.find(id);
            if (en == null) {
                g.ack(id);
                deleted.add(id);
                count--; // deleted IDs count toward COUNT, as in Redis
            } else if (minIdle == 0 || now - n.deliveryTime >= minIdle) {
                g.transfer(id, n, consumer);
                n.deliveryTime = now;
                if (!justId) n.deliveryCount++;
                claimed.add(justId ? id : en);
                count--;
                consumer.activeTime = now;
            }
            if (cursor == null) break;
        }
        c.db().touched(e);
        RespWriter w = c.reply();
        w.array(3);
        w.bulk((next == null ? StreamId.MIN : next).toBytes());
        w.array(claimed.size());
        for (Object o : claimed) {
            if (o instanceof StreamId id) w.bulk(id.toBytes()); else ((Stream.Entry) o).write(w);
        }
        w.array(deleted.size());
        for (StreamId id : deleted) w.bulk(id.toBytes());
    }

    // ---------------------------------------------------------------- Redis 8.2: XACKDEL / XDELEX

    private enum RefPolicy { KEEPREF, DELREF, ACKED }

    /** [KEEPREF|DELREF|ACKED] IDS numids id...: parses from index i; returns the policy and fills ids. */
    private static RefPolicy parseRefPolicy(Client c, int i, List<StreamId> ids) {
        RefPolicy p = RefPolicy.KEEPREF;
        if (i < c.argc()) {
            for (RefPolicy r : RefPolicy.values()) {
                if (StringCommands.is(c.arg(i), r.name().toLowerCase(Locale.ROOT))) {
                    p = r;
                    i++;
                    break;
                }
            }
        }
        if (i >= c.argc() || !StringCommands.is(c.arg(i), "ids")) throw CommandError.SYNTAX;
        if (i + 1 >= c.argc()) throw CommandError.SYNTAX;
        long n = Numbers.parseLong(c.arg(i + 1), new CommandError("ERR Number of IDs must be a positive integer"));
        if (n <= 0) throw new CommandError("ERR Number of IDs must be a positive integer");
        if (i + 2 + n != c.argc()) {
            throw new CommandError("ERR The `numids` parameter must match the number of arguments");
        }
        for (int j = i + 2; j < c.argc(); j++) ids.add(StreamId.parse(c.arg(j), 0, true));
        return p;
    }

    /** True when some group still holds id pending (or has not yet delivered it), for ACKED. */
    private static boolean referenced(Stream s, StreamId id) {
        if (s.groups == null) return false;
        for (StreamConsumerGroup g : s.groups.values()) {
            if (g.pel.containsKey(id) || id.compareTo(g.lastId) > 0) return true;
        }
        return false;
    }

    /** Deletes id from the stream under the policy: -1 not found, 1 deleted, 2 kept (still referenced). */
    private static int deleteWithPolicy(Stream s, StreamId id, RefPolicy p) {
        if (s.find(id) == null) return -1;
        if (p == RefPolicy.ACKED && referenced(s, id)) return 2;
        s.delete(id);
        if (p == RefPolicy.DELREF && s.groups != null) {
            for (StreamConsumerGroup g : s.groups.values()) g.ack(id);
        }
        return 1;
    }

    /** XDELEX key [KEEPREF|DELREF|ACKED] IDS numids id [id ...] (Redis 8.2) */
    static void xdelEx(Client c) {
        List<StreamId> ids = new ArrayList<>();
        RefPolicy p = parseRefPolicy(c, 2, ids);
        DbEntry e = c.db().lookup(c.arg(1));
        Stream s = e == null ? null : stream(e);
        RespWriter w = c.reply();
        w.array(ids.size());
        for (StreamId id : ids) w.integer(s == null ? -1 : deleteWithPolicy(s, id, p));
        if (e != null) c.db().touched(e);
    }

    /**
     * XACKDEL key group [KEEPREF|DELREF|ACKED] IDS numids id [id ...] (Redis 8.2): acknowledges in
     * the group, then deletes under the policy. Per ID: -1 not pending in the group / not found,
     * 1 acknowledged and deleted, 2 acknowledged but kept (ACKED: another group still needs it).
     */
    static void xackDel(Client c) {
        List<StreamId> ids = new ArrayList<>();
        RefPolicy p = parseRefPolicy(c, 3, ids);
        DbEntry e = c.db().lookup(c.arg(1));
        Stream s = e == null ? null : stream(e);
        StreamConsumerGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) throw noGroup(c.arg(1), c.arg(2));
        int[] results = new int[ids.size()];
        for (int i = 0; i < results.length; i++) {
            StreamId id = ids.get(i);
            if (!g.ack(id)) {
                results[i] = -1;
                continue;
            }
            int r = deleteWithPolicy(s, id, p);
            results[i] = r == -1 ? 1 : r; // acknowledged though the entry was already gone
        }
        c.db().touched(e);
        RespWriter w = c.reply();
        w.array(results.length);
        for (int r : results) w.integer(r);
    }

    // ---------------------------------------------------------------- XINFO

    /** XINFO STREAM key [FULL [COUNT count]] */
    static void xinfoStream(Client c) {
        int optc = c.argc() - 3;
        boolean full = optc > 0;
        long count = 10;
        if (full) {
            if (optc != 1 && optc != 3) throw subcommandSyntax(c);
            if (!StringCommands.is(c.arg(3), "full")) throw subcommandSyntax(c);
            if (optc == 3) {
                if (!StringCommands.is(c.arg(4), "count")) throw subcommandSyntax(c);
                count = Numbers.parseLong(c.arg(5));
                if (count < 0) count = 10;
            }
        }
        DbEntry e = c.db().lookupRead(c.arg(2));
        if (e == null) throw CommandError.NO_SUCH_KEY;
        Stream s = stream(e);
        RespWriter w = c.reply();
        w.map(full ? 9 : 10);
        w.bulk("length");
        w.integer(s.length);
        w.bulk("radix-tree-keys");
        w.integer(s.blocks.size());
        w.bulk("radix-tree-nodes");
        w.integer(s.blocks.size() + 1); // no radix tree here: one node per block plus a root
        w.bulk("last-generated-id");
        w.bulk(s.lastId().toBytes());
        w.bulk("max-deleted-entry-id");
        w.bulk(s.maxDeletedId().toBytes());
        w.bulk("entries-added");
        w.integer(s.entriesAdded);
        w.bulk("recorded-first-entry-id");
        w.bulk(s.firstId().toBytes());
        if (!full) {
            w.bulk("groups");
            w.integer(s.groupCount());
            List<Stream.Entry> first = collect(s, StreamId.MIN, StreamId.MAX, false, 1);
            List<Stream.Entry> last = collect(s, StreamId.MIN, StreamId.MAX, true, 1);
            w.bulk("first-entry");
            if (first.isEmpty()) w.nullBulk(); else first.get(0).write(w);
            w.bulk("last-entry");
            if (last.isEmpty()) w.nullBulk(); else last.get(0).write(w);
            return;
        }
        w.bulk("entries");
        writeEntries(w, collect(s, StreamId.MIN, StreamId.MAX, false, count));
        w.bulk("groups");
        w.array(s.groupCount());
        if (s.groups == null) return;
        for (StreamConsumerGroup g : s.groups.values()) {
            w.map(7);
            w.bulk("name");
            w.bulk(g.name);
            w.bulk("last-delivered-id");
            w.bulk(g.lastId.toBytes());
            w.bulk("entries-read");
            if (g.entriesRead != Stream.INVALID_ENTRIES_READ) w.integer(g.entriesRead); else w.nullBulk();
            w.bulk("lag");
            Long lag = s.lag(g);
            if (lag != null) w.integer(lag); else w.nullBulk();
            w.bulk("pel-count");
            w.integer(g.pel.size());
            w.bulk("pending");
            long n = count == 0 ? g.pel.size() : Math.min(count, g.pel.size());
            w.array(n);
            long k = 0;
            for (Map.Entry<StreamId, StreamConsumerGroup.Nack> pe : g.pel.entrySet()) {
                if (k++ >= n) break;
                w.array(4);
                w.bulk(pe.getKey().toBytes());
                w.bulk(pe.getValue().consumer.name);
                w.integer(pe.getValue().deliveryTime);
                w.integer(pe.getValue().deliveryCount);
            }
            w.bulk("consumers");
            w.array(g.consumers.size());
            for (StreamConsumerGroup.Consumer cons : g.consumers.values()) {
                w.map(5);
                w.bulk("name");
                w.bulk(cons.name);
                w.bulk("seen-time");
                w.integer(cons.seenTime);
                w.bulk("active-time");
                w.integer(cons.activeTime);
                w.bulk("pel-count");
                w.integer(cons.pel.size());
                w.bulk("pending");
                long m = count == 0 ? cons.pel.size() : Math.min(count, cons.pel.size());
                w.array(m);
                long q = 0;
                for (Map.Entry<StreamId, StreamConsumerGroup.Nack> pe : cons.pel.entrySet()) {
                    if (q++ >= m) break;
                    w.array(3);
                    w.bulk(pe.getKey().toBytes());
                    w.integer(pe.getValue().deliveryTime);
                    w.integer(pe.getValue().deliveryCount);
                }
            }
        }
    }

    /** XINFO GROUPS key */
    static void xinfoGroups(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(2));
        if (e == null) throw CommandError.NO_SUCH_KEY;
        Stream s = stream(e);
        RespWriter w = c.reply();
        w.array(s.groupCount());
        if (s.groups == null) return;
        for (StreamConsumerGroup g : s.groups.values()) {
            w.map(6);
            w.bulk("name");
            w.bulk(g.name);
            w.bulk("consumers");
            w.integer(g.consumers.size());
            w.bulk("pending");
            w.integer(g.pel.size());
            w.bulk("last-delivered-id");
            w.bulk(g.lastId.toBytes());
            w.bulk("entries-read");
            if (g.entriesRead != Stream.INVALID_ENTRIES_READ) w.integer(g.entriesRead); else w.nullBulk();
            w.bulk("lag");
            Long lag = s.lag(g);
            if (lag != null) w.integer(lag); else w.nullBulk();
        }
    }

    /** XINFO CONSUMERS key group */
    static void xinfoConsumers(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(2));
        if (e == null) throw CommandError.NO_SUCH_KEY;
        Stream s = stream(e);
        StreamConsumerGroup g = s.group(c.arg(3));
        if (g == null) throw noGroupForKey(c.arg(3), c.arg(2));
        long now = Clock.now();
        RespWriter w = c.reply();
        w.array(g.consumers.size());
        for (StreamConsumerGroup.Consumer cons : g.consumers.values()) {
            w.map(4);
            w.bulk("name");
            w.bulk(cons.name);
            w.bulk("pending");
            w.integer(cons.pel.size());
            w.bulk("idle");
            w.integer(Math.max(0, now - cons.seenTime));
            w.bulk("inactive");
            w.integer(cons.activeTime != -1 ? now - cons.activeTime : -1);
        }
    }
}
