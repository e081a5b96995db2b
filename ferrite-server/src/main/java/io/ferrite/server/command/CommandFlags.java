package io.ferrite.server.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Command flags, with Redis's names (server.h explains each above struct redisCommand), plus
 * Ferrite's locking flags. One bit each; COMMAND INFO prints the Redis ones.
 */
public final class CommandFlags {
    private CommandFlags() {}

    public static final long WRITE = 1L;            // may modify the keyspace
    public static final long READONLY = 1L << 1;    // reads keys, never writes
    public static final long DENYOOM = 1L << 2;     // may grow memory: refused at maxmemory
    public static final long ADMIN = 1L << 3;       // administrative, dangerous
    public static final long PUBSUB = 1L << 4;
    public static final long NOSCRIPT = 1L << 5;    // not allowed from Lua
    public static final long BLOCKING = 1L << 6;
    public static final long LOADING = 1L << 7;     // allowed while loading
    public static final long STALE = 1L << 8;
    public static final long SKIP_MONITOR = 1L << 9;
    public static final long SKIP_SLOWLOG = 1L << 10;
    public static final long FAST = 1L << 11;       // O(1) or O(log N)
    public static final long NO_AUTH = 1L << 12;    // allowed before AUTH
    public static final long MAY_REPLICATE = 1L << 13;
    public static final long NO_MULTI = 1L << 14;
    public static final long ALLOW_BUSY = 1L << 15;
    public static final long NO_MANDATORY_KEYS = 1L << 16;
    public static final long MOVABLE_KEYS = 1L << 17;
    /** Ferrite: the command cannot name its keys up front (KEYS, SCAN, FLUSHALL ...): lock every shard. */
    public static final long LOCK_ALL = 1L << 40;
    /** Ferrite: the command does not touch the keyspace: take no lock. */
    public static final long NO_KEYS = 1L << 41;
    /** Ferrite: a script (EVAL, FCALL ...): starts on the event loop, may move to the scripting thread (client parked). */
    public static final long SCRIPT_THREAD = 1L << 42;

    private static final String[] NAMES = {"write", "readonly", "denyoom", "admin", "pubsub", "noscript",
            "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "fast", "no_auth", "may_replicate",
            "no_multi", "allow_busy", "no_mandatory_keys", "movablekeys"};

    /** Parses "write denyoom fast" into bits. */
    public static long parse(String spec) {
        long bits = 0;
        for (String w : spec.trim().split("\\s+")) {
            if (w.isEmpty()) continue;
            boolean found = false;
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(w)) { bits |= 1L << i; found = true; }
            }
            if (w.equals("lock_all")) { bits |= LOCK_ALL; found = true; }
            if (w.equals("no_keys")) { bits |= NO_KEYS; found = true; }
            if (w.equals("script_thread")) { bits |= SCRIPT_THREAD; found = true; }
            if (!found) throw new IllegalArgumentException("unknown command flag " + w);
        }
        return bits;
    }

    public static List<String> names(long bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) if ((bits & (1L << i)) != 0) out.add(NAMES[i]);
        return out;
    }
}
