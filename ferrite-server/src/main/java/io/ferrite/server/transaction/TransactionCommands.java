package io.ferrite.server.transaction;

import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;

/**
 * Transaction commands (Redis 7.2): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 * Spec: https://redis.io/docs/latest/develop/interact/transactions/ and
 * https://redis.io/docs/latest/commands/multi/ and siblings. State: {@link MultiState};
 * watches: {@link WatchedKeys}.
 *
 * <p>Queueing happens in the dispatcher ({@link #queues}): after MULTI, a command that passes
 * the usual checks is answered +QUEUED; one that fails them flags the transaction, and EXEC
 * then answers EXECABORT. EXEC runs the queue holding every shard lock, so no other client's
 * command interleaves (the simplest correct choice: a transaction's keys are only known per
 * command, and the queue is short); each queued command goes through the dispatcher's normal
 * call path, so its errors become elements of EXEC's reply and it counts in commandstats,
 * SLOWLOG and MONITOR as in Redis.
 */
public final class TransactionCommands {
    private static final CommandError NESTED = new CommandError("ERR MULTI calls can not be nested");
    private static final CommandError EXEC_WITHOUT = new CommandError("ERR EXEC without MULTI");
    private static final CommandError DISCARD_WITHOUT = new CommandError("ERR DISCARD without MULTI");
    private static final CommandError WATCH_INSIDE = new CommandError("ERR WATCH inside MULTI is not allowed");
    private static final CommandError EXECABORT =
            new CommandError("EXECABORT Transaction discarded because of previous errors.");

    private TransactionCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("multi", 1, "noscript loading stale fast allow_busy", "@transaction", 0, 0, 0,
                TransactionCommands::multi, "Starts a transaction.");
        t.add("exec", 1, "noscript loading stale skip_slowlog", "@transaction", 0, 0, 0,
                TransactionCommands::exec, "Executes all commands in a transaction.");
        t.add("discard", 1, "noscript loading stale fast allow_busy", "@transaction", 0, 0, 0,
                TransactionCommands::discard, "Discards a transaction.");
        t.add("watch", -2, "noscript loading stale fast allow_busy", "@transaction", 1, -1, 1,
                TransactionCommands::watch, "Monitors changes to keys to determine the execution of a transaction.");
        t.add("unwatch", 1, "noscript loading stale fast allow_busy", "@transaction", 0, 0, 0,
                TransactionCommands::unwatch, "Forgets about watched keys of a transaction.");
    }

    /**
     * Inside MULTI: true when cmd is queued rather than run. EXEC, DISCARD, MULTI, WATCH, QUIT
     * and RESET run at once, as in Redis's processCommand.
     */
    public static boolean queues(CommandSpec cmd) {
        return switch (cmd.fullName()) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> false;
            default -> true;
        };
    }

    /**
     * A command refused before it ran (unknown, arity, auth, not allowed in MULTI): flags the
     * transaction; a refused EXEC aborts it. Returns the error text to send.
     */
    public static String refused(Client c, CommandSpec cmd, String error) {
        MultiState m = c.multiState();
        if (m == null || !m.active) return error;
        m.flagError();
        if (cmd != null && cmd.fullName().equals("exec")) {
            discardAll(c, m);
            return "EXECABORT Transaction discarded because of: " + error;
        }
        return error;
    }

    /** RESET ran: the connection leaves MULTI and forgets its watches. */
    public static void reset(Client c) {
        MultiState m = c.multiState();
        if (m != null) discardAll(c, m);
    }

    static void multi(Client c) {
        MultiState m = c.multiState();
        if (m == null) c.multiState(m = new MultiState());
        if (m.active) throw NESTED;
        m.active = true;
        c.reply().ok();
    }

    static void discard(Client c) {
        MultiState m = c.multiState();
        if (m == null || !m.active) throw DISCARD_WITHOUT;
        discardAll(c, m);
        c.reply().ok();
    }

    static void watch(Client c) {
        MultiState m = c.multiState();
        if (m == null) c.multiState(m = new MultiState());
        if (m.active) throw WATCH_INSIDE;
        RespWriter w = c.reply();
        // No point in watching more once a watched key changed: EXEC will fail anyway.
        if (m.dirty) {
            w.ok();
            return;
        }
        Dispatcher d = c.server().dispatcher();
        WatchedKeys watches = d.watchedKeys();
        for (int i = 1; i < c.argc(); i++) watches.watch(m, c.db(), c.arg(i));
        watches.unwatchOnClose(c, d, m);
        w.ok();
    }

    static void unwatch(Client c) {
        MultiState m = c.multiState();
        if (m != null) c.server().dispatcher().watchedKeys().unwatchAllLocking(c.server().dispatcher(), m);
        c.reply().ok();
    }

    static void exec(Client c) {
        MultiState m = c.multiState();
        if (m == null || !m.active) throw EXEC_WITHOUT;
        Dispatcher d = c.server().dispatcher();
        WatchedKeys watches = d.watchedKeys();
        Keyspace keyspace = c.server().keyspace();
        RespWriter w = c.reply();
        // All shard locks for the whole EXEC: the watch check and the commands are one atomic
        // step. The commands' own locks are re-entered (shard locks are reentrant).
        d.lockShards(Dispatcher.ALL_SHARDS); // BUSY while a script runs past busy-reply-threshold
        try {
            boolean changed = m.dirty || watches.changed(m);
            boolean failed = m.queueFailed;
            watches.unwatchAll(m);
            if (failed) {
                m.endMulti();
                throw EXECABORT;
            }
            if (changed) {
                m.endMulti();
                w.nullArray();
                return;
            }
            Object[] queued = m.queued.toArray();
            m.endMulti();
            w.array(queued.length);
            // Blocking commands answer as on timeout instead of parking (Redis's CLIENT_DENY_BLOCKING).
            boolean neverBlock = c.neverBlock();
            c.neverBlock(true);
            try {
                for (Object o : queued) {
                    MultiState.Queued q = (MultiState.Queued) o;
                    c.queuedArgv(q.argv());
                    d.call(c, q.spec());
                }
            } finally {
                c.queuedArgv(null);
                c.neverBlock(neverBlock);
            }
        } finally {
            d.unlockShards(Dispatcher.ALL_SHARDS);
        }
    }

    private static void discardAll(Client c, MultiState m) {
        m.endMulti();
        c.server().dispatcher().watchedKeys().unwatchAllLocking(c.server().dispatcher(), m);
    }
}
