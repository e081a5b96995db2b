package io.ferrite.server.admin;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CLIENT subcommands: ID SETNAME GETNAME LIST INFO KILL SETINFO REPLY NO-EVICT NO-TOUCH HELP.
 * Spec: https://redis.io/docs/latest/commands/client-list/ and siblings.
 */
public final class ClientCommands {
    private ClientCommands() {}

    static void register(CommandTable.Builder t) {
        t.container("client", -2, "", "@connection")
                .sub("id", 2, "noscript loading stale", ClientCommands::id)
                .sub("setname", 3, "noscript loading stale", ClientCommands::setName)
                .sub("getname", 2, "noscript loading stale", ClientCommands::getName)
                .sub("list", -2, "admin noscript loading stale", ClientCommands::list)
                .sub("info", 2, "noscript loading stale", ClientCommands::info)
                .sub("kill", -3, "admin noscript loading stale", ClientCommands::kill)
                .sub("setinfo", 4, "noscript loading stale", ClientCommands::setInfo)
                .sub("reply", 3, "noscript loading stale", ClientCommands::reply)
                .sub("no-evict", 3, "admin noscript loading stale", ClientCommands::noEvict)
                .sub("no-touch", 3, "noscript loading stale", ClientCommands::noTouch)
                .sub("help", 2, "loading stale", ClientCommands::help);
    }

    static void id(Client c) { c.reply().integer(c.id()); }

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
        String attr = str(c.arg(2)).toLowerCase(Locale.ROOT);
        String value = str(c.arg(3));
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < '!' || ch > '~') {
                throw new CommandError("ERR " + attr + " cannot contain spaces, newlines or special characters.");
            }
        }
        switch (attr) {
            case "lib-name" -> c.libName(value);
            case "lib-ver" -> c.libVersion(value);
            default -> throw new CommandError("ERR Unrecognized option '" + str(c.arg(2)) + "'");
        }
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

    static void list(Client c) {
        List<Client> shown = new ArrayList<>();
        int argc = c.argc();
        if (argc == 2) {
            shown.addAll(c.server().clients().all());
        } else if (argc >= 4 && str(c.arg(2)).equalsIgnoreCase("type")) {
            if (argc != 4) throw CommandError.SYNTAX;
            String type = str(c.arg(3)).toLowerCase(Locale.ROOT);
            switch (type) {
                case "normal" -> shown.addAll(c.server().clients().all());
                case "master", "replica", "slave", "pubsub" -> {}
                default -> throw new CommandError("ERR Unknown client type '" + str(c.arg(3)) + "'");
            }
        } else if (argc >= 4 && str(c.arg(2)).equalsIgnoreCase("id")) {
            for (int i = 3; i < argc; i++) {
                long id;
                try {
                    id = Numbers.parseLong(c.arg(i));
                } catch (CommandError e) {
                    throw new CommandError("ERR Invalid client ID");
                }
                Client x = c.server().clients().get(id);
                if (x != null && !shown.contains(x)) shown.add(x);
            }
        } else {
            throw CommandError.SYNTAX;
        }
        StringBuilder sb = new StringBuilder();
        for (Client x : shown) sb.append(describe(x, c)).append('\n');
        c.reply().verbatim("txt", sb.toString());
    }

    /** One CLIENT LIST line. */
    static String describe(Client x, Client asker) {
        long now = System.currentTimeMillis();
        String flags = (x.monitor() ? "O" : "") + (x.noEvict() ? "e" : "") + (x.noTouch() ? "T" : "");
        if (flags.isEmpty()) flags = "N";
        String cmd = x == asker ? asker.currentCommandName() : x.lastCommand();
        return "id=" + x.id() + " addr=" + x.address() + " laddr=" + x.localAddress() + " fd=" + (8 + x.id())
                + " name=" + x.name() + " age=" + (now - x.createdAt()) / 1000 + " idle="
                + (x == asker ? 0 : (now - x.lastInteraction()) / 1000) + " flags=" + flags + " db=" + x.db().index()
                + " sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0"
                + " oll=0 omem=0 tot-mem=2048 events=r cmd=" + cmd + " user=" + x.user() + " redir=-1 resp="
                + x.protocol() + " lib-name=" + x.libName() + " lib-ver=" + x.libVersion();
    }

    /** CLIENT KILL addr:port | CLIENT KILL [ID id] [TYPE t] [USER u] [ADDR a] [LADDR a] [SKIPME yes|no] [MAXAGE s] */
    static void kill(Client c) {
        int argc = c.argc();
        if (argc == 3) {
            String addr = str(c.arg(2));
            for (Client x : c.server().clients().all()) {
                if (x.address().equals(addr)) {
                    killAfterReply(c, x);
                    c.reply().ok();
                    return;
                }
            }
            throw new CommandError("ERR No such client");
        }
        if ((argc - 2) % 2 != 0) throw CommandError.SYNTAX;
        Long id = null;
        String type = null, user = null, addr = null, laddr = null;
        boolean skipMe = true;
        long maxAge = -1;
        for (int i = 2; i < argc; i += 2) {
            String opt = str(c.arg(i)).toLowerCase(Locale.ROOT);
            String val = str(c.arg(i + 1));
            switch (opt) {
                case "id" -> {
                    try {
                        id = Numbers.parseLong(c.arg(i + 1));
                    } catch (CommandError e) {
                        throw new CommandError("ERR client-id should be greater than 0");
                    }
                    if (id <= 0) throw new CommandError("ERR client-id should be greater than 0");
                }
                case "type" -> {
                    type = val.toLowerCase(Locale.ROOT);
                    if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                        throw new CommandError("ERR Unknown client type '" + val + "'");
                    }
                }
                case "user" -> user = val;
                case "addr" -> addr = val;
                case "laddr" -> laddr = val;
                case "skipme" -> {
                    if (val.equalsIgnoreCase("yes")) skipMe = true;
                    else if (val.equalsIgnoreCase("no")) skipMe = false;
                    else throw CommandError.SYNTAX;
                }
                case "maxage" -> maxAge = Numbers.parseLong(c.arg(i + 1));
                default -> throw CommandError.SYNTAX;
            }
        }
        long now = System.currentTimeMillis();
        int killed = 0;
        for (Client x : c.server().clients().all()) {
            if (id != null && x.id() != id) continue;
            if (type != null && !type.equals("normal")) continue;
            if (user != null && !user.equals(x.user())) continue;
            if (addr != null && !addr.equals(x.address())) continue;
            if (laddr != null && !laddr.equals(x.localAddress())) continue;
            if (skipMe && x == c) continue;
            if (maxAge >= 0 && (now - x.createdAt()) / 1000 < maxAge) continue;
            killAfterReply(c, x);
            killed++;
        }
        c.reply().integer(killed);
    }

    private static void killAfterReply(Client asker, Client victim) {
        if (victim == asker) asker.closeAfterReply(true);
        else victim.kill();
    }

    static void help(Client c) {
        String[] lines = {
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GETNAME", "    Return the name of the current connection.",
                "ID", "    Return the ID of the current connection.",
                "INFO", "    Return information about the current client connection.",
                "KILL <ip:port>", "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are: ID, TYPE, USER, ADDR, LADDR, SKIPME, MAXAGE.",
                "LIST [options ...]", "    Return information about client connections. Options: TYPE, ID.",
                "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
                "NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.",
                "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
                "SETNAME <name>", "    Assign the name <name> to the current connection.",
                "SETINFO <option> <value>", "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
                "HELP", "    Print this help."};
        c.reply().array(lines.length);
        for (String l : lines) c.reply().simple(l);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
