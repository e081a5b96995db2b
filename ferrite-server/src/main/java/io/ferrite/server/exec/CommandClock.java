package io.ferrite.server.exec;

/**
 * One clock read per command. Reading the clock was a tenth of the CPU of a pipelined GET
 * (three reads per command: start and end for INFO commandstats and SLOWLOG, and the wall
 * time for the expiry check), so a command thread reads the wall clock once per read batch
 * and {@code System.nanoTime()} once per command:
 * <ul>
 *   <li>a command starts where the previous command of the batch ended (the first one where
 *       the batch began), so its measured time also covers its own decoding, well under a
 *       microsecond;</li>
 *   <li>the wall time a command sees ({@link #nowMillis}) is the batch's wall time plus the
 *       monotonic time elapsed up to the command's start: fixed for the command, as Redis's
 *       cmd_time_snapshot, and advancing from one command to the next.</li>
 * </ul>
 * Outside a batch (timers, tasks run on the loop) every call reads the clocks directly.
 * Owned by its thread: not thread-safe, never shared.
 */
public final class CommandClock {
    private long baseWallMillis;
    private long baseNanos;
    private long markNanos;
    private boolean inBatch;

    /** A read batch begins: returns the wall time in milliseconds. */
    public long beginBatch() {
        long n = System.nanoTime();
        baseNanos = n;
        markNanos = n;
        baseWallMillis = System.currentTimeMillis();
        inBatch = true;
        return baseWallMillis;
    }

    public void endBatch() { inBatch = false; }

    /** The start of the command about to run, in System.nanoTime() units. */
    public long commandStart() {
        return inBatch ? markNanos : System.nanoTime();
    }

    /** The end of the command that just ran; the next command of the batch starts here. */
    public long commandEnd() {
        long n = System.nanoTime();
        if (inBatch) markNanos = n;
        return n;
    }

    /** Wall time in milliseconds as of the running command's start. */
    public long nowMillis() {
        return inBatch ? baseWallMillis + (markNanos - baseNanos) / 1_000_000 : System.currentTimeMillis();
    }
}
