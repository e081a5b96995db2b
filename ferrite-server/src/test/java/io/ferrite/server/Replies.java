package io.ferrite.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;

/** Any command through Jedis, with its reply in a form assertions can compare. */
public final class Replies {
    private Replies() {}

    /**
     * Sends args[0] with the rest as arguments; the reply with bulk strings as UTF-8 Strings,
     * arrays as nested lists, nil as null. An error reply throws JedisDataException.
     */
    public static Object send(Jedis j, String... args) {
        byte[] name = args[0].getBytes(StandardCharsets.UTF_8);
        ProtocolCommand cmd = () -> name;
        return text(j.sendCommand(cmd, Arrays.copyOfRange(args, 1, args.length)));
    }

    /** A raw Jedis reply with bulk strings as UTF-8 Strings, arrays as nested lists. */
    public static Object text(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(text(x));
            return out;
        }
        return o;
    }
}
