package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CLIENT subcommands (Redis 7.2 networking.c): ID SETNAME GETNAME LIST INFO KILL SETINFO REPLY
 * NO-EVICT NO-TOUCH HELP. Spec: https://redis.io/docs/latest/commands/client-list/ and siblings.
 */
public final class ClientCommands {
    private ClientCommands() {}

    static void register(CommandTable.Builder t) {
        t.container("client", -2, "", "")
                .sub("id", 2, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::id)
                .sub("setname", 3, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::setName)
                .sub("getname", 2, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::getName)
                .sub("list", -2, "admin noscript loading stale", "@connection", 0, 0, 0, ClientCommands::list)
                .sub("info", 2, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::info)
                .sub("kill", -3, "admin noscript loading stale", "@connection", 0, 0, 0, ClientCommands::kill)
                .sub("setinfo", 4, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::setInfo)
                .sub("reply", 3, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::reply)
                .sub("no-evict", 3, "admin noscript loading stale", "@connection", 0, 0, 0, ClientCommands::noEvict)
                .sub("no-touch", 3, "noscript loading stale", "@connection", 0, 0, 0, ClientCommands::noTouch)
                .sub("unblock", -3, "admin noscript loading stale", "@connection", 0, 0, 0, ClientCommands::unblock)
                .sub("pause", -3, "admin noscript loading stale", "@connection", 0, 0, 0, ClientCommands::pause)
                .sub("unpause", 2, "admin noscript loading stale", "@connection", 0, 0, 0, ClientCommands::unpause)
                .sub("help", 2, "loading stale", "@connection", 0, 0, 0, ClientCommands::help);
    }

