package io.ferrite.server.scripting;

import io.ferrite.server.FerriteServer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Whether a script command may write, from its script's declared flags: EVAL and EVALSHA of a
 * script with {@code #!lua flags=no-writes}, and FCALL of a function registered with the
 * no-writes flag, do not; an undeclared script or an unknown one may (as Redis's
 * getCommandFlags decides for CLIENT PAUSE WRITE).
 */
public final class ScriptWrites {
    private ScriptWrites() {}

    /** argv is a whole EVAL, EVALSHA or FCALL call (the _RO variants never write). */
    public static boolean mayWrite(FerriteServer server, byte[][] argv, int argc) {
        if (argc < 2) return true;
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        LuaEngine e = LuaEngine.of(server);
        try {
            switch (name) {
                case "eval" -> {
                    return (ScriptFlags.parse(argv[1]) & ScriptFlags.NO_WRITES) == 0;
                }
                case "evalsha" -> {
                    String sha = new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                    return !e.exists(sha) || (ScriptFlags.parse(e.body(sha)) & ScriptFlags.NO_WRITES) == 0;
                }
                case "fcall" -> {
                    var f = e.functions().function(new String(argv[1], StandardCharsets.ISO_8859_1));
                    return f == null || (f.flags() & ScriptFlags.NO_WRITES) == 0;
                }
                default -> {
                    return !name.endsWith("_ro");
                }
            }
        } catch (RuntimeException bad) {
            return true; // a malformed shebang: the command itself will report it
        }
    }
}
