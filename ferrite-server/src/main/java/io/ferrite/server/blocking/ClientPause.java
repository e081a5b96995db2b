package io.ferrite.server.blocking;

import io.ferrite.server.command.CommandFlags;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.Client;
import io.ferrite.server.transaction.MultiState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CLIENT PAUSE / UNPAUSE as Redis 7.2: while paused, a command that the pause covers (every
 * command under ALL; under WRITE, writes and may-replicate commands, and EXEC of a queue holding
 * one) is postponed: its client parks with the command unrun and runs it, on its own loop, when
 * the pause ends. Key expiry is paused too: an expired key reads as missing but is not deleted.
 * A new pause keeps the more restrictive mode and the later end of the two.
 *
 * <p>Shared by all event loops under this object's monitor: pausing, unpausing and postponing
 * happen only while a pause is on (or being set); the per-command check is one volatile read.
 */
public final class ClientPause {
    private static final int WRITE = 1, ALL = 2;

    /** Whether a script call (EVAL, EVALSHA, FCALL with their arguments) may write, by its declared flags. */
    @FunctionalInterface
    public interface ScriptWrites {
        boolean mayWrite(byte[][] argv, int argc);
    }

    private final Keyspace keyspace;
    private final ScriptWrites scripts;
    private volatile boolean active;
    private int mode;                                             // guarded by this
    private long endMillis;                                       // guarded by this
    private final LinkedHashSet<Client> postponed = new LinkedHashSet<>(); // guarded by this; arrival order

    public ClientPause(Keyspace keyspace, ScriptWrites scripts) {
        this.keyspace = keyspace;
        this.scripts = scripts;
    }

    /** CLIENT PAUSE timeout [WRITE|ALL], from the pausing client's loop (which runs the timer). */
    public synchronized void pause(long millis, boolean all, Client by) {
        mode |= all ? ALL : WRITE;
        long end = System.currentTimeMillis() + millis;
        if (end > endMillis) endMillis = end;
        active = true;
        keyspace.expiryPaused(true);
        long wait = endMillis - System.currentTimeMillis();
        by.channel().eventLoop().schedule(this::expireIfDue, Math.max(0, wait), TimeUnit.MILLISECONDS);
    }

    /**
     * Holds every write from now on, with no end (the final save before the server exits: what it
     * writes is all that clients were told succeeded). {@link #unpause} lets them run if the save
     * fails and the server stays up.
     */
    public synchronized void holdWritesForShutdown() {
        mode |= WRITE;
        endMillis = Long.MAX_VALUE;
        active = true;
        keyspace.expiryPaused(true);
    }

    private void expireIfDue() {
        List<Client> resume;
        synchronized (this) {
            if (!active) return;
            long left = endMillis - System.currentTimeMillis();
            if (left > 0) return; // extended meanwhile: the later pause set its own timer
            resume = endLocked();
        }
        resume.forEach(Client::rerunPostponed);
    }

    /** CLIENT UNPAUSE: ends the pause and runs the postponed commands in their arrival order. */
    public void unpause() {
        List<Client> resume;
        synchronized (this) {
            if (!active) return;
            resume = endLocked();
        }
        resume.forEach(Client::rerunPostponed);
    }

    private List<Client> endLocked() {
        active = false;
        mode = 0;
        endMillis = 0;
        keyspace.expiryPaused(false);
        List<Client> out = new ArrayList<>(postponed);
        postponed.clear();
        return out;
    }

    /** True when cmd must wait: one volatile read while no pause is on. */
    public boolean postpones(Client c, CommandSpec cmd) {
        if (!active) return false;
        synchronized (this) {
            if (!active) return false;
            if ((mode & ALL) != 0) return true;
            if (mayReplicate(cmd, c.argv(), c.argc())) return true;
            MultiState m = c.multiState();
            if (!cmd.fullName().equals("exec") || m == null || !m.active()) return false;
            for (MultiState.Queued q : m.queued()) {
                if (mayReplicate(q.spec(), q.argv(), q.argv().length)) return true;
            }
            return false;
        }
    }

    /** Writes or may replicate; a script call only when its script does not declare no-writes. */
    private boolean mayReplicate(CommandSpec cmd, byte[][] argv, int argc) {
        boolean flagged = cmd.has(CommandFlags.WRITE) || cmd.has(CommandFlags.MAY_REPLICATE);
        if (flagged && cmd.has(CommandFlags.SCRIPT_THREAD)) return scripts.mayWrite(argv, argc);
        return flagged;
    }

    /** Parks c with its command unrun until the pause ends. */
    public synchronized void postpone(Client c) {
        c.postpone();
        postponed.add(c);
    }

    /** A postponed client disconnected. */
    public synchronized void disconnected(Client c) {
        postponed.remove(c);
    }

    /** Clients waiting for the pause to end (INFO blocked_clients counts them, as Redis does). */
    public synchronized int postponedCount() {
        return postponed.size();
    }
}
