package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SLOWLOG GET [count] / LEN / RESET / HELP (Redis 7.2 slowlog.c).
 * Spec: https://redis.io/docs/latest/commands/slowlog-get/ and siblings. The log: {@link SlowLog}.
 */
public final class SlowLogCommands {
    private static final CommandError BAD_COUNT = new CommandError("ERR count should be greater than or equal to -1");

    private SlowLogCommands() {}

    static void register(CommandTable.Builder t) {
        t.container("slowlog", -2, "", "")
                .sub("get", -2, "admin loading stale", SlowLogCommands::get)
                .sub("len", 2, "admin loading stale", SlowLogCommands::len)
                .sub("reset", 2, "admin loading stale", SlowLogCommands::reset)
                .sub("help", 2, "loading stale", SlowLogCommands::help);
    }

    /** Newest first: [id, unix time, microseconds, [args], client addr, client name] each. */
    static void get(Client c) {
        if (c.argc() > 3) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(c.arg(1), StandardCharsets.UTF_8) + "'. Try SLOWLOG HELP.");
        }
        long count = 10;
        if (c.argc() == 3) {
            count = Numbers.parseLong(c.arg(2), BAD_COUNT);
            if (count < -1) throw BAD_COUNT;
        }
        List<SlowLog.Entry> entries = c.server().slowLog().newest(count == -1 ? -1 : (int) Math.min(count, Integer.MAX_VALUE));
        RespWriter w = c.reply();
        w.array(entries.size());
        for (SlowLog.Entry e : entries) {
            w.array(6);
            w.integer(e.id());
            w.integer(e.timestamp());
            w.integer(e.micros());
            w.array(e.args().size());
            for (byte[] a : e.args()) w.bulk(a);
            w.bulk(e.peer());
            w.bulk(e.clientName());
        }
    }

    static void len(Client c) {
        c.reply().integer(c.server().slowLog().size());
    }

    static void reset(Client c) {
        c.server().slowLog().reset();
        c.reply().ok();
    }

    static void help(Client c) {
        Help.reply(c,
                "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN", "    Return the length of the slowlog.",
                "RESET", "    Reset the slowlog.");
    }
}
