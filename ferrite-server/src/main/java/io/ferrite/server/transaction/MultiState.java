package io.ferrite.server.transaction;

import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.keyspace.DbEntry;
import java.util.ArrayList;

/**
 * One client's transaction: whether it is inside MULTI, the commands queued since, whether
 * queueing failed (EXEC then answers EXECABORT), and the keys it WATCHes.
 *
 * <p>Created on a client's first MULTI or WATCH and kept for the connection (a few dozen
 * bytes). A queued command holds its resolved spec and a copy of its argument array (the
 * argument byte arrays are fresh per command, so they are shared, not copied). Each watched
 * key remembers the entry it had when watched, so EXEC can see changes that do not go through
 * a write (expiry, FLUSHDB, SWAPDB) by comparing entries; writes set {@link #dirty} at once.
 *
 * <p>Threads: everything but {@code dirty} is used by the owning client's event loop;
 * {@code dirty} is set by any writer, under the watched key's shard lock.
 */
public final class MultiState {
    /** A command accepted after MULTI, run by EXEC. */
    public record Queued(CommandSpec spec, byte[][] argv) {}

    /**
     * A watched key of database db; entry: the live entry it had at WATCH time, null when it
     * was missing or already expired then (Redis's "stale" watched key: its removal is no
     * change).
     */
    record Watch(int db, byte[] key, DbEntry entry) {}

    boolean active;
    boolean queueFailed;
    volatile boolean dirty;
    boolean closeHooked;
    final ArrayList<Queued> queued = new ArrayList<>(2);
    final ArrayList<Watch> watches = new ArrayList<>(2);

    /** True between MULTI and EXEC/DISCARD. */
    public boolean active() { return active; }

    /** A command was refused while queueing (unknown, arity, not allowed): EXEC will abort. */
    public void flagError() {
        if (active) queueFailed = true;
    }

    /** Queues a checked command; argv is the client's argument array, copied here. */
    public void queue(CommandSpec spec, byte[][] argv, int argc) {
        // Like Redis, an already doomed transaction keeps no more commands.
        if (queueFailed || dirty) return;
        queued.add(new Queued(spec, java.util.Arrays.copyOf(argv, argc)));
    }

    /** True when a queued command may grow memory (EXEC is refused over maxmemory then, as in Redis). */
    public boolean queuedDenyOom() {
        for (Queued q : queued) if (q.spec().has(io.ferrite.server.command.CommandFlags.DENYOOM)) return true;
        return false;
    }

    /** The queued commands, in order (read under the client's own loop or with the client parked). */
    public java.util.List<Queued> queued() { return java.util.Collections.unmodifiableList(queued); }

    /** Leaves MULTI and forgets the queue (the watches are dropped separately, under locks). */
    void endMulti() {
        active = false;
        queueFailed = false;
        queued.clear();
    }
}
