package io.ferrite.server.command;

import io.ferrite.server.admin.LatencyMonitor;
import io.ferrite.server.blocking.ClientPause;
import io.ferrite.server.config.ConfigParam;
import io.ferrite.server.FerriteServer;
import io.ferrite.server.admin.Monitors;
import io.ferrite.server.blocking.BlockedClients;
import io.ferrite.server.exec.CommandClock;
import io.ferrite.server.exec.CommandThread;
import io.ferrite.server.persistence.Persistence;
import io.ferrite.server.admin.ServerStats;
import io.ferrite.server.admin.SlowLog;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.ShardsNeeded;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.pubsub.PubSub;
import io.ferrite.server.pubsub.PubSubCommands;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.transaction.MultiState;
import io.ferrite.server.transaction.TransactionCommands;
import io.ferrite.server.transaction.WatchedKeys;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Runs one decoded command: lookup, arity and auth checks, shard locking from the key spec,
 * the handler, then statistics, SLOWLOG and MONITOR. Runs on the event loop that decoded the
 * command, except scripts, which run on the scripting thread (see {@link ScriptGate}).
 *
 * <p>Locking: a command with keys locks the shards of its keys in ascending shard order (a
 * bit set of at most 64 shards, so no allocation), a LOCK_ALL command locks every shard, a
 * command without keys takes no lock. Ordered acquisition rules out deadlock between
 * multi-key commands on different event loops. A handler that finds it must reach keys of
 * other shards (time-series compaction rules) throws {@link ShardsNeeded} before changing
 * anything; it then runs again holding the union, locked from scratch in ascending order.
 */
