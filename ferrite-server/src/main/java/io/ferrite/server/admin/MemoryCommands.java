package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.DumpFormat;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.string.StringCommands;

/**
 * MEMORY USAGE / MEMORY HELP. Spec: https://redis.io/docs/latest/commands/memory-usage/
 *
 * <p>MEMORY USAGE is an estimate, as in Redis. Ferrite's: the key entry (object header,
 * references, expiry and hash fields: {@link #ENTRY_OVERHEAD}), the key and a string value as
 * {@code byte[]}s, and for other types the size of their serialized DUMP form plus the same
 * per-entry overhead per element when the type cannot be serialized yet. It is meant for
 * comparing keys with each other, not for summing to the heap size.
 */
public final class MemoryCommands {
    private MemoryCommands() {}

    /** DbEntry with compact object headers: header 8, key/value/next refs 12, hash 4, index 4, clock 4, expiry 8. */
    static final long ENTRY_OVERHEAD = 40;
    private static final long ARRAY_HEADER = 16;

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
        long bytes = ENTRY_OVERHEAD + ARRAY_HEADER + e.key().length;
        if (e.value() instanceof byte[] b) {
            bytes += ARRAY_HEADER + b.length;
        } else {
            try {
                bytes += DumpFormat.dump(e.value()).length + ENTRY_OVERHEAD;
            } catch (CommandError notSerializable) {
                bytes += 1024; // time series have no DUMP form yet: a flat guess
            }
        }
        c.reply().integer(bytes);
    }

    static void help(Client c) {
        String[] lines = {
                "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).",
                "HELP",
                "    Print this help."};
        c.reply().array(lines.length);
        for (String l : lines) c.reply().simple(l);
    }
}
