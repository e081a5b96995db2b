package io.ferrite.server.blocking;

import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.ReadyKeys;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.RespWriter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
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
 * whose re-run finds nothing (another client took the data) stays parked in place and ends
 * the serving of that key. The reply of a served waiter is handed to its own event loop,
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
        State state = State.WAITING;
        io.netty.util.concurrent.ScheduledFuture<?> timeoutTask;

        Waiter(Client client, CommandSpec command, int db, byte[][] keys, Consumer<RespWriter> onTimeout) {
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

    /** Clients blocked right now (INFO blocked_clients). */
    public int blockedCount() { return blockedCount.get(); }

    /**
     * Parks c on keys of its selected database; called from its command, with the keys'
     * shard locks held. The command wrote no reply.
     */
    public Waiter block(Client c, CommandSpec command, byte[][] keys, long timeoutMillis, Consumer<RespWriter> onTimeout) {
        Waiter w = new Waiter(c, command, c.db().index(), keys.clone(), onTimeout);
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
                while (serveHead(k)) {
                    // keep serving this key until its head stays blocked or nobody waits
                }
            }
        } finally {
            busy[0] = false;
        }
    }

    /** Runs the head waiter of k; true when it was served (so the next one may be). */
    private boolean serveHead(WaitKey k) {
        var shard = keyspace.shard(keyspace.shardIndex(k.key));
        Waiter head;
        shard.lock();
        try {
            ArrayDeque<Waiter> q = waiters[shard.index()].get(k);
            head = q == null ? null : q.peekFirst();
        } finally {
            shard.unlock();
        }
        if (head == null) return false;
        Client c = head.client;
        ByteBuf out = c.channel().alloc().buffer(64);
        RespWriter writer = c.reply();
        ByteBuf saved = writer.target();
        writer.target(out);
        boolean[] served = new boolean[1];
        try {
            dispatcher.runWithKeyLocks(c, head.command, () -> {
                if (head.state != State.WAITING) return; // timed out, gone, or served by another thread
                c.serving(true);
                try {
                    dispatcher.call(c, head.command);
                } finally {
                    c.serving(false);
                }
                if (c.reblocked()) return; // still nothing for it: it keeps its place
                head.state = State.SERVED;
                unregister(head);
                served[0] = true;
            });
        } finally {
            writer.target(saved);
        }
        if (head.state != State.WAITING && !served[0]) {
            out.release();
            return true; // the head left the queue another way: look at the next one
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
        Client c = w.client;
        boolean[] expired = new boolean[1];
        dispatcher.runWithKeyLocks(c, w.command, () -> {
            if (w.state != State.WAITING) return;
            w.state = State.TIMED_OUT;
            unregister(w);
            expired[0] = true;
        });
        if (!expired[0]) return;
        ByteBuf out = c.channel().alloc().buffer(16);
        RespWriter writer = c.reply();
        ByteBuf saved = writer.target();
        writer.target(out);
        try {
            w.onTimeout.accept(writer);
        } finally {
            writer.target(saved);
        }
        c.resumeAfterBlock(out);
    }

    /** The client disconnected while blocked: forget it. */
    public void disconnected(Waiter w) {
        dispatcher.runWithKeyLocks(w.client, w.command, () -> {
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