public final class Dispatcher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Dispatcher.class);
    private final FerriteServer server;
    private final CommandTable table;
    private final Keyspace keyspace;
    private final ServerStats stats;
    private final SlowLog slowLog;
    private final ClientPause clientPause;
    private final ConfigParam latencyTracking;
    private final LatencyMonitor latencyMonitor;
    private final Monitors monitors;
    private BlockedClients blocking;
    private final WatchedKeys watchedKeys;

    /** WATCH registrations; installed into every database before the server starts. */
    public WatchedKeys watchedKeys() { return watchedKeys; }

    /** Wired after construction: the blocking subsystem needs the dispatcher to re-run commands. */
    public void blocking(BlockedClients b) { this.blocking = b; }

    private static final java.util.Set<String> SUBSCRIBER_COMMANDS = java.util.Set.of("subscribe", "unsubscribe",
            "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "ping", "quit", "reset");
    // PING answered as Redis does in RESP2 subscriber mode (an array "pong" <arg>).
    private static final CommandSpec SUBSCRIBER_PING = new CommandSpec("ping", null, -1, CommandFlags.NO_KEYS
            | CommandFlags.parse("fast"), 0, 0, 0, 0, PubSubCommands::subscriberPing, "connection", "", false);

    public Dispatcher(FerriteServer server) {
        this.server = server;
        this.table = server.commandTable();
        this.keyspace = server.keyspace();
        this.stats = server.stats();
        this.slowLog = server.slowLog();
        this.clientPause = server.clientPause();
        this.latencyTracking = server.config().latencyTracking;
        this.latencyMonitor = server.latencyMonitor();
        this.monitors = server.monitors();
        this.maxmemory = server.config().maxmemory;
        this.evictor = server.evictor();
        this.persistence = server.persistence();
        this.watchedKeys = new WatchedKeys(keyspace);
        this.touch = table.lookup("touch");
    }

    /**
     * Scripting (see docs/architecture.md, "Scripts and functions"): a script holds every shard
     * lock; it starts on its client's event loop and moves to the scripting thread (client
     * parked) if it runs long without side effects. Commands of other clients that need a
     * shard lock wait for it; once the script has run longer than busy-reply-threshold they get
     * BUSY instead, as do keyless commands, unless flagged allow-busy (SCRIPT KILL, FUNCTION
     * KILL, SHUTDOWN NOSAVE). Null until scripting starts.
     */
    public interface ScriptGate {
        /** The BUSY error once the running script passed busy-reply-threshold, else null. */
        CommandError busy();

        /** Runs task on the scripting thread. */
        void submit(Runnable task);
    }

    private static final long LOCK_POLL_NANOS = 1_000_000;

    private volatile ScriptGate scriptGate;

    public static final CommandError OOM = new CommandError("OOM command not allowed when used memory > 'maxmemory'.");
    private final io.ferrite.server.config.ConfigParam maxmemory;
    private final Persistence persistence;
    private final CommandSpec touch; // the one command that touches keys in CLIENT NO-TOUCH mode

    private final io.ferrite.server.keyspace.Evictor evictor;

    /** True when maxmemory is set and used memory exceeds it (see {@link io.ferrite.server.keyspace.Evictor}). */
    public boolean overMaxmemory() {
        return maxmemory.longValue() > 0 && evictor.overLimit();
    }

    public void scriptGate(ScriptGate g) { this.scriptGate = g; }

    /** A script's redis.call: the script holds every shard lock already, so no locking here. */
    public void callFromScript(Client c, CommandSpec cmd) { call(c, cmd, false); }

    public void execute(Client c) {
        byte[][] argv = c.argv();
        int argc = c.argc();
        RespWriter w = c.reply();
        CommandSpec cmd = table.lookup(argv[0]);
        if (cmd == null) {
            rejectUnknown(c, argv, argc);
            return;
        }
        if (cmd.isContainer() && (argc >= 2 || cmd.handler == null)) {
            // A container with a handler of its own (COMMAND) runs it when called alone.
            if (argc < 2) {
                reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName + "' command");
                return;
            }
            CommandSpec sub = CommandTable.subcommand(cmd, argv[1]);
            if (sub == null) {
                reject(c, cmd, "ERR unknown subcommand '" + truncate(argv[1]) + "'. Try "
                        + cmd.name.toUpperCase(Locale.ROOT) + " HELP.");
                return;
            }
            cmd = sub;
        }
        if (!cmd.arityOk(argc)) {
            cmd.rejectedCalls.increment();
            reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName + "' command");
            return;
        }
        if (!c.authenticated() && !cmd.has(CommandFlags.NO_AUTH)) {
            cmd.rejectedCalls.increment();
            reject(c, cmd, "NOAUTH Authentication required.");
            return;
        }
        // RESP2 subscriber mode: only the subscription commands, PING, QUIT and RESET (server.c).
        if (c.inSubscriberMode()) {
            if (!SUBSCRIBER_COMMANDS.contains(cmd.fullName)) {
                cmd.rejectedCalls.increment();
                reject(c, cmd, "ERR Can't execute '" + cmd.fullName + "': only (P|S)SUBSCRIBE / "
                        + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
                return;
            }
            if (cmd.fullName.equals("ping")) cmd = SUBSCRIBER_PING;
        }
        // maxmemory: over the limit, evict by policy (before the command takes its locks);
        // if that cannot get under it, commands that may grow memory are refused.
        if (maxmemory.longValue() > 0 && evictor.overLimit() && !evictor.evict() && (cmd.has(CommandFlags.DENYOOM)
                || (cmd.fullName.equals("exec") && c.multiState() != null && c.multiState().queuedDenyOom()))) {
            cmd.rejectedCalls.increment();
            reject(c, cmd, OOM.getMessage());
            return;
        }
        // A failed background save with stop-writes-on-bgsave-error: writes (and PING) get MISCONF.
        if (persistence.refusesWrites() && (cmd.has(CommandFlags.WRITE) || cmd.fullName.equals("ping"))) {
            cmd.rejectedCalls.increment();
            reject(c, cmd, Persistence.MISCONF.getMessage());
            return;
        }
        // A script past busy-reply-threshold: BUSY, also for commands that MULTI would queue.
        ScriptGate busyGate = scriptGate;
        if (busyGate != null && !cmd.has(CommandFlags.ALLOW_BUSY)) {
            CommandError busy = busyGate.busy();
            if (busy != null) {
                reject(c, cmd, busy.getMessage());
                return;
            }
        }
        // CLIENT PAUSE: the command waits, unrun, until the pause ends (one volatile read otherwise).
        if (clientPause.postpones(c, cmd)) {
            clientPause.postpone(c);
            return;
        }
        // Transactions: after MULTI commands are queued, not run (one plain field read otherwise).
        MultiState multi = c.multiState();
        if (multi != null) {
            if (multi.active()) {
                if (cmd.has(CommandFlags.NO_MULTI)) {
                    cmd.rejectedCalls.increment();
                    reject(c, cmd, "ERR Command not allowed inside a transaction");
                    return;
                }
                if (TransactionCommands.queues(cmd)) {
                    multi.queue(cmd, argv, argc);
                    w.simple("QUEUED");
                    return;
                }
            }
            if (cmd.fullName.equals("reset")) TransactionCommands.reset(c);
        }
        ScriptGate gate = scriptGate;
        if (c.subscriptions() != null && cmd.fullName.equals("reset")) PubSubCommands.reset(c);
        if ((cmd.flags & CommandFlags.SCRIPT_THREAD) != 0) {
            if (!runScriptInline(c, cmd, gate != null ? gate : server.scripting())) return;
        } else {
            call(c, cmd);
        }
        PubSub.flushDeferred(c); // pushes this command sent to its own client follow its reply
        if (blocking.hasReady()) blocking.serveReady();
    }

    /**
     * Thrown by the scripting engine's instruction hook out of a script that runs inline on an
     * event loop for longer than a moment without having changed anything: the dispatcher then
     * runs the command again from the start on the scripting thread (see docs/architecture.md).
     */
    public static final class ScriptMigration extends Error {
        public static final ScriptMigration INSTANCE = new ScriptMigration();

        private ScriptMigration() { super("script moves to the scripting thread", null, false, false); }
    }

    /**
     * Runs a script on this event loop; false when it moved to the scripting thread instead
     * (the client is parked then and its reply comes later).
     */
    private boolean runScriptInline(Client c, CommandSpec cmd, ScriptGate gate) {
        ByteBuf out = c.reply().target();
        int mark = out.writerIndex();
        c.scriptMayMigrate(true);
        try {
            call(c, cmd);
            return true;
        } catch (ScriptMigration moved) {
            c.scriptMayMigrate(false); // before the hand-off: on the scripting thread it runs to its end
            c.reply().target().writerIndex(mark);
            runOnScriptThread(c, cmd, gate);
            return false;
        } finally {
            c.scriptMayMigrate(false);
        }
    }

    /**
     * Hands a script to the scripting thread and parks c, so that its loop goes on serving
     * its other clients however long the script runs; the reply comes back to c's loop.
     */
    private void runOnScriptThread(Client c, CommandSpec cmd, ScriptGate gate) {
        c.parkForScript();
        gate.submit(() -> {
            RespWriter w = c.reply();
            w.target(c.channel().alloc().ioBuffer(64));
            try {
                call(c, cmd);
                PubSub.flushDeferred(c);
            } finally {
                c.resumeAfterBlock(w.target());
            }
            if (blocking.hasReady()) blocking.serveReady();
        });
    }

    /** Runs a resolved, checked command with its locks; records stats. */
    public void call(Client c, CommandSpec cmd) { call(c, cmd, true); }

    private void call(Client c, CommandSpec cmd, boolean lock) {
        RespWriter w = c.reply();
        ByteBuf out = w.target();
        Client.ReplyMode modeBefore = c.replyMode();
        int mark = out.writerIndex();
        CommandClock clock = CommandThread.currentClock();
        long start = clock != null ? clock.commandStart() : System.nanoTime();
        boolean failed = false;
        // A command re-run to serve a client it had blocked was shown to monitors when it blocked.
        boolean reprocessing = c.serving();
        // As Redis's evalCommand and fcallCommand: a script is shown before the commands it runs
        // (those are shown as they end). Not again when it re-runs on the scripting thread (parked).
        if ((cmd.flags & SCRIPT_SHOWN_FIRST) == SCRIPT_SHOWN_FIRST && monitors.active() && !c.isParked()) {
            monitors.feed(c, c.argv(), c.argc());
        }
        c.currentCommand(cmd);
        CommandThread.noTouch(c.noTouch() && cmd != touch);
        try {
            if (lock) runLocked(c, cmd);
            else cmd.handler.run(c);
        } catch (CommandError e) {
            failed = true;
            out.writerIndex(mark); // a command that failed midway must not leave half a reply
            w.error(e.getMessage());
            if (!e.counted()) stats.countError(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // A bug in a command must cost that command only, not the connection or the batch.
            failed = true;
            LOG.error("command {} failed", cmd.fullName, e);
            String msg = "ERR internal error in '" + cmd.fullName + "': " + e;
            out.writerIndex(mark);
            w.error(msg);
            stats.countError(msg);
        } finally {
            CommandThread.commandEnded(); // the remembered key hash is valid within one command only
        }
        long nanos = (clock != null ? clock.commandEnd() : System.nanoTime()) - start;
        long micros = nanos / 1000;
        // Like Redis, a run that parked the client is not a call; the run that serves it is.
        // Monitors see the command once, when it first ran (and blocked).
        if (c.isBlocked() && (!c.serving() || c.reblocked())) {
            if (!reprocessing) feedMonitors(c, cmd);
            return;
        }
        cmd.calls.increment();
        cmd.microseconds.add(micros);
        if (latencyTracking.boolValue()) cmd.latency.record(nanos);
        latencyMonitor.commandRan(cmd.has(CommandFlags.FAST), micros);
        if (failed) cmd.failedCalls.increment();
        stats.commandsProcessed.increment();
        c.lastCommand(cmd.fullName);

        Client.ReplyMode modeAfter = c.replyMode();
        // CLIENT REPLY ON run while skipping still sends its +OK, as in Redis.
        if (modeAfter == Client.ReplyMode.OFF
                || (modeBefore == Client.ReplyMode.SKIP && modeAfter != Client.ReplyMode.ON)) out.writerIndex(mark);
        if (modeBefore == Client.ReplyMode.SKIP && modeAfter == Client.ReplyMode.SKIP) c.replyMode(Client.ReplyMode.ON);
        if (modeAfter == Client.ReplyMode.SKIP_NEXT) c.replyMode(Client.ReplyMode.SKIP);

        if (!cmd.has(CommandFlags.SKIP_SLOWLOG)) slowLog.offer(c, micros);
        if (!reprocessing) feedMonitors(c, cmd);
    }

    private void feedMonitors(Client c, CommandSpec cmd) {
        if (monitors.active() && !cmd.has(CommandFlags.SKIP_MONITOR) && !cmd.has(CommandFlags.ADMIN)) {
            monitors.feed(c, c.argv(), c.argc());
        }
    }

    private static final long SCRIPT_SHOWN_FIRST = CommandFlags.SCRIPT_THREAD | CommandFlags.SKIP_MONITOR;

    private void runLocked(Client c, CommandSpec cmd) {
        if ((cmd.flags & CommandFlags.NO_KEYS) != 0) {
            cmd.handler.run(c);
            return;
        }
        long shards = lockSet(c, cmd);
        if (Long.bitCount(shards) == 1) {
            var shard = keyspace.shard(Long.numberOfTrailingZeros(shards));
            if (!shard.tryLock()) lockWaiting(shard, 0);
            try {
                cmd.handler.run(c);
                return;
            } catch (ShardsNeeded more) {
                shards |= more.shards();
            } finally {
                shard.unlock();
            }
        }
        // Several shards, or a handler that asked for more (ShardsNeeded): all locks are taken
        // again from scratch in ascending order, so no thread waits while holding a higher shard.
        while (true) {
            long locked = shards;
            lockShards(locked);
            try {
                cmd.handler.run(c);
                return;
            } catch (ShardsNeeded more) {
                shards |= more.shards();
            } finally {
                unlockShards(locked);
            }
        }
    }

    /**
     * Takes the locks of a shard set for a client's command, in ascending order. A lock held
     * by a script past busy-reply-threshold ends the wait with BUSY (the locks taken so far
     * are released): a waiting event loop must get back to its other clients, one of which
     * may be the SCRIPT KILL.
     */
    public void lockShards(long shards) {
        if (shards == ALL_SHARDS) shards = allShardsMask();
        for (long s = shards; s != 0; s &= s - 1) {
            var shard = keyspace.shard(Long.numberOfTrailingZeros(s));
            if (!shard.tryLock()) lockWaiting(shard, shards & ~s);
        }
    }

    public void unlockShards(long shards) {
        if (shards == ALL_SHARDS) shards = allShardsMask();
        for (long s = shards; s != 0; s &= s - 1) keyspace.shard(Long.numberOfTrailingZeros(s)).unlock();
    }

    private long allShardsMask() {
        int n = keyspace.shardCount();
        return n == 64 ? -1L : (1L << n) - 1;
    }

    /** The slow path of taking a shard lock: polls the script gate while waiting; held = locks to drop on BUSY. */
    private void lockWaiting(io.ferrite.server.keyspace.Shard shard, long held) {
        while (!shard.tryLock(LOCK_POLL_NANOS)) {
            ScriptGate gate = scriptGate;
            CommandError busy = gate == null ? null : gate.busy();
            if (busy != null) {
                for (long s = held; s != 0; s &= s - 1) keyspace.shard(Long.numberOfTrailingZeros(s)).unlock();
                throw busy;
            }
        }
    }

    /**
     * A parked command ended without being served (timeout, CLIENT UNBLOCK): Redis counts it as
     * one call then (updateStatsOnUnblock), failed when it ended with an error.
     */
    public void countEndedWait(Client c, CommandSpec cmd, String error) {
        cmd.calls.increment();
        stats.commandsProcessed.increment();
        if (error != null) {
            cmd.failedCalls.increment();
            stats.countError(error);
        }
        c.lastCommand(cmd.fullName);
    }

    /**
     * Runs body holding the shard locks that cmd (with c's current arguments) would take:
     * for code that must see a command's keys atomically outside the command itself (serving
     * or timing out a blocked client).
     */
    public void runWithKeyLocks(Client c, CommandSpec cmd, Runnable body) {
        runWithLocks(lockSet(c, cmd), body);
    }

    /** {@link #lockSet}'s value for a command that locks every shard. */
    public static final long ALL_SHARDS = -1L;

    /**
     * The shards cmd locks with c's current arguments, as a bit set ({@link #ALL_SHARDS} for
     * every shard): a blocked client keeps it, because once it has left the wait queue its
     * arguments may already belong to its next command.
     */
    public long lockSet(Client c, CommandSpec cmd) {
        if ((cmd.flags & CommandFlags.LOCK_ALL) != 0 || (cmd.flags & CommandFlags.NO_KEYS) != 0
                || keyspace.shardCount() == 1) {
            return ALL_SHARDS;
        }
        return shardsOf(c, cmd);
    }

    /** Runs body holding the shard locks of a {@link #lockSet}, taken in ascending order. */
    public void runWithLocks(long shards, Runnable body) {
        if (shards == ALL_SHARDS) shards = allShardsMask();
        for (long s = shards; s != 0; s &= s - 1) keyspace.shard(Long.numberOfTrailingZeros(s)).lock();
        try {
            body.run();
        } finally {
            unlockShards(shards);
        }
    }

    /** The set of shards named by the command's key positions. */
    private long shardsOf(Client c, CommandSpec cmd) {
        int argc = c.argc();
        byte[][] argv = c.argv();
        int last = cmd.lastKeyIndex(argc);
        long bits = 0;
        for (int i = cmd.firstKey; i <= last && i < argc; i += cmd.keyStep) {
            bits |= 1L << keyspace.shardIndex(argv[i]);
        }
        return bits;
    }

    private void rejectUnknown(Client c, byte[][] argv, int argc) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argc && args.length() < 128; i++) {
            String a = new String(argv[i], StandardCharsets.UTF_8);
            int room = 128 - args.length();
            args.append('\'').append(a.length() > room ? a.substring(0, room) : a).append("' ");
        }
        reject(c, null, "ERR unknown command '" + truncate(argv[0]) + "', with args beginning with: " + args);
    }

    /** Refuses a command before it runs; inside MULTI this also dooms the transaction. */
    private void reject(Client c, CommandSpec cmd, String message) {
        message = TransactionCommands.refused(c, cmd, message);
        stats.rejectedCalls.increment();
        stats.countError(message);
        c.reply().error(message);
    }

    private static String truncate(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
