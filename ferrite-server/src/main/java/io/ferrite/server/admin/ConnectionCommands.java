package io.ferrite.server.admin;

import io.ferrite.server.Version;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Connection commands (Redis 7.2 group "connection"): PING ECHO HELLO AUTH SELECT QUIT RESET,
 * and the CLIENT container (see {@link ClientCommands}).
 * Spec: https://redis.io/docs/latest/commands/?group=connection
 */
public final class ConnectionCommands {
    private static final CommandError WRONGPASS =
            new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
    private static final CommandError PROTOCOL_NOT_INTEGER =
            new CommandError("ERR Protocol version is not an integer or out of range");

    private ConnectionCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("ping", -1, "fast", "@connection", 0, 0, 0, ConnectionCommands::ping,
                "Checks that the connection is alive: replies PONG, or the given message.");
        t.add("echo", 2, "loading stale fast", "@connection", 0, 0, 0, ConnectionCommands::echo,
                "Replies with the given message.");
        t.add("hello", -1, "noscript loading stale fast no_auth allow_busy", "@connection", 0, 0, 0, ConnectionCommands::hello,
                "Chooses the protocol version, optionally authenticating and naming the connection.");
        t.add("auth", -2, "noscript loading stale fast no_auth allow_busy", "@connection", 0, 0, 0, ConnectionCommands::auth,
                "Authenticates the connection.");
        t.add("select", 2, "loading stale fast", "@connection", 0, 0, 0, ConnectionCommands::select,
                "Makes another numbered database the current one.");
        t.add("quit", -1, "allow_busy noscript loading stale fast no_auth", "@connection", 0, 0, 0, ConnectionCommands::quit,
                "Closes the connection once the reply is sent.");
        t.add("reset", 1, "noscript loading stale fast no_auth allow_busy", "@connection", 0, 0, 0, ConnectionCommands::reset,
                "Returns the connection to the state of a new one.");
        ClientCommands.register(t);
    }

    static void ping(Client c) {
        if (c.argc() > 2) throw CommandError.arity("ping");
        if (c.argc() == 2) c.reply().bulk(c.arg(1));
        else c.reply().simple("PONG");
    }

    static void echo(Client c) {
        c.reply().bulk(c.arg(1));
    }

    static void select(Client c) {
        long idx = Numbers.parseLong(c.arg(1), CommandError.NOT_INTEGER);
        if (idx < 0 || idx >= c.server().keyspace().databaseCount()) throw CommandError.DB_INDEX;
        c.select((int) idx);
        c.reply().ok();
    }

    static void quit(Client c) {
        c.reply().ok();
        c.closeAfterReply(true);
    }

    static void reset(Client c) {
        c.select(0);
        c.protocol(2);
        c.name("");
        c.replyMode(Client.ReplyMode.ON);
        c.noEvict(false);
        c.noTouch(false);
        c.server().monitors().remove(c);
        c.monitor(false);
        c.authenticated(c.server().config().requirepass.value().isEmpty());
        c.user("default");
        c.reply().simple("RESET");
    }

    static void auth(Client c) {
        if (c.argc() > 3) throw CommandError.SYNTAX;
        String pass = c.server().config().requirepass.value();
        String user = c.argc() == 3 ? new String(c.arg(1), StandardCharsets.UTF_8) : "default";
        byte[] given = c.arg(c.argc() - 1);
        if (c.argc() == 2 && pass.isEmpty()) {
            throw new CommandError("ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
        }
        if (!checkPassword(user, given, pass)) throw WRONGPASS;
        c.authenticated(true);
        c.user(user);
        c.reply().ok();
    }

    private static boolean checkPassword(String user, byte[] given, String pass) {
        if (!user.equals("default")) return false;
        if (pass.isEmpty()) return true; // "nopass" default user accepts any password
        return MessageDigest.isEqual(given, pass.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * HELLO [protover [AUTH username password] [SETNAME clientname]]: options are all parsed
     * (and the name validated) before anything changes, then AUTH, then the name and protocol.
     */
    static void hello(Client c) {
        int argc = c.argc();
        int version = c.protocol();
        int i = 1;
        if (argc >= 2) {
            long v = Numbers.parseLong(c.arg(1), PROTOCOL_NOT_INTEGER);
            if (v < 2 || v > 3) throw new CommandError("NOPROTO unsupported protocol version");
            version = (int) v;
            i = 2;
        }
        byte[] user = null, pass = null;
        String setName = null;
        for (; i < argc; i++) {
            int more = argc - 1 - i;
            if (StringCommands.is(c.arg(i), "auth") && more >= 2) {
                user = c.arg(i + 1);
                pass = c.arg(i + 2);
                i += 2;
            } else if (StringCommands.is(c.arg(i), "setname") && more >= 1) {
                setName = new String(c.arg(i + 1), StandardCharsets.UTF_8);
                String err = ClientCommands.validateName(setName);
                if (err != null) throw new CommandError(err);
                i += 1;
            } else {
                throw new CommandError("ERR Syntax error in HELLO option '" + new String(c.arg(i), StandardCharsets.UTF_8) + "'");
            }
        }
        if (user != null) {
            String name = new String(user, StandardCharsets.UTF_8);
            if (!checkPassword(name, pass, c.server().config().requirepass.value())) throw WRONGPASS;
            c.authenticated(true);
            c.user(name);
        }
        if (!c.authenticated()) {
            throw new CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
                    + "RESP protocol version at the same time");
        }
        if (setName != null) c.name(setName);
        c.protocol(version);
        RespWriter w = c.reply();
        w.map(7);
        w.bulk("server");
        w.bulk("redis");
        w.bulk("version");
        w.bulk(Version.REDIS);
        w.bulk("proto");
        w.integer(version);
        w.bulk("id");
        w.integer(c.id());
        w.bulk("mode");
        w.bulk("standalone");
        w.bulk("role");
        w.bulk("master");
        w.bulk("modules");
        w.array(1);
        ModuleCommands.describe(w);
    }
}
