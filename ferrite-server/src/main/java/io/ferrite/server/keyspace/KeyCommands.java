package io.ferrite.server.keyspace;

import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static io.ferrite.server.string.StringCommands.is;

/**
 * Generic key commands (Redis 7.2 group "generic"): DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX,
 * COPY, MOVE, KEYS, SCAN, RANDOMKEY, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME,
 * PEXPIRETIME, PERSIST, TOUCH, OBJECT (ENCODING, FREQ, IDLETIME, REFCOUNT, HELP), DUMP, RESTORE.
 * Spec: https://redis.io/docs/latest/commands/?group=generic
 *
 * <p>Locking: two-key commands (RENAME, RENAMENX, COPY) name both keys; MOVE and COPY ... DB
 * reach another database's copy of a key they name, which lives in the same shard because a
 * shard spans all databases. KEYS, SCAN and RANDOMKEY lock every shard.
 */
public final class KeyCommands {
    private KeyCommands() {}

    static final CommandError SAME_OBJECT = new CommandError("ERR source and destination objects are the same");
    static final CommandError BUSY_KEY = new CommandError("BUSYKEY Target key name already exists.");
    static final CommandError INT_RANGE =
            new CommandError("ERR value is out of range, value must between -2147483648 and 2147483647");
    static final CommandError INVALID_CURSOR = new CommandError("ERR invalid cursor");
    static final CommandError NO_LFU = new CommandError("ERR An LFU maxmemory policy is not selected, access "
            + "frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data "
            + "will take some time to adjust.");
    static final CommandError LFU_SELECTED = new CommandError("ERR An LFU maxmemory policy is selected, idle time "
            + "not tracked. Please note that when switching between policies at runtime LRU and LFU data will take "
            + "some time to adjust.");

    public static void register(CommandTable.Builder t) {
        t.add("del", -2, "write", "@keyspace", 1, -1, 1, KeyCommands::del);
        t.add("unlink", -2, "write fast", "@keyspace", 1, -1, 1, KeyCommands::unlink);
        t.add("exists", -2, "readonly fast", "@keyspace", 1, -1, 1, KeyCommands::exists);
        t.add("type", 2, "readonly fast", "@keyspace", 1, 1, 1, KeyCommands::type);
        t.add("rename", 3, "write", "@keyspace", 1, 2, 1, KeyCommands::rename);
        t.add("renamenx", 3, "write fast", "@keyspace", 1, 2, 1, KeyCommands::renamenx);
        t.add("copy", -3, "write denyoom", "@keyspace", 1, 2, 1, KeyCommands::copy);
        t.add("move", 3, "write fast", "@keyspace", 1, 1, 1, KeyCommands::move);
        t.add("keys", 2, "readonly lock_all", "@keyspace @dangerous", 0, 0, 0, KeyCommands::keys);
        t.add("scan", -2, "readonly lock_all", "@keyspace", 0, 0, 0, KeyCommands::scan);
        t.add("randomkey", 1, "readonly lock_all", "@keyspace", 0, 0, 0, KeyCommands::randomKey);
        t.add("expire", -3, "write fast", "@keyspace", 1, 1, 1, KeyCommands::expire);
        t.add("pexpire", -3, "write fast", "@keyspace", 1, 1, 1, KeyCommands::pexpire);
        t.add("expireat", -3, "write fast", "@keyspace", 1, 1, 1, KeyCommands::expireAt);
        t.add("pexpireat", -3, "write fast", "@keyspace", 1, 1, 1, KeyCommands::pexpireAt);
        t.add("ttl", 2, "readonly fast", "@keyspace", 1, 1, 1, KeyCommands::ttl);
        t.add("pttl", 2, "readonly fast", "@keyspace", 1, 1, 1, KeyCommands::pttl);
        t.add("expiretime", 2, "readonly fast", "@keyspace", 1, 1, 1, KeyCommands::expireTime);
        t.add("pexpiretime", 2, "readonly fast", "@keyspace", 1, 1, 1, KeyCommands::pexpireTime);
        t.add("persist", 2, "write fast", "@keyspace", 1, 1, 1, KeyCommands::persist);
        t.add("touch", -2, "readonly fast", "@keyspace", 1, -1, 1, KeyCommands::touch);
        t.container("object", -2, "", "")
                .sub("encoding", 3, "readonly", "@keyspace", 2, 2, 1, KeyCommands::objectEncoding)
                .sub("freq", 3, "readonly", "@keyspace", 2, 2, 1, KeyCommands::objectFreq)
                .sub("idletime", 3, "readonly", "@keyspace", 2, 2, 1, KeyCommands::objectIdleTime)
                .sub("refcount", 3, "readonly", "@keyspace", 2, 2, 1, KeyCommands::objectRefCount)
                .sub("help", 2, "loading stale", "@keyspace", 0, 0, 0, KeyCommands::objectHelp);
        t.add("dump", 2, "readonly", "@keyspace", 1, 1, 1, KeyCommands::dump);
        t.add("restore", -4, "write denyoom", "@keyspace @dangerous", 1, 1, 1, KeyCommands::restore);
    }

