package io.ferrite.server.exec;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.function.ToIntFunction;

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
    // The last key hashed by the running command and its hash (Keyspace.keyHash); cleared when
    // the command ends, so an array is only ever trusted within one command.
    private byte[] hashedKey;
    private int keyHash;
    // CLIENT NO-TOUCH of the client whose command runs (TOUCH excepted): key lookups leave the
    // LRU/LFU access record alone. Set by the dispatcher before every command.
    private boolean noTouch;

    public CommandThread(ThreadGroup group, Runnable task, String name, long stackSize) {
        super(group, task, name, stackSize);
    }

    public CommandClock clock() { return clock; }

    /**
     * The hash of key: remembered when key is the array hashed last by the running command,
     * else computed with hash and remembered.
     */
    public int keyHash(byte[] key, ToIntFunction<byte[]> hash) {
        if (key == hashedKey) return keyHash;
        int h = hash.applyAsInt(key);
        hashedKey = key;
        keyHash = h;
        return h;
    }

    /** Whether the running command must not update keys' access records (CLIENT NO-TOUCH). */
    public static void noTouch(boolean on) {
        if (Thread.currentThread() instanceof CommandThread t) t.noTouch = on;
    }

    /** True when the running command is in CLIENT NO-TOUCH mode. */
    public static boolean touchesNothing() {
        return Thread.currentThread() instanceof CommandThread t && t.noTouch;
    }

    /** Forgets the remembered key hash of the command that just ended. */
    public static void commandEnded() {
        if (Thread.currentThread() instanceof CommandThread t) t.hashedKey = null;
    }

    /** The clock of the current thread, or null when it is not a command thread. */
    public static CommandClock currentClock() {
        return Thread.currentThread() instanceof CommandThread t ? t.clock : null;
    }
}
