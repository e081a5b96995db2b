package io.ferrite.server.zset;

import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.collection.BytesMap;
import io.ferrite.server.collection.ScanOptions;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.KeyCommands;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.set.SetValue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.ferrite.server.string.StringCommands.is;

/**
 * Sorted set commands (Redis 7.2 group "sorted-set"): ZADD, ZINCRBY, ZSCORE, ZMSCORE, ZCARD,
 * ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK, ZRANGE, ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREM, ZREMRANGEBYRANK, ZREMRANGEBYSCORE,
 * ZREMRANGEBYLEX, ZPOPMIN, ZPOPMAX, ZMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, ZRANDMEMBER, ZUNION,
 * ZUNIONSTORE, ZINTER, ZINTERSTORE, ZINTERCARD, ZDIFF, ZDIFFSTORE, ZSCAN.
 * Spec: https://redis.io/docs/latest/commands/?group=sorted-set ; behaviour and error texts as
 * Redis 7.2.6 src/t_zset.c. Layout: {@link SortedSet}, {@link ScoreTree}.
 *
 * <p>Every range command turns its range (by index, by score, by member) into a span of ranks
 * first ({@link SortedSet#firstRank}, {@link SortedSet#endRank}: two O(log N) walks), so the
 * reply length is known before the first element is written and counts are O(log N).
 *
 * <p>Locking: commands with a numkeys argument (ZUNION, ZINTER, ZDIFF, their STORE forms,
 * ZINTERCARD, ZMPOP, BZMPOP) cannot name their keys up front and lock every shard; the others
 * name theirs (BZPOPMIN/BZPOPMAX: all arguments but the timeout).
 */
public final class SortedSetCommands {
    private SortedSetCommands() {}

