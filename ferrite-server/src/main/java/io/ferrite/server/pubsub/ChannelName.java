package io.ferrite.server.pubsub;

import java.util.Arrays;

/**
 * A channel or pattern name as a hash-map key: the bytes as given (never copied, never
 * decoded) with their hash computed once. Immutable by convention: the byte[] comes from a
 * decoded command argument that no one writes afterwards.
 */
final class ChannelName {
    final byte[] bytes;
    private final int hash;

    ChannelName(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelName n && n.hash == hash && Arrays.equals(n.bytes, bytes);
    }

    @Override
    public int hashCode() { return hash; }
}
