package io.ferrite.server.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The statistics counters of one server (INFO stats, commandstats, keyspace hits), bumped on
 * every command without an atomic instruction: each {@link CommandThread} adds into an array
 * of its own, and a read sums the arrays of all threads. A LongAdder costs a CAS per add; with
 * five of them on a pipelined write that was a few percent of the command path.
 *
 * <p>Threading: a command thread is bound to its server's block when the server creates it
 * ({@link #bind}), or else to the first block it counts into, and is the only writer of its array; readers see its adds without tearing (64-bit
 * plain stores) and eventually, which is all INFO needs. Other threads, and a thread counting
 * into a second block, add into a shared array under this block's monitor.
 */
public final class CounterBlock {
    private static final VarHandle CELLS;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            CELLS = MethodHandles.lookup().findVarHandle(CommandThread.class, "counterCells", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicInteger size = new AtomicInteger();
    private final CopyOnWriteArrayList<CommandThread> threads = new CopyOnWriteArrayList<>();
    private long[] shared = new long[16]; // guarded by this

    /** A new counter of this block, starting at zero. */
    public Counter counter() {
        return new Counter(this, size.getAndIncrement());
    }

    /** The first index of n new adjacent cells (a histogram's buckets), all zero. */
    int cells(int n) {
        return size.getAndAdd(n);
    }

    /** Adds to out[i] the sum of cell first + i over every thread, for i below out.length. */
    void sumInto(int first, long[] out) {
        synchronized (this) {
            for (int i = 0; i < out.length && first + i < shared.length; i++) out[i] += shared[first + i];
        }
        for (CommandThread t : threads) {
            long[] cells = (long[]) CELLS.getAcquire(t);
            for (int i = 0; i < out.length && first + i < cells.length; i++) out[i] += (long) LONGS.getOpaque(cells, first + i);
        }
    }

    /**
     * Makes t, a new event loop thread of this block's server, count into this block. Bound at
     * creation, the thread's first command takes the same path as every later one: compiled code
     * warmed up on another server has never seen a thread bind lazily, and deoptimizes when one
     * does.
     */
    public void bind(CommandThread t) {
        if (t.counterBlock != null) throw new IllegalStateException(t.getName() + " already counts into another block");
        CELLS.setRelease(t, new long[size.get() + 16]);
        t.counterBlock = this;
        threads.add(t);
    }

    void add(int index, long delta) {
        if (Thread.currentThread() instanceof CommandThread t && t.counterBlock == this) {
            long[] cells = t.counterCells;
            if (index < cells.length) {
                cells[index] += delta;
                return;
            }
        }
        addSlow(index, delta);
    }

    private void addSlow(int index, long delta) {
        if (Thread.currentThread() instanceof CommandThread t && (t.counterBlock == null || t.counterBlock == this)) {
            long[] cells = t.counterCells;
            if (index >= cells.length) {
                // The array is published before the thread joins the list (and again on growth),
                // so a reader that finds the thread sees an array holding every earlier add.
                cells = Arrays.copyOf(cells, Math.max(index + 1, size.get()) + 16);
                CELLS.setRelease(t, cells);
            }
            if (t.counterBlock == null) {
                t.counterBlock = this;
                threads.add(t);
            }
            cells[index] += delta;
            return;
        }
        synchronized (this) {
            if (index >= shared.length) shared = Arrays.copyOf(shared, Math.max(index + 1, size.get()) + 16);
            shared[index] += delta;
        }
    }

    long sum(int index) {
        long s;
        synchronized (this) {
            s = index < shared.length ? shared[index] : 0;
        }
        for (CommandThread t : threads) {
            long[] cells = (long[]) CELLS.getAcquire(t);
            if (index < cells.length) s += (long) LONGS.getOpaque(cells, index);
        }
        return s;
    }
}
