package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.Evictor;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.string.StringCommands;

/**
 * MEMORY USAGE / MEMORY HELP. Spec: https://redis.io/docs/latest/commands/memory-usage/
 *
 * <p>MEMORY USAGE is an estimate, as in Redis. Ferrite's: the key entry (object header,
 * references, expiry and hash fields), the key and a string value as {@code byte[]}s, and for
 * other types the size of their serialized DUMP form: {@link Evictor#estimate}, which eviction
 * uses too. It is meant for comparing keys with each other, not for summing to the heap size.
 */
public final class MemoryCommands {
    private MemoryCommands() {}


    static void register(CommandTable.Builder t) {
        t.container("memory", -2, "", "")
                .sub("usage", -3, "readonly", "@keyspace", 2, 2, 1, MemoryCommands::usage)
                .sub("help", 2, "loading stale", MemoryCommands::help);
    }

    /** MEMORY USAGE key [SAMPLES count]: null for a missing key. */
    static void usage(Client c) {
        if (c.argc() != 3 && c.argc() != 5) throw CommandError.SYNTAX;
        if (c.argc() == 5) {
            if (!StringCommands.is(c.arg(3), "samples")) throw CommandError.SYNTAX;
            if (Numbers.parseLong(c.arg(4)) < 0) throw CommandError.SYNTAX;
        }
        DbEntry e = c.db().peek(c.arg(2));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        long bytes = Evictor.estimate(e);
        c.reply().integer(bytes);
    }

    static void help(Client c) {
        Help.reply(c,
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }
}
