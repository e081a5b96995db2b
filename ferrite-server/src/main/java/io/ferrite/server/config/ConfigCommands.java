package io.ferrite.server.config;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP.
 * Spec: https://redis.io/docs/latest/commands/config-get/ and siblings.
 */
public final class ConfigCommands {
    private ConfigCommands() {}

    public static void register(CommandTable.Builder t) {
        t.container("config", -2, "", "")
                .sub("get", -3, "admin noscript loading stale", ConfigCommands::get)
                .sub("set", -4, "admin noscript loading stale", ConfigCommands::set)
                .sub("resetstat", 2, "admin noscript loading stale", ConfigCommands::resetStat)
                .sub("rewrite", 2, "admin noscript loading stale", ConfigCommands::rewrite)
                .sub("help", 2, "loading stale", ConfigCommands::help);
    }

    static void get(Client c) {
        FerriteConfig config = c.server().config();
        Map<String, String> found = new LinkedHashMap<>();
        for (int i = 2; i < c.argc(); i++) {
            String pattern = new String(c.arg(i), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> e : config.entries()) {
                if (Glob.matches(pattern, e.getKey())) found.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        RespWriter w = c.reply();
        w.map(found.size());
        for (Map.Entry<String, String> e : found.entrySet()) {
            w.bulk(e.getKey());
            w.bulk(e.getValue());
        }
    }

    static void set(Client c) {
        if ((c.argc() - 2) % 2 != 0) throw CommandError.arity("config|set");
        List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < c.argc(); i += 2) {
            pairs.add(new String[] {new String(c.arg(i), StandardCharsets.UTF_8), new String(c.arg(i + 1), StandardCharsets.UTF_8)});
        }
        String err = c.server().config().setAll(pairs);
        if (err != null) throw new CommandError("ERR " + err);
        c.reply().ok();
    }

    static void resetStat(Client c) {
        c.server().resetStats();
        c.reply().ok();
    }

    static void rewrite(Client c) {
        throw new CommandError("ERR The server is running without a config file");
    }

    static void help(Client c) {
        String[] lines = {
                "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                "RESETSTAT", "    Reset statistics reported by the INFO command.",
                "REWRITE", "    Rewrite the configuration file.",
                "HELP", "    Print this help."};
        c.reply().array(lines.length);
        for (String l : lines) c.reply().simple(l);
    }
}
