package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.string.StringCommands;

/**
 * Server commands (Redis 7.2 group "server"): INFO, COMMAND, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB,
 * TIME, SLOWLOG, MONITOR, DEBUG, SHUTDOWN, WAIT ... Spec: https://redis.io/docs/latest/commands/?group=server
 */
public final class ServerCommands {
    private ServerCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("dbsize", 1, "readonly fast lock_all", "@keyspace", 0, 0, 0, ServerCommands::dbsize);
        t.add("flushdb", -1, "write lock_all", "@keyspace @dangerous", 0, 0, 0, ServerCommands::flushdb);
        t.add("flushall", -1, "write lock_all", "@keyspace @dangerous", 0, 0, 0, ServerCommands::flushall);
        t.add("swapdb", 3, "write fast lock_all", "@keyspace @dangerous", 0, 0, 0, ServerCommands::swapdb);
    }

    static void dbsize(Client c) {
        c.reply().integer(c.db().size());
    }

    /** FLUSHDB / FLUSHALL take an optional ASYNC or SYNC; both free memory at once here. */
    private static void checkFlushMode(Client c) {
        if (c.argc() > 2) throw CommandError.SYNTAX;
        if (c.argc() == 2 && !StringCommands.is(c.arg(1), "async") && !StringCommands.is(c.arg(1), "sync")) {
            throw CommandError.SYNTAX;
        }
    }

    static void flushdb(Client c) {
        checkFlushMode(c);
        c.db().clear();
        c.reply().ok();
    }

    static void flushall(Client c) {
        checkFlushMode(c);
        Keyspace ks = c.server().keyspace();
        for (int i = 0; i < ks.databaseCount(); i++) ks.database(i).clear();
        c.reply().ok();
    }

    static void swapdb(Client c) {
        Keyspace ks = c.server().keyspace();
        long a, b;
        try {
            a = Numbers.parseLong(c.arg(1));
        } catch (CommandError e) {
            throw new CommandError("ERR invalid first DB index");
        }
        try {
            b = Numbers.parseLong(c.arg(2));
        } catch (CommandError e) {
            throw new CommandError("ERR invalid second DB index");
        }
        if (a < 0 || a >= ks.databaseCount() || b < 0 || b >= ks.databaseCount()) throw CommandError.DB_INDEX;
        ks.swap((int) a, (int) b);
        c.reply().ok();
    }
}
