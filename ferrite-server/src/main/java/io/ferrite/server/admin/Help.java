package io.ferrite.server.admin;

import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The HELP reply as Redis's addReplyHelp builds it: a header, the lines, then HELP itself. */
public final class Help {
    private Help() {}

    public static void reply(Client c, String... lines) {
        String command = new String(c.arg(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        RespWriter w = c.reply();
        w.array(lines.length + 3);
        w.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) w.simple(l);
        w.simple("HELP");
        w.simple("    Print this help.");
    }
}
