package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.config.ConfigCommands;
import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.Value;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * DEBUG SLEEP, DEBUG OBJECT and DEBUG HELP (Redis 7.2 debug.c); the other DEBUG subcommands
 * are absent. Spec: https://redis.io/docs/latest/commands/debug/
 *
 * <p>DEBUG is registered lock_all, as it cannot name its key up front: DEBUG OBJECT reads a
 * key, and DEBUG SLEEP, holding every shard, stops all keyspace work the way Redis's sleep
 * stops its only thread. Allowed as enable-debug-command says (Ferrite's default: yes).
 */
public final class DebugCommands {
    private DebugCommands() {}

    static void register(CommandTable.Builder t) {
        t.add("debug", -2, "admin noscript loading stale lock_all", "", 0, 0, 0, DebugCommands::debug,
                "Introspection and testing helpers.");
    }

    static void debug(Client c) {
        String mode = c.server().config().enableDebugCommand.value();
        if (!mode.equals("yes") && !(mode.equals("local") && ConfigCommands.isLocal(c))) {
            throw new CommandError("ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                    + "\"local\", you can run it from a local connection, otherwise you need to set this option in "
                    + "the configuration file, and then restart the server.");
        }
        String sub = new String(c.arg(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        int argc = c.argc();
        if (sub.equals("help") && argc == 2) help(c);
        else if (sub.equals("sleep") && argc == 3) sleep(c);
        else if (sub.equals("object") && argc == 3) object(c);
        else if (sub.equals("set-active-expire") && argc == 3) setActiveExpire(c);
        else if (sub.equals("digest-value") && argc >= 2) digestValue(c);
        else if (sub.equals("protocol") && argc == 3) protocol(c);
        else if (sub.equals("reload")) reload(c);
        else if (sub.equals("quicklist-packed-threshold") && argc == 3) quicklistPackedThreshold(c);
        else throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(c.arg(1), StandardCharsets.UTF_8) + "'. Try DEBUG HELP.");
    }

    /**
     * DEBUG DIGEST-VALUE key ...: one 40-hex-digit digest per key, 40 zeros for a missing key.
     * Not Redis's digest algorithm (its values are only compared with each other): SHA-1 of the
     * value's DUMP serialization, so equal contents give equal digests whatever the encoding.
     */
    static void digestValue(Client c) {
        RespWriter w = c.reply();
        String[] digests = new String[c.argc() - 2];
        for (int i = 2; i < c.argc(); i++) {
            DbEntry e = c.db().peek(c.arg(i));
            if (e == null) {
                digests[i - 2] = "0".repeat(40);
                continue;
            }
            byte[] bytes = e.value() instanceof byte[] b ? b : io.ferrite.server.keyspace.DumpFormat.dump(e.value());
            try {
                digests[i - 2] = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
            } catch (java.security.NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }
        w.array(digests.length);
        for (String d : digests) w.simple(d);
    }

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the dataset to dir/dbfilename (not with
     * NOSAVE), empties it (not with NOFLUSH or MERGE), and loads the file back: every value goes
     * through the RDB writer and reader. With NOFLUSH alone a key or function library already
     * there fails the load; with MERGE the file's replace them. Under every shard lock (DEBUG is
     * lock_all).
     */
    static void reload(Client c) {
        boolean save = true, noflush = false, merge = false;
        for (int i = 2; i < c.argc(); i++) {
            String opt = new String(c.arg(i), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            switch (opt) {
                case "merge" -> merge = true;
                case "noflush" -> noflush = true;
                case "nosave" -> save = false;
                default -> throw new CommandError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            }
        }
        try {
            c.server().persistence().reload(save, noflush, merge);
        } catch (java.io.IOException e) {
            throw new CommandError("ERR Error trying to load the RDB dump, check server logs.");
        }
        c.reply().ok();
    }

    /**
     * DEBUG QUICKLIST-PACKED-THRESHOLD size: Redis stores list elements over the threshold in
     * "plain" quicklist nodes of their own, and its tests lower it to exercise them. Ferrite's
     * lists have no plain nodes (elements of any size live in the same nodes), so the argument is
     * checked as Redis checks it and changes nothing: the tests then run against lists as they are.
     */
    static void quicklistPackedThreshold(Client c) {
        long size = io.ferrite.server.config.ConfigParam.parseMemory(new String(c.arg(2), StandardCharsets.UTF_8));
        if (size == Long.MIN_VALUE || size < 0 || size > (1L << 32) - (1 << 20)) {
            throw new CommandError("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
        }
        c.reply().ok();
    }

    /** DEBUG SET-ACTIVE-EXPIRE 0|1: Redis's tests turn the active cycle off to observe lazy expiry. */
    static void setActiveExpire(Client c) {
        c.server().activeExpiry().enabled(Numbers.parseLong(c.arg(2)) != 0);
        c.reply().ok();
    }

    /** DEBUG PROTOCOL type: one reply of each RESP type, for client and protocol tests. */
    static void protocol(Client c) {
        RespWriter w = c.reply();
        switch (new String(c.arg(2), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)) {
            case "string" -> w.bulk("Hello World");
            case "integer" -> w.integer(12345);
            case "double" -> w.doubleValue(3.141);
            case "bignum" -> w.bigNumber("1234567999999999999999999999999999999");
            case "null" -> w.nullBulk();
            case "array", "set" -> {
                boolean set = c.arg(2).length == 3;
                if (set) w.set(3); else w.array(3);
                for (int j = 0; j < 3; j++) w.integer(j);
            }
            case "map" -> {
                w.map(3);
                for (int j = 0; j < 3; j++) {
                    w.integer(j);
                    w.bool(j == 1);
                }
            }
            case "attrib" -> {
                if (w.resp3()) {
                    w.attribute(1);
                    w.bulk("key-popularity");
                    w.array(2);
                    w.bulk("key:123");
                    w.integer(90);
                }
                w.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (!w.resp3()) throw new CommandError("ERR RESP2 is not supported by this command");
                w.push(2);
                w.bulk("server-cpu-usage");
                w.integer(42);
                w.bulk("Some real reply following the push reply");
            }
            case "true" -> w.bool(true);
            case "false" -> w.bool(false);
            case "verbatim" -> w.verbatim("txt", "This is a verbatim\nstring");
            default -> throw new CommandError("ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    /** DEBUG SLEEP seconds: decimals allowed; like strtod, text that is no number sleeps 0. */
    static void sleep(Client c) {
        Double seconds = Numbers.parseDouble(c.arg(2));
        long micros = seconds == null || seconds <= 0 ? 0 : (long) (seconds * 1_000_000);
        try {
            Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        c.reply().ok();
    }

    /**
     * DEBUG OBJECT key: Redis's line. The address is the value's identity hash; refcount is
     * always 1 (Ferrite shares no values); serializedlength is the RDB size of a string (0 for
     * other types until their encodings can tell); lru is the 24-bit clock of the last access.
     */
    static void object(Client c) {
        DbEntry e = c.db().peek(c.arg(2));
        if (e == null) throw CommandError.NO_SUCH_KEY;
        Object v = e.value();
        String encoding;
        long serialized = 0;
        if (v instanceof byte[] b) {
            encoding = stringEncoding(b);
            serialized = rdbStringLength(b, encoding);
        } else if (v instanceof Value value) {
            encoding = value.encoding();
        } else {
            encoding = "unknown";
        }
        long idle = Math.max(0, Clock.seconds() - e.accessClock());
        c.reply().simple("Value at:0x" + Integer.toHexString(System.identityHashCode(v)) + " refcount:1 encoding:"
                + encoding + " serializedlength:" + serialized + " lru:" + (e.accessClock() & ((1 << 24) - 1))
                + " lru_seconds_idle:" + idle);
    }

    /** What Redis's tryObjectEncoding picks: int for a short integer, embstr up to 44 bytes, else raw. */
    static String stringEncoding(byte[] b) {
        if (b.length <= 20 && Numbers.isLong(b)) return "int";
        return b.length <= 44 ? "embstr" : "raw";
    }

    // rdbSaveRawString without LZF: integers in 1, 2 or 4 bytes after a type byte, else length + bytes.
    private static long rdbStringLength(byte[] b, String encoding) {
        if (encoding.equals("int") || (b.length <= 11 && Numbers.isLong(b))) {
            long v = Numbers.parseLong(b);
            if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) return 2;
            if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return 3;
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return 5;
        }
        long len = b.length;
        long prefix = len < 64 ? 1 : len < 16384 ? 2 : len <= 0xffffffffL ? 5 : 9;
        return prefix + len;
    }

    static void help(Client c) {
        Help.reply(c,
                "OBJECT <key>", "    Show low level info about `key` and associated value.",
                "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.",
                "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
                "    Write the dataset to the RDB file and load it back: NOSAVE loads the file as it is,",
                "    NOFLUSH keeps the current keys (a namesake in the file is an error), MERGE too (the file's wins).");
    }
}
