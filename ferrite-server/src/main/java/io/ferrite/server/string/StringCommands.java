package io.ferrite.server.string;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;

/**
 * String and counter commands (Redis 7.2 group "string").
 * Spec: https://redis.io/docs/latest/commands/?group=string
 *
 * <p>A string value is a plain {@code byte[]}; counters are strings that parse as canonical
 * 64-bit integers (OBJECT ENCODING reports "int" for them, as Redis does).
 */
public final class StringCommands {
    private StringCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("get", 2, "readonly fast", "@string", 1, 1, 1, StringCommands::get);
        t.add("set", -3, "write denyoom", "@string", 1, 1, 1, StringCommands::set);
        t.add("setnx", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::setnx);
        t.add("setex", 4, "write denyoom", "@string", 1, 1, 1, StringCommands::setex);
        t.add("psetex", 4, "write denyoom", "@string", 1, 1, 1, StringCommands::psetex);
        t.add("incr", 2, "write denyoom fast", "@string", 1, 1, 1, StringCommands::incr);
        t.add("decr", 2, "write denyoom fast", "@string", 1, 1, 1, StringCommands::decr);
        t.add("incrby", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::incrBy);
        t.add("decrby", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::decrBy);
        t.add("mget", -2, "readonly fast", "@string", 1, -1, 1, StringCommands::mget);
        t.add("mset", -3, "write denyoom", "@string", 1, -1, 2, StringCommands::mset);
    }

    static void get(Client c) {
        c.reply().bulk(c.db().getString(c.arg(1)));
    }

    private static final int SET_NX = 1, SET_XX = 2, SET_GET = 4, SET_KEEPTTL = 8, SET_EXPIRE = 16;

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL] */
    static void set(Client c) {
        int flags = 0;
        long expireAt = DbEntry.NO_EXPIRE;
        int argc = c.argc();
        for (int i = 3; i < argc; i++) {
            byte[] opt = c.arg(i);
            boolean hasNext = i + 1 < argc;
            if (is(opt, "nx") && (flags & SET_XX) == 0) {
                flags |= SET_NX;
            } else if (is(opt, "xx") && (flags & SET_NX) == 0) {
                flags |= SET_XX;
            } else if (is(opt, "get")) {
                flags |= SET_GET;
            } else if (is(opt, "keepttl") && (flags & SET_EXPIRE) == 0) {
                flags |= SET_KEEPTTL;
            } else if ((flags & (SET_KEEPTTL | SET_EXPIRE)) == 0 && hasNext
                    && (is(opt, "ex") || is(opt, "px") || is(opt, "exat") || is(opt, "pxat"))) {
                flags |= SET_EXPIRE;
                expireAt = expireAt(opt, c.arg(++i), "set");
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = db.lookup(key);
        byte[] old = null;
        if ((flags & SET_GET) != 0 && e != null) {
            if (!(e.value() instanceof byte[] b)) throw CommandError.WRONGTYPE;
            old = b;
        }
        RespWriter w = c.reply();
        if (((flags & SET_NX) != 0 && e != null) || ((flags & SET_XX) != 0 && e == null)) {
            if ((flags & SET_GET) != 0) w.bulk(old); else w.nullBulk();
            return;
        }
        if (expireAt != DbEntry.NO_EXPIRE && expireAt <= Clock.now()) {
            // Redis deletes instead of storing an already-expired key.
            if (e != null) db.remove(e);
        } else if ((flags & SET_KEEPTTL) != 0 && e != null) {
            db.update(e, c.arg(2));
        } else {
            db.set(key, c.arg(2), expireAt);
        }
        if ((flags & SET_GET) != 0) w.bulk(old); else w.ok();
    }

    /** Converts an EX/PX/EXAT/PXAT argument to an absolute unix-ms time. */
    static long expireAt(byte[] unit, byte[] arg, String command) {
        long v = Numbers.parseLong(arg, CommandError.NOT_INTEGER);
        CommandError invalid = new CommandError("ERR invalid expire time in '" + command + "' command");
        if (v <= 0) throw invalid;
        boolean seconds = is(unit, "ex") || is(unit, "exat");
        boolean relative = is(unit, "ex") || is(unit, "px");
        if (seconds) {
            if (v > Long.MAX_VALUE / 1000) throw invalid;
            v *= 1000;
        }
        if (relative) {
            long now = Clock.now();
            if (v > Long.MAX_VALUE - now) throw invalid;
            v += now;
        }
        return v;
    }

    static void setnx(Client c) {
        Database db = c.db();
        if (db.lookup(c.arg(1)) != null) {
            c.reply().integer(0);
            return;
        }
        db.add(c.arg(1), c.arg(2));
        c.reply().integer(1);
    }

    static void setex(Client c) {
        setWithTtl(c, "ex", "setex");
    }

    static void psetex(Client c) {
        setWithTtl(c, "px", "psetex");
    }

    private static void setWithTtl(Client c, String unit, String command) {
        long at = expireAt(unit.getBytes(), c.arg(2), command);
        c.db().set(c.arg(1), c.arg(3), at);
        c.reply().ok();
    }

    static void incr(Client c) { incrDecr(c, 1); }

    static void decr(Client c) { incrDecr(c, -1); }

    static void incrBy(Client c) { incrDecr(c, Numbers.parseLong(c.arg(2))); }

    static void decrBy(Client c) {
        long by = Numbers.parseLong(c.arg(2));
        if (by == Long.MIN_VALUE) throw new CommandError("ERR decrement would overflow");
        incrDecr(c, -by);
    }

    /** INCR, DECR, INCRBY, DECRBY: the value keeps its TTL, as in Redis. */
    private static void incrDecr(Client c, long by) {
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        long current = 0;
        if (e != null) {
            if (!(e.value() instanceof byte[] b)) throw CommandError.WRONGTYPE;
            current = Numbers.parseLong(b);
        }
        if ((by < 0 && current < 0 && by < Long.MIN_VALUE - current)
                || (by > 0 && current > 0 && by > Long.MAX_VALUE - current)) {
            throw CommandError.OVERFLOW;
        }
        long next = current + by;
        byte[] v = Numbers.formatLong(next);
        if (e == null) db.add(c.arg(1), v); else db.update(e, v);
        c.reply().integer(next);
    }

    static void mget(Client c) {
        RespWriter w = c.reply();
        Database db = c.db();
        w.array(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            var e = db.lookupRead(c.arg(i));
            if (e != null && e.value() instanceof byte[] b) w.bulk(b); else w.nullBulk();
        }
    }

    static void mset(Client c) {
        if (c.argc() % 2 == 0) throw CommandError.arity("mset");
        Database db = c.db();
        for (int i = 1; i < c.argc(); i += 2) db.set(c.arg(i), c.arg(i + 1));
        c.reply().ok();
    }

    /** Case-insensitive comparison of an argument with a lower-case ASCII option name. */
    public static boolean is(byte[] arg, String lower) {
        if (arg.length != lower.length()) return false;
        for (int i = 0; i < arg.length; i++) {
            int ch = arg[i];
            if (ch >= 'A' && ch <= 'Z') ch += 32;
            if (ch != lower.charAt(i)) return false;
        }
        return true;
    }
}
