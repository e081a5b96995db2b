package io.ferrite.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.Replies;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * dump.rdb moves both ways between Ferrite and a real redis-server (skipped, with a message, where
 * redis-server is not installed): a dataset written by one and loaded by the other reads the same
 * on both, key by key, across the encodings each picks (listpacks, intsets, quicklists, hash
 * tables, skiplists, LZF-compressed strings, streams with groups, sparse and dense HyperLogLogs).
 */
class RdbRedisInteropTest {
    @TempDir
    Path dir;

    @Test
    void ferritesFileLoadsIntoRedisWithTheSameContents() throws Exception {
        String redis = redisServer();
        Map<String, String> ferrite;
        try (FerriteServer f = FerriteServer.builder().port(0).set("dir", dir.toString()).set("save", "").start();
                Jedis j = new Jedis("127.0.0.1", f.port(), 10_000)) {
            populate(j, new SplittableRandom(7));
            assertThat(j.save()).isEqualTo("OK");
            ferrite = contents(j);
        }
        Process p = startRedis(redis, dir);
        try (Jedis r = connectRedis()) {
            assertSameContents(contents(r), ferrite);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    @Test
    void redissFileLoadsIntoFerriteWithTheSameContents() throws Exception {
        String redis = redisServer();
        Map<String, String> fromRedis;
        Process p = startRedis(redis, dir);
        try (Jedis r = connectRedis()) {
            populate(r, new SplittableRandom(11));
            assertThat(r.save()).isEqualTo("OK");
            fromRedis = contents(r);
        } finally {
            p.destroy();
            p.waitFor();
        }
        try (FerriteServer f = FerriteServer.builder().port(0).set("dir", dir.toString()).set("save", "").startPersistent();
                Jedis j = new Jedis("127.0.0.1", f.port(), 10_000)) {
            assertSameContents(contents(j), fromRedis);
        }
    }

    /** Key by key, so a failure names the key that differs. */
    private static void assertSameContents(Map<String, String> actual, Map<String, String> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String key : expected.keySet()) assertThat(actual.get(key)).as(key).isEqualTo(expected.get(key));
    }

    /** Keys of every type at sizes on both sides of Redis's encoding thresholds, TTLs, two databases. */
    private static void populate(Jedis j, SplittableRandom rnd) {
        for (int db : new int[] {0, 3}) {
            j.select(db);
            j.set("str:short", "v" + rnd.nextInt());
            j.set("str:int", Integer.toString(rnd.nextInt(1_000_000)));
            j.set("str:lzf", "abcabcabc".repeat(40) + rnd.nextInt()); // compressible: Redis writes it as LZF
            j.set("str:utf8", "h\u00e9llo \u4e16\u754c");
            j.psetex("str:ttl", 3_600_000 + rnd.nextInt(1000), "expiring");
            for (int size : new int[] {5, 300}) {
                for (int i = 0; i < size; i++) {
                    j.rpush("list:" + size, "e" + i + "-" + "x".repeat(rnd.nextInt(size == 5 ? 5 : 80)));
                    j.hset("hash:" + size, "f" + i, "v" + rnd.nextInt(1000));
                    j.sadd("set:int:" + size, Integer.toString(rnd.nextInt(1_000_000)));
                    j.sadd("set:str:" + size, "m" + rnd.nextInt(100_000));
                    j.zadd("zset:" + size, rnd.nextInt(1000) / 7.0, "m" + i);
                }
            }
            j.expire("hash:5", 7200);
            Replies.send(j, "PFADD", "hll:sparse", "a", "b", "c");
            String[] many = new String[3000];
            for (int i = 0; i < many.length; i++) many[i] = "u" + rnd.nextInt();
            String[] args = new String[many.length + 2];
            args[0] = "PFADD";
            args[1] = "hll:dense";
            System.arraycopy(many, 0, args, 2, many.length);
            Replies.send(j, args);
            for (int i = 1; i <= 150; i++) Replies.send(j, "XADD", "stream", i + "-1", "f", "v" + i, "g", "w");
            Replies.send(j, "XDEL", "stream", "3-1");
            Replies.send(j, "XGROUP", "CREATE", "stream", "g1", "0");
            Replies.send(j, "XGROUP", "CREATE", "stream", "g2", "$");
            Replies.send(j, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "stream", ">");
            Replies.send(j, "XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "stream", ">");
            Replies.send(j, "XACK", "stream", "g1", "1-1");
        }
        j.select(0);
    }

    /** Every key of databases 0 and 3: its type, expiry and contents as text. */
    private static Map<String, String> contents(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (int db : new int[] {0, 3}) {
            j.select(db);
            for (String key : j.keys("*")) {
                String type = j.type(key);
                long expireAt = (Long) Replies.send(j, "PEXPIRETIME", key);
                String value = switch (type) {
                    case "string" -> HexFormat.of().formatHex(j.get(key.getBytes(StandardCharsets.UTF_8)));
                    case "list" -> j.lrange(key, 0, -1).toString();
                    case "hash" -> new TreeMap<>(j.hgetAll(key)).toString();
                    case "set" -> sorted(j.smembers(key)).toString();
                    case "zset" -> zset(j, key);
                    case "stream" -> Replies.send(j, "XRANGE", key, "-", "+") + " "
                            + Replies.send(j, "XINFO", "GROUPS", key) + " "
                            + pending(j, key) + " " + xinfoStream(j, key);
                    default -> throw new AssertionError("unexpected type " + type);
                };
                out.put(db + ":" + key, type + " " + expireAt + " " + value);
            }
        }
        j.select(0);
        return out;
    }

    /**
     * Members and scores, each score as the double it is: Redis 7.0 prints doubles with 17
     * significant digits and 7.2 (as Ferrite) with the fewest that read back the same.
     */
    private static String zset(Jedis j, String key) {
        List<?> flat = (List<?>) Replies.send(j, "ZRANGE", key, "0", "-1", "WITHSCORES");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            sb.append(flat.get(i)).append('=').append(Double.parseDouble((String) flat.get(i + 1))).append(' ');
        }
        return sb.toString();
    }

    /** Group g1's pending entries: ID, consumer, delivery count (not the idle time). */
    private static String pending(Jedis j, String key) {
        StringBuilder sb = new StringBuilder();
        for (Object o : (List<?>) Replies.send(j, "XPENDING", key, "g1", "-", "+", "100")) {
            List<?> e = (List<?>) o;
            sb.append(e.get(0)).append('/').append(e.get(1)).append('/').append(e.get(3)).append(' ');
        }
        return sb.toString();
    }

    /** XINFO STREAM's length, last and max-deleted IDs, entries added (not the radix tree's shape). */
    private static String xinfoStream(Jedis j, String key) {
        List<?> info = (List<?>) Replies.send(j, "XINFO", "STREAM", key);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < info.size(); i += 2) {
            String name = String.valueOf(info.get(i));
            if (List.of("length", "last-generated-id", "max-deleted-entry-id", "entries-added").contains(name)) {
                sb.append(name).append('=').append(info.get(i + 1)).append(' ');
            }
        }
        return sb.toString();
    }

    private static List<String> sorted(java.util.Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }

    private int redisPort;

    private Process startRedis(String path, Path dataDir) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        Process p = new ProcessBuilder(path, "--port", Integer.toString(redisPort), "--dir", dataDir.toString(),
                "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("redis.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (Jedis probe = new Jedis("127.0.0.1", redisPort, 1000)) {
                if ("PONG".equals(probe.ping())) return p;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    private Jedis connectRedis() {
        return new Jedis("127.0.0.1", redisPort, 20_000);
    }

    private static String redisServer() {
        String path = System.getProperty("redis.server");
        if (path == null) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                File f = new File(d, "redis-server");
                if (f.canExecute()) {
                    path = f.getPath();
                    break;
                }
            }
        }
        Assumptions.assumeTrue(path != null && new File(path).canExecute(),
                "redis-server is not installed: skipping the RDB exchange with Redis");
        return path;
    }
}
