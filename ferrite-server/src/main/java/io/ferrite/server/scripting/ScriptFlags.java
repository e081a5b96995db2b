package io.ferrite.server.scripting;

import io.ferrite.server.protocol.CommandError;
import java.nio.charset.StandardCharsets;

/** The shebang line of an EVAL script (Redis 7): {@code #!lua flags=no-writes,allow-oom,...}. */
final class ScriptFlags {
    static final int NO_WRITES = 1;
    static final int DECLARED = 1 << 8; // a shebang was present

    private ScriptFlags() {}

    /** The flags of body; throws Redis's errors for an unknown engine or flag. */
    static int parse(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') return 0;
        int end = 0;
        while (end < body.length && body[end] != '\n') end++;
        String line = new String(body, 2, end - 2, StandardCharsets.UTF_8).trim();
        String[] parts = line.split(" +");
        if (!parts[0].equals("lua")) throw new CommandError("ERR Could not find engine '" + parts[0] + "'");
        int flags = DECLARED;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) throw new CommandError("ERR Unknown lua shebang option: " + parts[i]);
            String list = parts[i].substring(6);
            if (list.isEmpty()) continue;
            for (String f : list.split(",")) {
                switch (f) {
                    case "no-writes" -> flags |= NO_WRITES;
                    case "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys" -> { }
                    default -> throw new CommandError("ERR Unexpected flag in script shebang: " + f);
                }
            }
        }
        return flags;
    }
}
