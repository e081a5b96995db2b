package io.ferrite.server.timeseries;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/** Sends TS.* (and any) commands through Jedis and renders RESP2 replies compactly for assertions. */
final class TsReplies {
    private TsReplies() {}

    private record Cmd(String name) implements ProtocolCommand {
        @Override
        public byte[] getRaw() {
            return name.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A command name for Jedis's sendCommand and pipelines. */
    static ProtocolCommand command(String name) {
        return new Cmd(name);
    }

    /** Sends a command and renders the reply: [..] arrays, strings bare, nil. */
    static String ts(Jedis j, String... args) {
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return render(j.sendCommand(new Cmd(args[0]), rest));
    }

    /** The raw reply of a command (byte[] for bulk strings). */
    static Object raw(Jedis j, String name, byte[]... args) {
        return j.sendCommand(new Cmd(name), args);
    }

    static String render(Object o) {
        if (o == null) return "nil";
        if (o instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(render(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (o instanceof JedisDataException e) return "ERR:" + e.getMessage();
        return String.valueOf(o);
    }

    /** TS.INFO as field → rendered value. */
    static Map<String, String> info(Jedis j, String key) {
        List<?> flat = (List<?>) j.sendCommand(new Cmd("TS.INFO"), key);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) m.put(render(flat.get(i)), render(flat.get(i + 1)));
        return m;
    }

    static void assertError(Jedis j, String message, String... args) {
        assertThatThrownBy(() -> ts(j, args)).isInstanceOf(JedisDataException.class).hasMessage(message);
    }
}
