package io.ferrite.server.scripting;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.DumpFormat;
import io.ferrite.server.keyspace.RdbOutput;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * FUNCTION LOAD / LIST / DELETE / FLUSH / DUMP / RESTORE / KILL / STATS / HELP, FCALL and
 * FCALL_RO (Redis 7.2's functions.c). Everything but KILL and STATS holds every shard lock,
 * which is what serialises access to the libraries (FCALL as a script, the rest lock_all).
 */
public final class FunctionCommands {
    private FunctionCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("fcall", -3, "noscript skip_monitor may_replicate no_mandatory_keys stale lock_all script_thread movablekeys",
                "@scripting", 0, 0, 0, FunctionCommands::fcall, "Invokes a function.");
        t.add("fcall_ro", -3, "readonly noscript skip_monitor no_mandatory_keys stale lock_all script_thread movablekeys",
                "@scripting", 0, 0, 0, FunctionCommands::fcallRo, "Invokes a read-only function.");
        t.container("function", -2, "", "")
                .sub("load", -3, "write denyoom noscript lock_all", "@scripting", 0, 0, 0, FunctionCommands::load)
                .sub("list", -2, "noscript lock_all", "@scripting", 0, 0, 0, FunctionCommands::list)
                .sub("delete", 3, "write noscript lock_all", "@scripting", 0, 0, 0, FunctionCommands::delete)
                .sub("flush", -2, "write noscript lock_all", "@scripting", 0, 0, 0, FunctionCommands::flush)
                .sub("dump", 2, "noscript lock_all", "@scripting", 0, 0, 0, FunctionCommands::dump)
                .sub("restore", -3, "write denyoom noscript lock_all", "@scripting", 0, 0, 0, FunctionCommands::restore)
                .sub("kill", 2, "noscript allow_busy", "@scripting", 0, 0, 0, FunctionCommands::kill)
                .sub("stats", 2, "noscript allow_busy", "@scripting", 0, 0, 0, FunctionCommands::stats)
                .sub("help", 2, "loading stale", "@scripting", 0, 0, 0, FunctionCommands::help);
    }

    private static final CommandError BAD_NUMKEYS = new CommandError("ERR Bad number of keys provided");

    private static FunctionLibraries libraries(Client c) { return LuaEngine.of(c.server()).functions(); }

    static void fcall(Client c) { call(c, false); }

    static void fcallRo(Client c) { call(c, true); }

    private static void call(Client c, boolean ro) {
        LuaEngine e = LuaEngine.of(c.server());
        FunctionLibraries.Function f = e.functions().function(new String(c.arg(1), StandardCharsets.ISO_8859_1));
        if (f == null) throw new CommandError("ERR Function not found");
        int nk = ScriptingCommands.numkeys(c, BAD_NUMKEYS);
        boolean noWrites = (f.flags() & ScriptFlags.NO_WRITES) != 0;
        if (ro && !noWrites) throw ScriptingCommands.WRITE_FLAG_RO;
        e.runFunction(c, f, ScriptingCommands.args(c, 3, nk), ScriptingCommands.args(c, 3 + nk, c.argc() - 3 - nk),
                ro || noWrites);
    }

    /** FUNCTION LOAD [REPLACE] code. */
    static void load(Client c) {
        boolean replace = false;
        int i = 2;
        while (i < c.argc() - 1) {
            byte[] a = c.arg(i++);
            if (StringCommands.is(a, "replace")) {
                replace = true;
                continue;
            }
            throw new CommandError("ERR Unknown option given: " + new String(a, StandardCharsets.UTF_8));
        }
        if (i >= c.argc()) throw new CommandError("ERR Function code is missing");
        String name = libraries(c).load(c.arg(i), replace);
        c.server().keyspace().stats().dirty.increment();
        c.reply().bulk(name);
    }

    /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]. */
    static void list(Client c) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < c.argc(); i++) {
            byte[] a = c.arg(i);
            if (!withCode && StringCommands.is(a, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && StringCommands.is(a, "libraryname")) {
                if (i >= c.argc() - 1) throw new CommandError("ERR library name argument was not given");
                pattern = c.arg(++i);
                continue;
            }
            throw new CommandError("ERR Unknown argument " + new String(a, StandardCharsets.UTF_8));
        }
        java.util.List<FunctionLibraries.Library> shown = new java.util.ArrayList<>();
        for (FunctionLibraries.Library lib : libraries(c).libraries().values()) {
            if (pattern == null || io.ferrite.server.command.Glob.matches(pattern,
                    lib.name.getBytes(StandardCharsets.ISO_8859_1), true)) {
                shown.add(lib);
            }
        }
        RespWriter w = c.reply();
        w.array(shown.size());
        for (FunctionLibraries.Library lib : shown) {
            w.map(withCode ? 4 : 3);
            w.bulk("library_name");
            w.bulk(lib.name);
            w.bulk("engine");
            w.bulk(FunctionLibraries.ENGINE);
            w.bulk("functions");
            w.array(lib.functions.size());
            for (FunctionLibraries.Function f : lib.functions.values()) {
                w.map(3);
                w.bulk("name");
                w.bulk(f.name());
                w.bulk("description");
                if (f.description() == null) w.nullBulk();
                else w.bulk(f.description());
                w.bulk("flags");
                w.set(Integer.bitCount(f.flags()));
                for (int b = 0; b < ScriptFlags.NAMES.length; b++) {
                    if ((f.flags() & (1 << b)) != 0) w.simple(ScriptFlags.NAMES[b]);
                }
            }
            if (withCode) {
                w.bulk("library_code");
                w.bulk(lib.code);
            }
        }
    }

    static void delete(Client c) {
        libraries(c).delete(new String(c.arg(2), StandardCharsets.ISO_8859_1));
        c.server().keyspace().stats().dirty.increment();
        c.reply().ok();
    }

    /** FUNCTION FLUSH [ASYNC|SYNC]. */
    static void flush(Client c) {
        if (c.argc() > 3) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                    + new String(c.arg(1), StandardCharsets.UTF_8) + "'. Try FUNCTION HELP.");
        }
        if (c.argc() == 3 && !StringCommands.is(c.arg(2), "sync") && !StringCommands.is(c.arg(2), "async")) {
            throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        libraries(c).flush();
        c.server().keyspace().stats().dirty.increment();
        c.reply().ok();
    }

    static void dump(Client c) {
        c.reply().bulk(libraries(c).dump());
    }

    /**
     * The libraries as an RDB file holds them (FUNCTION DUMP's payload without its footer), empty
     * when no script engine has started. The caller holds every shard lock.
     */
    public static byte[] rdbFunctions(FerriteServer server) {
        LuaEngine engine = server.scriptingIfStarted();
        if (engine == null) return new byte[0];
        byte[] payload = engine.functions().dump();
        return Arrays.copyOf(payload, payload.length - 10);
    }

    /**
     * Loads an RDB file's libraries (the FUNCTION2 entries in body): in place of the current ones
     * (flush), beside them replacing namesakes (merge), or beside them refusing namesakes (neither:
     * CommandError). The caller holds every shard lock.
     */
    public static void restoreRdbFunctions(FerriteServer server, RdbOutput body, boolean flush, boolean merge) {
        if (body.size() == 0 && (!flush || server.scriptingIfStarted() == null)) return;
        FunctionLibraries.RestorePolicy policy = flush ? FunctionLibraries.RestorePolicy.FLUSH
                : merge ? FunctionLibraries.RestorePolicy.REPLACE : FunctionLibraries.RestorePolicy.APPEND;
        LuaEngine.of(server).functions().restore(DumpFormat.withFooter(body), policy);
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
    static void restore(Client c) {
        if (c.argc() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP.");
        }
        FunctionLibraries.RestorePolicy policy = FunctionLibraries.RestorePolicy.APPEND;
        if (c.argc() == 4) {
            byte[] p = c.arg(3);
            if (StringCommands.is(p, "append")) policy = FunctionLibraries.RestorePolicy.APPEND;
            else if (StringCommands.is(p, "replace")) policy = FunctionLibraries.RestorePolicy.REPLACE;
            else if (StringCommands.is(p, "flush")) policy = FunctionLibraries.RestorePolicy.FLUSH;
            else throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
        }
        libraries(c).restore(c.arg(2), policy);
        c.server().keyspace().stats().dirty.increment();
        c.reply().ok();
    }

    /** FUNCTION KILL: on an I/O thread while the function runs on the scripting thread. */
    static void kill(Client c) {
        LuaEngine.of(c.server()).kill(true);
        c.reply().ok();
    }

    /** FUNCTION STATS: the running script, and per engine the library and function counts. */
    static void stats(Client c) {
        LuaEngine e = LuaEngine.of(c.server());
        Object[] running = e.runningScript();
        if (running != null && !(Boolean) running[3]) throw LuaEngine.BUSY_EVAL;
        RespWriter w = c.reply();
        w.map(2);
        w.bulk("running_script");
        if (running == null) {
            w.nullBulk();
        } else {
            w.map(3);
            w.bulk("name");
            w.bulk((String) running[0]);
            w.bulk("command");
            byte[][] argv = (byte[][]) running[1];
            w.array(argv.length);
            for (byte[] a : argv) w.bulk(a);
            w.bulk("duration_ms");
            w.integer((Long) running[2]);
        }
        w.bulk("engines");
        w.map(1);
        w.bulk(FunctionLibraries.ENGINE);
        w.map(2);
        w.bulk("libraries_count");
        w.integer(e.libraryCount);
        w.bulk("functions_count");
        w.integer(e.functionCount);
    }

    static void help(Client c) {
        io.ferrite.server.admin.Help.reply(c,
            "LOAD [REPLACE] <code>",
            "    Loads a library; its first line is '#!lua name=<library>'.",
            "DELETE <library>",
            "    Removes a library and its functions.",
            "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
            "    Libraries with their engine, functions (name, description, flags) and, with WITHCODE, code.",
            "STATS",
            "    The running function (name, command, duration in ms) or nil, and the engines' counts.",
            "KILL",
            "    Stops the running function if it has not written.",
            "FLUSH [ASYNC|SYNC]",
            "    Removes every library.",
            "DUMP",
            "    A payload of every library, for FUNCTION RESTORE.",
            "RESTORE <payload> [FLUSH|APPEND|REPLACE]",
            "    Loads the libraries of a payload: FLUSH drops the current ones first, APPEND (default)",
            "    fails on a library name already loaded, REPLACE replaces such libraries.");
    }

}
