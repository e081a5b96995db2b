package io.ferrite.server.hash;

import io.ferrite.server.pubsub.KeyspaceEvents;
import static io.ferrite.server.string.StringCommands.is;

import io.ferrite.server.collection.BytesMap;
import io.ferrite.server.collection.ScanOptions;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.KeyCommands;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.LongDouble;
import java.math.BigDecimal;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hash commands (Redis 7.2 group "hash"): HSET HSETNX HGET HMGET HMSET HDEL HEXISTS HLEN HSTRLEN
 * HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 * Spec: https://redis.io/docs/latest/commands/?group=hash. Layout: {@link HashValue}.
 *
 * <p>Behaviour, reply shapes and error texts follow t_hash.c of Redis 7.2.6; HSCAN also takes
 * NOVALUES (added in Redis 7.4). An emptied hash is deleted, as in Redis.
 */
public final class HashCommands {
    private HashCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("hset", -4, "write denyoom fast", "@hash", 1, 1, 1, HashCommands::hset);
        t.add("hsetnx", 4, "write denyoom fast", "@hash", 1, 1, 1, HashCommands::hsetnx);
        t.add("hmset", -4, "write denyoom fast", "@hash", 1, 1, 1, HashCommands::hmset);
        t.add("hget", 3, "readonly fast", "@hash", 1, 1, 1, HashCommands::hget);
        t.add("hmget", -3, "readonly fast", "@hash", 1, 1, 1, HashCommands::hmget);
        t.add("hdel", -3, "write fast", "@hash", 1, 1, 1, HashCommands::hdel);
        t.add("hexists", 3, "readonly fast", "@hash", 1, 1, 1, HashCommands::hexists);
        t.add("hlen", 2, "readonly fast", "@hash", 1, 1, 1, HashCommands::hlen);
        t.add("hstrlen", 3, "readonly fast", "@hash", 1, 1, 1, HashCommands::hstrlen);
        t.add("hkeys", 2, "readonly", "@hash", 1, 1, 1, HashCommands::hkeys);
        t.add("hvals", 2, "readonly", "@hash", 1, 1, 1, HashCommands::hvals);
        t.add("hgetall", 2, "readonly", "@hash", 1, 1, 1, HashCommands::hgetall);
        t.add("hincrby", 4, "write denyoom fast", "@hash", 1, 1, 1, HashCommands::hincrBy);
        t.add("hincrbyfloat", 4, "write denyoom fast", "@hash", 1, 1, 1, HashCommands::hincrByFloat);
        t.add("hrandfield", -2, "readonly", "@hash", 1, 1, 1, HashCommands::hrandField);
        t.add("hscan", -3, "readonly", "@hash", 1, 1, 1, HashCommands::hscan);
    }

    static final CommandError HASH_NOT_INTEGER = new CommandError("ERR hash value is not an integer");
    static final CommandError HASH_NOT_FLOAT = new CommandError("ERR hash value is not a float");
    static final CommandError NAN_OR_INFINITY = new CommandError("ERR value is NaN or Infinity");
    static final CommandError PRODUCES_NAN = new CommandError("ERR increment would produce NaN or Infinity");
    static final CommandError OUT_OF_RANGE = new CommandError("ERR value is out of range");
    static final CommandError COUNT_RANGE = new CommandError(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");

    // ---------------------------------------------------------------- lookups and limits

    /** The hash at key for a write: null when absent, WRONGTYPE for another type. */
    private static DbEntry writeEntry(Database db, byte[] key) {
        DbEntry e = db.lookup(key);
        if (e != null && !(e.value() instanceof HashValue)) throw CommandError.WRONGTYPE;
        return e;
    }

    static long maxEntries(Client c) {
        return c.server().config().param("hash-max-listpack-entries").longValue();
    }

    static long maxValue(Client c) {
        return c.server().config().param("hash-max-listpack-value").longValue();
    }

    /**
     * Redis's hashTypeTryConversion: before writing args [start, end], a listpack that would get
     * more pairs than allowed, or any argument longer than allowed, becomes a hashtable.
     */
    private static void tryConversion(Client c, HashValue h, int start, int end) {
        if (!h.isListpack()) return;
        int pairs = (end - start + 1) / 2;
        if (pairs > maxEntries(c)) {
            h.convertToTable(pairs);
            return;
        }
        long maxValue = maxValue(c);
        for (int i = start; i <= end; i++) {
            if (c.arg(i).length > maxValue) {
                h.convertToTable(0);
                return;
            }
        }
    }

    /** Stores a hash that was created for this write, or records the in-place change. */
    private static void stored(Database db, byte[] key, DbEntry e, HashValue h) {
        if (e == null) db.add(key, h); else db.touched(e);
    }

    // ---------------------------------------------------------------- writes

    static void hset(Client c) {
        setPairs(c, false);
    }

    static void hmset(Client c) {
        setPairs(c, true);
    }

    /** HSET key field value [field value ...] (replies the number of new fields); HMSET replies OK. */
    private static void setPairs(Client c, boolean hmset) {
        int argc = c.argc();
        if (argc % 2 == 1) throw CommandError.arity(hmset ? "hmset" : "hset");
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = writeEntry(db, key);
        HashValue h = e == null ? new HashValue() : (HashValue) e.value();
        tryConversion(c, h, 2, argc - 1);
        long maxEntries = maxEntries(c), maxValue = maxValue(c);
        int created = 0;
        for (int i = 2; i < argc; i += 2) {
            if (h.set(c.arg(i), c.arg(i + 1), maxEntries, maxValue)) created++;
        }
        stored(db, key, e, h);
        KeyspaceEvents.notify(c, KeyspaceEvents.HASH, "hset", c.arg(1));
        if (hmset) c.reply().ok(); else c.reply().integer(created);
    }

    static void hsetnx(Client c) {
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = writeEntry(db, key);
        HashValue h = e == null ? new HashValue() : (HashValue) e.value();
        if (h.contains(c.arg(2))) {
            c.reply().integer(0);
            return;
        }
        tryConversion(c, h, 2, 3);
        h.set(c.arg(2), c.arg(3), maxEntries(c), maxValue(c));
        stored(db, key, e, h);
        c.reply().integer(1);
    }

    static void hdel(Client c) {
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        HashValue h = (HashValue) e.value();
        int deleted = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (h.delete(c.arg(i))) {
                deleted++;
                if (h.size() == 0) break; // the key goes; later fields cannot count
            }
        }
        if (h.size() == 0) db.remove(e);
        else if (deleted > 0) db.touched(e);
        if (deleted > 0) KeyspaceEvents.notify(c, KeyspaceEvents.HASH, "hdel", c.arg(1));
        c.reply().integer(deleted);
    }

    /** HINCRBY key field increment: the stored value must be a canonical 64-bit integer. */
    static void hincrBy(Client c) {
        long incr = Numbers.parseLong(c.arg(3));
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = writeEntry(db, key);
        HashValue h = e == null ? new HashValue() : (HashValue) e.value();
        byte[] old = h.get(c.arg(2));
        long value = old == null ? 0 : Numbers.parseLong(old, HASH_NOT_INTEGER);
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw CommandError.OVERFLOW;
        }
        value += incr;
        h.set(c.arg(2), Numbers.formatLong(value), maxEntries(c), maxValue(c));
        stored(db, key, e, h);
        KeyspaceEvents.notify(c, KeyspaceEvents.HASH, "hincrby", c.arg(1));
        c.reply().integer(value);
    }

    /**
     * HINCRBYFLOAT key field increment. Redis adds in long double and prints "%.17Lf" trimmed;
     * {@link LongDouble} reproduces both, so 0.1 three times reads "0.3" as in Redis.
     */
    static void hincrByFloat(Client c) {
        BigDecimal incr = LongDouble.parse(c.arg(3));
        if (incr == null) throw CommandError.NOT_FLOAT;
        if (LongDouble.isInfinite(incr)) throw NAN_OR_INFINITY;
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = writeEntry(db, key);
        HashValue h = e == null ? new HashValue() : (HashValue) e.value();
        byte[] old = h.get(c.arg(2));
        BigDecimal value = BigDecimal.ZERO;
        if (old != null) {
            value = LongDouble.parse(old);
            if (value == null) throw HASH_NOT_FLOAT;
        }
        value = LongDouble.add(value, incr);
        if (value == null || LongDouble.isInfinite(value)) throw PRODUCES_NAN;
        byte[] text = LongDouble.formatHuman(value).getBytes(StandardCharsets.US_ASCII);
        h.set(c.arg(2), text, maxEntries(c), maxValue(c));
        stored(db, key, e, h);
        KeyspaceEvents.notify(c, KeyspaceEvents.HASH, "hincrbyfloat", key);
        c.reply().bulk(text);
    }

    // ---------------------------------------------------------------- reads

    static void hget(Client c) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        if (h == null || !h.writeValue(c.arg(2), c.reply())) c.reply().nullBulk();
    }

    static void hmget(Client c) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        RespWriter w = c.reply();
        w.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            if (h == null || !h.writeValue(c.arg(i), w)) w.nullBulk();
        }
    }

    static void hexists(Client c) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        c.reply().integer(h != null && h.contains(c.arg(2)) ? 1 : 0);
    }

    static void hlen(Client c) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        c.reply().integer(h == null ? 0 : h.size());
    }

    static void hstrlen(Client c) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        int len = h == null ? -1 : h.valueLength(c.arg(2));
        c.reply().integer(Math.max(len, 0));
    }

    private static final int KEYS = 1, VALUES = 2;

    static void hkeys(Client c) {
        getAll(c, KEYS);
    }

    static void hvals(Client c) {
        getAll(c, VALUES);
    }

    static void hgetall(Client c) {
        getAll(c, KEYS | VALUES);
    }

    /** HKEYS / HVALS reply an array; HGETALL a map (RESP3) or a flat array (RESP2). */
    private static void getAll(Client c, int what) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        RespWriter w = c.reply();
        int n = h == null ? 0 : h.size();
        if (what == (KEYS | VALUES)) w.map(n); else w.array(n);
        if (h == null) return;
        h.forEach((f, fo, fl, v, vo, vl) -> {
            if ((what & KEYS) != 0) w.bulk(f, fo, fl);
            if ((what & VALUES) != 0) w.bulk(v, vo, vl);
        });
    }

    // ---------------------------------------------------------------- HRANDFIELD

    /** HRANDFIELD key [count [WITHVALUES]] */
    static void hrandField(Client c) {
        if (c.argc() >= 3) {
            long count = Numbers.parseLong(c.arg(2));
            if (count == Long.MIN_VALUE) throw COUNT_RANGE;
            boolean withValues = false;
            if (c.argc() > 4 || (c.argc() == 4 && !is(c.arg(3), "withvalues"))) {
                throw CommandError.SYNTAX;
            } else if (c.argc() == 4) {
                withValues = true;
                // the reply has 2 x count elements in RESP2
                if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) throw OUT_OF_RANGE;
            }
            randomFields(c, count, withValues);
            return;
        }
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        if (h == null) {
            c.reply().nullBulk();
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (h.isListpack()) {
            Listpack p = h.listpack();
            int off = p.offsetOf(2 * rnd.nextInt(h.size()));
            c.reply().bulk(p.array(), p.dataAt(off), p.lengthAt(off));
        } else {
            c.reply().bulk(h.table().fairRandomKey(rnd));
        }
    }

    /** Writes one pair of HRANDFIELD's reply: RESP3 nests each pair in a 2-element array. */
    private static void replyPair(RespWriter w, boolean withValues, byte[] f, int fo, int fl, byte[] v, int vo, int vl) {
        if (withValues && w.resp3()) w.array(2);
        w.bulk(f, fo, fl);
        if (withValues) w.bulk(v, vo, vl);
    }

    private static void randomFields(Client c, long l, boolean withValues) {
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        RespWriter w = c.reply();
        if (h == null || l == 0) {
            w.emptyArray();
            return;
        }
        boolean unique = l > 0;
        long count = Math.abs(l);
        int size = h.size();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        boolean flat = withValues && !w.resp3();

        if (!unique || count == 1) {
            // Repeats allowed: every pick is independent and uniform.
            w.array(flat ? count * 2 : count);
            if (h.isListpack()) {
                Listpack p = h.listpack();
                int[] offsets = pairOffsets(p);
                byte[] b = p.array();
                for (long i = 0; i < count; i++) {
                    int f = offsets[rnd.nextInt(size)];
                    int v = p.next(f);
                    replyPair(w, withValues, b, p.dataAt(f), p.lengthAt(f), b, p.dataAt(v), p.lengthAt(v));
                }
            } else {
                BytesMap<byte[]> t = h.table();
                for (long i = 0; i < count; i++) {
                    byte[] f = t.fairRandomKey(rnd);
                    byte[] v = t.get(f);
                    replyPair(w, withValues, f, 0, f.length, v, 0, v.length);
                }
            }
            return;
        }

        long replySize = Math.min(count, size);
        w.array(flat ? replySize * 2 : replySize);
        if (count >= size) {
            h.forEach((f, fo, fl, v, vo, vl) -> replyPair(w, withValues, f, fo, fl, v, vo, vl));
            return;
        }
        if (h.isListpack()) {
            // Selection sampling: each pair is taken with probability needed / remaining, so the
            // sample is uniform and comes out in listpack order, like Redis's lpRandomPairsUnique.
            Listpack p = h.listpack();
            byte[] b = p.array();
            long needed = count;
            int remaining = size;
            for (int f = p.first(); f >= 0 && needed > 0; remaining--) {
                int v = p.next(f);
                if (rnd.nextLong(remaining) < needed) {
                    replyPair(w, withValues, b, p.dataAt(f), p.lengthAt(f), b, p.dataAt(v), p.lengthAt(v));
                    needed--;
                }
                f = p.next(v);
            }
            return;
        }
        BytesMap<byte[]> t = h.table();
        if (count * 3 > size) {
            // Close to the whole hash: shuffle the fields and take the first count.
            byte[][] fields = new byte[size][];
            int[] n = {0};
            t.forEach((f, v) -> fields[n[0]++] = f);
            for (int i = 0; i < count; i++) {
                int j = i + rnd.nextInt(size - i);
                byte[] x = fields[i];
                fields[i] = fields[j];
                fields[j] = x;
                byte[] v = t.get(fields[i]);
                replyPair(w, withValues, fields[i], 0, fields[i].length, v, 0, v.length);
            }
            return;
        }
        // Far fewer than the hash holds: draw until count distinct fields came up.
        BytesMap<Boolean> seen = new BytesMap<>((int) count);
        long added = 0;
        while (added < count) {
            byte[] f = t.fairRandomKey(rnd);
            if (!seen.putIfAbsent(f, Boolean.TRUE)) continue;
            added++;
            byte[] v = t.get(f);
            replyPair(w, withValues, f, 0, f.length, v, 0, v.length);
        }
    }

    private static int[] pairOffsets(Listpack p) {
        int[] offsets = new int[p.size() / 2];
        int i = 0;
        for (int off = p.first(); off >= 0; off = p.next(p.next(off))) offsets[i++] = off;
        return offsets;
    }

    // ---------------------------------------------------------------- HSCAN

    /** HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES] */
    static void hscan(Client c) {
        long cursor = KeyCommands.parseCursor(c.arg(2));
        HashValue h = c.db().get(c.arg(1), HashValue.class);
        RespWriter w = c.reply();
        if (h == null) {
            // Redis answers a missing key before looking at the options.
            w.array(2);
            w.bulk(ZERO);
            w.emptyArray();
            return;
        }
        ScanOptions options = ScanOptions.parse(c, 3, true);
        long count = options.count();
        byte[] pattern = options.pattern();
        boolean noValues = options.noValues();
        List<byte[]> out = new ArrayList<>();
        byte[] pat = pattern;
        boolean withValues = !noValues;
        if (h.isListpack()) {
            // Small encodings come back whole, with cursor 0 (Redis does the same).
            h.forEach((f, fo, fl, v, vo, vl) -> {
                byte[] field = Arrays.copyOfRange(f, fo, fo + fl);
                if (pat != null && !Glob.matches(pat, field, false)) return;
                out.add(field);
                if (withValues) out.add(Arrays.copyOfRange(v, vo, vo + vl));
            });
            cursor = 0;
        } else {
            long[] sampled = {0};
            long maxBuckets = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
            BytesMap<byte[]> t = h.table();
            do {
                cursor = t.scan(cursor, (f, v) -> {
                    sampled[0]++;
                    if (pat != null && !Glob.matches(pat, f, false)) return;
                    out.add(f);
                    if (withValues) out.add(v);
                });
            } while (cursor != 0 && maxBuckets-- > 0 && sampled[0] < count);
        }
        w.array(2);
        w.bulk(Long.toUnsignedString(cursor));
        w.array(out.size());
        for (byte[] b : out) w.bulk(b);
    }

    private static final byte[] ZERO = {'0'};
}
