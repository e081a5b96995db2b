package io.ferrite.server.admin;

import io.ferrite.server.command.AclCategories;
import io.ferrite.server.command.CommandFlags;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.command.KeyFinder;
import io.ferrite.server.command.UnknownKeySpec;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * COMMAND and its subcommands COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP
 * (Redis 7.2 server.c). Spec: https://redis.io/docs/latest/commands/command/ and siblings.
 *
 * <p>Everything is read from the command table, the single source of truth: what COMMAND
 * INFO reports is exactly what the dispatcher checks and locks. The table holds one key range
 * per command (first, last, step), reported both as the legacy triple and as one Redis 7 key
 * spec: begin_search by index, find_keys by range, and flags derived from the command's flags
 * (readonly: RO access; write: RW access update) unless the table names them. Key specs of
 * unknown position (SORT's BY/GET and STORE keys) follow it, and a command's key finder, when
 * it has one, answers GETKEYS instead of the range. Ferrite keeps no argument docs, history or
 * tips, so COMMAND DOCS gives the summary and the group, and tips are empty.
 */
public final class CommandCommands {
    private CommandCommands() {}

    // Redis's order for flags in COMMAND INFO; may_replicate is hidden there on purpose.
    private static final String[] FLAG_ORDER = {"write", "readonly", "denyoom", "admin", "pubsub", "noscript",
            "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "fast", "no_auth", "no_mandatory_keys",
            "no_multi", "movablekeys", "allow_busy"};
    private static final long[] FLAG_BITS = new long[FLAG_ORDER.length];

    static {
        for (int i = 0; i < FLAG_ORDER.length; i++) FLAG_BITS[i] = CommandFlags.parse(FLAG_ORDER[i]);
    }

    static void register(CommandTable.Builder t) {
        t.container("command", -1, "loading stale", "@connection", CommandCommands::all)
                .sub("count", 2, "loading stale", "@connection", 0, 0, 0, CommandCommands::count)
                .sub("list", -2, "loading stale", "@connection", 0, 0, 0, CommandCommands::list)
                .sub("info", -2, "loading stale", "@connection", 0, 0, 0, CommandCommands::info)
                .sub("docs", -2, "loading stale", "@connection", 0, 0, 0, CommandCommands::docs)
                .sub("getkeys", -3, "loading stale", "@connection", 0, 0, 0, CommandCommands::getKeys)
                .sub("getkeysandflags", -3, "loading stale", "@connection", 0, 0, 0, CommandCommands::getKeysAndFlags)
                .sub("help", 2, "loading stale", "@connection", 0, 0, 0, CommandCommands::help);
    }

    /** COMMAND: the info of every command. */
    static void all(Client c) {
        CommandTable table = c.server().commandTable();
        c.reply().array(table.size());
        for (CommandSpec cmd : table.all()) writeInfo(c.reply(), cmd);
    }

    static void count(Client c) {
        c.reply().integer(c.server().commandTable().size());
    }

    /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
    static void list(Client c) {
        String filter = null, arg = null;
        for (int i = 2; i < c.argc(); i++) {
            if (StringCommands.is(c.arg(i), "filterby") && c.argc() - 1 - i == 2) {
                filter = str(c.arg(i + 1)).toLowerCase(Locale.ROOT);
                if (!filter.equals("module") && !filter.equals("aclcat") && !filter.equals("pattern")) {
                    throw CommandError.SYNTAX;
                }
                arg = str(c.arg(i + 2));
                i += 2;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        long aclBit = 0;
        if ("aclcat".equals(filter)) {
            try {
                aclBit = AclCategories.bit(arg.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                aclBit = 0; // an unknown category matches nothing
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec cmd : c.server().commandTable().all()) {
            collect(cmd, filter, arg, aclBit, names);
            for (CommandSpec sub : cmd.subcommands().values()) collect(sub, filter, arg, aclBit, names);
        }
        RespWriter w = c.reply();
        w.array(names.size());
        for (String n : names) w.bulk(n);
    }

    private static void collect(CommandSpec cmd, String filter, String arg, long aclBit, List<String> out) {
        boolean keep = filter == null
                || (filter.equals("aclcat") && (cmd.aclCategories() & aclBit) != 0)
                || (filter.equals("pattern") && Glob.matches(arg, cmd.fullName()))
                || (filter.equals("module") && arg.equalsIgnoreCase(String.valueOf(ModuleCommands.moduleOf(cmd))));
        if (keep) out.add(cmd.fullName());
    }

    /** COMMAND INFO [name ...]: all commands, or each named one (null when unknown). */
    static void info(Client c) {
        RespWriter w = c.reply();
        if (c.argc() == 2) {
            all(c);
            return;
        }
        w.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            CommandSpec cmd = lookupByFullName(c, str(c.arg(i)));
            if (cmd == null) w.nullBulk(); // Redis sends a null bulk here, even in RESP2
            else writeInfo(w, cmd);
        }
    }

    /** COMMAND DOCS [name ...]: a map of name to docs; unknown names are left out. */
    static void docs(Client c) {
        RespWriter w = c.reply();
        List<CommandSpec> found = new ArrayList<>();
        if (c.argc() == 2) {
            found.addAll(c.server().commandTable().all());
        } else {
            for (int i = 2; i < c.argc(); i++) {
                CommandSpec cmd = lookupByFullName(c, str(c.arg(i)));
                if (cmd != null) found.add(cmd);
            }
        }
        w.map(found.size());
        for (CommandSpec cmd : found) {
            w.bulk(cmd.fullName());
            writeDocs(w, cmd);
        }
    }

    static void getKeys(Client c) {
        keys(c, false);
    }

    static void getKeysAndFlags(Client c) {
        keys(c, true);
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS command [arg ...], with Redis's errors. */
    private static void keys(Client c, boolean withFlags) {
        int argc = c.argc() - 2; // the command under test starts at argument 2
        CommandSpec cmd = c.server().commandTable().lookup(c.arg(2));
        if (cmd != null && cmd.isContainer() && argc >= 2) cmd = CommandTable.subcommand(cmd, c.arg(3));
        if (cmd == null) throw new CommandError("ERR Invalid command specified");
        int[] keynum = KEYNUM.get(cmd.fullName());
        if (cmd.firstKey() <= 0 && keynum == null) throw new CommandError("ERR The command has no key arguments");
        if ((cmd.arity() > 0 && cmd.arity() != argc) || argc < -cmd.arity()) {
            throw new CommandError("ERR Invalid number of arguments specified for command");
        }
        List<KeyFinder.Key> found = findKeys(cmd, Arrays.copyOfRange(c.argv(), 2, c.argc()));
        if (found.isEmpty() && !cmd.has(CommandFlags.NO_MANDATORY_KEYS)) {
            throw new CommandError("ERR Invalid arguments specified for command");
        }
        RespWriter w = c.reply();
        w.array(found.size());
        for (KeyFinder.Key key : found) {
            if (withFlags) {
                w.array(2);
                w.bulk(c.arg(key.position() + 2));
                w.set(key.flags().size());
                for (String f : key.flags()) w.simple(f);
            } else {
                w.bulk(c.arg(key.position() + 2));
            }
        }
    }

    /**
     * Commands whose keys follow a numkeys argument (Redis's "keynum" key specs): the index of
     * numkeys, and of a destination key before it when there is one.
     */
    private static final java.util.Map<String, int[]> KEYNUM = java.util.Map.ofEntries(
            java.util.Map.entry("eval", new int[] {2}), java.util.Map.entry("evalsha", new int[] {2}),
            java.util.Map.entry("eval_ro", new int[] {2}), java.util.Map.entry("evalsha_ro", new int[] {2}),
            java.util.Map.entry("fcall", new int[] {2}), java.util.Map.entry("fcall_ro", new int[] {2}),
            java.util.Map.entry("zunion", new int[] {1}), java.util.Map.entry("zinter", new int[] {1}),
            java.util.Map.entry("zdiff", new int[] {1}), java.util.Map.entry("zintercard", new int[] {1}),
            java.util.Map.entry("sintercard", new int[] {1}), java.util.Map.entry("lmpop", new int[] {1}),
            java.util.Map.entry("zmpop", new int[] {1}), java.util.Map.entry("blmpop", new int[] {2}),
            java.util.Map.entry("bzmpop", new int[] {2}), java.util.Map.entry("zunionstore", new int[] {2, 1}),
            java.util.Map.entry("zinterstore", new int[] {2, 1}), java.util.Map.entry("zdiffstore", new int[] {2, 1}));

    /** Key positions of a keynum command, from its numkeys argument; empty when numkeys is not usable. */
    private static List<Integer> keynumPositions(byte[][] argv, int[] keynum, int argc) {
        List<Integer> out = new ArrayList<>();
        int at = keynum[0];
        if (at >= argc) return out;
        long n;
        try {
            n = io.ferrite.server.protocol.Numbers.parseLong(argv[at]);
        } catch (CommandError e) {
            return out;
        }
        if (n < 0 || at + n >= argc) return out;
        if (keynum.length > 1) out.add(keynum[1]);
        for (int i = 1; i <= n; i++) out.add(at + i);
        return out;
    }

    /** The keys of a call (argv[0] is the command name): its key finder's, else its key range's. */
    static List<KeyFinder.Key> findKeys(CommandSpec cmd, byte[][] argv) {
        if (cmd.keyFinder() != null) return cmd.keyFinder().keys(argv, argv.length);
        List<String> flags = keyFlags(cmd);
        List<KeyFinder.Key> out = new ArrayList<>();
        int[] keynum = KEYNUM.get(cmd.fullName());
        List<Integer> positions = keynum != null ? keynumPositions(argv, keynum, argv.length) : keyPositions(cmd, argv.length);
        for (int pos : positions) out.add(new KeyFinder.Key(pos, flags));
        return out;
    }

    /** The key positions of a call with argc arguments (command name included), Redis's range rule. */
    static List<Integer> keyPositions(CommandSpec cmd, int argc) {
        List<Integer> out = new ArrayList<>();
        int first = cmd.firstKey();
        int last = cmd.lastKey() >= 0 ? cmd.lastKey() : argc + cmd.lastKey();
        int step = Math.max(1, cmd.keyStep());
        if (first <= 0 || last >= argc || last < first) return out;
        for (int i = first; i <= last; i += step) out.add(i);
        return out;
    }

    static void help(Client c) {
        Help.reply(c,
                "(no subcommand)", "    Return details about all Redis commands.",
                "COUNT", "    Return the total number of commands in this Redis server.",
                "LIST", "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command.");
    }

    // ---------------------------------------------------------------- replies

    /** "get", or "config|get" for a subcommand, any case; null when there is no such command. */
    static CommandSpec lookupByFullName(Client c, String name) {
        String[] parts = name.split("\\|", -1);
        if (parts.length > 2) return null;
        CommandSpec base = c.server().commandTable().lookup(parts[0]);
        if (parts.length == 1 || base == null) return base;
        if (!base.isContainer()) return null;
        return base.subcommands().get(parts[1].toLowerCase(Locale.ROOT));
    }

    /** [name, arity, flags, first, last, step, acl categories, tips, key specs, subcommands] */
    static void writeInfo(RespWriter w, CommandSpec cmd) {
        w.array(10);
        w.bulk(cmd.fullName());
        w.integer(cmd.arity());
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < FLAG_ORDER.length; i++) if (cmd.has(FLAG_BITS[i])) flags.add(FLAG_ORDER[i]);
        w.set(flags.size());
        for (String f : flags) w.simple(f);
        boolean keys = cmd.firstKey() > 0;
        w.integer(keys ? cmd.firstKey() : 0);
        w.integer(keys ? cmd.lastKey() : 0);
        w.integer(keys ? cmd.keyStep() : 0);
        List<String> acl = AclCategories.names(cmd.aclCategories());
        w.set(acl.size());
        for (String a : acl) w.simple(a);
        w.set(0); // tips
        if (keys) {
            w.set(1 + cmd.unknownKeySpecs().size());
            writeKeySpec(w, cmd);
            for (UnknownKeySpec spec : cmd.unknownKeySpecs()) writeUnknownKeySpec(w, spec);
        } else {
            w.set(0);
        }
        if (cmd.isContainer()) {
            w.array(cmd.subcommands().size());
            for (CommandSpec sub : cmd.subcommands().values()) writeInfo(w, sub);
        } else {
            w.set(0); // Redis replies an empty set, not an array, for "no subcommands"
        }
    }

    private static void writeKeySpec(RespWriter w, CommandSpec cmd) {
        w.map(3);
        w.bulk("flags");
        List<String> flags = keyFlags(cmd);
        w.set(flags.size());
        for (String f : flags) w.simple(f);
        w.bulk("begin_search");
        w.map(2);
        w.bulk("type");
        w.bulk("index");
        w.bulk("spec");
        w.map(1);
        w.bulk("index");
        w.integer(cmd.firstKey());
        w.bulk("find_keys");
        w.map(2);
        w.bulk("type");
        w.bulk("range");
        w.bulk("spec");
        w.map(3);
        w.bulk("lastkey");
        // The range's last key is relative to the first one, or negative from the end.
        w.integer(cmd.lastKey() >= 0 ? cmd.lastKey() - cmd.firstKey() : cmd.lastKey());
        w.bulk("keystep");
        w.integer(cmd.keyStep());
        w.bulk("limit");
        w.integer(0);
    }

    /** A key spec with unknown begin_search and find_keys; Redis puts its notes first. */
    private static void writeUnknownKeySpec(RespWriter w, UnknownKeySpec spec) {
        w.map(4);
        w.bulk("notes");
        w.bulk(spec.notes());
        w.bulk("flags");
        w.set(spec.flags().size());
        for (String f : spec.flags()) w.simple(f);
        for (String part : new String[] {"begin_search", "find_keys"}) {
            w.bulk(part);
            w.map(2);
            w.bulk("type");
            w.bulk("unknown");
            w.bulk("spec");
            w.map(0);
        }
    }

    static List<String> keyFlags(CommandSpec cmd) {
        if (cmd.rangeKeyFlags() != null) return cmd.rangeKeyFlags();
        if (cmd.has(CommandFlags.WRITE)) return List.of("RW", "access", "update");
        return List.of("RO", "access");
    }

    private static void writeDocs(RespWriter w, CommandSpec cmd) {
        // "summary" is always there (redis-cli expects it), then "group" as Redis always sends it.
        w.map(cmd.isContainer() ? 3 : 2);
        w.bulk("summary");
        w.bulk(cmd.summary() == null ? "" : cmd.summary());
        w.bulk("group");
        w.bulk(cmd.group());
        if (cmd.isContainer()) {
            w.bulk("subcommands");
            w.map(cmd.subcommands().size());
            for (CommandSpec sub : cmd.subcommands().values()) {
                w.bulk(sub.fullName());
                writeDocs(w, sub);
            }
        }
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
