package io.ferrite.server.keyspace;

/** Wall-clock time for expiry and idle times, in Redis's units. */
public final class Clock {
    private Clock() {}

    public static long now() { return System.currentTimeMillis(); }

    public static int seconds() { return (int) (System.currentTimeMillis() / 1000); }
}
