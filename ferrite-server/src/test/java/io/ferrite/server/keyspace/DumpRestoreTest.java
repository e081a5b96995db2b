package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.protocol.CommandError;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

class DumpRestoreTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    /** Replaces the footer of a payload with the given RDB version and a fresh CRC. */
    private static byte[] withVersion(byte[] payload, int version) {
        byte[] p = payload.clone();
        int n = p.length;
        p[n - 10] = (byte) version;
        p[n - 9] = (byte) (version >>> 8);
        long crc = Crc64.update(0, p, 0, n - 8);
        for (int i = 0; i < 8; i++) p[n - 8 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    private static List<byte[]> sampleValues() {
        byte[] random = new byte[20_000];
        new Random(7).nextBytes(random);
        return List.of(b(""), b("a"), b("0"), b("-1"), b("127"), b("128"), b("-32768"), b("32768"),
                b("2147483647"), b("-2147483649"), b("007"), b("9223372036854775807"), b("x".repeat(64)),
                b("ab".repeat(5000)), random);
    }

    // ---- the format

    @Test
    void crc64IsRedisJonesVariant() {
        assertThat(Crc64.update(0, b("123456789"), 0, 9)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void dumpOfAStringHasRedisLayout() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "hello");
            byte[] p = j.dump("k");
            assertThat(Arrays.copyOf(p, 9)).isEqualTo(HEX.parseHex("000568656c6c6f0a00"));
            assertThat(p).hasSize(17);
            long crc = Crc64.update(0, p, 0, 9);
            for (int i = 0; i < 8; i++) assertThat(p[9 + i]).isEqualTo((byte) (crc >>> (8 * i)));
        }
    }

    @Test
    void integersUseRdbIntegerEncodings() {
        try (Jedis j = ferrite.jedis()) {
            String[][] cases = {{"123", "00c07b"}, {"-129", "00c17fff"}, {"2147483647", "00c2ffffff7f"},
                {"2147483648", "000a32313437343833363438"}, {"007", "0003303037"}};
            for (String[] c : cases) {
                j.set("k", c[0]);
                byte[] p = j.dump("k");
                assertThat(HEX.formatHex(Arrays.copyOf(p, p.length - 10))).as(c[0]).isEqualTo(c[1]);
            }
        }
    }

    @Test
    void restoresLzfCompressedPayloadsMadeByRedis() {
        try (Jedis j = ferrite.jedis()) {
            // DUMP output of redis-server 7.0 (RDB 10) for "a" x 100 and "ab" x 30 + "xyz"
            j.restore("a", 0, HEX.parseHex("00c3094064016161e057000161610a00e8a3b507b06df271"));
            j.restore("b", 0, HEX.parseHex("00c30b3f02616261e030010278797a0a00a58060a112826878"));
            assertThat(j.get("a")).isEqualTo("a".repeat(100));
            assertThat(j.get("b")).isEqualTo("ab".repeat(30) + "xyz");
        }
    }

    @Test
    void nonStringTypesCannotBeDumpedYet() {
        Value list = new Value() {
            public String typeName() { return "list"; }
            public String encoding() { return "quicklist"; }
            public Value copy() { return this; }
        };
        assertThatThrownBy(() -> DumpFormat.dump(list)).isInstanceOf(CommandError.class)
                .hasMessage("ERR DUMP not supported for this type yet");
    }

    // ---- DUMP and RESTORE over the socket

    @Test
    void dumpThenRestoreRoundTripsEveryValue() {
        try (Jedis j = ferrite.jedis()) {
            byte[] key = b("k"), copy = b("copy");
            for (byte[] v : sampleValues()) {
                j.set(key, v);
                j.del(copy);
                assertThat(j.restore(copy, 0, j.dump(key))).isEqualTo("OK");
                assertThat(j.get(copy)).isEqualTo(v);
                assertThat(j.ttl(copy)).isEqualTo(-1);
            }
        }
    }

    @Test
    void dumpOfMissingKeyIsNull() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.dump("missing")).isNull();
        }
    }

    @Test
    void restoreTtlIsRelativeOrAbsolute() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            byte[] p = j.dump("k");
            j.restore("rel", 100_000, p);
            assertThat(j.pttl("rel")).isBetween(99_000L, 100_000L);
            long at = System.currentTimeMillis() + 200_000;
            j.restore(b("abs"), at, p, RestoreParams.restoreParams().absTtl());
            assertThat(j.pexpireTime("abs")).isEqualTo(at);
            assertThat(j.restore(b("past"), 1, p, RestoreParams.restoreParams().absTtl())).isEqualTo("OK");
            assertThat(j.exists("past")).isFalse();
        }
    }

    @Test
    void restoreReplaceOverwritesAndAPastTtlDeletes() {
        try (Jedis j = ferrite.jedis()) {
            j.set("src", "new");
            byte[] p = j.dump("src");
            j.setex("k", 100, "old");
            assertError(() -> j.restore("k", 0, p), "BUSYKEY Target key name already exists.");
            assertThat(j.restore(b("k"), 0, p, RestoreParams.restoreParams().replace())).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("new");
            assertThat(j.ttl("k")).isEqualTo(-1);
            assertThat(j.restore(b("k"), 1, p, RestoreParams.restoreParams().replace().absTtl())).isEqualTo("OK");
            assertThat(j.exists("k")).isFalse();
        }
    }

    @Test
    void restoreIdletimeSetsTheIdleClock() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            j.restore(b("idle"), 0, j.dump("k"), RestoreParams.restoreParams().idleTime(1000));
            assertThat(j.objectIdletime("idle")).isBetween(1000L, 1002L);
            assertThat(j.restore(b("f"), 0, j.dump("k"), RestoreParams.restoreParams().frequency(10))).isEqualTo("OK");
        }
    }

    @Test
    void restoreRejectsBadPayloads() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "hello");
            byte[] good = j.dump("k");
            String wrong = "ERR DUMP payload version or checksum are wrong";
            byte[] flipped = good.clone();
            flipped[3] ^= 1;
            assertError(() -> j.restore(b("x"), 0, flipped), wrong);
            assertError(() -> j.restore(b("x"), 0, withVersion(good, 12)), wrong);
            assertError(() -> j.restore(b("x"), 0, Arrays.copyOf(good, 9)), wrong);
            assertError(() -> j.restore(b("x"), 0, b("")), wrong);
            // older RDB versions are accepted
            assertThat(j.restore(b("v9"), 0, withVersion(good, 9))).isEqualTo("OK");
            assertThat(j.get("v9")).isEqualTo("hello");

            String bad = "ERR Bad data format";
            byte[] unknownType = good.clone();
            unknownType[0] = 14;
            assertError(() -> j.restore(b("x"), 0, withVersion(unknownType, 11)), bad);
            byte[] truncated = HEX.parseHex("0005686500" + "0b0000000000000000");
            assertError(() -> j.restore(b("x"), 0, withVersion(truncated, 11)), bad);
            byte[] badLzf = HEX.parseHex("00c30540640161610b0000000000000000");
            assertError(() -> j.restore(b("x"), 0, withVersion(badLzf, 11)), bad);
            assertThat(j.exists("x")).isFalse();
        }
    }

    @Test
    void restoreArgumentErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            String p = new String(j.dump("k"), StandardCharsets.ISO_8859_1);
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "-1", p), "ERR Invalid TTL value, must be >= 0");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "ten", p),
                    "ERR value is not an integer or out of range");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "0", p, "IDLETIME", "-1"),
                    "ERR Invalid IDLETIME value, must be >= 0");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "0", p, "FREQ", "256"),
                    "ERR Invalid FREQ value, must be >= 0 and <= 255");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "0", p, "IDLETIME", "1", "FREQ", "1"),
                    "ERR syntax error");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "0", p, "IDLETIME"), "ERR syntax error");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x", "0", p, "NOW"), "ERR syntax error");
            // BUSYKEY comes before the TTL and the payload are looked at
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "k", "-1", "junk"),
                    "BUSYKEY Target key name already exists.");
            assertError(() -> j.sendCommand(Protocol.Command.RESTORE, "x"),
                    "ERR wrong number of arguments for 'restore' command");
        }
    }

    // ---- interoperability with a real redis-server, when one is installed

    private static Process redis;
    private static int redisPort;

    private static Jedis redis() throws Exception {
        if (redis == null) {
            String path = findOnPath("redis-server");
            Assumptions.assumeTrue(path != null,
                    "redis-server is not on PATH: skipping DUMP/RESTORE interoperability with Redis");
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

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }

    /** The RDB version a Redis release writes: 11 from 7.2 on, 10 for 7.0. */
    private static int rdbVersionOf(Jedis r) {
        String version = r.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                .orElseThrow().substring("redis_version:".length()).trim();
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]), minor = Integer.parseInt(parts[1]);
        return major > 7 || (major == 7 && minor >= 2) ? 11 : 10;
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
    }

    @Test
    void redisDumpsRestoreInFerrite() throws Exception {
        try (Jedis r = redis(); Jedis j = ferrite.jedis()) {
            byte[] key = b("k");
            for (byte[] v : sampleValues()) {
                r.set(key, v);
                j.del(key);
                assertThat(j.restore(key, 0, r.dump(key))).isEqualTo("OK");
                assertThat(j.get(key)).isEqualTo(v);
            }
        }
    }

    /** Ferrite writes RDB version 10 (Redis 7.0), which Redis 7.0 and 7.2 both restore as is. */
    @Test
    void ferriteDumpsRestoreInRedis() throws Exception {
        try (Jedis r = redis(); Jedis j = ferrite.jedis()) {
            assertThat(rdbVersionOf(r)).isGreaterThanOrEqualTo(DumpFormat.RDB_VERSION);
            byte[] key = b("k");
            for (byte[] v : sampleValues()) {
                j.set(key, v);
                byte[] p = j.dump(key);
                r.del(key);
                assertThat(r.restore(key, 0, p)).isEqualTo("OK");
                assertThat(r.get(key)).isEqualTo(v);
            }
        }
    }

    @Test
    void shortValuesDumpToTheSameBytesAsRedis() throws Exception {
        try (Jedis r = redis(); Jedis j = ferrite.jedis()) {
            byte[] key = b("k");
            for (byte[] v : sampleValues()) {
                if (v.length > 20) continue; // Redis may LZF-compress longer strings, Ferrite never does
                r.set(key, v);
                j.set(key, v);
                byte[] fromRedis = r.dump(key), fromFerrite = j.dump(key);
                assertThat(Arrays.copyOf(fromFerrite, fromFerrite.length - 10))
                        .as(new String(v, StandardCharsets.ISO_8859_1))
                        .isEqualTo(Arrays.copyOf(fromRedis, fromRedis.length - 10));
            }
        }
    }
}
