package io.ferrite.server.keyspace;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One slice of the keyspace: for every database, the keys whose hash falls in this shard,
 * and the lock that guards them.
 *
 * <p>A shard spans all databases (table i of shard s holds database i's keys of that shard),
 * so commands that touch two databases (MOVE, COPY ... DB) still lock one shard per key, and
 * SWAPDB swaps table references under all shard locks.
 *
 * <p>Lock discipline: command code runs with the shard locks of its keys held, taken in
 * ascending shard order by the dispatcher (see {@code command.Dispatcher}); nothing else in
 * the server takes more than one of these locks.
 */
public final class Shard {
    final ReentrantLock lock = new ReentrantLock();
    final KeyTable[] tables;
    final int index;

    Shard(int index, int databases) {
        this.index = index;
        this.tables = new KeyTable[databases];
        for (int i = 0; i < databases; i++) tables[i] = new KeyTable();
    }

    public void lock() { lock.lock(); }
    public void unlock() { lock.unlock(); }
    public boolean tryLock() { return lock.tryLock(); }

    /** Waits at most nanos for the lock; false when it is still held by another thread. */
    public boolean tryLock(long nanos) {
        try {
            return lock.tryLock(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
    public boolean heldByCurrentThread() { return lock.isHeldByCurrentThread(); }
    public int index() { return index; }
}
