package io.ferrite.server.admin;

import io.ferrite.server.config.ConfigParam;
import io.ferrite.server.config.FerriteConfig;
import java.nio.charset.StandardCharsets;

/**
 * Which arguments SLOWLOG and MONITOR must show as {@code (redacted)}: passwords and values of
 * sensitive parameters, as Redis 7.2 redacts them in place with redactClientCommandArgument
 * (AUTH, HELLO ... AUTH, CONFIG SET of requirepass/masterauth/masteruser, MIGRATE AUTH/AUTH2,
 * ACL SETUSER). Called only when a command is slow or someone monitors, never on the hot path.
 */
public final class Redaction {
    static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private Redaction() {}

    /** argv itself when nothing is secret, else a copy with the secret arguments replaced. */
    public static byte[][] apply(FerriteConfig config, byte[][] argv, int argc) {
        if (argc < 2) return argv;
        byte[][] out = null;
        String cmd = lower(argv[0]);
        switch (cmd) {
            case "auth" -> {
                // Redis rejects more than two arguments before redacting anything.
                if (argc <= 3) out = redact(argv, argc, null, 1, argc - 1);
            }
            case "hello" -> {
                for (int j = 2; j < argc; j++) {
                    String opt = lower(argv[j]);
                    if (opt.equals("auth") && argc - 1 - j >= 2) {
                        out = redact(argv, argc, out, j + 1, j + 2);
                        j += 2;
                    } else if (opt.equals("setname") && argc - 1 - j >= 1) {
                        j++;
                    } else {
                        break;
                    }
                }
            }
            case "config" -> {
                if (lower(argv[1]).equals("set")) {
                    for (int j = 2; j + 1 < argc; j += 2) {
                        ConfigParam p = config.param(new String(argv[j], StandardCharsets.UTF_8));
                        if (p != null && p.isSensitive()) out = redact(argv, argc, out, j + 1, j + 1);
                    }
                }
            }
            case "migrate" -> {
                for (int j = 6; j < argc; j++) {
                    String opt = lower(argv[j]);
                    if (opt.equals("auth") && j + 1 < argc) {
                        out = redact(argv, argc, out, j + 1, j + 1);
                        j++;
                    } else if (opt.equals("auth2") && j + 2 < argc) {
                        out = redact(argv, argc, out, j + 1, j + 2);
                        j += 2;
                    } else if (opt.equals("keys")) {
                        break;
                    }
                }
            }
            case "acl" -> {
                if (lower(argv[1]).equals("setuser")) out = redact(argv, argc, null, 2, argc - 1);
            }
            default -> { }
        }
        return out == null ? argv : out;
    }

    private static byte[][] redact(byte[][] argv, int argc, byte[][] out, int from, int to) {
        if (out == null) {
            out = new byte[argc][];
            System.arraycopy(argv, 0, out, 0, argc);
        }
        for (int i = from; i <= to && i < argc; i++) out[i] = REDACTED;
        return out;
    }

    private static String lower(byte[] b) {
        if (b.length > 16) return "";
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }
}
