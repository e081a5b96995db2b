package io.ferrite.server.scripting;

import io.ferrite.server.protocol.CommandError;
import java.nio.charset.StandardCharsets;

/** The shebang line of an EVAL script (Redis 7): {@code #!lua flags=no-writes,allow-oom,...}. */
final class ScriptFlags {
    static final int NO_WRITES = 1;
    static final int ALLOW_OOM = 1 << 1;
    static final int ALLOW_STALE = 1 << 2;
    static final int NO_CLUSTER = 1 << 3;
    static final int ALLOW_CROSS_SLOT_KEYS = 1 << 4;
    static final int DECLARED = 1 << 8; // a shebang was present

    /** Flag names in Redis's order (scripts_flags_def), bit i = NAMES[i]. */
    static final String[] NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    /** The bit of a flag name (case-insensitive, as Redis), 0 when unknown. */
    static int bit(String name) {
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equalsIgnoreCase(name)) return 1 << i;
        return 0;
    }

    private ScriptFlags() {}

    /** The flags of body; throws Redis's errors for an unknown engine or flag. */
    static int parse(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') return 0;
        int end = 0;
        while (end < body.length && body[end] != '\n') end++;
        if (end == body.length) throw new CommandError("ERR Invalid script shebang");
        String line = new String(body, 2, end - 2, StandardCharsets.UTF_8).trim();
        String[] parts = line.split(" +");
        if (!parts[0].equals("lua")) throw new CommandError("ERR Unexpected engine in script shebang: #!" + parts[0]);
        int flags = DECLARED;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) throw new CommandError("ERR Unknown lua shebang option: " + parts[i]);
            String list = parts[i].substring(6);
            if (list.isEmpty()) continue;
            for (String f : list.split(",")) {
                int b = bit(f);
                if (b == 0) throw new CommandError("ERR Unexpected flag in script shebang: " + f);
                flags |= b;
            }
        }
        return flags;
    }
}
