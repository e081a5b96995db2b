package io.ferrite.server.zset;

import static io.ferrite.server.zset.SortedSetCommandsTest.r;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.keyspace.DumpFormat;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** DUMP/RESTORE of sorted sets (RDB_TYPE_ZSET_2), within Ferrite and with a real redis-server. */
class SortedSetDumpTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void dumpAndRestoreKeepMembersScoresAndEncoding() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "small", "1.5", "a", "-inf", "b", "2", "c");
            for (int i = 0; i < 300; i++) r(j, "ZADD", "big", Integer.toString(i % 7), "m" + i);
            for (String key : new String[] {"small", "big"}) {
                byte[] payload = j.dump(b(key));
                assertThat(payload[0]).isEqualTo((byte) 5); // RDB_TYPE_ZSET_2
                j.restore(b(key + "2"), 0, payload);
                assertThat(r(j, "ZRANGE", key + "2", "0", "-1", "WITHSCORES"))
                        .isEqualTo(r(j, "ZRANGE", key, "0", "-1", "WITHSCORES"));
                assertThat(r(j, "OBJECT", "ENCODING", key + "2")).isEqualTo(r(j, "OBJECT", "ENCODING", key));
            }
        }
    }

    @Test
    void restoreRejectsDuplicateMembersAndEmptySets() {
        // type 5, two elements "a" 1.0, "a" 2.0, RDB 11, then the CRC is recomputed by DumpFormat's rules
        byte[] body = HexFormat.of().parseHex("0502016100000000000000f03f01610000000000000040");
        byte[] empty = HexFormat.of().parseHex("0500");
        try (Jedis j = ferrite.jedis()) {
            for (byte[] bad : new byte[][] {withFooter(body), withFooter(empty)}) {
                assertThatThrownBy(() -> j.restore(b("k"), 0, bad)).isInstanceOf(JedisDataException.class)
                        .hasMessage("ERR Bad data format");
            }
            assertThat(j.exists("k")).isFalse();
        }
    }

    private static byte[] withFooter(byte[] body) {
        byte[] p = java.util.Arrays.copyOf(body, body.length + 10);
        p[body.length] = (byte) DumpFormat.RDB_VERSION;
        long crc = crc64(p, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    /** CRC-64/Jones (reflected), as Redis's crc64. */
    private static long crc64(byte[] b, int n) {
        long crc = 0;
        for (int i = 0; i < n; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
        }
        return crc;
    }

    // ---- with a real redis-server, when one is installed

    private static Process redis;
    private static int redisPort;

    private static Jedis redis() throws Exception {
        if (redis == null) {
            String path = null;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                File f = new File(dir, "redis-server");
                if (f.canExecute()) path = f.getPath();
            }
            Assumptions.assumeTrue(path != null, "redis-server is not on PATH: skipping interoperability");
            try (ServerSocket s = new ServerSocket(0)) {
                redisPort = s.getLocalPort();
            }
            redis = new ProcessBuilder(path, "--port", Integer.toString(redisPort), "--save", "", "--appendonly", "no",
                    "--daemonize", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try (Jedis probe = new Jedis("127.0.0.1", redisPort, 1000)) {
                    probe.ping();
                    break;
                } catch (Exception e) {
                    if (System.currentTimeMillis() > deadline) throw e;
                    Thread.sleep(50);
                }
            }
        }
        return new Jedis("127.0.0.1", redisPort, 10_000);
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
    }

    /** An older Redis refuses RDB 11 in the footer; the zset body is the same in 10 and 11. */
    private static byte[] forRedis(Jedis r, byte[] p) {
        String v = r.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElseThrow();
        String[] parts = v.substring("redis_version:".length()).trim().split("\\.");
        int major = Integer.parseInt(parts[0]), minor = Integer.parseInt(parts[1]);
        if (major > 7 || (major == 7 && minor >= 2)) return p;
        byte[] q = p.clone();
        q[q.length - 10] = 10;
        q[q.length - 9] = 0;
        long crc = crc64(q, q.length - 8);
        for (int i = 0; i < 8; i++) q[q.length - 8 + i] = (byte) (crc >>> (8 * i));
        return q;
    }

    @Test
    void ferriteDumpsRestoreInRedisAndBack() throws Exception {
        try (Jedis r = redis(); Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2.5", "b", "-inf", "c", "1e300", "d", "0.1", "e");
            byte[] p = j.dump(b("z"));
            r.del("z");
            assertThat(r.restore(b("z"), 0, forRedis(r, p))).isEqualTo("OK");
            assertThat(r.zrangeWithScores("z", 0, -1).toString()).isEqualTo(j.zrangeWithScores("z", 0, -1).toString());
            // Redis writes a listpack blob for small sets; a skiplist set comes back as RDB_TYPE_ZSET_2.
            r.configSet("zset-max-listpack-entries", "0");
            r.del("z2");
            r.zadd("z2", 3, "x");
            r.zadd("z2", 4, "y");
            r.zadd("z2", 0.5, "12345"); // an integer-looking member: RDB writes it as an int
            byte[] fromRedis = r.dump("z2");
            assertThat(fromRedis[0]).isEqualTo((byte) 5);
            j.restore(b("z2"), 0, fromRedis);
            assertThat(r(j, "ZRANGE", "z2", "0", "-1", "WITHSCORES")).isEqualTo(List.of("12345", "0.5", "x", "3", "y", "4"));
            // And Redis's own small-set form, a listpack blob (RDB type 17) with integer and text scores.
            r.configSet("zset-max-listpack-entries", "128");
            r.del("z3");
            r.zadd("z3", 7, "seven");
            r.zadd("z3", -1.25, "neg");
            r.zadd("z3", 3, "77");
            byte[] listpack = r.dump("z3");
            assertThat(listpack[0]).isEqualTo((byte) 17);
            j.restore(b("z3"), 0, listpack);
            assertThat(r(j, "ZRANGE", "z3", "0", "-1", "WITHSCORES")).isEqualTo(List.of("neg", "-1.25", "77", "3", "seven", "7"));
            assertThat(r(j, "OBJECT", "ENCODING", "z3")).isEqualTo("listpack");
        }
    }
}
