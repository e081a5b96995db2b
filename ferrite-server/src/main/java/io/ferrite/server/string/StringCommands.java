package io.ferrite.server.string;

import io.ferrite.server.pubsub.KeyspaceEvents;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.LongDouble;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * String and counter commands (Redis 7.2 group "string"), following t_string.c: argument
 * validation order, error texts, TTL handling and reply shapes.
 * Spec: https://redis.io/docs/latest/commands/?group=string
 *
 * <p>A string value is a plain {@code byte[]} of exactly the string's length; counters are
 * strings that parse as canonical 64-bit integers (OBJECT ENCODING reports "int" for them,
 * as Redis does). Stored arrays are never modified: a mutation (APPEND, SETRANGE, INCR ...)
 * builds a new array and stores it with {@link Database#update}, which keeps the TTL.
 *
 * <p>TTL rules, as in Redis: SET (without KEEPTTL), GETSET, MSET, MSETNX, SETEX, PSETEX
 * replace the TTL; INCR/DECR/INCRBY/DECRBY/INCRBYFLOAT/APPEND/SETRANGE keep it.
 */
public final class StringCommands {
    private StringCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("get", 2, "readonly fast", "@string", 1, 1, 1, StringCommands::get,
                "Returns the string value of a key.");
        t.add("set", -3, "write denyoom", "@string", 1, 1, 1, StringCommands::set,
                "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.");
        t.add("setnx", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::setnx,
                "Set the string value of a key only when the key doesn't exist.");
        t.add("setex", 4, "write denyoom", "@string", 1, 1, 1, StringCommands::setex,
                "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.");
        t.add("psetex", 4, "write denyoom", "@string", 1, 1, 1, StringCommands::psetex,
                "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.");
        t.add("getset", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::getset,
                "Returns the previous string value of a key after setting it to a new value.");
        t.add("getdel", 2, "write fast", "@string", 1, 1, 1, StringCommands::getdel,
                "Returns the string value of a key after deleting the key.");
        t.add("getex", -2, "write fast", "@string", 1, 1, 1, StringCommands::getex,
                "Returns the string value of a key after setting its expiration time.");
        t.add("incr", 2, "write denyoom fast", "@string", 1, 1, 1, StringCommands::incr,
                "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.");
        t.add("decr", 2, "write denyoom fast", "@string", 1, 1, 1, StringCommands::decr,
                "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.");
        t.add("incrby", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::incrBy,
                "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.");
        t.add("decrby", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::decrBy,
                "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.");
        t.add("incrbyfloat", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::incrByFloat,
                "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.");
        t.add("mget", -2, "readonly fast", "@string", 1, -1, 1, StringCommands::mget,
                "Atomically returns the string values of one or more keys.");
        t.add("mset", -3, "write denyoom", "@string", 1, -1, 2, StringCommands::mset,
                "Atomically creates or modifies the string values of one or more keys.");
        t.add("msetnx", -3, "write denyoom", "@string", 1, -1, 2, StringCommands::msetnx,
                "Atomically modifies the string values of one or more keys only when all keys don't exist.");
        t.add("append", 3, "write denyoom fast", "@string", 1, 1, 1, StringCommands::append,
                "Appends a string to the value of a key. Creates the key if it doesn't exist.");
        t.add("strlen", 2, "readonly fast", "@string", 1, 1, 1, StringCommands::strlen,
                "Returns the length of a string value.");
        t.add("getrange", 4, "readonly", "@string", 1, 1, 1, StringCommands::getrange,
                "Returns a substring of the string stored at a key.");
        t.add("substr", 4, "readonly", "@string", 1, 1, 1, StringCommands::getrange,
                "Returns a substring from a string value.");
        t.add("setrange", 4, "write denyoom", "@string", 1, 1, 1, StringCommands::setrange,
                "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.");
        t.add("lcs", -3, "readonly", "@string", 1, 2, 1, StringCommands::lcs,
                "Finds the longest common substring.");
    }

    /** The largest byte[] the JVM allocates; Redis strings beyond it cannot be held. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The string held by a live entry, null for no entry, WRONGTYPE for another type. */
    static byte[] stringOf(DbEntry e) {
        if (e == null) return null;
        if (e.value() instanceof byte[] b) return b;
        throw CommandError.WRONGTYPE;
    }

    /**
     * Redis's checkStringLength: a string of size + append bytes must not exceed
     * proto-max-bulk-len (nor, here, the largest Java array).
     */
    static void checkStringLength(Client c, long size, long append) {
        long total = size + append;
        if (total < 0 || total > c.server().config().protoMaxBulkLen.longValue() || total > MAX_ARRAY) {
            throw CommandError.STRING_TOO_LONG;
        }
    }

    // ---------------------------------------------------------------- GET / SET family

    static void get(Client c) {
        c.reply().bulk(c.db().getString(c.arg(1)));
    }

    // Flags of parseExtendedStringArgumentsOrReply (t_string.c).
    private static final int SET_NX = 1, SET_XX = 1 << 1, SET_EX = 1 << 2, SET_PX = 1 << 3, SET_KEEPTTL = 1 << 4,
            SET_GET = 1 << 5, SET_EXAT = 1 << 6, SET_PXAT = 1 << 7, SET_PERSIST = 1 << 8;
    private static final int ANY_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;

    /**
     * Parses the options of SET (from argument 3) or GETEX (from argument 2) exactly as Redis:
     * an expire option may repeat (the last value wins) but not mix with another unit,
     * KEEPTTL/PERSIST exclude every expire option. Returns the flags; the expire argument's
     * index is stored in {@code expireArg[0]} (0 when none).
     */
    private static int parseExtended(Client c, boolean isSet, int[] expireArg) {
        int flags = 0;
        int argc = c.argc();
        for (int j = isSet ? 3 : 2; j < argc; j++) {
            byte[] opt = c.arg(j);
            boolean next = j + 1 < argc;
            if (isSet && is(opt, "nx") && (flags & SET_XX) == 0) {
                flags |= SET_NX;
            } else if (isSet && is(opt, "xx") && (flags & SET_NX) == 0) {
                flags |= SET_XX;
            } else if (isSet && is(opt, "get")) {
                flags |= SET_GET;
            } else if (isSet && is(opt, "keepttl") && (flags & (SET_PERSIST | ANY_EXPIRE)) == 0) {
                flags |= SET_KEEPTTL;
            } else if (!isSet && is(opt, "persist") && (flags & (ANY_EXPIRE | SET_KEEPTTL)) == 0) {
                flags |= SET_PERSIST;
            } else if (is(opt, "ex") && next && (flags & (SET_KEEPTTL | SET_PERSIST | ANY_EXPIRE & ~SET_EX)) == 0) {
                flags |= SET_EX;
                expireArg[0] = ++j;
            } else if (is(opt, "px") && next && (flags & (SET_KEEPTTL | SET_PERSIST | ANY_EXPIRE & ~SET_PX)) == 0) {
                flags |= SET_PX;
                expireArg[0] = ++j;
            } else if (is(opt, "exat") && next && (flags & (SET_KEEPTTL | SET_PERSIST | ANY_EXPIRE & ~SET_EXAT)) == 0) {
                flags |= SET_EXAT;
                expireArg[0] = ++j;
            } else if (is(opt, "pxat") && next && (flags & (SET_KEEPTTL | SET_PERSIST | ANY_EXPIRE & ~SET_PXAT)) == 0) {
                flags |= SET_PXAT;
                expireArg[0] = ++j;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return flags;
    }

    /** getExpireMillisecondsOrReply: the absolute unix-ms time of an EX/PX/EXAT/PXAT argument. */
    private static long expireMillis(byte[] arg, int flags, String command) {
        long v = Numbers.parseLong(arg, CommandError.NOT_INTEGER);
        boolean seconds = (flags & (SET_EX | SET_EXAT)) != 0;
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) throw invalidExpire(command);
        if (seconds) v *= 1000;
        if ((flags & (SET_EX | SET_PX)) != 0) {
            v += Clock.now();
            if (v <= 0) throw invalidExpire(command); // overflow
        }
        return v;
    }

    private static final CommandError INVALID_EXPIRE_SET = CommandError.INVALID_EXPIRE;
    private static final CommandError INVALID_EXPIRE_SETEX = new CommandError("ERR invalid expire time in 'setex' command");
    private static final CommandError INVALID_EXPIRE_PSETEX = new CommandError("ERR invalid expire time in 'psetex' command");
    private static final CommandError INVALID_EXPIRE_GETEX = new CommandError("ERR invalid expire time in 'getex' command");

    private static CommandError invalidExpire(String command) {
        return switch (command) {
            case "set" -> INVALID_EXPIRE_SET;
            case "setex" -> INVALID_EXPIRE_SETEX;
            case "psetex" -> INVALID_EXPIRE_PSETEX;
            case "getex" -> INVALID_EXPIRE_GETEX;
            default -> new CommandError("ERR invalid expire time in '" + command + "' command");
        };
    }

    /** Converts an EX/PX/EXAT/PXAT argument to an absolute unix-ms time (for other families). */
    static long expireAt(byte[] unit, byte[] arg, String command) {
        int flags = is(unit, "ex") ? SET_EX : is(unit, "px") ? SET_PX : is(unit, "exat") ? SET_EXAT : SET_PXAT;
        return expireMillis(arg, flags, command);
    }

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL] */
    static void set(Client c) {
        int[] expireArg = new int[1];
        int flags = parseExtended(c, true, expireArg);
        setGeneric(c, flags, c.arg(1), c.arg(2), expireArg[0] == 0 ? null : c.arg(expireArg[0]), "set", false);
    }

    /**
     * setGenericCommand: validates the expire, answers GET, honours NX/XX, stores the value
     * (dropping the TTL unless KEEPTTL) and sets the new TTL. {@code intReply} selects the
     * SETNX replies (1/0) instead of OK/nil.
     */
    private static void setGeneric(Client c, int flags, byte[] key, byte[] value, byte[] expire, String command,
                                   boolean intReply) {
        long when = DbEntry.NO_EXPIRE;
        if (expire != null) when = expireMillis(expire, flags, command);
        Database db = c.db();
        RespWriter w = c.reply();
        DbEntry e;
        if ((flags & SET_GET) != 0) {
            e = db.lookupRead(key);
            w.bulk(stringOf(e)); // WRONGTYPE is thrown before anything is written
        } else {
            e = db.lookup(key);
        }
        if (((flags & SET_NX) != 0 && e != null) || ((flags & SET_XX) != 0 && e == null)) {
            if ((flags & SET_GET) == 0) {
                if (intReply) w.integer(0); else w.nullBulk();
            }
            return;
        }
        if ((flags & SET_KEEPTTL) != 0 && e != null) {
            db.update(e, value);
        } else {
            // An expire time already in the past is stored as is: the key then expires on its
            // next access, as in Redis 7.2.
            if (e == null) {
                db.add(key, value, when);
            } else if (e.value() instanceof byte[] old && old.length == value.length && old != value) {
                // Same size: copy into the stored array (owned by this key alone) instead of
                // swapping in the young argument array; the entry's old-generation array stays,
                // so overwrites don't dirty cards the collector must scan at every young GC.
                System.arraycopy(value, 0, old, 0, value.length);
                db.overwrite(e, old, when);
            } else {
                db.overwrite(e, value, when);
            }
        }
        KeyspaceEvents.notify(c, KeyspaceEvents.STRING, "set", key);
        if ((flags & SET_GET) == 0) {
            if (intReply) w.integer(1); else w.ok();
        }
    }

    static void setnx(Client c) {
        setGeneric(c, SET_NX, c.arg(1), c.arg(2), null, "setnx", true);
    }

    static void setex(Client c) {
        setGeneric(c, SET_EX, c.arg(1), c.arg(3), c.arg(2), "setex", false);
    }

    static void psetex(Client c) {
        setGeneric(c, SET_PX, c.arg(1), c.arg(3), c.arg(2), "psetex", false);
    }

    /** GETSET key value: GET, then SET without options (drops the TTL). */
    static void getset(Client c) {
        Database db = c.db();
        byte[] old = stringOf(db.lookupRead(c.arg(1)));
        db.set(c.arg(1), c.arg(2));
        c.reply().bulk(old);
    }

    /** GETDEL key */
    static void getdel(Client c) {
        Database db = c.db();
        DbEntry e = db.lookupRead(c.arg(1));
        byte[] v = stringOf(e);
        if (e != null) db.remove(e);
        c.reply().bulk(v);
    }

    /** GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST] */
    static void getex(Client c) {
        int[] expireArg = new int[1];
        int flags = parseExtended(c, false, expireArg);
        Database db = c.db();
        DbEntry e = db.lookupRead(c.arg(1));
        RespWriter w = c.reply();
        if (e == null) {
            w.nullBulk();
            return;
        }
        byte[] v = stringOf(e);
        long when = 0;
        if (expireArg[0] != 0) when = expireMillis(c.arg(expireArg[0]), flags, "getex");
        w.bulk(v);
        if ((flags & (SET_EXAT | SET_PXAT)) != 0 && when <= Clock.now()) {
            db.remove(e); // an absolute time already past deletes the key
        } else if (expireArg[0] != 0) {
            db.setExpire(e, when);
        } else if ((flags & SET_PERSIST) != 0 && e.hasExpire()) {
            db.setExpire(e, DbEntry.NO_EXPIRE);
        }
    }

    // ---------------------------------------------------------------- counters

    static void incr(Client c) { incrDecr(c, 1); }

    static void decr(Client c) { incrDecr(c, -1); }

    static void incrBy(Client c) { incrDecr(c, Numbers.parseLong(c.arg(2))); }

    private static final CommandError DECREMENT_OVERFLOW = new CommandError("ERR decrement would overflow");

    static void decrBy(Client c) {
        long by = Numbers.parseLong(c.arg(2));
        if (by == Long.MIN_VALUE) throw DECREMENT_OVERFLOW;
        incrDecr(c, -by);
    }

    /** INCR, DECR, INCRBY, DECRBY: the value keeps its TTL, as in Redis. */
    private static void incrDecr(Client c, long by) {
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        byte[] b = stringOf(e);
        long current = b == null ? 0 : Numbers.parseLong(b);
        if ((by < 0 && current < 0 && by < Long.MIN_VALUE - current)
                || (by > 0 && current > 0 && by > Long.MAX_VALUE - current)) {
            throw CommandError.OVERFLOW;
        }
        long next = current + by;
        if (b != null && Numbers.digitCount(next) == b.length) {
            // Same width: rewrite the digits in place. Besides saving the allocation, a
            // long-lived entry then keeps pointing at an old-generation array, so counters
            // don't dirty cards the collector must scan at every young collection.
            Numbers.formatLongInto(next, b);
            db.touched(e);
        } else {
            byte[] v = Numbers.formatLong(next);
            if (e == null) db.add(c.arg(1), v); else db.update(e, v);
        }
        KeyspaceEvents.notify(c, KeyspaceEvents.STRING, "incrby", c.arg(1));
        c.reply().integer(next);
    }

    private static final CommandError NAN_OR_INFINITY = new CommandError("ERR increment would produce NaN or Infinity");

    /**
     * INCRBYFLOAT key increment: computed in x87 long double precision and printed with
     * "%.17Lf" minus trailing zeros, as Redis on x86-64 does (see {@link LongDouble}). Keeps
     * the TTL; the reply is a bulk string in RESP2 and RESP3 alike.
     */
    static void incrByFloat(Client c) {
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        byte[] b = stringOf(e);
        BigDecimal value = b == null ? BigDecimal.ZERO : LongDouble.parse(b);
        if (value == null) throw CommandError.NOT_FLOAT;
        BigDecimal incr = LongDouble.parse(c.arg(2));
        if (incr == null) throw CommandError.NOT_FLOAT;
        BigDecimal sum = LongDouble.add(value, incr);
        if (sum == null || LongDouble.isInfinite(sum)) throw NAN_OR_INFINITY;
        byte[] v = LongDouble.formatHuman(sum).getBytes(StandardCharsets.US_ASCII);
        if (e == null) db.add(c.arg(1), v); else db.update(e, v);
        KeyspaceEvents.notify(c, KeyspaceEvents.STRING, "incrbyfloat", c.arg(1));
        c.reply().bulk(v);
    }

    // ---------------------------------------------------------------- multi-key

    static void mget(Client c) {
        RespWriter w = c.reply();
        Database db = c.db();
        w.array(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            DbEntry e = db.lookupRead(c.arg(i));
            if (e != null && e.value() instanceof byte[] b) w.bulk(b); else w.nullBulk();
        }
    }

    static void mset(Client c) {
        if (c.argc() % 2 == 0) throw CommandError.arity("mset");
        Database db = c.db();
        for (int i = 1; i < c.argc(); i += 2) {
            db.set(c.arg(i), c.arg(i + 1));
            KeyspaceEvents.notify(c, KeyspaceEvents.STRING, "set", c.arg(i));
        }
        c.reply().ok();
    }

    /** MSETNX: sets nothing (reply 0) if any key exists, whatever its type. */
    static void msetnx(Client c) {
        if (c.argc() % 2 == 0) throw CommandError.arity("msetnx");
        Database db = c.db();
        for (int i = 1; i < c.argc(); i += 2) {
            if (db.lookup(c.arg(i)) != null) {
                c.reply().integer(0);
                return;
            }
        }
        for (int i = 1; i < c.argc(); i += 2) db.set(c.arg(i), c.arg(i + 1));
        c.reply().integer(1);
    }

    // ---------------------------------------------------------------- ranges

    /** APPEND key value: creates the key when missing; keeps the TTL. */
    static void append(Client c) {
        Database db = c.db();
        byte[] key = c.arg(1), add = c.arg(2);
        DbEntry e = db.lookup(key);
        if (e == null) {
            db.add(key, add);
            KeyspaceEvents.notify(c, KeyspaceEvents.STRING, "append", key);
            c.reply().integer(add.length);
            return;
        }
        byte[] b = stringOf(e);
        checkStringLength(c, b.length, add.length);
        byte[] v = Arrays.copyOf(b, b.length + add.length);
        System.arraycopy(add, 0, v, b.length, add.length);
        db.update(e, v);
        KeyspaceEvents.notify(c, KeyspaceEvents.STRING, "append", key);
        c.reply().integer(v.length);
    }

    static void strlen(Client c) {
        byte[] b = stringOf(c.db().lookupRead(c.arg(1)));
        c.reply().integer(b == null ? 0 : b.length);
    }

    private static final byte[] EMPTY = new byte[0];

    /** GETRANGE / SUBSTR key start end (inclusive, negative counts from the end). */
    static void getrange(Client c) {
        long start = Numbers.parseLong(c.arg(2));
        long end = Numbers.parseLong(c.arg(3));
        byte[] b = stringOf(c.db().lookupRead(c.arg(1)));
        RespWriter w = c.reply();
        if (b == null) {
            w.bulk(EMPTY);
            return;
        }
        long len = b.length;
        if (start < 0 && end < 0 && start > end) {
            w.bulk(EMPTY);
            return;
        }
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (start > end || len == 0) {
            w.bulk(EMPTY);
        } else {
            w.bulk(b, (int) start, (int) (end - start + 1));
        }
    }

    private static final CommandError OFFSET_OUT_OF_RANGE = new CommandError("ERR offset is out of range");

    /**
     * SETRANGE key offset value: zero-pads as needed; keeps the TTL. An empty value changes
     * nothing: 0 for a missing key (not created), the current length otherwise.
     */
    static void setrange(Client c) {
        long offset = Numbers.parseLong(c.arg(2));
        if (offset < 0) throw OFFSET_OUT_OF_RANGE;
        byte[] value = c.arg(3);
        Database db = c.db();
        DbEntry e = db.lookup(c.arg(1));
        if (e == null) {
            if (value.length == 0) {
                c.reply().integer(0);
                return;
            }
            checkStringLength(c, offset, value.length);
            byte[] v = new byte[(int) (offset + value.length)];
            System.arraycopy(value, 0, v, (int) offset, value.length);
            db.add(c.arg(1), v);
            c.reply().integer(v.length);
            return;
        }
        byte[] b = stringOf(e);
        if (value.length == 0) {
            c.reply().integer(b.length);
            return;
        }
        checkStringLength(c, offset, value.length);
        if (offset + value.length <= b.length) {
            // In place: a stored string is owned by its key alone (COPY clones it).
            System.arraycopy(value, 0, b, (int) offset, value.length);
            db.touched(e);
            c.reply().integer(b.length);
            return;
        }
        byte[] v = Arrays.copyOf(b, (int) Math.max(b.length, offset + value.length));
        System.arraycopy(value, 0, v, (int) offset, value.length);
        db.update(e, v);
        c.reply().integer(v.length);
    }

    // ---------------------------------------------------------------- LCS

    private static final CommandError LCS_TYPE = new CommandError("ERR The specified keys must contain string values");
    private static final CommandError LCS_LEN_AND_IDX =
            new CommandError("ERR If you want both the length and indexes, please just use IDX.");
    private static final CommandError LCS_TOO_LONG = new CommandError("ERR String too long for LCS");
    private static final CommandError LCS_EXCEEDS_BULK_LEN =
            new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    private static final CommandError LCS_NO_MEMORY =
            new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");

    /** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: lcsCommand, step by step. */
    static void lcs(Client c) {
        Database db = c.db();
        DbEntry ea = db.lookupRead(c.arg(1));
        DbEntry eb = db.lookupRead(c.arg(2));
        if ((ea != null && !(ea.value() instanceof byte[])) || (eb != null && !(eb.value() instanceof byte[]))) {
            throw LCS_TYPE;
        }
        byte[] a = ea == null ? EMPTY : (byte[]) ea.value();
        byte[] b = eb == null ? EMPTY : (byte[]) eb.value();
        boolean getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.argc(); j++) {
            byte[] opt = c.arg(j);
            boolean more = j < c.argc() - 1;
            if (is(opt, "idx")) {
                getIdx = true;
            } else if (is(opt, "len")) {
                getLen = true;
            } else if (is(opt, "withmatchlen")) {
                withMatchLen = true;
            } else if (is(opt, "minmatchlen") && more) {
                minMatchLen = Numbers.parseLong(c.arg(++j));
                if (minMatchLen < 0) minMatchLen = 0;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (getLen && getIdx) throw LCS_LEN_AND_IDX;
        if (a.length >= 0xFFFFFFFEL || b.length >= 0xFFFFFFFEL) throw LCS_TOO_LONG;
        int alen = a.length, blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.server().config().protoMaxBulkLen.longValue()) throw LCS_EXCEEDS_BULK_LEN;
        int[] lcs;
        try {
            if (cells > MAX_ARRAY) throw new OutOfMemoryError();
            lcs = new int[(int) cells];
        } catch (OutOfMemoryError oom) {
            throw LCS_NO_MEMORY;
        }
        int w1 = blen + 1;
        // lcs[i * w1 + j] = length of the LCS of a[0..i) and b[0..j); row 0 and column 0 stay 0.
        for (int i = 1; i <= alen; i++) {
            byte ai = a[i - 1];
            int row = i * w1, prev = row - w1;
            for (int j = 1; j <= blen; j++) {
                if (ai == b[j - 1]) {
                    lcs[row + j] = lcs[prev + j - 1] + 1;
                } else {
                    int l1 = lcs[prev + j], l2 = lcs[row + j - 1];
                    lcs[row + j] = Math.max(l1, l2);
                }
            }
        }
        int total = lcs[alen * w1 + blen];
        RespWriter w = c.reply();
        if (getLen) {
            w.integer(total);
            return;
        }
        // Walk back from the end, collecting the LCS string and the matched ranges.
        byte[] result = new byte[total];
        int idx = total;
        java.util.List<long[]> ranges = getIdx ? new java.util.ArrayList<>() : null;
        int aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart == alen: no range open
        int i = alen, j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) emit = true;
                idx--;
                i--;
                j--;
            } else {
                int l1 = lcs[(i - 1) * w1 + j], l2 = lcs[i * w1 + j - 1];
                if (l1 > l2) i--; else j--;
                if (aStart != alen) emit = true;
            }
            if (emit) {
                long matchLen = (long) aEnd - aStart + 1;
                if (ranges != null && (minMatchLen == 0 || matchLen >= minMatchLen)) {
                    ranges.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            w.bulk(result);
            return;
        }
        w.map(2);
        w.bulk("matches");
        w.array(ranges.size());
        for (long[] r : ranges) {
            w.array(withMatchLen ? 3 : 2);
            w.array(2);
            w.integer(r[0]);
            w.integer(r[1]);
            w.array(2);
            w.integer(r[2]);
            w.integer(r[3]);
            if (withMatchLen) w.integer(r[4]);
        }
        w.bulk("len");
        w.integer(total);
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
