package io.ferrite.server.admin;

import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.config.ConfigCommands;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;

/**
 * MODULE LIST / LOAD / LOADEX / UNLOAD / HELP. Ferrite loads no module libraries, but its TS.*
 * commands are what the RedisTimeSeries module gives Redis, so it reports that module as
 * loaded, the way Redis with the module does (MODULE LIST, HELLO's modules, INFO modules,
 * COMMAND LIST FILTERBY MODULE): tools and clients look there to find out whether TS.* exists.
 */
public final class ModuleCommands {
    private ModuleCommands() {}

    /** The built-in module: RedisTimeSeries 1.12's name and version number (major*10000+minor*100+patch). */
    public static final String TIMESERIES = "timeseries";
    public static final int TIMESERIES_VERSION = 11200;

    static void register(CommandTable.Builder t) {
        t.container("module", -2, "", "")
                .sub("list", 2, "admin noscript", "", 0, 0, 0, ModuleCommands::list)
                .sub("load", -3, "admin noscript", "", 0, 0, 0, ModuleCommands::load)
                .sub("loadex", -3, "admin noscript", "", 0, 0, 0, ModuleCommands::load)
                .sub("unload", 3, "admin noscript", "", 0, 0, 0, ModuleCommands::unload)
                .sub("help", 2, "loading stale", ModuleCommands::help);
    }

    /** The module a command belongs to, or null for a core command. */
    public static String moduleOf(CommandSpec cmd) {
        return cmd.fullName().startsWith("ts.") ? TIMESERIES : null;
    }

    /** One module's description as MODULE LIST and HELLO give it: name, ver, path, args. */
    public static void describe(RespWriter w) {
        w.map(4);
        w.bulk("name");
        w.bulk(TIMESERIES);
        w.bulk("ver");
        w.integer(TIMESERIES_VERSION);
        w.bulk("path");
        w.bulk("builtin");
        w.bulk("args");
        w.emptyArray();
    }

    /** INFO modules' line for it, in Redis's format. */
    static String infoLine() {
        return "name=" + TIMESERIES + ",ver=" + TIMESERIES_VERSION + ",api=1,filters=0,usedby=[],using=[],options=[]";
    }

    static void list(Client c) {
        c.reply().array(1);
        describe(c.reply());
    }

    /** Nothing can be loaded; as Redis, a refused MODULE command says so before anything else. */
    static void load(Client c) {
        allowed(c);
        throw new CommandError("ERR Error loading the extension. Please check the server logs.");
    }

    static void unload(Client c) {
        allowed(c);
        String name = new String(c.arg(2), java.nio.charset.StandardCharsets.UTF_8);
        throw new CommandError("ERR Error unloading module: " + (name.equals(TIMESERIES)
                ? "the module is built into Ferrite" : "no such module with that name"));
    }

    private static void allowed(Client c) {
        String mode = c.server().config().param("enable-module-command").value();
        if (!mode.equals("yes") && !(mode.equals("local") && ConfigCommands.isLocal(c))) {
            throw new CommandError("ERR MODULE command not allowed. If the enable-module-command option is set to "
                    + "\"local\", you can run it from a local connection, otherwise you need to set this option in "
                    + "the configuration file, and then restart the server.");
        }
    }

    static void help(Client c) {
        Help.reply(c,
                "LIST",
                "    Return a list of loaded modules.",
                "LOAD <path> [<arg> ...]",
                "    Load a module library from <path>, passing to it any optional arguments.",
                "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                "    Load a module library from <path>, while passing it module configurations and optional arguments.",
                "UNLOAD <name>",
                "    Unload a module.");
    }
}