    // ---- existence, type, deletion

    /** DEL and UNLINK: values are freed by the collector either way, so both delete at once. */
    static void del(Client c) {
        Database db = c.db();
        int n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (db.delete(c.arg(i))) {
                n++;
                KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "del", c.arg(i));
            }
        }
        c.reply().integer(n);
    }

    static void unlink(Client c) { del(c); }

    /** Counts each argument, so a key named twice counts twice (as in Redis). */
    static void exists(Client c) {
        Database db = c.db();
        int n = 0;
        for (int i = 1; i < c.argc(); i++) if (db.peekRead(c.arg(i)) != null) n++;
        c.reply().integer(n);
    }

    static void type(Client c) {
        DbEntry e = c.db().peekRead(c.arg(1));
        c.reply().simple(e == null ? "none" : typeName(e.value()));
    }

    /** The TYPE name of a stored value. */
    public static String typeName(Object value) {
        return value instanceof Value v ? v.typeName() : "string";
    }

    static void touch(Client c) {
        Database db = c.db();
        int n = 0;
        for (int i = 1; i < c.argc(); i++) if (db.lookupRead(c.arg(i)) != null) n++;
        c.reply().integer(n);
    }

    // ---- renaming, copying, moving

    static void rename(Client c) { renameGeneric(c, false); }

    static void renamenx(Client c) { renameGeneric(c, true); }

    /** The value and TTL move to the new name; a TTL the target had is dropped with it. */
    private static void renameGeneric(Client c, boolean nx) {
        Database db = c.db();
        byte[] from = c.arg(1), to = c.arg(2);
        DbEntry src = db.lookup(from);
        if (src == null) throw CommandError.NO_SUCH_KEY;
        RespWriter w = c.reply();
        if (Arrays.equals(from, to)) {
            if (nx) w.integer(0); else w.ok();
            return;
        }
        DbEntry dst = db.lookup(to);
        if (dst != null && nx) {
            w.integer(0);
            return;
        }
        if (src.value() instanceof Value v) v.beforeRename(db, from, to);
        if (dst != null) db.remove(dst);
        db.remove(src);
        db.set(to, src.value(), src.expireAt());
        KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "rename_from", from);
        KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "rename_to", to);
        if (nx) w.integer(1); else w.ok();
    }

    /** COPY source destination [DB destination-db] [REPLACE] */
    static void copy(Client c) {
        Database src = c.db();
        Database dst = src;
        boolean replace = false;
        for (int i = 3; i < c.argc(); i++) {
            if (is(c.arg(i), "replace")) {
                replace = true;
            } else if (is(c.arg(i), "db") && i + 1 < c.argc()) {
                dst = database(c, c.arg(++i));
            } else {
                throw CommandError.SYNTAX;
            }
        }
        byte[] from = c.arg(1), to = c.arg(2);
        if (src == dst && Arrays.equals(from, to)) throw SAME_OBJECT;
        DbEntry e = src.lookupRead(from);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        DbEntry existing = dst.lookup(to);
        if (existing != null) {
            if (!replace) {
                c.reply().integer(0);
                return;
            }
            dst.remove(existing);
        }
        Object v = e.value();
        Object dup = v instanceof byte[] b ? b.clone() : ((Value) v).copy();
        dst.set(to, dup, e.expireAt());
        c.reply().integer(1);
    }

    /** MOVE key db: the key keeps its TTL; nothing happens when the target already has the key. */
    static void move(Client c) {
        Database src = c.db();
        Database dst = database(c, c.arg(2));
        if (src == dst) throw SAME_OBJECT;
        byte[] key = c.arg(1);
        DbEntry e = src.lookup(key);
        if (e == null || dst.lookup(key) != null) {
            c.reply().integer(0);
            return;
        }
        src.remove(e);
        dst.set(key, e.value(), e.expireAt());
        c.reply().integer(1);
    }

    /** A database named by a command argument (an int, then a valid index), as SELECT parses it. */
    private static Database database(Client c, byte[] arg) {
        long id = Numbers.parseLong(arg);
        if (id != (int) id) throw INT_RANGE;
        Keyspace ks = c.server().keyspace();
        if (id < 0 || id >= ks.databaseCount()) throw CommandError.DB_INDEX;
        return ks.database((int) id);
    }

    // ---- iteration

    /** KEYS pattern: expired keys are skipped but left for expiry to reclaim, as Redis does. */
    static void keys(Client c) {
        byte[] pattern = c.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        long now = Clock.now();
        List<byte[]> found = new ArrayList<>();
        c.db().forEach(e -> {
            if ((all || Glob.matches(pattern, e.key, false)) && !expired(e, now)) found.add(e.key);
        });
        RespWriter w = c.reply();
        w.array(found.size());
        for (byte[] k : found) w.bulk(k);
    }

    private static boolean expired(DbEntry e, long now) {
        return e.expireAt != DbEntry.NO_EXPIRE && e.expireAt <= now;
    }

    /** Collects the entries of one SCAN call that match its pattern, counting every entry visited. */
    private static final class ScanBatch implements Consumer<DbEntry> {
        final byte[] pattern;
        final List<DbEntry> found = new ArrayList<>();
        long visited;

        ScanBatch(byte[] pattern) { this.pattern = pattern; }

        @Override
        public void accept(DbEntry e) {
            visited++;
            if (pattern == null || Glob.matches(pattern, e.key, false)) found.add(e);
        }
    }

    /**
     * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. Visits buckets until at least COUNT
     * entries were seen (at most 10 x COUNT buckets, so sparse tables cannot stall it), then
     * filters by pattern, liveness and type. The cursor walk is {@link Database#scan}'s.
     */
    static void scan(Client c) {
        long cursor = parseCursor(c.arg(1));
        long count = 10;
        byte[] pattern = null;
        String type = null;
        for (int i = 2; i < c.argc(); i++) {
            boolean hasValue = i + 1 < c.argc();
            if (is(c.arg(i), "count") && hasValue) {
                count = Numbers.parseLong(c.arg(++i));
                if (count < 1) throw CommandError.SYNTAX;
            } else if (is(c.arg(i), "match") && hasValue) {
                pattern = c.arg(++i);
                if (pattern.length == 1 && pattern[0] == '*') pattern = null;
            } else if (is(c.arg(i), "type") && hasValue) {
                type = new String(c.arg(++i), StandardCharsets.UTF_8);
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Database db = c.db();
        ScanBatch batch = new ScanBatch(pattern);
        long maxBuckets = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
        do {
            cursor = db.scan(cursor, batch);
        } while (cursor != 0 && maxBuckets-- > 0 && batch.visited < count);

        long now = Clock.now();
        List<byte[]> keys = new ArrayList<>(batch.found.size());
        for (DbEntry e : batch.found) {
            if (expired(e, now)) {
                db.peek(e.key); // reclaims it, as Redis's SCAN does
                continue;
            }
            if (type == null || typeName(e.value).equalsIgnoreCase(type)) keys.add(e.key);
        }
        RespWriter w = c.reply();
        w.array(2);
        w.bulk(Long.toUnsignedString(cursor));
        w.array(keys.size());
        for (byte[] k : keys) w.bulk(k);
    }

    private static final long MAX_DIV_10 = Long.divideUnsigned(-1L, 10);
    private static final long MAX_MOD_10 = Long.remainderUnsigned(-1L, 10);

    /**
     * A cursor as Redis reads it with strtoul: unsigned 64-bit decimal with an optional sign
     * (a negative value wraps around), no leading space, nothing after the digits; "" is 0.
     */
    public static long parseCursor(byte[] b) {
        int n = b.length, i = 0;
        if (n == 0) return 0;
        boolean negative = false;
        if (b[0] == '+' || b[0] == '-') {
            negative = b[0] == '-';
            i++;
        }
        if (i == n) throw INVALID_CURSOR;
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) throw INVALID_CURSOR;
            if (Long.compareUnsigned(v, MAX_DIV_10) > 0 || (v == MAX_DIV_10 && d > MAX_MOD_10)) throw INVALID_CURSOR;
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    static void randomKey(Client c) {
        DbEntry e = c.db().randomEntry();
        if (e == null) c.reply().nullBulk(); else c.reply().bulk(e.key());
    }

    // ---- expiry

    private static final int EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;
    private static final CommandError NX_CONFLICT =
            new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
    private static final CommandError GT_LT_CONFLICT =
            new CommandError("ERR GT and LT options at the same time are not compatible");
    private static final CommandError BAD_EXPIRE = invalidExpire("expire"), BAD_PEXPIRE = invalidExpire("pexpire"),
            BAD_EXPIREAT = invalidExpire("expireat"), BAD_PEXPIREAT = invalidExpire("pexpireat");

    private static CommandError invalidExpire(String command) {
        return new CommandError("ERR invalid expire time in '" + command + "' command");
    }

    static void expire(Client c) { expireGeneric(c, Clock.now(), true, BAD_EXPIRE); }

    static void pexpire(Client c) { expireGeneric(c, Clock.now(), false, BAD_PEXPIRE); }

    static void expireAt(Client c) { expireGeneric(c, 0, true, BAD_EXPIREAT); }

    static void pexpireAt(Client c) { expireGeneric(c, 0, false, BAD_PEXPIREAT); }

    /**
     * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX | XX | GT | LT]. A key without a TTL
     * counts as an infinite TTL for GT and LT. A time not in the future deletes the key.
     */
    private static void expireGeneric(Client c, long base, boolean seconds, CommandError invalid) {
        int flags = 0;
        for (int i = 3; i < c.argc(); i++) {
            byte[] opt = c.arg(i);
            if (is(opt, "nx")) flags |= EXPIRE_NX;
            else if (is(opt, "xx")) flags |= EXPIRE_XX;
            else if (is(opt, "gt")) flags |= EXPIRE_GT;
            else if (is(opt, "lt")) flags |= EXPIRE_LT;
            else throw new CommandError("ERR Unsupported option " + new String(opt, StandardCharsets.UTF_8));
        }
        if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) throw NX_CONFLICT;
        if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) throw GT_LT_CONFLICT;

        long when = Numbers.parseLong(c.arg(2));
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) throw invalid;
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - base) throw invalid;
        when += base;

        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        RespWriter w = c.reply();
        if (e == null) {
            w.integer(0);
            return;
        }
        long current = e.expireAt();
        boolean rejected = ((flags & EXPIRE_NX) != 0 && current != DbEntry.NO_EXPIRE)
                || ((flags & EXPIRE_XX) != 0 && current == DbEntry.NO_EXPIRE)
                || ((flags & EXPIRE_GT) != 0 && (current == DbEntry.NO_EXPIRE || when <= current))
                || ((flags & EXPIRE_LT) != 0 && current != DbEntry.NO_EXPIRE && when >= current);
        if (rejected) {
            w.integer(0);
            return;
        }
        if (when <= Clock.now()) db.remove(e); else db.setExpire(e, when);
        KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, when <= Clock.now() ? "del" : "expire", c.arg(1));
        w.integer(1);
    }

    static void ttl(Client c) { ttlGeneric(c, false, false); }

    static void pttl(Client c) { ttlGeneric(c, true, false); }

    static void expireTime(Client c) { ttlGeneric(c, false, true); }

    static void pexpireTime(Client c) { ttlGeneric(c, true, true); }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 without the key, -1 without a TTL; seconds round half up. */
    private static void ttlGeneric(Client c, boolean millis, boolean absolute) {
        DbEntry e = c.db().peekRead(c.arg(1));
        RespWriter w = c.reply();
        if (e == null) {
            w.integer(-2);
        } else if (!e.hasExpire()) {
            w.integer(-1);
        } else {
            long t = Math.max(0, absolute ? e.expireAt() : e.expireAt() - Clock.now());
            w.integer(millis ? t : (t + 500) / 1000);
        }
    }

    static void persist(Client c) {
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        if (e == null || !e.hasExpire()) {
            c.reply().integer(0);
            return;
        }
        db.setExpire(e, DbEntry.NO_EXPIRE);
        KeyspaceEvents.notify(c, KeyspaceEvents.GENERIC, "persist", c.arg(1));
        c.reply().integer(1);
    }

    // ---- OBJECT

    /** Redis shares the integer objects 0..9999, which report this reference count. */
    private static final int SHARED_REFCOUNT = Integer.MAX_VALUE;
    private static final int SHARED_INTEGERS = 10_000;

    static void objectEncoding(Client c) {
        DbEntry e = c.db().peek(c.arg(2));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(e.value() instanceof Value v ? v.encoding() : stringEncoding((byte[]) e.value()));
    }

    /** Redis's string encodings: "int" for 64-bit integers, "embstr" up to 44 bytes, else "raw". */
    public static String stringEncoding(byte[] s) {
        if (s.length <= 20 && Numbers.isLong(s)) return "int";
        return s.length <= 44 ? "embstr" : "raw";
    }

    static void objectRefCount(Client c) {
        DbEntry e = c.db().peek(c.arg(2));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        boolean shared = e.value() instanceof byte[] s && s.length <= 4 && Numbers.isLong(s)
                && Numbers.parseLong(s) >= 0 && Numbers.parseLong(s) < SHARED_INTEGERS;
        c.reply().integer(shared ? SHARED_REFCOUNT : 1);
    }

    static void objectIdleTime(Client c) {
        DbEntry e = c.db().peek(c.arg(2));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        if (lfuPolicy(c)) throw LFU_SELECTED;
        c.reply().integer(c.server().keyspace().idleSeconds(e));
    }

    static void objectFreq(Client c) {
        DbEntry e = c.db().peek(c.arg(2));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        if (!lfuPolicy(c)) throw NO_LFU;
        c.reply().integer(c.server().keyspace().frequency(e));
    }

    private static boolean lfuPolicy(Client c) {
        return c.server().keyspace().lfu();
    }

    private static final String[] OBJECT_HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    };

    static void objectHelp(Client c) {
        RespWriter w = c.reply();
        w.array(OBJECT_HELP.length);
        for (String line : OBJECT_HELP) w.simple(line);
    }

    // ---- DUMP / RESTORE

    static void dump(Client c) {
        DbEntry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(DumpFormat.dump(e.key(), e.value()));
    }

    /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
    static void restore(Client c) {
        boolean replace = false, absolute = false;
        long idle = -1, freq = -1;
        for (int i = 4; i < c.argc(); i++) {
            byte[] opt = c.arg(i);
            boolean hasValue = i + 1 < c.argc();
            if (is(opt, "replace")) {
                replace = true;
            } else if (is(opt, "absttl")) {
                absolute = true;
            } else if (is(opt, "idletime") && hasValue && freq == -1) {
                idle = Numbers.parseLong(c.arg(++i));
                if (idle < 0) throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
            } else if (is(opt, "freq") && hasValue && idle == -1) {
                freq = Numbers.parseLong(c.arg(++i));
                if (freq < 0 || freq > 255) throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Database db = c.db();
        byte[] key = c.arg(1);
        if (!replace && db.lookup(key) != null) throw BUSY_KEY;
        long ttl = Numbers.parseLong(c.arg(2));
        if (ttl < 0) throw new CommandError("ERR Invalid TTL value, must be >= 0");
        Object value = DumpFormat.restore(c.arg(3));

        if (ttl != 0 && !absolute) ttl += Clock.now();
        boolean expired = ttl != 0 && ttl <= Clock.now();
        if (!expired && value instanceof Value v) v.beforeRestore(db, key);
        if (replace) db.delete(key);
        if (expired) {
            c.reply().ok(); // already expired: nothing to store
            return;
        }
        DbEntry e = db.set(key, value, ttl == 0 ? DbEntry.NO_EXPIRE : ttl);
        // As Redis's objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME under any other.
        boolean lfu = c.server().keyspace().lfu();
        if (freq >= 0 && lfu) c.server().keyspace().frequency(e, (int) freq);
        if (idle >= 0 && !lfu) c.server().keyspace().idleSeconds(e, idle);
        c.reply().ok();
    }
}
