package io.ferrite.server.keyspace;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;

/**
 * Generic key commands (Redis 7.2 group "generic").
 * Spec: https://redis.io/docs/latest/commands/?group=generic
 */
public final class KeyCommands {
    private KeyCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("del", -2, "write", "@keyspace", 1, -1, 1, KeyCommands::del);
    }

    static void del(Client c) {
        int n = 0;
        for (int i = 1; i < c.argc(); i++) if (c.db().delete(c.arg(i))) n++;
        c.reply().integer(n);
    }
}
