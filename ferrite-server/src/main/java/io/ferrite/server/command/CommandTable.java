package io.ferrite.server.command;

import io.ferrite.server.exec.CounterBlock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The single source of truth for commands: dispatch, arity checks, shard locking, COMMAND
 * INFO/DOCS/LIST/GETKEYS and INFO commandstats all read it. Command families register their
 * commands through {@link Builder}.
 *
 * <p>Lookup by the raw name bytes is case-insensitive and allocation-free: an open-addressing
 * table over the lower-cased names, probed with a hash computed while lower-casing.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> byName;
    private final CommandSpec[] slots;
    private final byte[][] slotNames;
    private final int mask;

    private CommandTable(Map<String, CommandSpec> byName) {
        this.byName = Collections.unmodifiableMap(byName);
        int cap = Integer.highestOneBit(Math.max(16, byName.size() * 4) - 1) << 1;
        slots = new CommandSpec[cap];
        slotNames = new byte[cap][];
        mask = cap - 1;
        for (CommandSpec s : byName.values()) {
            byte[] n = s.name.getBytes(StandardCharsets.US_ASCII);
            int i = hashLower(n) & mask;
            while (slots[i] != null) i = (i + 1) & mask;
            slots[i] = s;
            slotNames[i] = n;
        }
    }

    /** The command named by these bytes (any case), or null. */
    public CommandSpec lookup(byte[] name) {
        if (name.length == 0 || name.length > 32) return null;
        int i = hashLower(name) & mask;
        while (true) {
            CommandSpec s = slots[i];
            if (s == null) return null;
            if (equalsLower(slotNames[i], name)) return s;
            i = (i + 1) & mask;
        }
    }

    public CommandSpec lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** A container's subcommand, or null. */
    public static CommandSpec subcommand(CommandSpec container, byte[] name) {
        return container.subcommands.get(new String(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() { return byName.values(); }

    /** Binds every command's statistics to a server's counters (before the server runs commands). */
    public void countInto(CounterBlock block) {
        for (CommandSpec c : byName.values()) {
            c.countInto(block);
            if (c.subcommands != null) for (CommandSpec sub : c.subcommands.values()) sub.countInto(block);
        }
    }
    public int size() { return byName.size(); }

    private static int hashLower(byte[] b) {
        int h = 0;
        for (byte x : b) h = h * 31 + lower(x);
        return h ^ (h >>> 16);
    }

    private static boolean equalsLower(byte[] lowerName, byte[] candidate) {
        if (lowerName.length != candidate.length) return false;
        for (int i = 0; i < candidate.length; i++) if (lowerName[i] != lower(candidate[i])) return false;
        return true;
    }

    private static byte lower(byte b) {
        return (b >= 'A' && b <= 'Z') ? (byte) (b + 32) : b;
    }

    /** Collects the commands of all families, then freezes them into a table. */
    public static final class Builder {
        private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
        private String group = "generic";
        private CommandSpec last;

        /** Commands added after this belong to the Redis command group {@code name}. */
        public Builder group(String name) {
            this.group = name;
            return this;
        }

        /**
         * Adds a command. flags: Redis flag names ("write denyoom fast"); acl: the type
         * categories ("@string"); the read/write/fast/slow categories follow from the flags.
         */
        public Builder add(String name, int arity, String flags, String acl, int firstKey, int lastKey, int step,
                           CommandHandler handler) {
            return add(name, arity, flags, acl, firstKey, lastKey, step, handler, "");
        }

        public Builder add(String name, int arity, String flags, String acl, int firstKey, int lastKey, int step,
                           CommandHandler handler, String summary) {
            String n = name.toLowerCase(Locale.ROOT);
            if (byName.containsKey(n)) throw new IllegalStateException("duplicate command " + n);
            long f = CommandFlags.parse(flags);
            if (firstKey == 0 && (f & CommandFlags.LOCK_ALL) == 0) f |= CommandFlags.NO_KEYS;
            last = new CommandSpec(n, null, arity, f, AclCategories.parse(acl), firstKey, lastKey, step, handler,
                    group, summary, false);
            byName.put(n, last);
            return this;
        }

        /**
         * The key-spec flags ("RO access") of the last added command's key range, when its
         * command flags do not imply them.
         */
        public Builder rangeKeyFlags(String flags) {
            last.rangeKeyFlags = List.of(flags.trim().split("\\s+"));
            return this;
        }

        /** Adds to the last added command a key spec of unknown position (flags "RO access"), with Redis's notes. */
        public Builder unknownKeySpec(String flags, String notes) {
            List<UnknownKeySpec> specs = new ArrayList<>(last.unknownKeySpecs);
            specs.add(new UnknownKeySpec(List.of(flags.trim().split("\\s+")), notes));
            last.unknownKeySpecs = List.copyOf(specs);
            return this;
        }

        /** How COMMAND GETKEYS finds the last added command's keys when its key range does not say. */
        public Builder keyFinder(KeyFinder finder) {
            last.keyFinder = finder;
            return this;
        }

        /** Adds a container command (CONFIG, CLIENT ...); add its subcommands to the result. */
        public Container container(String name, int arity, String flags, String acl) {
            String n = name.toLowerCase(Locale.ROOT);
            CommandSpec c = new CommandSpec(n, null, arity, CommandFlags.parse(flags), AclCategories.parse(acl),
                    0, 0, 0, null, group, "A container for " + name.toUpperCase(Locale.ROOT) + " commands.", true);
            byName.put(n, c);
            return new Container(c, group);
        }

        /**
         * Adds a container that also runs by itself when called without a subcommand, as
         * COMMAND does in Redis (COMMAND alone lists every command).
         */
        public Container container(String name, int arity, String flags, String acl, CommandHandler handler) {
            String n = name.toLowerCase(Locale.ROOT);
            if (byName.containsKey(n)) throw new IllegalStateException("duplicate command " + n);
            long f = CommandFlags.parse(flags);
            if ((f & CommandFlags.LOCK_ALL) == 0) f |= CommandFlags.NO_KEYS;
            CommandSpec c = new CommandSpec(n, null, arity, f, AclCategories.parse(acl), 0, 0, 0, handler, group,
                    "A container for " + name.toUpperCase(Locale.ROOT) + " commands.", true);
            byName.put(n, c);
            return new Container(c, group);
        }

        public CommandTable build() {
            return new CommandTable(byName);
        }
    }

    /** Registers the subcommands of one container. */
    public static final class Container {
        private final CommandSpec parent;
        private final String group;

        Container(CommandSpec parent, String group) {
            this.parent = parent;
            this.group = group;
        }

        public Container sub(String name, int arity, String flags, String acl, int firstKey, int lastKey, int step,
                             CommandHandler handler) {
            String n = name.toLowerCase(Locale.ROOT);
            long f = CommandFlags.parse(flags);
            if (firstKey == 0 && (f & CommandFlags.LOCK_ALL) == 0) f |= CommandFlags.NO_KEYS;
            parent.subcommands.put(n, new CommandSpec(n, parent, arity, f, AclCategories.parse(acl), firstKey, lastKey,
                    step, handler, group, "", false));
            return this;
        }

        public Container sub(String name, int arity, String flags, CommandHandler handler) {
            return sub(name, arity, flags, "", 0, 0, 0, handler);
        }
    }
}