    static final CommandError XX_NX = new CommandError("ERR XX and NX options at the same time are not compatible");
    static final CommandError GT_LT_NX =
            new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
    static final CommandError INCR_PAIR = new CommandError("ERR INCR option supports a single increment-element pair");
    static final CommandError NAN_RESULT = new CommandError("ERR resulting score is not a number (NaN)");
    static final CommandError LIMIT_RANK = new CommandError(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    static final CommandError WITHSCORES_LEX =
            new CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    static final CommandError OUT_OF_RANGE = new CommandError("ERR value is out of range");
    static final CommandError MUST_BE_POSITIVE = new CommandError("ERR value is out of range, must be positive");
    static final CommandError RANDMEMBER_RANGE = new CommandError(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    static final CommandError WEIGHT_NOT_FLOAT = new CommandError("ERR weight value is not a float");
    static final CommandError LIMIT_NEGATIVE = new CommandError("ERR LIMIT can't be negative");
    static final CommandError NUMKEYS = new CommandError("ERR numkeys should be greater than 0");
    static final CommandError COUNT_POSITIVE = new CommandError("ERR count should be greater than 0");
    static final CommandError TIMEOUT_NOT_FLOAT = new CommandError("ERR timeout is not a float or out of range");
    static final CommandError TIMEOUT_NEGATIVE = new CommandError("ERR timeout is negative");
    static final CommandError TIMEOUT_RANGE = new CommandError("ERR timeout is out of range");

    public static void register(CommandTable.Builder t) {
        t.add("zadd", -4, "write denyoom fast", "@sortedset", 1, 1, 1, SortedSetCommands::zadd);
        t.add("zincrby", 4, "write denyoom fast", "@sortedset", 1, 1, 1, SortedSetCommands::zincrBy);
        t.add("zscore", 3, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zscore);
        t.add("zmscore", -3, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zmscore);
        t.add("zcard", 2, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zcard);
        t.add("zcount", 4, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zcount);
        t.add("zlexcount", 4, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zlexCount);
        t.add("zrank", -3, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zrank);
        t.add("zrevrank", -3, "readonly fast", "@sortedset", 1, 1, 1, SortedSetCommands::zrevRank);
        t.add("zrange", -4, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrange);
        t.add("zrangestore", -5, "write denyoom", "@sortedset", 1, 2, 1, SortedSetCommands::zrangeStore);
        t.add("zrevrange", -4, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrevRange);
        t.add("zrangebyscore", -4, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrangeByScore);
        t.add("zrevrangebyscore", -4, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrevRangeByScore);
        t.add("zrangebylex", -4, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrangeByLex);
        t.add("zrevrangebylex", -4, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrevRangeByLex);
        t.add("zrem", -3, "write fast", "@sortedset", 1, 1, 1, SortedSetCommands::zrem);
        t.add("zremrangebyrank", 4, "write", "@sortedset", 1, 1, 1, SortedSetCommands::zremRangeByRank);
        t.add("zremrangebyscore", 4, "write", "@sortedset", 1, 1, 1, SortedSetCommands::zremRangeByScore);
        t.add("zremrangebylex", 4, "write", "@sortedset", 1, 1, 1, SortedSetCommands::zremRangeByLex);
        t.add("zpopmin", -2, "write fast", "@sortedset", 1, 1, 1, SortedSetCommands::zpopMin);
        t.add("zpopmax", -2, "write fast", "@sortedset", 1, 1, 1, SortedSetCommands::zpopMax);
        t.add("zmpop", -4, "write movablekeys lock_all", "@sortedset", 0, 0, 0, SortedSetCommands::zmpop);
        t.add("bzpopmin", -3, "write fast blocking", "@sortedset", 1, -2, 1, SortedSetCommands::bzpopMin);
        t.add("bzpopmax", -3, "write fast blocking", "@sortedset", 1, -2, 1, SortedSetCommands::bzpopMax);
        t.add("bzmpop", -5, "write blocking movablekeys lock_all", "@sortedset", 0, 0, 0, SortedSetCommands::bzmpop);
        t.add("zrandmember", -2, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zrandMember);
        t.add("zunion", -3, "readonly movablekeys lock_all", "@sortedset", 0, 0, 0, SortedSetCommands::zunion);
        t.add("zinter", -3, "readonly movablekeys lock_all", "@sortedset", 0, 0, 0, SortedSetCommands::zinter);
        t.add("zdiff", -3, "readonly movablekeys lock_all", "@sortedset", 0, 0, 0, SortedSetCommands::zdiff);
        t.add("zintercard", -3, "readonly movablekeys lock_all", "@sortedset", 0, 0, 0, SortedSetCommands::zinterCard);
        t.add("zunionstore", -4, "write denyoom movablekeys lock_all", "@sortedset", 1, 1, 1,
                SortedSetCommands::zunionStore);
        t.add("zinterstore", -4, "write denyoom movablekeys lock_all", "@sortedset", 1, 1, 1,
                SortedSetCommands::zinterStore);
        t.add("zdiffstore", -4, "write denyoom movablekeys lock_all", "@sortedset", 1, 1, 1,
                SortedSetCommands::zdiffStore);
        t.add("zscan", -3, "readonly", "@sortedset", 1, 1, 1, SortedSetCommands::zscan);
    }

    // ================================================================ helpers

    private static long maxEntries(Client c) {
        return c.server().config().param("zset-max-listpack-entries").longValue();
    }

    private static long maxValue(Client c) {
        return c.server().config().param("zset-max-listpack-value").longValue();
    }

    /** The sorted set at key for a read (counts a hit or miss), null if absent, WRONGTYPE otherwise. */
    private static SortedSet read(Client c, byte[] key) {
        return c.db().get(key, SortedSet.class);
    }

    /** The live entry at key for a write, null if absent, WRONGTYPE if it is not a sorted set. */
    private static DbEntry writeEntry(Database db, byte[] key) {
        DbEntry e = db.lookup(key);
        if (e != null && !(e.value() instanceof SortedSet)) throw CommandError.WRONGTYPE;
        return e;
    }

    private static long parseLong(byte[] b) {
        return Numbers.parseLong(b, CommandError.NOT_INTEGER);
    }

    /**
     * A score or weight as Redis's getDoubleFromObject reads it: strtod rules, and, unlike
     * Numbers.parseDouble alone, a result out of double's range is an error (strtod's ERANGE:
     * "1e400", "1e-400"), while "inf" spelled out is fine.
     */
    public static double parseScore(byte[] b, CommandError onError) {
        double d = Numbers.parseDouble(b, onError);
        if (Double.isInfinite(d) || d == 0) {
            boolean spelled = false, nonZeroDigit = false;
            for (byte x : b) {
                if (x == 'e' || x == 'E') break; // the exponent's digits say nothing about zero
                if (x == 'i' || x == 'I') spelled = true;
                if (x >= '1' && x <= '9') nonZeroDigit = true;
            }
            if (Double.isInfinite(d) && !spelled) throw onError;
            if (d == 0 && nonZeroDigit) throw onError;
        }
        return d;
    }

    /** Redis's getPositiveLongFromObjectOrReply without a message. */
    private static long parsePositive(byte[] b) {
        long v = parseLong(b);
        if (v < 0) throw MUST_BE_POSITIVE;
        return v;
    }

    /** One element of a reply: member, with its score when asked (a [member, score] pair in RESP3). */
    private static void element(RespWriter w, byte[] member, double score, boolean withScores) {
        if (withScores && w.resp3()) w.array(2);
        w.bulk(member);
        if (withScores) w.doubleValue(score);
    }

    /** The array header of n elements: 2n flat items in RESP2 with scores, n pairs in RESP3. */
    private static void elementsHeader(RespWriter w, long n, boolean withScores) {
        w.array(withScores && !w.resp3() ? n * 2 : n);
    }

    // ================================================================ ZADD, ZINCRBY

    static void zadd(Client c) { zaddGeneric(c, 0); }

    static void zincrBy(Client c) { zaddGeneric(c, SortedSet.IN_INCR); }

    private static void zaddGeneric(Client c, int flags) {
        int argc = c.argc();
        int idx = 2;
        boolean ch = false;
        for (; idx < argc; idx++) {
            byte[] o = c.arg(idx);
            if (is(o, "nx")) flags |= SortedSet.IN_NX;
            else if (is(o, "xx")) flags |= SortedSet.IN_XX;
            else if (is(o, "ch")) ch = true;
            else if (is(o, "incr")) flags |= SortedSet.IN_INCR;
            else if (is(o, "gt")) flags |= SortedSet.IN_GT;
            else if (is(o, "lt")) flags |= SortedSet.IN_LT;
            else break;
        }
        boolean incr = (flags & SortedSet.IN_INCR) != 0, nx = (flags & SortedSet.IN_NX) != 0;
        boolean xx = (flags & SortedSet.IN_XX) != 0, gt = (flags & SortedSet.IN_GT) != 0;
        boolean lt = (flags & SortedSet.IN_LT) != 0;
        int elements = argc - idx;
        if (elements == 0 || elements % 2 != 0) throw CommandError.SYNTAX;
        elements /= 2;
        if (nx && xx) throw XX_NX;
        if ((gt && nx) || (lt && nx) || (gt && lt)) throw GT_LT_NX;
        if (incr && elements > 1) throw INCR_PAIR;
        // All scores are parsed before anything changes: the command applies fully or not at all.
        // One pair (ZINCRBY, the common ZADD) needs no array.
        double single = parseScore(c.arg(idx), CommandError.NOT_FLOAT);
        double[] scores = null;
        if (elements > 1) {
            scores = new double[elements];
            scores[0] = single;
            for (int j = 1; j < elements; j++) scores[j] = parseScore(c.arg(idx + j * 2), CommandError.NOT_FLOAT);
        }

        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = writeEntry(db, key);
        RespWriter w = c.reply();
        if (e == null && xx) { // nothing to update, and XX never creates
            if (incr) w.nullBulk(); else w.integer(0);
            return;
        }
        // A skiplist never converts back: only new and listpack sets need the limits.
        long maxEntries = Long.MAX_VALUE, maxValue = Long.MAX_VALUE;
        if (e == null || ((SortedSet) e.value()).isListpack()) {
            maxEntries = maxEntries(c);
            maxValue = maxValue(c);
        }
        SortedSet z;
        if (e == null) {
            z = SortedSet.create(elements, c.arg(idx + 1).length, maxEntries, maxValue);
            e = db.add(key, z);
        } else {
            z = (SortedSet) e.value();
            z.maybeConvert(elements, maxEntries);
        }
        int added = 0, updated = 0, processed = 0;
        double score = 0;
        for (int j = 0; j < elements; j++) {
            int out = z.add(scores == null ? single : scores[j], c.arg(idx + 1 + j * 2), flags, maxEntries, maxValue);
            if ((out & SortedSet.OUT_NAN) != 0) {
                if (added + updated > 0) db.touched(e);
                throw NAN_RESULT;
            }
            if ((out & SortedSet.OUT_ADDED) != 0) added++;
            if ((out & SortedSet.OUT_UPDATED) != 0) updated++;
            if ((out & SortedSet.OUT_NOP) == 0) {
                processed++;
                score = z.lastScore();
            }
        }
        if (added + updated > 0) db.touched(e);
        if (added + updated > 0) KeyspaceEvents.notify(c, KeyspaceEvents.ZSET, incr ? "zincr" : "zadd", key);
        if (incr) {
            if (processed > 0) w.doubleValue(score); else w.nullBulk();
        } else {
            w.integer(ch ? added + updated : added);
        }
    }

    /**
     * ZADD of prepared pairs for commands that compute their scores (GEOADD): nx/xx as ZADD's,
     * replies the added count, or added + updated with ch. Keyspace event "zadd", as Redis's
     * GEOADD, which rewrites itself into ZADD.
     */
    public static void addScored(Client c, byte[] key, boolean nx, boolean xx, boolean ch, double[] scores,
                                 byte[][] members) {
        Database db = c.db();
        DbEntry e = writeEntry(db, key);
        if (e == null && xx) {
            c.reply().integer(0);
            return;
        }
        int flags = (nx ? SortedSet.IN_NX : 0) | (xx ? SortedSet.IN_XX : 0);
        long maxEntries = Long.MAX_VALUE, maxValue = Long.MAX_VALUE;
        if (e == null || ((SortedSet) e.value()).isListpack()) {
            maxEntries = maxEntries(c);
            maxValue = maxValue(c);
        }
        SortedSet z;
        if (e == null) {
            z = SortedSet.create(members.length, members[0].length, maxEntries, maxValue);
            e = db.add(key, z);
        } else {
            z = (SortedSet) e.value();
            z.maybeConvert(members.length, maxEntries);
        }
        int added = 0, updated = 0;
        for (int j = 0; j < members.length; j++) {
            int out = z.add(scores[j], members[j], flags, maxEntries, maxValue);
            if ((out & SortedSet.OUT_ADDED) != 0) added++;
            if ((out & SortedSet.OUT_UPDATED) != 0) updated++;
        }
        if (added + updated > 0) {
            db.touched(e);
            KeyspaceEvents.notify(c, KeyspaceEvents.ZSET, "zadd", key);
        }
        c.reply().integer(ch ? added + updated : added);
    }

    /** A new set holding the given pairs, in the encoding their count and longest member call for. */
    public static SortedSet build(Client c, double[] scores, byte[][] members, int n) {
        long maxEntries = maxEntries(c), maxValue = maxValue(c);
        int longest = 0;
        for (int i = 0; i < n; i++) longest = Math.max(longest, members[i].length);
        SortedSet z = SortedSet.create(n, longest, maxEntries, maxValue);
        for (int i = 0; i < n; i++) z.add(scores[i], members[i], 0, maxEntries, maxValue);
        return z;
    }

    // ================================================================ point reads

    static void zscore(Client c) {
        SortedSet z = read(c, c.arg(1));
        double s = z == null ? Double.NaN : z.score(c.arg(2));
        if (Double.isNaN(s)) c.reply().nullBulk(); else c.reply().doubleValue(s);
    }

    static void zmscore(Client c) {
        SortedSet z = read(c, c.arg(1));
        RespWriter w = c.reply();
        w.array(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            // A missing key answers like an empty set: a null per member.
            double s = z == null ? Double.NaN : z.score(c.arg(j));
            if (Double.isNaN(s)) w.nullBulk(); else w.doubleValue(s);
        }
    }

    static void zcard(Client c) {
        SortedSet z = read(c, c.arg(1));
        c.reply().integer(z == null ? 0 : z.size());
    }

    static void zrank(Client c) { zrankGeneric(c, false); }

    static void zrevRank(Client c) { zrankGeneric(c, true); }

    private static void zrankGeneric(Client c, boolean reverse) {
        if (c.argc() > 4) throw CommandError.arity(reverse ? "zrevrank" : "zrank");
        boolean withScore = false;
        if (c.argc() == 4) {
            if (!is(c.arg(3), "withscore")) throw CommandError.SYNTAX;
            withScore = true;
        }
        SortedSet z = read(c, c.arg(1));
        RespWriter w = c.reply();
        long rank = z == null ? -1 : z.rank(c.arg(2));
        if (rank < 0) {
            if (withScore) w.nullArray(); else w.nullBulk();
            return;
        }
        if (reverse) rank = z.size() - 1 - rank;
        if (withScore) {
            w.array(2);
            w.integer(rank);
            w.doubleValue(z.score(c.arg(2)));
        } else {
            w.integer(rank);
        }
    }

    static void zcount(Client c) {
        ScoreRange range = ScoreRange.parse(c.arg(2), c.arg(3));
        SortedSet z = read(c, c.arg(1));
        c.reply().integer(z == null ? 0 : Math.max(0, z.endRank(range) - z.firstRank(range)));
    }

    static void zlexCount(Client c) {
        LexRange range = LexRange.parse(c.arg(2), c.arg(3));
        SortedSet z = read(c, c.arg(1));
        c.reply().integer(z == null ? 0 : Math.max(0, z.endRank(range) - z.firstRank(range)));
    }

    // ================================================================ ZRANGE family

    private static final int AUTO = 0, BY_RANK = 1, BY_SCORE = 2, BY_LEX = 3;

    static void zrange(Client c) { zrangeGeneric(c, 1, false, AUTO, false, false); }
    static void zrangeStore(Client c) { zrangeGeneric(c, 2, true, AUTO, false, false); }
    static void zrevRange(Client c) { zrangeGeneric(c, 1, false, BY_RANK, true, true); }
    static void zrangeByScore(Client c) { zrangeGeneric(c, 1, false, BY_SCORE, false, true); }
    static void zrevRangeByScore(Client c) { zrangeGeneric(c, 1, false, BY_SCORE, true, true); }
    static void zrangeByLex(Client c) { zrangeGeneric(c, 1, false, BY_LEX, false, true); }
    static void zrevRangeByLex(Client c) { zrangeGeneric(c, 1, false, BY_LEX, true, true); }

    /**
     * ZRANGE and its older spellings: {@code <src> <min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES]
     * [LIMIT offset count]} from argument {@code keyIdx}. The deprecated commands fix the range
     * type and the direction ({@code fixedDirection}), and then reject BYSCORE/BYLEX/REV.
     */
    private static void zrangeGeneric(Client c, int keyIdx, boolean store, int type, boolean reverse,
                                      boolean fixedDirection) {
        int argc = c.argc();
        boolean withScores = false;
        long offset = 0, limit = -1;
        boolean hasLimit = false;
        for (int j = keyIdx + 3; j < argc; j++) {
            int left = argc - j - 1;
            byte[] o = c.arg(j);
            if (!store && is(o, "withscores")) {
                withScores = true;
            } else if (is(o, "limit") && left >= 2) {
                offset = parseLong(c.arg(j + 1));
                limit = parseLong(c.arg(j + 2));
                hasLimit = true;
                j += 2;
            } else if (!fixedDirection && !reverse && is(o, "rev")) {
                reverse = true;
            } else if (type == AUTO && is(o, "bylex")) {
                type = BY_LEX;
            } else if (type == AUTO && is(o, "byscore")) {
                type = BY_SCORE;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (type == AUTO) type = BY_RANK;
        // Redis checks the value, not the presence: "LIMIT 0 -1" passes with a rank range.
        if (hasLimit && limit != -1 && type == BY_RANK) throw LIMIT_RANK;
        if (withScores && type == BY_LEX) throw WITHSCORES_LEX;
        int minIdx = keyIdx + 1, maxIdx = keyIdx + 2;
        if (reverse && type != BY_RANK) { // the range is written max first
            minIdx = keyIdx + 2;
            maxIdx = keyIdx + 1;
        }
        long start = 0, end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (type) {
            case BY_RANK -> {
                start = parseLong(c.arg(minIdx));
                end = parseLong(c.arg(maxIdx));
            }
            case BY_SCORE -> scoreRange = ScoreRange.parse(c.arg(minIdx), c.arg(maxIdx));
            default -> lexRange = LexRange.parse(c.arg(minIdx), c.arg(maxIdx));
        }

        SortedSet z = read(c, c.arg(keyIdx));
        // The span of forward ranks [from, to] to emit; empty when from > to.
        long from = 0, to = -1;
        if (z != null) {
            long size = z.size();
            if (type == BY_RANK) {
                if (start < 0) start += size;
                if (end < 0) end += size;
                if (start < 0) start = 0;
                if (start <= end && start < size) {
                    if (end >= size) end = size - 1;
                    if (reverse) {
                        from = size - 1 - end;
                        to = size - 1 - start;
                    } else {
                        from = start;
                        to = end;
                    }
                }
            } else {
                long first, endEx;
                if (type == BY_SCORE) {
                    first = z.firstRank(scoreRange);
                    endEx = z.endRank(scoreRange);
                } else {
                    first = z.firstRank(lexRange);
                    endEx = z.endRank(lexRange);
                }
                long n = endEx - first;
                // A negative offset walks off the end in Redis: the reply is empty.
                if (n > 0 && offset >= 0 && offset < n) {
                    long count = limit < 0 ? n - offset : Math.min(limit, n - offset);
                    if (count > 0) {
                        if (reverse) {
                            to = endEx - 1 - offset;
                            from = to - count + 1;
                        } else {
                            from = first + offset;
                            to = from + count - 1;
                        }
                    }
                }
            }
        }
        long n = to - from + 1;
        if (store) {
            storeRange(c, z, from, to);
            return;
        }
        RespWriter w = c.reply();
        if (n <= 0) {
            w.emptyArray();
            return;
        }
        boolean ws = withScores;
        elementsHeader(w, n, ws);
        z.forEach(from, to, reverse, (m, s) -> element(w, m, s, ws));
    }

    /** ZRANGESTORE: the span becomes a new set at the destination; an empty span deletes it. */
    private static void storeRange(Client c, SortedSet src, long from, long to) {
        Database db = c.db();
        byte[] dst = c.arg(1);
        long n = to - from + 1;
        if (n <= 0) {
            db.delete(dst);
            c.reply().integer(0);
            return;
        }
        long maxEntries = maxEntries(c), maxValue = maxValue(c);
        SortedSet out = SortedSet.create(n, 0, maxEntries, maxValue);
        src.forEach(from, to, false, (m, s) -> out.add(s, m, 0, maxEntries, maxValue));
        db.set(dst, out);
        c.reply().integer(n);
    }

    // ================================================================ removal

    static void zrem(Client c) {
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        SortedSet z = (SortedSet) e.value();
        int deleted = 0;
        for (int j = 2; j < c.argc(); j++) {
            if (z.remove(c.arg(j))) deleted++;
            if (z.size() == 0) break;
        }
        if (z.size() == 0) db.remove(e);
        else if (deleted > 0) db.touched(e);
        if (deleted > 0) KeyspaceEvents.notify(c, KeyspaceEvents.ZSET, "zrem", c.arg(1));
        c.reply().integer(deleted);
    }

    static void zremRangeByRank(Client c) { zremRangeGeneric(c, BY_RANK); }
    static void zremRangeByScore(Client c) { zremRangeGeneric(c, BY_SCORE); }
    static void zremRangeByLex(Client c) { zremRangeGeneric(c, BY_LEX); }

    private static void zremRangeGeneric(Client c, int type) {
        long start = 0, end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (type) {
            case BY_RANK -> {
                start = parseLong(c.arg(2));
                end = parseLong(c.arg(3));
            }
            case BY_SCORE -> scoreRange = ScoreRange.parse(c.arg(2), c.arg(3));
            default -> lexRange = LexRange.parse(c.arg(2), c.arg(3));
        }
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        SortedSet z = (SortedSet) e.value();
        long size = z.size(), from, to;
        if (type == BY_RANK) {
            if (start < 0) start += size;
            if (end < 0) end += size;
            if (start < 0) start = 0;
            if (start > end || start >= size) {
                c.reply().integer(0);
                return;
            }
            from = start;
            to = Math.min(end, size - 1);
        } else if (type == BY_SCORE) {
            from = z.firstRank(scoreRange);
            to = z.endRank(scoreRange) - 1;
        } else {
            from = z.firstRank(lexRange);
            to = z.endRank(lexRange) - 1;
        }
        long deleted = z.removeRange(from, to);
        if (z.size() == 0) db.remove(e);
        else if (deleted > 0) db.touched(e);
        c.reply().integer(deleted);
    }

    // ================================================================ pops

    /** Reply shapes of the pop family (genericZpopCommand's emitkey × use_nested_array). */
    private static final int FLAT = 0, NESTED = 1, KEY_FLAT = 2, KEY_NESTED = 3;

    static void zpopMin(Client c) { zpopGeneric(c, false); }
    static void zpopMax(Client c) { zpopGeneric(c, true); }

    private static void zpopGeneric(Client c, boolean max) {
        if (c.argc() > 3) throw CommandError.SYNTAX;
        long count = -1; // -1: the single-element form
        if (c.argc() == 3) count = parsePositive(c.arg(2));
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        RespWriter w = c.reply();
        if (e == null || count == 0) {
            w.emptyArray();
            return;
        }
        pop(c, e, max, count == -1 ? 1 : count, w.resp3() && count != -1 ? NESTED : FLAT);
    }

    /** Pops up to count elements from the low or high end of e's set and writes them in {@code shape}. */
    private static void pop(Client c, DbEntry e, boolean max, long count, int shape) {
        SortedSet z = (SortedSet) e.value();
        RespWriter w = c.reply();
        long size = z.size();
        long n = Math.min(count, size);
        switch (shape) {
            case FLAT -> w.array(n * 2);
            case NESTED -> w.array(n);
            case KEY_FLAT -> {
                w.array(n * 2 + 1);
                w.bulk(e.key());
            }
            default -> {
                w.array(2);
                w.bulk(e.key());
                w.array(n);
            }
        }
        boolean nested = shape == NESTED || shape == KEY_NESTED;
        long from = max ? size - n : 0, to = max ? size - 1 : n - 1;
        z.forEach(from, to, max, (m, s) -> {
            if (nested) w.array(2);
            w.bulk(m);
            w.doubleValue(s);
        });
        z.removeRange(from, to);
        if (z.size() == 0) c.db().remove(e); else c.db().touched(e);
    }

    static void zmpop(Client c) { zmpopGeneric(c, 1, false); }
    static void bzmpop(Client c) { zmpopGeneric(c, 2, true); }

    /** ZMPOP numkeys key... MIN|MAX [COUNT n], and BZMPOP with the timeout first. */
    private static void zmpopGeneric(Client c, int numkeysIdx, boolean blocking) {
        int argc = c.argc();
        long numkeys = Numbers.parseLong(c.arg(numkeysIdx), NUMKEYS);
        if (numkeys < 1) throw NUMKEYS;
        if (numkeys >= argc - numkeysIdx - 1) throw CommandError.SYNTAX; // no room for MIN|MAX
        int whereIdx = numkeysIdx + (int) numkeys + 1;
        boolean max;
        if (is(c.arg(whereIdx), "min")) max = false;
        else if (is(c.arg(whereIdx), "max")) max = true;
        else throw CommandError.SYNTAX;
        long count = -1;
        for (int j = whereIdx + 1; j < argc; j++) {
            if (count == -1 && is(c.arg(j), "count") && j + 1 < argc) {
                count = Numbers.parseLong(c.arg(++j), COUNT_POSITIVE);
                if (count < 1) throw COUNT_POSITIVE;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (count == -1) count = 1;
        if (blocking) {
            long timeout = parseTimeout(c.arg(1));
            blockingPop(c, numkeysIdx + 1, whereIdx - 1, max, count, KEY_NESTED, timeout);
            return;
        }
        Database db = c.db();
        for (int j = numkeysIdx + 1; j < whereIdx; j++) {
            DbEntry e = writeEntry(db, c.arg(j));
            if (e != null) {
                pop(c, e, max, count, KEY_NESTED);
                return;
            }
        }
        c.reply().nullArray();
    }

    static void bzpopMin(Client c) { bzpopGeneric(c, false); }
    static void bzpopMax(Client c) { bzpopGeneric(c, true); }

    private static void bzpopGeneric(Client c, boolean max) {
        long timeout = parseTimeout(c.arg(c.argc() - 1));
        blockingPop(c, 1, c.argc() - 2, max, 1, KEY_FLAT, timeout);
    }

    /**
     * Serves the first non-empty set among the keys at arguments first..last, or parks the
     * client until one of them is created (the blocking subsystem runs this command again then)
     * or the timeout passes (reply: null array).
     */
    private static void blockingPop(Client c, int first, int last, boolean max, long count, int shape, long timeout) {
        Database db = c.db();
        for (int j = first; j <= last; j++) {
            DbEntry e = writeEntry(db, c.arg(j));
            if (e != null) {
                pop(c, e, max, count, shape);
                return;
            }
        }
        byte[][] keys = new byte[last - first + 1][];
        for (int j = first; j <= last; j++) keys[j - first] = c.arg(j);
        c.block(keys, timeout, RespWriter::nullArray);
    }

    /** A blocking timeout in seconds (a double) as milliseconds, rounded up; 0 is forever. */
    static long parseTimeout(byte[] arg) {
        Double d = Numbers.parseDouble(arg);
        if (d == null) throw TIMEOUT_NOT_FLOAT;
        double ms = d * 1000.0;
        if (ms > (double) Long.MAX_VALUE) throw TIMEOUT_RANGE;
        long t = (long) Math.ceil(ms);
        if (t < 0) throw TIMEOUT_NEGATIVE;
        if (t > 0 && t > Long.MAX_VALUE - System.currentTimeMillis()) throw TIMEOUT_RANGE;
        return t;
    }

    // ================================================================ ZRANDMEMBER

    static void zrandMember(Client c) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        RespWriter w = c.reply();
        if (c.argc() == 2) {
            SortedSet z = read(c, c.arg(1));
            if (z == null) w.nullBulk(); else w.bulk(z.randomMember(rnd));
            return;
        }
        long l = parseLong(c.arg(2));
        if (l == Long.MIN_VALUE) throw RANDMEMBER_RANGE;
        if (c.argc() > 4 || (c.argc() == 4 && !is(c.arg(3), "withscores"))) throw CommandError.SYNTAX;
        boolean withScores = c.argc() == 4;
        // The reply would hold 2|count| items: Redis refuses counts whose double would overflow.
        if (withScores && (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2)) throw OUT_OF_RANGE;
        SortedSet z = read(c, c.arg(1));
        if (z == null || l == 0) {
            w.emptyArray();
            return;
        }
        long size = z.size();
        boolean unique = l > 0;
        long count = Math.abs(l);
        if (!unique || count == 1) { // independent draws, repetition allowed
            elementsHeader(w, count, withScores);
            for (long i = 0; i < count; i++) z.visitRandom(rnd, (m, s) -> element(w, m, s, withScores));
            return;
        }
        if (count >= size) { // the whole set
            elementsHeader(w, size, withScores);
            z.forEach((m, s) -> element(w, m, s, withScores));
            return;
        }
        elementsHeader(w, count, withScores);
        if (count * 3 > size || z.isListpack()) {
            // Selection sampling (Knuth's algorithm S): each rank kept with probability
            // needed/left, which gives a uniform sample in rank order in one pass.
            long[] needed = {count};
            long[] left = {size};
            z.forEach((m, s) -> {
                if (needed[0] > 0 && rnd.nextLong(left[0]) < needed[0]) {
                    element(w, m, s, withScores);
                    needed[0]--;
                }
                left[0]--;
            });
            return;
        }
        // Few out of many: draw until count distinct members came up (Redis's CASE 4).
        BytesMap<Boolean> seen = new BytesMap<>((int) count);
        while (seen.size() < count) {
            byte[] m = z.randomMember(rnd);
            if (seen.putIfAbsent(m, Boolean.TRUE)) element(w, m, z.score(m), withScores);
        }
    }

    // ================================================================ ZUNION, ZINTER, ZDIFF

    private static final int UNION = 0, INTER = 1, DIFF = 2;
    private static final int SUM = 0, MIN = 1, MAX = 2;

    static void zunion(Client c) { setOperation(c, "zunion", false, 1, UNION, false); }
    static void zinter(Client c) { setOperation(c, "zinter", false, 1, INTER, false); }
    static void zdiff(Client c) { setOperation(c, "zdiff", false, 1, DIFF, false); }
    static void zinterCard(Client c) { setOperation(c, "zintercard", false, 1, INTER, true); }
    static void zunionStore(Client c) { setOperation(c, "zunionstore", true, 2, UNION, false); }
    static void zinterStore(Client c) { setOperation(c, "zinterstore", true, 2, INTER, false); }
    static void zdiffStore(Client c) { setOperation(c, "zdiffstore", true, 2, DIFF, false); }

    /** One input of a set operation: a sorted set, or a plain set whose members all score 1. */
    private interface Input {
        int size();
        /** The member's score, NaN when absent. */
        double score(byte[] member);
        void forEach(SortedSet.Visitor v);
    }

    private record SortedInput(SortedSet z) implements Input {
        public int size() { return z.size(); }
        public double score(byte[] member) { return z.score(member); }
        public void forEach(SortedSet.Visitor v) { z.forEach(v); }
    }

    private static final Input EMPTY = new Input() {
        public int size() { return 0; }
        public double score(byte[] member) { return Double.NaN; }
        public void forEach(SortedSet.Visitor v) {}
    };

    /** A source value as an input: sorted sets and sets; WRONGTYPE for anything else. */
    private static Input input(Object value) {
        if (value instanceof SortedSet z) return new SortedInput(z);
        Input set = setInput(value);
        if (set != null) return set;
        throw CommandError.WRONGTYPE;
    }

    /** A plain set (type "set") as an input whose members score 1, or null for other values. */
    private static Input setInput(Object value) {
        return value instanceof SetValue set ? new SetInput(set) : null;
    }

    private record SetInput(SetValue set) implements Input {
        public int size() { return set.size(); }
        public double score(byte[] member) { return set.contains(member) ? 1.0 : Double.NaN; }
        public void forEach(SortedSet.Visitor v) {
            // The set lends slices of its own storage for the call: copy, results may keep them.
            set.forEach((b, off, len) -> v.accept(Arrays.copyOfRange(b, off, off + len), 1.0));
        }
    }

    private static void setOperation(Client c, String name, boolean store, int numkeysIdx, int op, boolean cardOnly) {
        int argc = c.argc();
        long setnum = parseLong(c.arg(numkeysIdx));
        if (setnum < 1) throw new CommandError("ERR at least 1 input key is needed for '" + name + "' command");
        if (setnum > argc - (numkeysIdx + 1)) throw CommandError.SYNTAX;
        int n = (int) setnum;
        Database db = c.db();
        Input[] src = new Input[n];
        Object[] identity = new Object[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            DbEntry e = db.lookupRead(c.arg(numkeysIdx + 1 + i));
            src[i] = e == null ? EMPTY : input(e.value());
            identity[i] = e == null ? null : e.value();
            weights[i] = 1.0;
        }
        int aggregate = SUM;
        boolean withScores = false;
        long limit = 0;
        for (int j = numkeysIdx + 1 + n; j < argc; ) {
            int remaining = argc - j;
            byte[] o = c.arg(j);
            if (op != DIFF && !cardOnly && remaining >= n + 1 && is(o, "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) weights[i] = parseScore(c.arg(j), WEIGHT_NOT_FLOAT);
            } else if (op != DIFF && !cardOnly && remaining >= 2 && is(o, "aggregate")) {
                byte[] a = c.arg(j + 1);
                if (is(a, "sum")) aggregate = SUM;
                else if (is(a, "min")) aggregate = MIN;
                else if (is(a, "max")) aggregate = MAX;
                else throw CommandError.SYNTAX;
                j += 2;
            } else if (!store && !cardOnly && is(o, "withscores")) {
                withScores = true;
                j++;
            } else if (cardOnly && remaining >= 2 && is(o, "limit")) {
                limit = Numbers.parseLong(c.arg(j + 1), LIMIT_NEGATIVE);
                if (limit < 0) throw LIMIT_NEGATIVE;
                j += 2;
            } else {
                throw CommandError.SYNTAX;
            }
        }

        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // Smallest input first (not for DIFF, whose first input is special): fewer probes.
        if (op != DIFF) Arrays.sort(order, Comparator.comparingInt(i -> src[i].size()));

        SortedSet result = null;
        long cardinality = 0;
        if (op == INTER) {
            Input first = src[order[0]];
            if (first.size() > 0) {
                if (!cardOnly) result = SortedSet.skiplist(first.size());
                SortedSet res = result;
                long[] card = {0};
                int agg = aggregate;
                long lim = limit;
                try {
                    first.forEach((m, s) -> {
                        double score = weighted(weights[order[0]], s);
                        for (int k = 1; k < n; k++) {
                            int i = order[k];
                            double v = src[i].score(m);
                            if (Double.isNaN(v)) return;
                            score = aggregate(score, weighted(weights[i], v), agg);
                        }
                        if (res == null) {
                            card[0]++;
                            if (lim > 0 && card[0] >= lim) throw StopIteration.INSTANCE;
                        } else {
                            res.insertNew(score, m);
                        }
                    });
                } catch (StopIteration stop) {
                    // ZINTERCARD reached its LIMIT.
                }
                cardinality = card[0];
            }
        } else if (op == UNION) {
            // The accumulator becomes the result's member index: one entry per member, the
            // score aggregated in place (a primitive field, nothing boxed), then one tree built.
            ScoreMap acc = new ScoreMap(src[order[n - 1]].size());
            int agg = aggregate;
            for (int k = 0; k < n; k++) {
                int i = order[k];
                src[i].forEach((m, s) -> {
                    double score = weighted(weights[i], s);
                    ScoreMap.Entry e = acc.entry(m);
                    if (e == null) acc.add(m, score);
                    else e.score = aggregate(e.score, score, agg);
                });
            }
            result = SortedSet.fromScores(acc);
        } else {
            result = SortedSet.skiplist(16);
            SortedSet res = result;
            boolean same = false;
            for (int i = 1; i < n; i++) if (identity[i] != null && identity[i] == identity[0]) same = true;
            if (!same) {
                src[0].forEach((m, s) -> {
                    for (int i = 1; i < n; i++) if (!Double.isNaN(src[i].score(m))) return;
                    res.insertNew(s, m);
                });
            }
        }

        RespWriter w = c.reply();
        if (cardOnly) {
            w.integer(cardinality);
            return;
        }
        if (store) {
            byte[] dst = c.arg(1);
            if (result != null && result.size() > 0) {
                result.convertToListpackIfNeeded(maxEntries(c), maxValue(c));
                db.set(dst, result);
                w.integer(result.size());
            } else {
                db.delete(dst);
                w.integer(0);
            }
            return;
        }
        int size = result == null ? 0 : result.size();
        boolean ws = withScores;
        elementsHeader(w, size, ws);
        if (size > 0) result.forEach((m, s) -> element(w, m, s, ws));
    }

    /** weight × score, where 0 × ±inf counts as 0 (Redis). */
    private static double weighted(double weight, double score) {
        double v = weight * score;
        return Double.isNaN(v) ? 0 : v;
    }

    private static double aggregate(double target, double v, int aggregate) {
        return switch (aggregate) {
            case SUM -> {
                double r = target + v;
                yield Double.isNaN(r) ? 0 : r; // inf + -inf: Redis's convention is 0
            }
            case MIN -> v < target ? v : target;
            default -> v > target ? v : target;
        };
    }

    /** Ends a visitor walk early; shared, no stack trace. */
    private static final class StopIteration extends RuntimeException {
        static final StopIteration INSTANCE = new StopIteration();

        private StopIteration() {
            super(null, null, false, false);
        }
    }

    // ================================================================ ZSCAN

    static void zscan(Client c) {
        long cursor = KeyCommands.parseCursor(c.arg(2));
        SortedSet z = read(c, c.arg(1));
        RespWriter w = c.reply();
        if (z == null) {
            w.array(2);
            w.bulk(ZERO);
            w.emptyArray();
            return;
        }
        ScanOptions options = ScanOptions.parse(c, 3, false);
        long count = options.count();
        byte[] pattern = options.pattern();
        List<byte[]> out = new ArrayList<>();
        byte[] pat = pattern;
        boolean listpack = z.isListpack();
        long[] sampled = {0};
        SortedSet.Visitor collect = (m, s) -> {
            sampled[0]++;
            if (pat != null && !Glob.matches(pat, m, false)) return;
            out.add(m);
            // Redis prints scores of a listpack as stored (d2string) and of a skiplist with %.17Lg.
            out.add(listpack ? Numbers.formatDouble(s) : formatG17(s));
        };
        long maxIterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
        do {
            cursor = z.scan(cursor, collect);
        } while (cursor != 0 && maxIterations-- > 0 && sampled[0] < count);
        w.array(2);
        w.bulk(Long.toUnsignedString(cursor).getBytes(StandardCharsets.US_ASCII));
        w.array(out.size());
        for (byte[] b : out) w.bulk(b);
    }

    private static final byte[] ZERO = {'0'};
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    /** A double as C's printf("%.17g") writes it (Redis's ld2string LD_STR_AUTO). */
    static byte[] formatG17(double d) {
        if (Double.isNaN(d)) return "nan".getBytes(StandardCharsets.US_ASCII);
        if (Double.isInfinite(d)) return (d > 0 ? "inf" : "-inf").getBytes(StandardCharsets.US_ASCII);
        if (d == 0) return (1 / d < 0 ? "-0" : "0").getBytes(StandardCharsets.US_ASCII);
        BigDecimal bd = new BigDecimal(d).round(SEVENTEEN);
        int exp = bd.precision() - bd.scale() - 1;
        String s;
        if (exp < -4 || exp >= 17) {
            String digits = bd.unscaledValue().abs().toString().replaceAll("0+$", "");
            StringBuilder b = new StringBuilder();
            if (bd.signum() < 0) b.append('-');
            b.append(digits.charAt(0));
            if (digits.length() > 1) b.append('.').append(digits, 1, digits.length());
            b.append('e').append(exp < 0 ? '-' : '+');
            int e = Math.abs(exp);
            if (e < 10) b.append('0');
            b.append(e);
            s = b.toString();
        } else {
            s = bd.stripTrailingZeros().toPlainString();
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
