package io.ferrite.server.protocol;

/**
 * An error reply raised from inside a command. The dispatcher catches it and writes
 * {@code -<message>}. Commands throw before writing any part of their reply. Shared
 * instances carry no stack trace, so throwing one costs about as much as a return.
 */
public final class CommandError extends RuntimeException {
    public static final CommandError NOT_INTEGER = new CommandError("ERR value is not an integer or out of range");
    public static final CommandError NOT_FLOAT = new CommandError("ERR value is not a valid float");
    public static final CommandError SYNTAX = new CommandError("ERR syntax error");
    public static final CommandError WRONGTYPE = new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static final CommandError NO_SUCH_KEY = new CommandError("ERR no such key");
    public static final CommandError OVERFLOW = new CommandError("ERR increment or decrement would overflow");
    public static final CommandError DB_INDEX = new CommandError("ERR DB index is out of range");
    public static final CommandError INVALID_EXPIRE = new CommandError("ERR invalid expire time in 'set' command");
    public static final CommandError BIT_OFFSET = new CommandError("ERR bit offset is not an integer or out of range");
    public static final CommandError BIT_VALUE = new CommandError("ERR bit is not an integer or out of range");
    public static final CommandError STRING_TOO_LONG = new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    public static final CommandError TIMEOUT_NOT_INTEGER = new CommandError("ERR timeout is not an integer or out of range");

    private final boolean counted;

    public CommandError(String message) {
        this(message, false);
    }

    /**
     * counted: the error was already counted in the error statistics where it arose (a script
     * passing on the error of a command it ran, as Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE).
     */
    public CommandError(String message, boolean counted) {
        super(message, null, false, false);
        this.counted = counted;
    }

    public boolean counted() { return counted; }

    /** "ERR wrong number of arguments for 'name' command" */
    public static CommandError arity(String name) {
        return new CommandError("ERR wrong number of arguments for '" + name + "' command");
    }
}
