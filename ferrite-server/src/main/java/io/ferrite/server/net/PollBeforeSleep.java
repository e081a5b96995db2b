package io.ferrite.server.net;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.function.LongSupplier;

/**
 * How an event loop waits for work: after an event it keeps looking for the next one without
 * blocking for a short window, and sleeps in epoll_wait (or select) only once the window has
 * passed with nothing to do.
 *
 * <p>Why: under load the gaps between a loop's events are a few microseconds. Sleeping through
 * each gap makes the client's next write pay for waking the loop (the wake-up runs on the
 * sender's CPU) and the loop pay for going to sleep and coming back; with one-thread clients
 * such as redis-benchmark that cost is what limits throughput. Looking again instead removes
 * both.
 *
 * <p>The window adapts, as the guest idle-poll governor (cpuidle-haltpoll) does: a sleep that
 * ended within the limit ({@code io-poll-us}) means a longer window would have caught the
 * event, so the window grows (from {@link #GROW_START_NANOS}, doubling, up to the limit); a
 * sleep longer than the limit halves it, down to zero. A sleep is timed from its start to the
 * next look, so it includes handling what woke the loop; that errs towards sleeping. An idle loop,
 * or one whose events come further apart than the limit, therefore never polls, and the CPU
 * polling burns is bounded by the time the loop would otherwise have slept in short naps.
 * Between looks the loop yields its CPU, so another thread that wants that CPU still runs.
 *
 * <p>One instance per event loop; its fields are that loop's own.
 */
final class PollBeforeSleep implements SelectStrategy {
    static final long GROW_START_NANOS = 10_000;

    private final LongSupplier limitNanos;
    private final LongSupplier clock;
    private long windowNanos;
    private long lastWork;
    private long sleptAt = -1;
    // Written by this loop only, read by other threads (diagnostics, tests).
    private volatile long sleeps, polls;

    PollBeforeSleep(LongSupplier limitNanos) { this(limitNanos, System::nanoTime); }

    PollBeforeSleep(LongSupplier limitNanos, LongSupplier clock) {
        this.limitNanos = limitNanos;
        this.clock = clock;
    }

    @Override
    public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
        long limit = limitNanos.getAsLong();
        if (limit <= 0) { // polling off: Netty's default strategy
            windowNanos = 0;
            if (hasTasks) return pollNow.get();
            sleeps++;
            return SELECT;
        }
        long now = clock.getAsLong();
        if (sleptAt != -1) { // back from a sleep, whose wake-up Netty has just handled: that was work
            adapt(now - sleptAt, limit);
            sleptAt = -1;
            lastWork = now;
        }
        int ready = pollNow.get();
        if (ready > 0 || hasTasks) {
            lastWork = now;
            return ready;
        }
        if (now - lastWork < Math.min(windowNanos, limit)) { // min: until the next adapt applies a lowered limit
            polls++;
            Thread.yield();
            return CONTINUE;
        }
        sleptAt = now;
        sleeps++;
        return SELECT;
    }

    private void adapt(long slept, long limit) {
        windowNanos = Math.min(windowNanos, limit); // the limit may have been lowered since
        if (slept <= limit) {
            if (slept > windowNanos) windowNanos = Math.min(limit, Math.max(GROW_START_NANOS, windowNanos * 2));
        } else {
            windowNanos = windowNanos / 2 < GROW_START_NANOS ? 0 : windowNanos / 2;
        }
    }

    /** How many times this loop went to sleep for want of work. */
    long sleeps() { return sleeps; }

    /** How many times this loop looked again instead of sleeping. */
    long polls() { return polls; }

    /** The current window in nanoseconds (tests). */
    long windowNanos() { return windowNanos; }
}
