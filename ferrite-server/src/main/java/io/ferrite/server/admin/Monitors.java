package io.ferrite.server.admin;

import io.ferrite.server.net.Client;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

    /** Sends one command line to every monitor but the client that ran it; secrets redacted. */
    public void feed(Client source, byte[][] argv, int argc) {
        Instant now = Instant.now();
        StringBuilder sb = new StringBuilder(64);
        sb.append('+').append(now.getEpochSecond()).append('.');
        String frac = Integer.toString(now.getNano() / 1000);
        sb.append("000000", 0, 6 - frac.length()).append(frac);
        // Commands a script runs show "lua" as their client, as in Redis.
        sb.append(" [").append(source.db().index()).append(' ').append(source.inScript() ? "lua" : source.address()).append("] ");
        byte[][] shown = Redaction.apply(source.server().config(), argv, argc);
        for (int i = 0; i < argc; i++) {
            if (i > 0) sb.append(' ');
            appendRepr(sb, shown[i]);
        }
        sb.append("\r\n");
        byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (Client m : clients) {
            if (m == source) continue;
            m.channel().writeAndFlush(Unpooled.wrappedBuffer(line));
        }
    }

    /** sdscatrepr: a quoted, escaped representation of binary data. */
    public static void appendRepr(StringBuilder sb, byte[] b) {
        // Bytes above 0x7f are escaped, so the line is pure ASCII whatever the argument holds.
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
