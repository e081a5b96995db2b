package io.ferrite.server.command;

import java.util.ArrayList;
import java.util.List;

/** ACL categories (@read, @string, ...), one bit each, with Redis's names. */
public final class AclCategories {
    private AclCategories() {}

    public static final String[] NAMES = {"keyspace", "read", "write", "set", "sortedset", "list", "hash",
            "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting"};

    public static long bit(String name) {
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(name)) return 1L << i;
        throw new IllegalArgumentException("unknown ACL category " + name);
    }

    /** Parses "@string @bitmap" (leading '@' optional). */
    public static long parse(String spec) {
        long bits = 0;
        for (String w : spec.trim().split("\\s+")) {
            if (w.isEmpty()) continue;
            bits |= bit(w.startsWith("@") ? w.substring(1) : w);
        }
        return bits;
    }

    /** The categories Redis derives from flags (setImplicitACLCategories in server.c). */
    public static long implied(long flags) {
        long bits = 0;
        if ((flags & CommandFlags.WRITE) != 0) bits |= bit("write");
        if ((flags & CommandFlags.READONLY) != 0) bits |= bit("read");
        if ((flags & CommandFlags.ADMIN) != 0) bits |= bit("admin") | bit("dangerous");
        if ((flags & CommandFlags.PUBSUB) != 0) bits |= bit("pubsub");
        if ((flags & CommandFlags.FAST) != 0) bits |= bit("fast");
        if ((flags & CommandFlags.BLOCKING) != 0) bits |= bit("blocking");
        if ((flags & CommandFlags.FAST) == 0) bits |= bit("slow");
        return bits;
    }

    public static List<String> names(long bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) if ((bits & (1L << i)) != 0) out.add("@" + NAMES[i]);
        return out;
    }
}
