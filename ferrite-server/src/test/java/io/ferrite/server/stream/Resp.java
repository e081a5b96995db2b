package io.ferrite.server.stream;

import io.ferrite.server.net.RawConnection;
import java.io.IOException;

/** Raw RESP replies in a compact notation for assertions: [a, b], nil, :1, %{k=v}, -ERR text. */
final class Resp implements AutoCloseable {
    private final RawConnection conn;

    Resp(int port) throws IOException { conn = new RawConnection(port); }

    String call(String... args) throws IOException {
        conn.command(args);
        return show(conn.readReply());
    }

    void send(String... args) throws IOException { conn.command(args); }

    String read() throws IOException { return show(conn.readReply()); }

    static String show(String raw) {
        int[] pos = {0};
        return value(raw, pos);
    }

    private static String line(String raw, int[] pos) {
        int end = raw.indexOf("\r\n", pos[0]);
        String l = raw.substring(pos[0], end);
        pos[0] = end + 2;
        return l;
    }

    private static String value(String raw, int[] pos) {
        String l = line(raw, pos);
        char t = l.charAt(0);
        String rest = l.substring(1);
        switch (t) {
            case '+': return rest;
            case '-': return "-" + rest;
            case ':': return ":" + rest;
            case '_': return "nil";
            case ',': return "," + rest;
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) return "nil";
                String s = raw.substring(pos[0], pos[0] + n);
                pos[0] += n + 2;
                return s;
            }
            case '*': case '~': {
                int n = Integer.parseInt(rest);
                if (n < 0) return "nil";
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(value(raw, pos));
                return sb.append(']').toString();
            }
            case '%': {
                int n = Integer.parseInt(rest);
                StringBuilder sb = new StringBuilder("%{");
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? ", " : "").append(value(raw, pos)).append('=').append(value(raw, pos));
                }
                return sb.append('}').toString();
            }
            default: return l;
        }
    }

    @Override
    public void close() throws IOException { conn.close(); }
}
