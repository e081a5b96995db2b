package io.ferrite.server;

/** Versions reported by INFO and HELLO. */
public final class Version {
    private Version() {}

    public static final String FERRITE = "0.1.0";
    /** The Redis version whose behaviour Ferrite follows; clients gate features on it. */
    public static final String REDIS = "7.2.6";
}
