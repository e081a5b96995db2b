package io.ferrite.server.config;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Glob;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP (Redis 7.2, config.c).
 * Spec: https://redis.io/docs/latest/commands/config-get/ and siblings. Parameters: {@link FerriteConfig}.
 */
public final class ConfigCommands {
    private static final Logger log = LoggerFactory.getLogger(ConfigCommands.class);

    private ConfigCommands() {}

    public static void register(CommandTable.Builder t) {
        t.container("config", -2, "", "")
                .sub("get", -3, "admin noscript loading stale", ConfigCommands::get)
                .sub("set", -4, "admin noscript loading stale", ConfigCommands::set)
                .sub("resetstat", 2, "admin noscript loading stale", ConfigCommands::resetStat)
                .sub("rewrite", 2, "admin noscript loading stale", ConfigCommands::rewrite)
                .sub("help", 2, "loading stale", ConfigCommands::help);
    }

    /**
     * Each name at most once: a plain name is looked up exactly (hidden parameters too) and
     * replied as typed; a pattern matches the visible names and aliases, case-insensitively.
     */
    static void get(Client c) {
        FerriteConfig config = c.server().config();
        Map<String, ConfigParam> found = new LinkedHashMap<>();
        for (int i = 2; i < c.argc(); i++) {
            String pattern = new String(c.arg(i), StandardCharsets.UTF_8);
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
                ConfigParam p = config.param(pattern);
                if (p != null) found.putIfAbsent(pattern, p);
                continue;
            }
            for (Map.Entry<String, ConfigParam> e : config.visible()) {
                if (!found.containsKey(e.getKey()) && Glob.matches(pattern, e.getKey())) found.put(e.getKey(), e.getValue());
            }
        }
        RespWriter w = c.reply();
        w.map(found.size());
        for (Map.Entry<String, ConfigParam> e : found.entrySet()) {
            w.bulk(e.getKey());
            w.bulk(e.getValue().value());
        }
    }

    static void set(Client c) {
        if ((c.argc() & 1) != 0) throw CommandError.SYNTAX;
        List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < c.argc(); i += 2) {
            pairs.add(new String[] {new String(c.arg(i), StandardCharsets.UTF_8), new String(c.arg(i + 1), StandardCharsets.UTF_8)});
        }
        FerriteConfig config = c.server().config();
        String err = config.setAll(pairs, protectedAllowed(c), changed -> apply(c, changed));
        if (err != null) throw new CommandError("ERR " + err);
        // A lower maxmemory evicts at once, as Redis's performEvictions on CONFIG SET (no locks held here).
        if (config.maxmemory.longValue() > 0) c.server().evictor().evict();
        c.reply().ok();
    }

    /** enable-protected-configs: yes, or local for a connection from the loopback interface. */
    static boolean protectedAllowed(Client c) {
        String mode = c.server().config().enableProtectedConfigs.value();
        if (mode.equals("yes")) return true;
        return mode.equals("local") && isLocal(c);
    }

    public static boolean isLocal(Client c) {
        return c.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress();
    }

    /**
     * The changes that must act on something outside the configuration. Everything the core
     * reads live (maxclients, requirepass, slowlog-*, proto-max-bulk-len, hz ...) needs nothing
     * here. The listener cannot move while the server runs, so a new port or bind address is
     * refused with Redis's apply error, which rolls the whole CONFIG SET back.
     */
    private static FerriteConfig.ApplyError apply(Client c, List<ConfigParam> changed) {
        FerriteConfig config = c.server().config();
        for (ConfigParam p : changed) {
            if (p == config.port || (p.name().equals("tls-port") && p.longValue() != 0)) {
                log.warn("CONFIG SET {} {}: Ferrite cannot move its listener at run time; restart with the new value",
                        p.name(), p.value());
                return new FerriteConfig.ApplyError(p.name(), "Unable to listen on this port. Check server logs.");
            }
            if (p == config.bind) {
                log.warn("CONFIG SET bind {}: Ferrite cannot rebind at run time; restart with the new value", p.value());
                return new FerriteConfig.ApplyError(p.name(), "Failed to bind to specified addresses.");
            }
        }
        return null;
    }

    static void resetStat(Client c) {
        c.server().resetStats();
        c.reply().ok();
    }

    static void rewrite(Client c) {
        FerriteConfig config = c.server().config();
        if (config.configFile() == null) throw new CommandError("ERR The server is running without a config file");
        try {
            config.rewrite();
        } catch (IOException e) {
            log.warn("CONFIG REWRITE failed: {}", e.toString());
            throw new CommandError("ERR Rewriting config file: " + reason(e));
        }
        log.info("CONFIG REWRITE executed with success.");
        c.reply().ok();
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static void help(Client c) {
        help(c, "CONFIG",
                "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                "RESETSTAT", "    Reset statistics reported by the INFO command.",
                "REWRITE", "    Rewrite the configuration file.");
    }

    /** A HELP reply as Redis builds it: a header line, the given lines, then HELP itself. */
    public static void help(Client c, String command, String... lines) {
        RespWriter w = c.reply();
        w.array(lines.length + 3);
        w.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) w.simple(l);
        w.simple("HELP");
        w.simple("    Print this help.");
    }
}
