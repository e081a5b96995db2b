package io.ferrite.server.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.Jedis;

/**
 * Streams for the DUMP/RESTORE tests, built by the same commands on any server, and their
 * observable state (XRANGE, XINFO STREAM [FULL], XINFO GROUPS, XPENDING) as plain values to
 * compare: covers several nodes, tombstones in the head node and further in, entries whose
 * fields differ from their node's, integer, 100-byte and 5000-byte values, groups with an
 * unknown entries-read, pending entries whose entry was deleted, an idle consumer, an empty
 * stream that remembers its last ID, and IDs above 2^63.
 */
final class StreamDumpScenario {
    private StreamDumpScenario() {}

    /** The stream keys the scenario builds. */
    static final String[] KEYS = {"s", "e", "u"};

    private static final String BIG = "v".repeat(5000), MEDIUM = "m".repeat(100);

    /** Commands with explicit IDs, times and counts, so both servers hold the same streams. */
    private static final String[][] SCENARIO = scenario();

    private static String[][] scenario() {
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {"XADD", "s", "1-1", "a", "1", "b", "2"});
        c.add(new String[] {"XADD", "s", "1-2", "a", "3", "b", "4"});
        c.add(new String[] {"XADD", "s", "1-3", "c", "hello"});
        c.add(new String[] {"XADD", "s", "2-0", "a", "-70000", "b", "9223372036854775807"});
        c.add(new String[] {"XADD", "s", "3-0", "a", MEDIUM, "b", BIG});
        c.add(new String[] {"XADD", "s", "3-7", "a", "007", "b", "-0", "extra", "1.5"});
        for (int i = 4; i <= 260; i++) c.add(new String[] {"XADD", "s", i + "-0", "a", Integer.toString(i * 1000), "b", "x"});
        c.add(new String[] {"XDEL", "s", "1-2", "150-0", "201-0"});
        c.add(new String[] {"XTRIM", "s", "MINID", "2-0"});
        c.add(new String[] {"XGROUP", "CREATE", "s", "g1", "0"});
        c.add(new String[] {"XGROUP", "CREATE", "s", "g2", "$"});
        c.add(new String[] {"XGROUP", "CREATE", "s", "g3", "0"});
        c.add(new String[] {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "10", "STREAMS", "s", ">"});
        c.add(new String[] {"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "5", "STREAMS", "s", ">"});
        c.add(new String[] {"XACK", "s", "g1", "4-0", "12-0"});
        c.add(new String[] {"XCLAIM", "s", "g1", "carol", "0", "5-0", "6-0", "TIME", "1700000000000", "RETRYCOUNT", "7"});
        c.add(new String[] {"XGROUP", "CREATECONSUMER", "s", "g1", "dave"});
        c.add(new String[] {"XGROUP", "SETID", "s", "g3", "100-0"});
        c.add(new String[] {"XDEL", "s", "7-0"}); // pending in g1, now deleted
        c.add(new String[] {"XREADGROUP", "GROUP", "g3", "erin", "COUNT", "3", "STREAMS", "s", ">"});
        // an empty stream that remembers its past, with a group
        c.add(new String[] {"XGROUP", "CREATE", "e", "g", "$", "MKSTREAM"});
        c.add(new String[] {"XADD", "e", "5-0", "f", "v"});
        c.add(new String[] {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "e", ">"});
        c.add(new String[] {"XDEL", "e", "5-0"});
        // IDs above 2^63: the deltas from a node's master ID wrap as unsigned numbers
        c.add(new String[] {"XADD", "u", "9223372036854775807-1", "f", "1"});
        c.add(new String[] {"XADD", "u", "18446744073709551615-18446744073709551614", "f", "2"});
        c.add(new String[] {"XGROUP", "CREATE", "u", "g", "0"});
        c.add(new String[] {"XREADGROUP", "GROUP", "g", "z", "STREAMS", "u", ">"});
        return c.toArray(new String[0][]);
    }

    /** Runs the scenario's commands: keys s, e and u. */
    static void build(Jedis j) {
        for (String[] cmd : SCENARIO) call(j, cmd);
    }

    /** A reply as nested lists of Strings (bytes as ISO-8859-1) and Longs. */
    static Object call(Jedis j, String... args) {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return plain(j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8), rest));
    }

    private static Object plain(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(plain(x));
            return out;
        }
        return o;
    }

    /** Removes "name, value" pairs named in keys from every list, at any depth (map-shaped replies). */
    static Object without(Object o, Set<String> keys) {
        if (!(o instanceof List<?> l)) return o;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof String s && keys.contains(s) && i + 1 < l.size()) {
                i++;
                continue;
            }
            out.add(without(l.get(i), keys));
        }
        return out;
    }

    /** The observable state of a stream key, less what differs by design. */
    static List<Object> state(Jedis j, String key, Set<String> ignored) {
        // radix-tree-nodes: Ferrite has no radix tree (blocks + 1, see docs/streams.md)
        Set<String> skip = new HashSet<>(ignored);
        skip.add("radix-tree-nodes");
        List<Object> s = new ArrayList<>();
        s.add(call(j, "TYPE", key));
        s.add(call(j, "XLEN", key));
        s.add(call(j, "XRANGE", key, "-", "+"));
        s.add(call(j, "XREVRANGE", key, "+", "-", "COUNT", "7"));
        s.add(without(call(j, "XINFO", "STREAM", key), skip));
        s.add(without(call(j, "XINFO", "STREAM", key, "FULL", "COUNT", "0"), skip));
        @SuppressWarnings("unchecked")
        List<Object> groups = (List<Object>) call(j, "XINFO", "GROUPS", key);
        s.add(groups);
        for (Object g : groups) {
            String name = (String) ((List<?>) g).get(1);
            s.add(call(j, "XPENDING", key, name));
            // [id, consumer, idle ms, deliveries]: the idle time is relative to now
            @SuppressWarnings("unchecked")
            List<List<Object>> rows = (List<List<Object>>) call(j, "XPENDING", key, name, "-", "+", "1000");
            for (List<Object> row : rows) row.set(2, "idle");
            s.add(rows);
        }
        return s;
    }

    /** Redis 7.0 has no consumer active-time; a 7.0-format payload (what Ferrite writes) has none either. */
    static Set<String> activeTime() { return Set.of("active-time"); }
}
