package io.ferrite.server.set;

import io.ferrite.server.pubsub.KeyspaceEvents;
import static io.ferrite.server.string.StringCommands.is;

import io.ferrite.server.collection.BytesMap;
import io.ferrite.server.collection.ScanOptions;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.hash.Listpack;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.KeyCommands;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Set commands (Redis 7.2 group "set"): SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER
 * SPOP SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 * Spec: https://redis.io/docs/latest/commands/?group=set. Layout: {@link SetValue}.
 *
 * <p>Behaviour, reply shapes, error texts and the encodings of computed sets follow t_set.c of
 * Redis 7.2.6: SINTERSTORE builds its result as an intset when the smallest input is one, else
 * as a listpack, and turns an all-integer result into an intset; SUNION(STORE) and SDIFF(STORE)
 * build theirs from an empty intset, converting as members arrive. Missing keys are empty sets;
 * a key of another type among the inputs is WRONGTYPE even after a missing one. A *STORE with
 * an empty result deletes the destination and replies 0. An emptied set is deleted.
 */
public final class SetCommands {
    private SetCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("sadd", -3, "write denyoom fast", "@set", 1, 1, 1, SetCommands::sadd);
        t.add("srem", -3, "write fast", "@set", 1, 1, 1, SetCommands::srem);
        t.add("scard", 2, "readonly fast", "@set", 1, 1, 1, SetCommands::scard);
        t.add("sismember", 3, "readonly fast", "@set", 1, 1, 1, SetCommands::sismember);
        t.add("smismember", -3, "readonly fast", "@set", 1, 1, 1, SetCommands::smismember);
        t.add("smembers", 2, "readonly", "@set", 1, 1, 1, SetCommands::smembers);
        t.add("srandmember", -2, "readonly", "@set", 1, 1, 1, SetCommands::srandmember);
        t.add("spop", -2, "write fast", "@set", 1, 1, 1, SetCommands::spop);
        t.add("smove", 4, "write fast", "@set", 1, 2, 1, SetCommands::smove);
        t.add("sinter", -2, "readonly", "@set", 1, -1, 1, SetCommands::sinter);
        t.add("sintercard", -3, "readonly movablekeys lock_all", "@set", 0, 0, 0, SetCommands::sinterCard);
        t.add("sinterstore", -3, "write denyoom", "@set", 1, -1, 1, SetCommands::sinterStore);
        t.add("sunion", -2, "readonly", "@set", 1, -1, 1, SetCommands::sunion);
        t.add("sunionstore", -3, "write denyoom", "@set", 1, -1, 1, SetCommands::sunionStore);
        t.add("sdiff", -2, "readonly", "@set", 1, -1, 1, SetCommands::sdiff);
        t.add("sdiffstore", -3, "write denyoom", "@set", 1, -1, 1, SetCommands::sdiffStore);
        t.add("sscan", -3, "readonly", "@set", 1, 1, 1, SetCommands::sscan);
    }

    static final CommandError MUST_BE_POSITIVE = new CommandError("ERR value is out of range, must be positive");
    static final CommandError COUNT_RANGE = new CommandError(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    static final CommandError NUMKEYS = new CommandError("ERR numkeys should be greater than 0");
    static final CommandError TOO_MANY_KEYS = new CommandError("ERR Number of keys can't be greater than number of args");
    static final CommandError LIMIT_NEGATIVE = new CommandError("ERR LIMIT can't be negative");

    // ---------------------------------------------------------------- lookups and limits

    /** The set at key for a write: null when absent, WRONGTYPE for another type. */
    private static DbEntry writeEntry(Database db, byte[] key) {
        DbEntry e = db.lookup(key);
        if (e != null && !(e.value() instanceof SetValue)) throw CommandError.WRONGTYPE;
        return e;
    }

    /** The thresholds in force now (read per command, so CONFIG SET applies to later writes). */
    static SetValue.Limits limits(Client c) {
        FerriteConfig cfg = c.server().config();
        return new SetValue.Limits(cfg.param("set-max-intset-entries").longValue(),
                cfg.param("set-max-listpack-entries").longValue(),
                cfg.param("set-max-listpack-value").longValue());
    }

    /** Writes every member of s as a bulk string (intset members without a temporary array). */
    private static void replyMembers(RespWriter w, SetValue s) {
        s.forEach(new SetValue.MemberVisitor() {
            @Override public void member(byte[] b, int off, int len) { w.bulk(b, off, len); }
            // Not RespWriter.bulkLong: it formats the length into the digit buffer it is printing from.
            @Override public void member(long v) { w.bulk(Numbers.formatLong(v)); }
        });
    }

    // ---------------------------------------------------------------- single-key writes

    static void sadd(Client c) {
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = writeEntry(db, key);
        SetValue.Limits l = limits(c);
        int n = c.argc() - 2;
        SetValue s;
        if (e == null) {
            s = SetValue.create(c.arg(2), n, l);
        } else {
            s = (SetValue) e.value();
            s.maybeConvert(n, l);
        }
        int added = 0;
        for (int i = 2; i < c.argc(); i++) if (s.add(c.arg(i), l)) added++;
        if (e == null) db.add(key, s);
        else if (added > 0) db.touched(e);
        if (added > 0) KeyspaceEvents.notify(c, KeyspaceEvents.SET, "sadd", key);
        c.reply().integer(added);
    }

    static void srem(Client c) {
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        SetValue s = (SetValue) e.value();
        int removed = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (s.remove(c.arg(i))) {
                removed++;
                if (s.size() == 0) break;
            }
        }
        if (s.size() == 0) db.remove(e);
        else if (removed > 0) db.touched(e);
        if (removed > 0) KeyspaceEvents.notify(c, KeyspaceEvents.SET, "srem", c.arg(1));
        c.reply().integer(removed);
    }

    /** SMOVE source destination member */
    static void smove(Client c) {
        Database db = c.db();
        DbEntry src = db.lookup(c.arg(1));
        DbEntry dst = db.lookup(c.arg(2));
        byte[] member = c.arg(3);
        if (src == null) {
            // Redis answers 0 before checking either type.
            c.reply().integer(0);
            return;
        }
        if (!(src.value() instanceof SetValue from)) throw CommandError.WRONGTYPE;
        if (dst != null && !(dst.value() instanceof SetValue)) throw CommandError.WRONGTYPE;
        if (dst == src) {
            c.reply().integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            c.reply().integer(0);
            return;
        }
        if (from.size() == 0) db.remove(src); else db.touched(src);
        SetValue.Limits l = limits(c);
        if (dst == null) {
            SetValue to = SetValue.create(member, 1, l);
            to.add(member, l);
            db.add(c.arg(2), to);
        } else if (((SetValue) dst.value()).add(member, l)) {
            db.touched(dst);
        }
        c.reply().integer(1);
    }

    // ---------------------------------------------------------------- single-key reads

    static void scard(Client c) {
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        c.reply().integer(s == null ? 0 : s.size());
    }

    static void sismember(Client c) {
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        c.reply().integer(s != null && s.contains(c.arg(2)) ? 1 : 0);
    }

    static void smismember(Client c) {
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        RespWriter w = c.reply();
        w.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) w.integer(s != null && s.contains(c.arg(i)) ? 1 : 0);
    }

    /** SMEMBERS: a set reply (RESP3 '~'), as Redis 7.2 serves it through SINTER. */
    static void smembers(Client c) {
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        RespWriter w = c.reply();
        w.set(s == null ? 0 : s.size());
        if (s != null) replyMembers(w, s);
    }

    // ---------------------------------------------------------------- SRANDMEMBER / SPOP

    /** SRANDMEMBER key [count]: a negative count allows repeats. */
    static void srandmember(Client c) {
        if (c.argc() == 3) {
            long l = Numbers.parseLong(c.arg(2));
            if (l == Long.MIN_VALUE) throw COUNT_RANGE;
            randomMembers(c, l);
            return;
        } else if (c.argc() > 3) {
            throw CommandError.SYNTAX;
        }
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        if (s == null) c.reply().nullBulk(); else c.reply().bulk(s.randomMember(ThreadLocalRandom.current()));
    }

    private static void randomMembers(Client c, long l) {
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        RespWriter w = c.reply();
        if (s == null || l == 0) {
            w.emptyArray();
            return;
        }
        boolean unique = l > 0;
        long count = Math.abs(l);
        int size = s.size();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();

        if (!unique || count == 1) {
            // Repeats allowed: independent uniform picks.
            w.array(count);
            switch (s.encodingId()) {
                case SetValue.INTSET -> {
                    long[] ints = s.ints();
                    for (long i = 0; i < count; i++) w.bulk(Numbers.formatLong(ints[rnd.nextInt(size)]));
                }
                case SetValue.LISTPACK -> {
                    Listpack p = s.listpack();
                    int[] offsets = new int[size];
                    int k = 0;
                    for (int off = p.first(); off >= 0; off = p.next(off)) offsets[k++] = off;
                    for (long i = 0; i < count; i++) {
                        int off = offsets[rnd.nextInt(size)];
                        w.bulk(p.array(), p.dataAt(off), p.lengthAt(off));
                    }
                }
                default -> {
                    BytesMap<Boolean> t = s.table();
                    for (long i = 0; i < count; i++) w.bulk(t.fairRandomKey(rnd));
                }
            }
            return;
        }
        if (count >= size) {
            w.array(size);
            replyMembers(w, s);
            return;
        }
        w.array(count);
        if (s.encodingId() == SetValue.LISTPACK) {
            // Selection sampling: uniform, and in listpack order (Redis's lpNextRandom walk).
            Listpack p = s.listpack();
            long needed = count;
            int remaining = size;
            for (int off = p.first(); off >= 0 && needed > 0; off = p.next(off), remaining--) {
                if (rnd.nextLong(remaining) < needed) {
                    w.bulk(p.array(), p.dataAt(off), p.lengthAt(off));
                    needed--;
                }
            }
            return;
        }
        if (count * 3 > size) {
            // Close to the whole set: shuffle a copy and take the first count.
            byte[][] all = s.toArray();
            for (int i = 0; i < count; i++) {
                int j = i + rnd.nextInt(size - i);
                byte[] x = all[i];
                all[i] = all[j];
                all[j] = x;
                w.bulk(all[i]);
            }
            return;
        }
        // Far fewer than the set holds: draw until count distinct members came up.
        BytesMap<Boolean> seen = new BytesMap<>((int) count);
        long added = 0;
        while (added < count) {
            byte[] m = s.randomMember(rnd);
            if (!seen.putIfAbsent(m, Boolean.TRUE)) continue;
            added++;
            w.bulk(m);
        }
    }

    /** SPOP key [count] */
    static void spop(Client c) {
        if (c.argc() == 3) {
            popWithCount(c);
            return;
        } else if (c.argc() > 3) {
            throw CommandError.SYNTAX;
        }
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        SetValue s = (SetValue) e.value();
        c.reply().bulk(s.pop(ThreadLocalRandom.current()));
        if (s.size() == 0) db.remove(e); else db.touched(e);
    }

    /** Redis multiplies the remaining size by this to choose "pop one by one" over "rebuild". */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;

    private static void popWithCount(Client c) {
        long count;
        try {
            count = Numbers.parseLong(c.arg(2));
        } catch (CommandError notInteger) {
            throw MUST_BE_POSITIVE; // Redis words both cases alike
        }
        if (count < 0) throw MUST_BE_POSITIVE;
        Database db = c.db();
        DbEntry e = writeEntry(db, c.arg(1));
        RespWriter w = c.reply();
        if (e == null || count == 0) {
            w.set(0);
            return;
        }
        SetValue s = (SetValue) e.value();
        int size = s.size();
        if (count >= size) {
            w.set(size);
            replyMembers(w, s);
            db.remove(e);
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        w.set(count);
        long remaining = size - count;
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            for (long i = 0; i < count; i++) w.bulk(s.pop(rnd));
            db.touched(e);
            return;
        }
        // Most of the set goes: move the few survivors into a new set, reply the old one. As in
        // Redis, the new set starts as an intset (from an intset) or a listpack, whatever the old
        // encoding was, so this can bring a hashtable back down to a small encoding.
        SetValue.Limits l = limits(c);
        SetValue survivors = s.encodingId() == SetValue.INTSET ? SetValue.newIntset() : SetValue.newListpack();
        for (long i = 0; i < remaining; i++) {
            byte[] m = s.pop(rnd);
            survivors.add(m, l);
        }
        replyMembers(w, s);
        db.update(e, survivors);
    }

    // ---------------------------------------------------------------- SINTER family

    static void sinter(Client c) {
        intersect(c, 1, c.argc() - 1, null, false, 0);
    }

    static void sinterStore(Client c) {
        intersect(c, 2, c.argc() - 2, c.arg(1), false, 0);
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit] */
    static void sinterCard(Client c) {
        long numKeys;
        try {
            numKeys = Numbers.parseLong(c.arg(1));
        } catch (CommandError notInteger) {
            throw NUMKEYS;
        }
        if (numKeys < 1) throw NUMKEYS;
        if (numKeys > c.argc() - 2) throw TOO_MANY_KEYS;
        long limit = 0;
        for (int i = 2 + (int) numKeys; i < c.argc(); i++) {
            boolean more = i + 1 < c.argc();
            if (is(c.arg(i), "limit") && more) {
                try {
                    limit = Numbers.parseLong(c.arg(++i));
                } catch (CommandError notInteger) {
                    throw LIMIT_NEGATIVE;
                }
                if (limit < 0) throw LIMIT_NEGATIVE;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        intersect(c, 2, (int) numKeys, null, true, limit);
    }

    /** The sets at keys [first, first + n): null for a missing key; WRONGTYPE for another type. */
    private static SetValue[] inputs(Client c, int first, int n) {
        Database db = c.db();
        SetValue[] sets = new SetValue[n];
        for (int i = 0; i < n; i++) {
            DbEntry e = db.lookupRead(c.arg(first + i));
            if (e == null) continue;
            if (!(e.value() instanceof SetValue s)) throw CommandError.WRONGTYPE;
            sets[i] = s;
        }
        return sets;
    }

    /** Stores a computed set at dst, or deletes dst when it is empty; replies the size. */
    private static void store(Client c, byte[] dst, SetValue result) {
        if (result.size() > 0) {
            c.db().set(dst, result);
            c.reply().integer(result.size());
        } else {
            c.db().delete(dst);
            c.reply().integer(0);
        }
    }

    /** Walks the smallest set and keeps the members every other set holds. */
    private static final class Intersection implements SetValue.MemberVisitor {
        final SetValue[] sets;
        final SetValue result;          // SINTERSTORE
        final List<byte[]> members;     // SINTER
        final SetValue.Limits limits;
        final long limit;
        long cardinality;
        boolean onlyIntegers = true;

        Intersection(SetValue[] sets, SetValue result, List<byte[]> members, SetValue.Limits limits, long limit) {
            this.sets = sets;
            this.result = result;
            this.members = members;
            this.limits = limits;
            this.limit = limit;
        }

        private boolean done() {
            return limit > 0 && cardinality >= limit;
        }

        @Override
        public void member(byte[] b, int off, int len) {
            if (done()) return;
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != sets[0] && !sets[j].contains(b, off, len)) return;
            }
            cardinality++;
            if (result != null) {
                byte[] m = Arrays.copyOfRange(b, off, off + len);
                if (onlyIntegers && !Numbers.isLong(m)) onlyIntegers = false;
                result.add(m, limits);
            } else if (members != null) {
                members.add(Arrays.copyOfRange(b, off, off + len));
            }
        }

        @Override
        public void member(long v) {
            if (done()) return;
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != sets[0] && !sets[j].containsLong(v)) return;
            }
            cardinality++;
            if (result != null) result.addLong(v, limits);
            else if (members != null) members.add(Numbers.formatLong(v));
        }
    }

    private static void intersect(Client c, int first, int n, byte[] dst, boolean cardinalityOnly, long limit) {
        SetValue[] sets = inputs(c, first, n);
        RespWriter w = c.reply();
        for (SetValue s : sets) {
            if (s == null) {
                // An empty input empties the intersection.
                if (dst != null) store(c, dst, SetValue.newIntset());
                else if (cardinalityOnly) w.integer(0);
                else w.set(0);
                return;
            }
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        SetValue result = null;
        List<byte[]> members = null;
        if (dst != null) {
            result = sets[0].encodingId() == SetValue.INTSET ? SetValue.newIntset() : SetValue.newListpack();
        } else if (!cardinalityOnly) {
            members = new ArrayList<>();
        }
        SetValue.Limits l = limits(c);
        Intersection walk = new Intersection(sets, result, members, l, limit);
        sets[0].forEach(walk);
        if (cardinalityOnly) {
            w.integer(walk.cardinality);
        } else if (dst != null) {
            if (walk.onlyIntegers) result.convertToIntsetIfFits(l);
            store(c, dst, result);
        } else {
            w.set(members.size());
            for (byte[] m : members) w.bulk(m);
        }
    }

    // ---------------------------------------------------------------- SUNION / SDIFF

    static void sunion(Client c) {
        unionOrDiff(c, 1, c.argc() - 1, null, false);
    }

    static void sunionStore(Client c) {
        unionOrDiff(c, 2, c.argc() - 2, c.arg(1), false);
    }

    static void sdiff(Client c) {
        unionOrDiff(c, 1, c.argc() - 1, null, true);
    }

    static void sdiffStore(Client c) {
        unionOrDiff(c, 2, c.argc() - 2, c.arg(1), true);
    }

    /** Adds every visited member to a result set. */
    private record AddTo(SetValue result, SetValue.Limits limits) implements SetValue.MemberVisitor {
        @Override public void member(byte[] b, int off, int len) { result.add(Arrays.copyOfRange(b, off, off + len), limits); }
        @Override public void member(long v) { result.addLong(v, limits); }
    }

    private static void unionOrDiff(Client c, int first, int n, byte[] dst, boolean diff) {
        SetValue[] sets = inputs(c, first, n);
        SetValue.Limits l = limits(c);
        boolean sameSet = false;
        for (int j = 1; j < n; j++) if (sets[j] != null && sets[j] == sets[0]) sameSet = true;

        SetValue result = SetValue.newIntset();
        AddTo add = new AddTo(result, l);
        if (!diff) {
            for (SetValue s : sets) if (s != null) s.forEach(add);
        } else if (sets[0] != null && !sameSet) {
            // Redis's choice between walking the first set (work ~ N x M, halved for its better
            // constants) and adding it whole then removing the others (work ~ total size). The
            // result is the same, but its encoding can differ, so we choose as Redis does.
            long one = 0, two = 0;
            for (SetValue s : sets) {
                if (s == null) continue;
                one += sets[0].size();
                two += s.size();
            }
            if (one / 2 <= two) {
                SetValue base = sets[0];
                base.forEach(new SetValue.MemberVisitor() {
                    @Override public void member(byte[] b, int off, int len) {
                        for (int j = 1; j < n; j++) if (sets[j] != null && sets[j].contains(b, off, len)) return;
                        result.add(Arrays.copyOfRange(b, off, off + len), l);
                    }
                    @Override public void member(long v) {
                        for (int j = 1; j < n; j++) if (sets[j] != null && sets[j].containsLong(v)) return;
                        result.addLong(v, l);
                    }
                });
            } else {
                sets[0].forEach(add);
                for (int j = 1; j < n && result.size() > 0; j++) {
                    if (sets[j] == null) continue;
                    sets[j].forEach(new SetValue.MemberVisitor() {
                        @Override public void member(byte[] b, int off, int len) { result.remove(Arrays.copyOfRange(b, off, off + len)); }
                        @Override public void member(long v) { result.remove(Numbers.formatLong(v)); }
                    });
                }
            }
        }
        if (dst != null) {
            store(c, dst, result);
        } else {
            RespWriter w = c.reply();
            w.set(result.size());
            replyMembers(w, result);
        }
    }

    // ---------------------------------------------------------------- SSCAN

    private static final byte[] ZERO = {'0'};

    /** SSCAN key cursor [MATCH pattern] [COUNT count] */
    static void sscan(Client c) {
        long cursor = KeyCommands.parseCursor(c.arg(2));
        SetValue s = c.db().get(c.arg(1), SetValue.class);
        RespWriter w = c.reply();
        if (s == null) {
            // Redis answers a missing key before looking at the options.
            w.array(2);
            w.bulk(ZERO);
            w.emptyArray();
            return;
        }
        ScanOptions options = ScanOptions.parse(c, 3, false);
        long count = options.count();
        byte[] pattern = options.pattern();
        byte[] pat = pattern;
        List<byte[]> out = new ArrayList<>();
        if (s.encodingId() != SetValue.HASHTABLE) {
            // Small encodings come back whole, with cursor 0 (Redis does the same).
            s.forEach((b, off, len) -> {
                byte[] m = Arrays.copyOfRange(b, off, off + len);
                if (pat == null || Glob.matches(pat, m, false)) out.add(m);
            });
            cursor = 0;
        } else {
            long[] sampled = {0};
            long maxBuckets = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
            BytesMap<Boolean> t = s.table();
            do {
                cursor = t.scan(cursor, (m, unused) -> {
                    sampled[0]++;
                    if (pat == null || Glob.matches(pat, m, false)) out.add(m);
                });
            } while (cursor != 0 && maxBuckets-- > 0 && sampled[0] < count);
        }
        w.array(2);
        w.bulk(Long.toUnsignedString(cursor));
        w.array(out.size());
        for (byte[] m : out) w.bulk(m);
    }
}
