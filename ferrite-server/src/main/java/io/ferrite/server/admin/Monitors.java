package io.ferrite.server.admin;

import io.ferrite.server.net.Client;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Clients in MONITOR mode, and the feed that sends them every command as
 * {@code +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"}. The list is copy-on-write:
 * read on every command (one volatile read while nobody monitors), written only when a
 * monitor starts or leaves.
 */
public final class Monitors {
    private final CopyOnWriteArrayList<Client> clients = new CopyOnWriteArrayList<>();
    private volatile boolean active;

    public boolean active() { return active; }

    public void add(Client c) {
        clients.addIfAbsent(c);
        active = true;
    }

    public void remove(Client c) {
        clients.remove(c);
        active = !clients.isEmpty();
    }

    public void feed(Client source, byte[][] argv, int argc) {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        StringBuilder sb = new StringBuilder(64);
        sb.append('+').append(micros / 1_000_000).append('.');
        String frac = Long.toString(micros % 1_000_000);
        sb.append("000000", 0, 6 - frac.length()).append(frac);
        sb.append(" [").append(source.db().index()).append(' ').append(source.address()).append(']');
        boolean redact = argc > 0 && isSensitive(argv[0]);
        for (int i = 0; i < argc; i++) {
            sb.append(' ');
            if (redact && i > 0) {
                sb.append("\"(redacted)\"");
            } else {
                appendRepr(sb, argv[i]);
            }
        }
        sb.append("\r\n");
        byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (Client m : clients) {
            if (m == source) continue;
            ByteBuf buf = Unpooled.wrappedBuffer(line);
            m.channel().writeAndFlush(buf);
        }
    }

    private static boolean isSensitive(byte[] cmd) {
        String c = new String(cmd, StandardCharsets.US_ASCII).toLowerCase();
        return c.equals("auth") || c.equals("hello") || c.equals("migrate");
    }

    /** sdscatrepr: a quoted, escaped representation of binary data. */
    public static void appendRepr(StringBuilder sb, byte[] b) {
        sb.append('"');
        for (byte x : b) {
            int ch = x & 0xff;
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (ch >= 32 && ch < 127) sb.append((char) ch);
                    else sb.append(String.format("\\x%02x", ch));
                }
            }
        }
        sb.append('"');
    }
}
