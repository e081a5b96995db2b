package io.ferrite.server.keyspace;

import io.ferrite.server.exec.CommandClock;
import io.ferrite.server.exec.CommandThread;

/**
 * Wall-clock time for expiry and idle times, in Redis's units. On an event loop running a
 * command this is the command's start time from its thread's {@link CommandClock} (no clock
 * read); elsewhere the system clock.
 */
public final class Clock {
    private Clock() {}

    public static long now() {
        CommandClock c = CommandThread.currentClock();
        return c != null ? c.nowMillis() : System.currentTimeMillis();
    }

    public static int seconds() { return (int) (now() / 1000); }
}
