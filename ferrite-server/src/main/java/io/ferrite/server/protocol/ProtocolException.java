package io.ferrite.server.protocol;

/** A malformed request: the client gets {@code -ERR Protocol error: ...} and is disconnected. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
