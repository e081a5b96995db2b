package io.ferrite.server.blocking;

import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.ReadyKeys;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Clients parked by blocking commands (BLPOP, BZPOPMIN, XREAD BLOCK ...), and the serving of
 * them when their keys get data.
 *
 * <p><b>How it works.</b> A blocking command that finds nothing to serve calls
 * {@link #block}: the client is queued on each of its keys and stops processing input; no
 * thread and no lock is held while it waits. A write that creates such a key (or appends to
 * a stream) calls {@link #signal} under the key's shard lock, which only notes the key in the
 * writing thread's ready list when someone waits on it. After the write command has released
 * its locks, {@link #serveReady} takes each ready key's waiters in FIFO order and runs each
 * waiter's own command again on the writing thread, with that command's shard locks (so the
 * re-run is atomic, and ascending lock order is kept: no lock is held when it starts). A waiter
 * whose re-run finds nothing (another client took the data), or that waits for another type,
 * stays parked in place; the next waiter still gets its chance. The reply of a served waiter is handed to its own event loop,
 * which writes it and resumes the client's pending input.
 *
 * <p><b>Threads.</b> The waiter queues of shard s are guarded by shard s's lock: registration
 * runs inside the blocking command (locks held), serving and timeouts re-acquire the waiter's
 * command locks. A waiter's state moves WAITING → SERVED | TIMED_OUT | GONE exactly once, under
 * those locks. The ready list is per thread (the writer serves what it woke).
 */
public final class BlockedClients implements ReadyKeys {
    enum State { WAITING, SERVED, TIMED_OUT, GONE }

    /** One parked client: its command, keys, database and timeout. */
    public static final class Waiter {
        final Client client;
        final CommandSpec command;
        final int db;
        final byte[][] keys;
        final Consumer<RespWriter> onTimeout;
        // The shard locks of the command, fixed when it parked: serveHead runs on another
        // thread and may look at a waiter that has just timed out, whose client has already
        // cleared its arguments or decoded its next command.
        final long locks;
        State state = State.WAITING;
        io.netty.util.concurrent.ScheduledFuture<?> timeoutTask;

        // What the command waits for (Redis's bstate.btype): "list", "zset" or "stream", taken
        // from its ACL category. A key signalled with another type (or gone) does not wake it,
        // except for XREADGROUP, whose group dies with the key (Redis's unblock_on_nokey).
        final String blockedType;
        final boolean unblockOnNoKey;

        Waiter(Client client, CommandSpec command, int db, byte[][] keys, Consumer<RespWriter> onTimeout, long locks) {
            this.locks = locks;
            long acl = command.aclCategories();
            this.blockedType = (acl & io.ferrite.server.command.AclCategories.bit("list")) != 0 ? "list"
                    : (acl & io.ferrite.server.command.AclCategories.bit("sortedset")) != 0 ? "zset"
                    : (acl & io.ferrite.server.command.AclCategories.bit("stream")) != 0 ? "stream" : null;
            this.unblockOnNoKey = command.fullName().equals("xreadgroup");
            this.client = client;
            this.command = command;
            this.db = db;
            this.keys = keys;
            this.onTimeout = onTimeout;
        }
    }

    /** A (database, key) pair as a map key; allocated only when a client blocks or a key is signalled. */
    private record WaitKey(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof WaitKey w && w.db == db && Arrays.equals(w.key, key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + db;
        }
    }

    private final Keyspace keyspace;
    private final Dispatcher dispatcher;
    // waiters[s]: guarded by shard s's lock.
    private final Map<WaitKey, ArrayDeque<Waiter>>[] waiters;
    private final AtomicInteger blockedCount = new AtomicInteger();
    private final ThreadLocal<ArrayDeque<WaitKey>> ready = ThreadLocal.withInitial(ArrayDeque::new);
    private final ThreadLocal<boolean[]> serving = ThreadLocal.withInitial(() -> new boolean[1]);

    @SuppressWarnings("unchecked")
    public BlockedClients(Keyspace keyspace, Dispatcher dispatcher) {
        this.keyspace = keyspace;
        this.dispatcher = dispatcher;
        this.waiters = new Map[keyspace.shardCount()];
        for (int i = 0; i < waiters.length; i++) waiters[i] = new HashMap<>();
        keyspace.readyKeys(this);
    }

    private static final CommandError TIMEOUT_NOT_FLOAT = new CommandError("ERR timeout is not a float or out of range");
    private static final CommandError TIMEOUT_OUT_OF_RANGE = new CommandError("ERR timeout is out of range");
    private static final CommandError TIMEOUT_NEGATIVE = new CommandError("ERR timeout is negative");
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    // The range of an x87 long double, which Redis parses timeouts into (strtold sets ERANGE
    // beyond it, and Redis then rejects the number).
    private static final BigDecimal LDBL_MAX = new BigDecimal("1.18973149535723176502e4932");
    private static final BigDecimal LDBL_TRUE_MIN = new BigDecimal("3.64519953188247460253e-4951");

    /**
     * A blocking command's timeout in seconds (BLPOP, BZPOPMIN ...) as milliseconds for
     * {@link Client#block}, 0 meaning forever: Redis's getTimeoutFromObjectOrReply with
     * UNIT_SECONDS. The text is a long double as strtold reads it (decimal, hex, inf), the
     * milliseconds are rounded up, and the errors are Redis's.
     */
    public static long parseTimeoutSeconds(byte[] arg) {
        int n = arg.length;
        if (n == 0 || n >= 5 * 1024) throw TIMEOUT_NOT_FLOAT;
        for (byte b : arg) if (b <= ' ' || b >= 127) throw TIMEOUT_NOT_FLOAT;
        String s = new String(arg, StandardCharsets.US_ASCII);
        boolean negative = s.charAt(0) == '-';
        String body = (negative || s.charAt(0) == '+') ? s.substring(1) : s;
        String lower = body.toLowerCase(Locale.ROOT);
        BigDecimal seconds;
        if (lower.equals("inf") || lower.equals("infinity")) {
            throw negative ? TIMEOUT_NEGATIVE : TIMEOUT_OUT_OF_RANGE;
        } else if (lower.startsWith("0x")) {
            int p = lower.indexOf('p');
            if (p >= 0 && !lower.substring(p + 1).matches("[+-]?[0-9]+")) throw TIMEOUT_NOT_FLOAT;
            double d;
            try {
                d = Double.parseDouble((negative ? "-" : "") + (p >= 0 ? lower : lower + "p0"));
            } catch (NumberFormatException e) {
                throw TIMEOUT_NOT_FLOAT;
            }
            if (Double.isInfinite(d)) throw negative ? TIMEOUT_NEGATIVE : TIMEOUT_OUT_OF_RANGE;
            seconds = new BigDecimal(d);
        } else {
            try {
                seconds = new BigDecimal(s);
            } catch (NumberFormatException e) {
                throw TIMEOUT_NOT_FLOAT;
            }
            BigDecimal abs = seconds.abs();
            if (seconds.signum() != 0 && (abs.compareTo(LDBL_MAX) > 0 || abs.compareTo(LDBL_TRUE_MIN) < 0)) {
                throw TIMEOUT_NOT_FLOAT;
            }
        }
        BigDecimal millis = seconds.movePointRight(3).setScale(0, RoundingMode.CEILING);
        if (millis.compareTo(LONG_MAX) > 0) throw TIMEOUT_OUT_OF_RANGE;
        if (millis.signum() < 0) throw TIMEOUT_NEGATIVE;
        long ms = millis.longValueExact();
        // Redis adds the current time and refuses a sum that would overflow.
        if (ms > Long.MAX_VALUE - System.currentTimeMillis()) throw TIMEOUT_OUT_OF_RANGE;
        return ms;
    }

    /** Keys that at least one client waits on (INFO total_blocking_keys). Call with all shard locks. */
    public int blockingKeys() {
        int n = 0;
        for (Map<WaitKey, ArrayDeque<Waiter>> m : waiters) n += m.size();
        return n;
    }

    /** Clients blocked right now (INFO blocked_clients). */
    public int blockedCount() { return blockedCount.get(); }

    /**
     * Parks c on keys of its selected database; called from its command, with the keys'
     * shard locks held. The command wrote no reply.
     */
    public Waiter block(Client c, CommandSpec command, byte[][] keys, long timeoutMillis, Consumer<RespWriter> onTimeout) {
        Waiter w = new Waiter(c, command, c.db().index(), keys.clone(), onTimeout,
                dispatcher.lockSet(c, command));
        for (byte[] k : w.keys) {
            waiters[keyspace.shardIndex(k)].computeIfAbsent(new WaitKey(w.db, k), x -> new ArrayDeque<>()).addLast(w);
        }
        blockedCount.incrementAndGet();
        if (timeoutMillis > 0) {
            w.timeoutTask = c.channel().eventLoop().schedule(() -> timeOut(w), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        return w;
    }

    @Override
    public void signal(Database db, byte[] key) {
        if (blockedCount.get() == 0) return;
        WaitKey wk = new WaitKey(db.index(), key);
        if (waiters[keyspace.shardIndex(key)].containsKey(wk)) ready.get().addLast(wk);
    }

    /**
     * Marks every key of database dbIndex that clients wait on as ready: for a command that
     * changes keys without adding them one by one (SWAPDB; Redis's scanDatabaseForReadyKeys).
     * Call with all shard locks held; the dispatcher serves them after the command.
     */
    public void signalAll(int dbIndex) {
        if (blockedCount.get() == 0) return;
        ArrayDeque<WaitKey> queue = ready.get();
        for (Map<WaitKey, ArrayDeque<Waiter>> m : waiters) {
            for (WaitKey k : m.keySet()) if (k.db == dbIndex) queue.addLast(k);
        }
    }

    /** True when this thread woke keys that have waiters; cheap when nobody is blocked. */
    public boolean hasReady() {
        return blockedCount.get() != 0 && !ready.get().isEmpty();
    }

    /** Serves the waiters of the keys this thread made ready. Call with no shard lock held. */
    public void serveReady() {
        boolean[] busy = serving.get();
        if (busy[0]) return; // a served command woke more keys: the outer loop gets them
        busy[0] = true;
        try {
            ArrayDeque<WaitKey> queue = ready.get();
            WaitKey k;
            while ((k = queue.pollFirst()) != null) {
                serveKey(k);
            }
        } finally {
            busy[0] = false;
        }
    }

    /** Redis's check before re-running a waiter: the key must now hold the type it waits for. */
    private boolean wakes(Waiter w, WaitKey k) {
        if (w.unblockOnNoKey || w.blockedType == null) return true;
        var e = keyspace.database(k.db).peek(k.key);
        return e != null && e.value() instanceof io.ferrite.server.keyspace.Value v && v.typeName().equals(w.blockedType);
    }

    /** Keys on which some client waits that must be woken even when the key goes away (INFO). */
    public int blockingKeysOnNoKey() {
        int n = 0;
        for (Map<WaitKey, ArrayDeque<Waiter>> m : waiters) {
            for (ArrayDeque<Waiter> q : m.values()) {
                for (Waiter w : q) {
                    if (w.unblockOnNoKey) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }

    /**
     * Offers key k to each client that waited on it when it became ready, in arrival order, as
     * Redis's handleClientsBlockedOnKey does: one that finds nothing (another took the data)
     * or waits for another type keeps its place, and the next one still gets its chance.
     */
    private void serveKey(WaitKey k) {
        var shard = keyspace.shard(keyspace.shardIndex(k.key));
        Waiter[] snapshot;
        shard.lock();
        try {
            ArrayDeque<Waiter> q = waiters[shard.index()].get(k);
            snapshot = q == null ? new Waiter[0] : q.toArray(new Waiter[0]);
        } finally {
            shard.unlock();
        }
        for (Waiter w : snapshot) serveWaiter(w, k);
    }

    /** Runs a waiter's command again; true when that served it. */
    private boolean serveWaiter(Waiter head, WaitKey k) {
        if (head == null) return false;
        Client c = head.client;
        ByteBuf out = c.channel().alloc().buffer(64);
        boolean[] served = new boolean[1];
        dispatcher.runWithLocks(head.locks, () -> {
            if (head.state != State.WAITING) return; // timed out, gone, or served by another thread
            if (!wakes(head, k)) return; // e.g. ZADD then DEL then SET in one transaction
            // The client's writer is borrowed only here, under the locks and while WAITING: a
            // timeout on the client's loop writes through the same writer, but only after it
            // moved the state on under these locks, so the two never overlap.
            RespWriter writer = c.reply();
            ByteBuf saved = writer.target();
            writer.target(out);
            c.serving(true);
            try {
                dispatcher.call(c, head.command);
            } finally {
                c.serving(false);
                writer.target(saved);
            }
            if (c.reblocked()) return; // still nothing for it: it keeps its place
            head.state = State.SERVED;
            unregister(head);
            served[0] = true;
        });
        if (head.state != State.WAITING && !served[0]) {
            out.release();
            return true; // it left the queue another way (timeout, disconnect, another server thread)
        }
        if (!served[0]) {
            out.release();
            return false;
        }
        if (head.timeoutTask != null) head.timeoutTask.cancel(false);
        c.resumeAfterBlock(out);
        return true;
    }

    private void timeOut(Waiter w) {
        endWait(w, null);
    }

    private static final String UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

    /**
     * CLIENT UNBLOCK: ends c's wait now, with its timeout reply or (error) with Redis's
     * "-UNBLOCKED client unblocked via CLIENT UNBLOCK". False when c is not parked (or is being
     * served at this moment). Call from any thread with no shard lock held.
     */
    public boolean unblock(Client c, boolean error) {
        Waiter w = c.waiter();
        return w != null && endWait(w, error ? UNBLOCKED : null);
    }

    /**
     * Ends a wait that was not served: the timeout reply, or the error when one is given.
     * Redis counts the command as one call at this point (updateStatsOnUnblock).
     */
    private boolean endWait(Waiter w, String error) {
        Client c = w.client;
        boolean[] ended = new boolean[1];
        dispatcher.runWithLocks(w.locks, () -> {
            if (w.state != State.WAITING) return;
            w.state = State.TIMED_OUT;
            unregister(w);
            ended[0] = true;
        });
        if (!ended[0]) return false;
        if (w.timeoutTask != null) w.timeoutTask.cancel(false);
        // The writer is ours: serving writes only while WAITING, and the state moved on above.
        ByteBuf out = c.channel().alloc().buffer(16);
        RespWriter writer = c.reply();
        ByteBuf saved = writer.target();
        writer.target(out);
        try {
            if (error == null) w.onTimeout.accept(writer); else writer.error(error);
        } finally {
            writer.target(saved);
        }
        dispatcher.countEndedWait(c, w.command, error);
        c.resumeAfterBlock(out);
        return true;
    }

    /** The client disconnected while blocked: forget it. */
    public void disconnected(Waiter w) {
        dispatcher.runWithLocks(w.locks, () -> {
            if (w.state != State.WAITING) return;
            w.state = State.GONE;
            unregister(w);
        });
        if (w.timeoutTask != null) w.timeoutTask.cancel(false);
    }

    // Caller holds the shard locks of all of w's keys.
    private void unregister(Waiter w) {
        for (byte[] k : w.keys) {
            Map<WaitKey, ArrayDeque<Waiter>> m = waiters[keyspace.shardIndex(k)];
            WaitKey wk = new WaitKey(w.db, k);
            ArrayDeque<Waiter> q = m.get(wk);
            if (q == null) continue;
            q.remove(w);
            if (q.isEmpty()) m.remove(wk);
        }
        blockedCount.decrementAndGet();
    }
}
