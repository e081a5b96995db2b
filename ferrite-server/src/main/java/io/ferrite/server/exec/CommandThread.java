package io.ferrite.server.exec;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * A thread that runs commands (an event loop): it carries what each such thread keeps for
 * itself, so the per-command path reads it with a type check instead of a thread-local
 * lookup or a shared, atomically updated field.
 */
public final class CommandThread extends FastThreadLocalThread {
    private final CommandClock clock = new CommandClock();
    // This thread's cells of the counters of one server (see CounterBlock): written only here.
    CounterBlock counterBlock;
    long[] counterCells = new long[0];

    public CommandThread(ThreadGroup group, Runnable task, String name, long stackSize) {
        super(group, task, name, stackSize);
    }

    public CommandClock clock() { return clock; }

    /** The clock of the current thread, or null when it is not a command thread. */
    public static CommandClock currentClock() {
        return Thread.currentThread() instanceof CommandThread t ? t.clock : null;
    }
}