    static void id(Client c) { c.reply().integer(c.id()); }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was parked and now got its reply. */
    static void unblock(Client c) {
        if (c.argc() > 4) throw CommandError.SYNTAX;
        long id = Numbers.parseLong(c.arg(2));
        boolean error = false;
        if (c.argc() == 4) {
            if (StringCommands.is(c.arg(3), "error")) error = true;
            else if (!StringCommands.is(c.arg(3), "timeout")) {
                throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        Client target = c.server().clients().get(id);
        boolean done = target != null && c.server().blockedClients().unblock(target, error);
        c.reply().integer(done ? 1 : 0);
    }

    /** Redis's rule for client and library names: printable ASCII, no spaces. Null when valid. */
    static String validateName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '!' || ch > '~') return "ERR Client names cannot contain spaces, newlines or special characters.";
        }
        return null;
    }

    static void setName(Client c) {
        String name = new String(c.arg(2), StandardCharsets.UTF_8);
        String err = validateName(name);
        if (err != null) throw new CommandError(err);
        c.name(name);
        c.reply().ok();
    }

    static void getName(Client c) {
        if (c.name().isEmpty()) c.reply().nullBulk(); else c.reply().bulk(c.name());
    }

    static void setInfo(Client c) {
        String attr = str(c.arg(2));
        String value = str(c.arg(3));
        boolean name = attr.equalsIgnoreCase("lib-name");
        if (!name && !attr.equalsIgnoreCase("lib-ver")) throw new CommandError("ERR Unrecognized option '" + attr + "'");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < '!' || ch > '~') {
                throw new CommandError("ERR " + attr + " cannot contain spaces, newlines or special characters.");
            }
        }
        if (name) c.libName(value); else c.libVersion(value);
        c.reply().ok();
    }

    static void reply(Client c) {
        switch (str(c.arg(2)).toLowerCase(Locale.ROOT)) {
            case "on" -> {
                c.replyMode(Client.ReplyMode.ON);
                c.reply().ok();
            }
            case "off" -> c.replyMode(Client.ReplyMode.OFF);
            case "skip" -> {
                if (c.replyMode() != Client.ReplyMode.OFF) c.replyMode(Client.ReplyMode.SKIP_NEXT);
            }
            default -> throw CommandError.SYNTAX;
        }
    }

    static void noEvict(Client c) {
        c.noEvict(onOff(c.arg(2)));
        c.reply().ok();
    }

    static void noTouch(Client c) {
        c.noTouch(onOff(c.arg(2)));
        c.reply().ok();
    }

    private static boolean onOff(byte[] arg) {
        return switch (str(arg).toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw CommandError.SYNTAX;
        };
    }

    static void info(Client c) {
        c.reply().verbatim("txt", describe(c, c) + "\n");
    }

    /** CLIENT LIST [TYPE normal|master|replica|pubsub] | CLIENT LIST ID id [id ...] */
    static void list(Client c) {
        List<Client> shown = new ArrayList<>();
        int argc = c.argc();
        if (argc == 4 && StringCommands.is(c.arg(2), "type")) {
            if (clientType(c.arg(3)).equals("normal")) shown.addAll(c.server().clients().all());
        } else if (argc > 3 && StringCommands.is(c.arg(2), "id")) {
            for (int i = 3; i < argc; i++) {
                long id = Numbers.parseLong(c.arg(i), INVALID_CLIENT_ID);
                Client x = c.server().clients().get(id);
                if (x != null) shown.add(x); // Redis lists a client as often as it is named
            }
        } else if (argc != 2) {
            throw CommandError.SYNTAX;
        } else {
            shown.addAll(c.server().clients().all());
        }
        StringBuilder sb = new StringBuilder();
        for (Client x : shown) sb.append(describe(x, c)).append('\n');
        c.reply().verbatim("txt", sb.toString());
    }

    private static final CommandError INVALID_CLIENT_ID = new CommandError("ERR Invalid client ID");

    /**
     * The canonical type for a CLIENT LIST/KILL TYPE argument, or Redis's error. Every Ferrite
     * connection is "normal" (a MONITOR too): there are no replicas, masters or pub/sub clients yet.
     */
    private static String clientType(byte[] arg) {
        String t = str(arg).toLowerCase(Locale.ROOT);
        return switch (t) {
            case "normal", "master", "pubsub" -> t;
            case "replica", "slave" -> "slave";
            default -> throw new CommandError("ERR Unknown client type '" + str(arg) + "'");
        };
    }

    /** CLIENT PAUSE timeout [WRITE|ALL] */
    static void pause(Client c) {
        if (c.argc() > 4) throw CommandError.SYNTAX;
        long timeout;
        try {
            timeout = Numbers.parseLong(c.arg(2));
        } catch (CommandError e) {
            throw new CommandError("ERR timeout is not an integer or out of range");
        }
        if (timeout < 0) throw new CommandError("ERR timeout is negative");
        boolean all = true;
        if (c.argc() == 4) {
            String mode = new String(c.arg(3), java.nio.charset.StandardCharsets.UTF_8);
            if (mode.equalsIgnoreCase("write")) all = false;
            else if (!mode.equalsIgnoreCase("all")) throw CommandError.SYNTAX;
        }
        c.server().clientPause().pause(timeout, all, c);
        c.reply().ok();
    }

    static void unpause(Client c) {
        c.server().clientPause().unpause();
        c.reply().ok();
    }

    /** One CLIENT LIST line. */
    static String describe(Client x, Client asker) {
        long now = System.currentTimeMillis();
        String flags = (x.monitor() ? "O" : "") + (x.noEvict() ? "e" : "") + (x.noTouch() ? "T" : "");
        if (flags.isEmpty()) flags = "N";
        String cmd = x == asker ? asker.currentCommandName() : x.lastCommand();
        // While a command runs, Redis still holds it in the query buffer: qbuf is its size.
        long qbuf = x == asker ? encodedSize(asker) : 0;
        return "id=" + x.id() + " addr=" + x.address() + " laddr=" + x.localAddress() + " fd=" + (8 + x.id())
                + " name=" + x.name() + " age=" + (now - x.createdAt()) / 1000 + " idle="
                + (x == asker ? 0 : (now - x.lastInteraction()) / 1000) + " flags=" + flags + " db=" + x.db().index()
                + " sub=0 psub=0 ssub=0 multi=-1 qbuf=" + qbuf + " qbuf-free=0 argv-mem=" + argvBytes(x, asker)
                + " multi-mem=0 rbs=1024 rbp=0 obl=0"
                + " oll=0 omem=0 tot-mem=2048 events=r cmd=" + cmd + " user=" + x.user() + " redir=-1 resp="
                + x.protocol() + " lib-name=" + x.libName() + " lib-ver=" + x.libVersion() + " io-thread=" + x.ioThread();
    }

    /** CLIENT KILL addr:port | CLIENT KILL [ID id] [TYPE t] [USER u] [ADDR a] [LADDR a] [SKIPME yes|no] */
    static void kill(Client c) {
        int argc = c.argc();
        if (argc == 3) {
            // The old form: one address, the caller itself included, OK or an error.
            String addr = str(c.arg(2));
            int killed = 0;
            for (Client x : c.server().clients().all()) {
                // A client already killed is gone for Redis (freed at once); here it may still
                // be registered until its own loop has seen the close.
                if (x.address().equals(addr) && !x.killed()) {
                    killAfterReply(c, x);
                    killed++;
                }
            }
            if (killed == 0) throw new CommandError("ERR No such client");
            c.reply().ok();
            return;
        }
        long id = 0;
        String type = null, user = null, addr = null, laddr = null;
        boolean skipMe = true;
        for (int i = 2; i < argc; i += 2) {
            boolean more = i + 1 < argc;
            byte[] opt = c.arg(i);
            if (StringCommands.is(opt, "id") && more) {
                id = Numbers.parseLong(c.arg(i + 1), CLIENT_ID_POSITIVE);
                if (id < 1) throw CLIENT_ID_POSITIVE;
            } else if (StringCommands.is(opt, "type") && more) {
                type = clientType(c.arg(i + 1));
            } else if (StringCommands.is(opt, "addr") && more) {
                addr = str(c.arg(i + 1));
            } else if (StringCommands.is(opt, "laddr") && more) {
                laddr = str(c.arg(i + 1));
            } else if (StringCommands.is(opt, "user") && more) {
                user = str(c.arg(i + 1));
                // "default" is the only user until ACL users exist.
                if (!user.equals("default")) throw new CommandError("ERR No such user '" + user + "'");
            } else if (StringCommands.is(opt, "skipme") && more) {
                if (StringCommands.is(c.arg(i + 1), "yes")) skipMe = true;
                else if (StringCommands.is(c.arg(i + 1), "no")) skipMe = false;
                else throw CommandError.SYNTAX;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        int killed = 0;
        for (Client x : c.server().clients().all()) {
            if (x.killed()) continue; // already being closed: gone, as in Redis
            if (addr != null && !addr.equals(x.address())) continue;
            if (laddr != null && !laddr.equals(x.localAddress())) continue;
            if (type != null && !type.equals("normal")) continue;
            if (id != 0 && x.id() != id) continue;
            if (user != null && !user.equals(x.user())) continue;
            if (skipMe && x == c) continue;
            killAfterReply(c, x);
            killed++;
        }
        c.reply().integer(killed);
    }

    private static final CommandError CLIENT_ID_POSITIVE = new CommandError("ERR client-id should be greater than 0");

    private static void killAfterReply(Client asker, Client victim) {
        if (victim == asker) asker.closeAfterReply(true);
        else victim.kill();
    }

    static void help(Client c) {
        // Redis's help lines for the subcommands Ferrite implements.
        Help.reply(c,
                "GETNAME", "    Return the name of the current connection.",
                "ID", "    Return the ID of the current connection.",
                "INFO", "    Return information about the current client connection.",
                "KILL <ip:port>", "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
                "    * USER <username>", "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
                "LIST [options ...]", "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
                "UNPAUSE", "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
                "SETNAME <name>", "    Assign the name <name> to the current connection.",
                "SETINFO <option> <value>", "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.", "    * LIB-VER: the client lib version.",
                "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
                "NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.");
    }

    /** The size of the running command as RESP (*N, then $len and the bytes of each argument). */
    private static long encodedSize(Client c) {
        int argc = c.argc();
        long n = 1 + digits(argc) + 2;
        for (int i = 0; i < argc; i++) {
            int len = c.arg(i).length;
            n += 1 + digits(len) + 2 + len + 2;
        }
        return n;
    }

    /** argv-mem: the bytes of the arguments of the command being run, for the client running it. */
    private static long argvBytes(Client x, Client asker) {
        if (x != asker) return 0;
        long n = 0;
        for (int i = 0; i < asker.argc(); i++) n += asker.arg(i).length;
        return n;
    }

    private static int digits(long v) {
        return Long.toString(v).length();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
