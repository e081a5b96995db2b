package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;

/**
 * Server commands (Redis 7.2 group "server"): INFO, COMMAND, DBSIZE, FLUSHDB, FLUSHALL, TIME,
 * SLOWLOG, MONITOR, DEBUG, SHUTDOWN, WAIT ... Spec: https://redis.io/docs/latest/commands/?group=server
 */
public final class ServerCommands {
    private ServerCommands() {}

    public static void register(CommandTable.Builder t) {
    }
}
