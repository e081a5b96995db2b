package io.ferrite.server.timeseries;

import io.ferrite.server.protocol.CommandError;

/** DUPLICATE_POLICY / ON_DUPLICATE: what a sample at an existing timestamp does. */
enum DuplicatePolicy {
    BLOCK, FIRST, LAST, MIN, MAX, SUM;

    static final CommandError BLOCKED = new CommandError(
            "ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode");

    /** The value kept when {@code incoming} arrives at the timestamp of {@code old}. */
    double merge(double old, double incoming) {
        return switch (this) {
            case BLOCK -> throw BLOCKED;
            case FIRST -> old;
            case LAST -> incoming;
            case MIN -> Math.min(old, incoming);
            case MAX -> Math.max(old, incoming);
            case SUM -> old + incoming;
        };
    }

    String lower() {
        return name().toLowerCase();
    }

    static DuplicatePolicy parse(byte[] arg) {
        String s = new String(arg, java.nio.charset.StandardCharsets.US_ASCII).toUpperCase();
        for (DuplicatePolicy p : values()) if (p.name().equals(s)) return p;
        return null;
    }
}
