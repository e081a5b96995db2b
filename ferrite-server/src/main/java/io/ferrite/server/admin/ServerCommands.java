package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Server commands (Redis 7.2 group "server"): DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SAVE, BGSAVE,
 * LASTSAVE, MONITOR, SHUTDOWN, and WAIT (group "generic"), FUNCTION FLUSH and SCRIPT FLUSH (group
 * "scripting"); INFO, COMMAND, SLOWLOG and DEBUG live in their own files.
 * Spec: https://redis.io/docs/latest/commands/?group=server
 */
public final class ServerCommands {
    private ServerCommands() {}

    public static void register(CommandTable.Builder t) {
        MemoryCommands.register(t);
        ModuleCommands.register(t);
        LatencyCommands.register(t);
        t.group("server");
        t.add("dbsize", 1, "readonly fast lock_all", "@keyspace", 0, 0, 0, ServerCommands::dbsize,
                "Counts the keys of the current database.");
        t.add("flushdb", -1, "write lock_all", "@keyspace @dangerous", 0, 0, 0, ServerCommands::flushdb,
                "Deletes every key of the current database.");
        t.add("flushall", -1, "write lock_all", "@keyspace @dangerous", 0, 0, 0, ServerCommands::flushall,
                "Deletes every key of every database.");
        t.add("swapdb", 3, "write fast lock_all", "@keyspace @dangerous", 0, 0, 0, ServerCommands::swapdb,
                "Exchanges the contents of two databases.");
        t.add("time", 1, "loading stale fast", "", 0, 0, 0, ServerCommands::time,
                "The server clock: unix seconds and the microseconds within them.");
        t.add("save", 1, "admin noscript no_multi lock_all", "@admin @dangerous", 0, 0, 0, ServerCommands::save,
                "Writes an RDB snapshot of the dataset to dir/dbfilename, blocking until it is on disk.");
        t.add("bgsave", -1, "admin noscript", "@admin @dangerous", 0, 0, 0, ServerCommands::bgsave,
                "Writes an RDB snapshot of the dataset in the background.");
        t.add("lastsave", 1, "loading stale fast", "@admin @dangerous", 0, 0, 0, ServerCommands::lastsave,
                "The unix time of the last successful save.");
        t.add("role", 1, "noscript loading stale fast", "@admin @dangerous", 0, 0, 0, ServerCommands::role,
                "The replication role: always a master without replicas (Ferrite does not replicate yet).");
        t.add("monitor", 1, "admin noscript loading stale", "", 0, 0, 0, ServerCommands::monitor,
                "Streams every command the server runs to this connection.");
        t.add("shutdown", -1, "admin noscript loading stale no_multi allow_busy", "", 0, 0, 0, ServerCommands::shutdown,
                "Stops the server.");
        InfoCommand.register(t);
        CommandCommands.register(t);
        SlowLogCommands.register(t);
        DebugCommands.register(t);

        t.group("generic");
        t.add("wait", 3, "", "@connection", 0, 0, 0, ServerCommands::waitReplicas,
                "Waits until replicas acknowledge this connection's writes.");

        // FUNCTION and SCRIPT are registered by scripting.FunctionCommands and ScriptingCommands.
        t.group("server");
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
        // Stream readers blocked on keys that are gone now get their error at once.
        c.server().blockedClients().signalAll(c.db().index());
        c.reply().ok();
    }

    static void flushall(Client c) {
        checkFlushMode(c);
        Keyspace ks = c.server().keyspace();
        for (int i = 0; i < ks.databaseCount(); i++) {
            ks.database(i).clear();
            c.server().blockedClients().signalAll(i);
        }
        c.server().persistence().afterFlushAll();
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
        // Keys that clients wait on may exist now in either database (Redis's scanDatabaseForReadyKeys).
        c.server().blockedClients().signalAll((int) a);
        c.server().blockedClients().signalAll((int) b);
        ks.stats().dirty.increment();
        c.reply().ok();
    }

    /** TIME: unix seconds and the microseconds within that second, both as bulk strings. */
    static void time(Client c) {
        Instant now = Instant.now();
        RespWriter w = c.reply();
        w.array(2);
        w.bulkLong(now.getEpochSecond());
        w.bulkLong(now.getNano() / 1000);
    }

    /** LASTSAVE: the unix time of the last successful save; the start time before one (as Redis). */
    static void lastsave(Client c) {
        c.reply().integer(c.server().persistence().lastSaveSeconds());
    }

    /** SAVE: +OK once the snapshot is on disk; a bare "-ERR" when it could not be written (as Redis; the log says why). */
    static void save(Client c) {
        if (c.server().persistence().save()) c.reply().ok();
        else c.reply().error("ERR");
    }

    /** BGSAVE [SCHEDULE]. */
    static void bgsave(Client c) {
        boolean schedule = false;
        if (c.argc() == 2 && StringCommands.is(c.arg(1), "schedule")) schedule = true;
        else if (c.argc() > 1) throw CommandError.SYNTAX;
        c.reply().simple(c.server().persistence().bgsave(schedule));
    }

    /** MONITOR: +OK, then every command the server runs; a second MONITOR is ignored, without a reply. */
    static void monitor(Client c) {
        if (c.monitor()) return;
        c.monitor(true);
        c.server().monitors().add(c);
        c.reply().ok();
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: saves first with SAVE, or without NOSAVE when
     * the process has save points (see FerriteServer.prepareShutdown); a save that fails keeps the
     * server running with "Errors trying to SHUTDOWN", unless FORCE. Then the server closes and
     * the caller's connection closes without a reply. There are no replicas to wait for, so NOW
     * changes nothing and ABORT never finds a shutdown in progress.
     */
    static void shutdown(Client c) {
        boolean save = false, nosave = false, abort = false, force = false, now = false;
        for (int i = 1; i < c.argc(); i++) {
            byte[] a = c.arg(i);
            if (StringCommands.is(a, "nosave")) nosave = true;
            else if (StringCommands.is(a, "save")) save = true;
            else if (StringCommands.is(a, "now")) now = true;
            else if (StringCommands.is(a, "force")) force = true;
            else if (StringCommands.is(a, "abort")) abort = true;
            else throw CommandError.SYNTAX;
        }
        if ((abort && (save || nosave || now || force)) || (save && nosave)) throw CommandError.SYNTAX;
        if (abort) throw new CommandError("ERR No shutdown in progress.");
        if (!c.server().prepareShutdown(save, nosave, force)) {
            throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
        }
        c.closeAfterReply(true);
        c.server().shutdownAsync();
    }

    /**
     * WAIT numreplicas timeout: there are no replicas, so the reply is 0 at once (Redis would
     * block up to the timeout when numreplicas > 0; Ferrite does not wait for replicas it
     * cannot have).
     */
    static void waitReplicas(Client c) {
        Numbers.parseLong(c.arg(1));
        long timeout = Numbers.parseLong(c.arg(2), CommandError.TIMEOUT_NOT_INTEGER);
        if (timeout < 0) throw new CommandError("ERR timeout is negative");
        c.reply().integer(0);
    }

    /** ROLE: ["master", replication offset, replicas]; Ferrite has no replication, so offset 0 and none. */
    static void role(Client c) {
        io.ferrite.server.protocol.RespWriter w = c.reply();
        w.array(3);
        w.bulk("master");
        w.integer(0);
        w.array(0);
    }
}
