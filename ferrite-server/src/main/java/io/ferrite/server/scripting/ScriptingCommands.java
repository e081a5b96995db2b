package io.ferrite.server.scripting;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import io.ferrite.server.protocol.RespWriter;
import io.ferrite.server.string.StringCommands;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Lua scripting, https://redis.io/docs/latest/develop/interactive/programmability/eval-intro/ :
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT LOAD / EXISTS / FLUSH / KILL. The engine,
 * environment and conversions are in {@link LuaEngine}.
 *
 * <p>EVAL runs with every shard lock held (flag lock_all): the script is atomic and its
 * redis.call runs handlers directly. Other clients wait in the dispatcher's script gate and
 * get BUSY after busy-reply-threshold; SCRIPT KILL stops a script that has not written.
 */
public final class ScriptingCommands {
    private ScriptingCommands() {}

    static final CommandError NOSCRIPT = new CommandError("NOSCRIPT No matching script. Please use EVAL.");

    public static void register(CommandTable.Builder t) {
        t.add("eval", -3, "noscript skip_monitor may_replicate no_mandatory_keys stale lock_all script_thread movablekeys",
                "@scripting", 0, 0, 0, ScriptingCommands::eval, "Executes a server-side Lua script.");
        t.add("evalsha", -3, "noscript skip_monitor may_replicate no_mandatory_keys stale lock_all script_thread movablekeys",
                "@scripting", 0, 0, 0, ScriptingCommands::evalSha, "Executes a server-side Lua script by SHA1 digest.");
        t.add("eval_ro", -3, "readonly noscript skip_monitor no_mandatory_keys stale lock_all script_thread movablekeys",
                "@scripting", 0, 0, 0, ScriptingCommands::evalRo, "Executes a read-only server-side Lua script.");
        t.add("evalsha_ro", -3, "readonly noscript skip_monitor no_mandatory_keys stale lock_all script_thread movablekeys",
                "@scripting", 0, 0, 0, ScriptingCommands::evalShaRo,
                "Executes a read-only server-side Lua script by SHA1 digest.");
        t.container("script", -2, "", "")
                .sub("load", 3, "noscript stale lock_all", "@scripting", 0, 0, 0, ScriptingCommands::scriptLoad)
                .sub("exists", -3, "noscript lock_all", "@scripting", 0, 0, 0, ScriptingCommands::scriptExists)
                .sub("flush", -2, "noscript lock_all", "@scripting", 0, 0, 0, ScriptingCommands::scriptFlush)
                .sub("kill", 2, "noscript allow_busy", "@scripting", 0, 0, 0, ScriptingCommands::scriptKill)
                .sub("help", 2, "loading stale", "@scripting", 0, 0, 0, ScriptingCommands::scriptHelp);
    }

    static void eval(Client c) { run(c, false, false); }

    static void evalSha(Client c) { run(c, true, false); }

    static void evalRo(Client c) { run(c, false, true); }

    static void evalShaRo(Client c) { run(c, true, true); }

    private static void run(Client c, boolean bySha, boolean ro) {
        int nk = numkeys(c, CommandError.NOT_INTEGER);
        LuaEngine e = LuaEngine.of(c.server());
        String sha;
        if (bySha) {
            sha = new String(c.arg(1), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (sha.length() != 40 || !e.exists(sha)) throw NOSCRIPT;
        } else {
            sha = e.load(c.arg(1));
        }
        int flags = ScriptFlags.parse(e.body(sha));
        if (ro && (flags & ScriptFlags.DECLARED) != 0 && (flags & ScriptFlags.NO_WRITES) == 0) throw WRITE_FLAG_RO;
        e.run(c, sha, args(c, 3, nk), args(c, 3 + nk, c.argc() - 3 - nk), ro || (flags & ScriptFlags.NO_WRITES) != 0,
                flags);
    }

    static final CommandError WRITE_FLAG_RO =
            new CommandError("ERR Can not execute a script with write flag using *_ro command.");

    /**
     * The numkeys argument (index 2) of EVAL and FCALL, checked against the arguments that
     * follow; notANumber is the command's error for a non-integer.
     */
    static int numkeys(Client c, CommandError notANumber) {
        long n;
        try {
            n = Numbers.parseLong(c.arg(2));
        } catch (CommandError e) {
            throw notANumber;
        }
        if (n > c.argc() - 3) throw new CommandError("ERR Number of keys can't be greater than number of args");
        if (n < 0) throw new CommandError("ERR Number of keys can't be negative");
        return (int) n;
    }

    /** Arguments from .. from + n - 1 (the KEYS or ARGV of a script). */
    static byte[][] args(Client c, int from, int n) {
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) out[i] = c.arg(from + i);
        return out;
    }

    /** SCRIPT LOAD script: compiles and caches it, answers its SHA1. */
    static void scriptLoad(Client c) {
        String sha = LuaEngine.of(c.server()).load(c.arg(2));
        c.reply().bulk(sha);
    }

    static void scriptExists(Client c) {
        LuaEngine e = LuaEngine.of(c.server());
        RespWriter w = c.reply();
        w.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            w.integer(e.exists(new String(c.arg(i), StandardCharsets.ISO_8859_1)) ? 1 : 0);
        }
    }

    /** SCRIPT FLUSH [ASYNC|SYNC]. */
    static void scriptFlush(Client c) {
        if (c.argc() > 3 || (c.argc() == 3 && !StringCommands.is(c.arg(2), "sync")
                && !StringCommands.is(c.arg(2), "async"))) {
            throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        LuaEngine.of(c.server()).flush(); // under every shard lock, as every user of the cache
        c.reply().ok();
    }

    /** SCRIPT KILL: runs on an I/O thread while the script runs on the scripting thread (allow_busy, no locks). */
    static void scriptKill(Client c) {
        LuaEngine.of(c.server()).kill(false);
        c.reply().ok();
    }

    static void scriptHelp(Client c) {
        io.ferrite.server.admin.Help.reply(c,
            "EXISTS <sha1> [<sha1> ...]",
            "    1 or 0 per SHA1: whether the script is in the cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Empties the script cache.",
            "KILL",
            "    Stops the running script if it has not written.",
            "LOAD <script>",
            "    Caches a script and returns its SHA1 for EVALSHA.");
    }
}
