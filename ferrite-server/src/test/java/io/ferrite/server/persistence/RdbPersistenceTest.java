package io.ferrite.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.RealRedis;
import io.ferrite.server.Replies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** RDB snapshots over real sockets: SAVE, BGSAVE, save points, SHUTDOWN, loading at start, failures. */
class RdbPersistenceTest {
    @TempDir
    Path dir;

    private FerriteServer.Builder builder(String save) {
        return FerriteServer.builder().port(0).set("dir", dir.toString()).set("save", save);
    }

    private static Jedis connect(FerriteServer s) {
        return new Jedis("127.0.0.1", s.port(), 10_000);
    }

    /** Waits until INFO persistence shows line (a "field:value"), failing after millis. */
    private static void awaitPersistence(Jedis j, String line, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!j.info("persistence").contains(line + "\r\n")) {
            assertThat(System.currentTimeMillis()).as("INFO persistence shows " + line).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Object send(Jedis j, String... args) {
        return Replies.text(Replies.send(j, args));
    }

    /** One value of every type, a TTL, a second database and a function library. */
    static void populate(Jedis j) {
        j.set("s", "hello");
        j.set("n", "12345");
        j.set("long", "x".repeat(5000));
        j.pexpire("s", 600_000);
        j.rpush("l", "a", "b", "c", "1", "2");
        j.hset("h", "f1", "v1");
        j.hset("h", "f2", "v2");
        j.sadd("st", "a", "b", "c");
        j.sadd("si", "1", "2", "3");
        j.zadd("z", 1.5, "a");
        j.zadd("z", -2, "b");
        send(j, "PFADD", "hll", "a", "b", "c", "d");
        send(j, "XADD", "x", "1-1", "f", "v");
        send(j, "XADD", "x", "2-1", "g", "w");
        send(j, "XGROUP", "CREATE", "x", "grp", "0");
        send(j, "XREADGROUP", "GROUP", "grp", "alice", "COUNT", "1", "STREAMS", "x", ">");
        send(j, "TS.CREATE", "t", "LABELS", "sensor", "1");
        send(j, "TS.ADD", "t", "1000", "1.5");
        send(j, "SELECT", "3");
        j.set("db3", "three");
        send(j, "SELECT", "0");
        send(j, "FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('answer', function() return 42 end)");
    }

    static void checkPopulated(Jedis j) {
        assertThat(j.get("s")).isEqualTo("hello");
        assertThat(j.pttl("s")).isBetween(1L, 600_000L);
        assertThat(j.get("n")).isEqualTo("12345");
        assertThat(j.get("long")).hasSize(5000);
        assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b", "c", "1", "2");
        assertThat(j.hgetAll("h")).containsEntry("f1", "v1").containsEntry("f2", "v2").hasSize(2);
        assertThat(j.smembers("st")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(j.smembers("si")).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(send(j, "ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo(List.of("b", "-2", "a", "1.5"));
        assertThat(send(j, "PFCOUNT", "hll")).isEqualTo(4L);
        assertThat(send(j, "XRANGE", "x", "-", "+").toString()).isEqualTo("[[1-1, [f, v]], [2-1, [g, w]]]");
        assertThat(send(j, "XPENDING", "x", "grp").toString()).isEqualTo("[1, 1-1, 1-1, [[alice, 1]]]");
        assertThat(send(j, "TS.GET", "t").toString()).isEqualTo("[1000, 1.5]");
        assertThat(send(j, "FCALL", "answer", "0")).isEqualTo(42L);
        send(j, "SELECT", "3");
        assertThat(j.get("db3")).isEqualTo("three");
        send(j, "SELECT", "0");
        assertThat(j.dbSize()).isEqualTo(11);
    }

    @Test
    void saveThenAStartLoadsEveryTypeTtlsDatabasesAndFunctions() throws Exception {
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            populate(j);
            assertThat(j.save()).isEqualTo("OK");
            assertThat(send(j, "INFO", "persistence").toString()).contains("rdb_changes_since_last_save:0", "rdb_saves:1");
        }
        assertThat(dir.resolve("dump.rdb")).exists();
        try (FerriteServer b = builder("").startPersistent(); Jedis j = connect(b)) {
            checkPopulated(j);
            assertThat(send(j, "INFO", "persistence").toString()).contains("rdb_last_load_keys_loaded:12");
        }
    }

    @Test
    void timeSeriesKeepTheirLabelsAndCompactionRulesAcrossARestart() throws Exception {
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            send(j, "TS.CREATE", "src", "LABELS", "sensor", "s1", "kind", "raw");
            send(j, "TS.CREATE", "dst", "LABELS", "sensor", "s1", "kind", "avg");
            send(j, "TS.CREATERULE", "src", "dst", "AGGREGATION", "avg", "1000");
            for (int t : new int[] {1000, 1500, 2000, 2500, 3100}) send(j, "TS.ADD", "src", Integer.toString(t), Integer.toString(t));
            j.save();
        }
        try (FerriteServer b = builder("").startPersistent(); Jedis j = connect(b)) {
            assertThat(send(j, "TS.QUERYINDEX", "kind=avg")).isEqualTo(List.of("dst")); // the label index is rebuilt
            assertThat(send(j, "TS.RANGE", "dst", "-", "+").toString()).isEqualTo("[[1000, 1250], [2000, 2250]]");
            send(j, "TS.ADD", "src", "4200", "10"); // the rule still runs: it closes the 3000 bucket
            assertThat(send(j, "TS.RANGE", "dst", "-", "+").toString()).isEqualTo("[[1000, 1250], [2000, 2250], [3000, 3100]]");
        }
    }

    @Test
    void embeddedServersDoNotLoadTheFileAtStart() throws Exception {
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            j.set("k", "v");
            j.save();
        }
        try (FerriteServer b = builder("").start(); Jedis j = connect(b)) {
            assertThat(j.dbSize()).isZero();
        }
    }

    @Test
    void shutdownSavesWhenThereAreSavePointsAndNosaveDoesNot() throws Exception {
        FerriteServer a = builder("3600 1").startPersistent();
        try (Jedis j = connect(a)) {
            j.set("kept", "1");
            send(j, "SHUTDOWN");
        } catch (Exception closed) {
            // SHUTDOWN closes the connection without a reply
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (!a.isClosed()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(5);
        }
        FerriteServer b = builder("3600 1").startPersistent();
        try (Jedis j = connect(b)) {
            assertThat(j.get("kept")).isEqualTo("1");
            j.set("lost", "1");
            send(j, "SHUTDOWN", "NOSAVE");
        } catch (Exception closed) {
            // as above
        }
        try (FerriteServer c = builder("3600 1").startPersistent(); Jedis j = connect(c)) {
            assertThat(j.get("kept")).isEqualTo("1");
            assertThat(j.exists("lost")).isFalse();
            send(j, "SHUTDOWN", "NOSAVE");
        } catch (Exception closed) {
            // as above
        }
    }

    @Test
    void aSavePointStartsABackgroundSave() throws Exception {
        try (FerriteServer s = builder("1 2").startPersistent(); Jedis j = connect(s)) {
            long before = j.lastsave();
            j.set("a", "1");
            Thread.sleep(1300);
            assertThat(Files.exists(dir.resolve("dump.rdb"))).isFalse(); // one change: under the point's 2
            j.set("b", "2");
            awaitPersistence(j, "rdb_saves:1", 5_000);
            assertThat(j.lastsave()).isGreaterThanOrEqualTo(before);
            assertThat(send(j, "INFO", "persistence").toString()).contains("rdb_changes_since_last_save:0",
                    "rdb_last_bgsave_status:ok");
            assertThat(dir.resolve("dump.rdb")).exists();
            send(j, "SHUTDOWN", "NOSAVE");
        } catch (JedisConnectionException closed) {
            // SHUTDOWN closed the connection
        }
        try (FerriteServer s = builder("").startPersistent(); Jedis j = connect(s)) {
            assertThat(j.mget("a", "b")).containsExactly("1", "2");
        }
    }

    @Test
    void bgsaveWritesASnapshotAndRefusesASecondWhileItRuns() throws Exception {
        try (FerriteServer s = builder("").start(); Jedis j = connect(s)) {
            for (int i = 0; i < 20_000; i++) j.set("k" + i, "v" + i);
            assertThat(j.bgsave()).isEqualTo("Background saving started");
            Object second = RealRedis.call(j, "BGSAVE");
            Object scheduled = RealRedis.call(j, "BGSAVE", "SCHEDULE");
            // The first may already be done on a fast disk; if not, the second is refused, SCHEDULE accepted.
            assertThat(second.toString()).isIn("Background saving started", "ERR: ERR Background save already in progress");
            assertThat(scheduled.toString()).isIn("Background saving started", "Background saving scheduled",
                    "ERR: ERR Background save already in progress");
            assertThat(RealRedis.call(j, "BGSAVE", "NOW")).isEqualTo("ERR: ERR syntax error");
            awaitPersistence(j, "rdb_bgsave_in_progress:0", 10_000);
        }
        try (FerriteServer s = builder("").startPersistent(); Jedis j = connect(s)) {
            assertThat(j.dbSize()).isEqualTo(20_000);
            assertThat(j.get("k12345")).isEqualTo("v12345");
        }
    }

    @Test
    void aFailedSaveKeepsTheLastSnapshotAndStopsWritesUntilASaveSucceeds() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("data"));
        try (FerriteServer s = FerriteServer.builder().port(0).set("dir", sub.toString()).start(); Jedis j = connect(s)) {
            j.set("first", "1");
            assertThat(j.save()).isEqualTo("OK");
            byte[] good = Files.readAllBytes(sub.resolve("dump.rdb"));
            // The directory turns into a file: a temp file cannot be created there (root ignores permissions).
            Path moved = dir.resolve("data-moved");
            Files.move(sub, moved);
            Files.writeString(sub, "not a directory");
            j.set("second", "2");
            assertThatThrownBy(j::save).isInstanceOf(JedisDataException.class).hasMessage("ERR");
            j.bgsave();
            awaitPersistence(j, "rdb_last_bgsave_status:err", 5_000);
            assertThatThrownBy(() -> j.set("third", "3")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("MISCONF Redis is configured to save RDB snapshots");
            assertThatThrownBy(j::ping).hasMessageStartingWith("MISCONF");
            assertThat(j.get("second")).isEqualTo("2"); // reads still work
            assertThat(Files.readAllBytes(moved.resolve("dump.rdb"))).isEqualTo(good);
            // The directory comes back: a successful save lifts the refusal.
            Files.delete(sub);
            Files.move(moved, sub);
            assertThat(j.save()).isEqualTo("OK");
            j.bgsave();
            awaitPersistence(j, "rdb_last_bgsave_status:ok", 5_000);
            assertThat(j.set("third", "3")).isEqualTo("OK");
        }
    }

    @Test
    void aCorruptOrTruncatedFileFailsTheStartAndIsLeftAlone() throws Exception {
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            populate(j);
            j.save();
        }
        byte[] good = Files.readAllBytes(dir.resolve("dump.rdb"));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        Files.write(dir.resolve("dump.rdb"), truncated);
        assertThatThrownBy(() -> builder("").startPersistent()).isInstanceOf(IOException.class)
                .hasMessageContaining("Bad RDB file");
        assertThat(Files.readAllBytes(dir.resolve("dump.rdb"))).isEqualTo(truncated);

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x5a;
        Files.write(dir.resolve("dump.rdb"), flipped);
        assertThatThrownBy(() -> builder("").startPersistent()).isInstanceOf(IOException.class)
                .hasMessageContaining("Bad RDB file");

        Files.writeString(dir.resolve("dump.rdb"), "hello, not an rdb file");
        assertThatThrownBy(() -> builder("").startPersistent()).isInstanceOf(IOException.class)
                .hasMessageContaining("Wrong signature");
    }

    @Test
    void valuesLargerThanTheReadWindowLoadAndAFlippedDataByteFailsTheChecksum() throws Exception {
        byte[] noise = new byte[300_000]; // incompressible, larger than the loader's 64 KB window
        new java.util.SplittableRandom(3).nextBytes(noise);
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            j.set("noise".getBytes(), noise);
            String[] items = new String[200_000];
            for (int i = 0; i < items.length; i++) items[i] = "item-" + i;
            j.rpush("biglist", items);
            j.save();
        }
        try (FerriteServer b = builder("").startPersistent(); Jedis j = connect(b)) {
            assertThat(j.get("noise".getBytes())).isEqualTo(noise);
            assertThat(j.llen("biglist")).isEqualTo(200_000);
            assertThat(j.lindex("biglist", 123_456)).isEqualTo("item-123456");
        }
        // One bit flipped inside the string's bytes: the structure still parses, the CRC-64 does not match.
        byte[] file = Files.readAllBytes(dir.resolve("dump.rdb"));
        int at = indexOf(file, Arrays.copyOfRange(noise, 1000, 1032)) + 16;
        assertThat(at).isGreaterThan(16);
        file[at] ^= 1;
        Files.write(dir.resolve("dump.rdb"), file);
        assertThatThrownBy(() -> builder("").startPersistent()).isInstanceOf(IOException.class)
                .hasMessageContaining("Wrong RDB checksum");
    }

    @Test
    void flushallStopsASlowBackgroundSaveWithoutCallingItAFailure() throws Exception {
        try (FerriteServer s = builder("").start(); Jedis j = connect(s)) {
            for (int i = 0; i < 10; i++) j.set("k" + i, "v");
            j.configSet("rdb-key-save-delay", "1000000"); // a second per key: Redis's hook for slow saves
            j.bgsave();
            Thread.sleep(300);
            assertThat(j.info("persistence")).contains("rdb_bgsave_in_progress:1");
            assertThat(j.set("during", "1")).isEqualTo("OK"); // the save sleeps without holding a lock
            assertThat(j.flushAll()).isEqualTo("OK");
            awaitPersistence(j, "rdb_bgsave_in_progress:0", 3_000);
            assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok", "rdb_saves:0");
            assertThat(dir.resolve("dump.rdb")).doesNotExist();
            try (var files = Files.list(dir)) {
                assertThat(files).as("the aborted save's temp file is gone").isEmpty();
            }
            j.configSet("rdb-key-save-delay", "0");
        }
    }

    @Test
    void randomlyCorruptedFilesLoadOrFailCleanlyAndTheServerStaysUp() throws Exception {
        try (FerriteServer s = builder("").start(); Jedis j = connect(s)) {
            populate(j);
            j.save();
            byte[] good = Files.readAllBytes(dir.resolve("dump.rdb"));
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
            int failed = 0;
            for (int round = 0; round < 300; round++) {
                byte[] bad = good.clone();
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) bad[9 + rnd.nextInt(bad.length - 9)] = (byte) rnd.nextInt(256);
                if (round % 10 == 0) bad = Arrays.copyOf(bad, 9 + rnd.nextInt(bad.length - 9)); // truncated too
                Files.write(dir.resolve("dump.rdb"), bad);
                Object reply = RealRedis.call(j, "DEBUG", "RELOAD", "NOSAVE");
                if (!"OK".equals(reply)) {
                    assertThat(reply).isEqualTo("ERR: ERR Error trying to load the RDB dump, check server logs.");
                    failed++;
                }
                assertThat(j.ping()).isEqualTo("PONG");
            }
            assertThat(failed).as("the checksum or the structure catches most corruptions").isGreaterThan(250);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void theAccessRecordSurvivesARestartUnderAnLruOrLfuPolicy() throws Exception {
        byte[] payload;
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            j.set("k", "v");
            payload = j.dump("k");
        }
        for (String policy : new String[] {"allkeys-lru", "allkeys-lfu"}) {
            boolean lfu = policy.endsWith("lfu");
            try (FerriteServer a = builder("").set("maxmemory-policy", policy).start(); Jedis j = connect(a)) {
                j.flushAll();
                j.restore("k".getBytes(), 0, payload, lfu ? RestoreParams.restoreParams().frequency(100)
                        : RestoreParams.restoreParams().idleTime(5000));
                j.save();
            }
            try (FerriteServer b = builder("").set("maxmemory-policy", policy).startPersistent(); Jedis j = connect(b)) {
                if (lfu) assertThat(j.objectFreq("k")).isEqualTo(100);
                else assertThat(j.objectIdletime("k")).isBetween(5000L, 5010L);
            }
        }
    }

    @Test
    void keysThatExpireBeforeTheLoadAreSkipped() throws Exception {
        try (FerriteServer a = builder("").start(); Jedis j = connect(a)) {
            j.psetex("soon", 150, "x");
            j.set("stays", "y");
            j.save();
        }
        Thread.sleep(300);
        try (FerriteServer b = builder("").startPersistent(); Jedis j = connect(b)) {
            assertThat(j.exists("soon")).isFalse();
            assertThat(j.get("stays")).isEqualTo("y");
            assertThat(send(j, "INFO", "persistence").toString()).contains("rdb_last_load_keys_expired:1",
                    "rdb_last_load_keys_loaded:1");
        }
    }

    @Test
    void debugReloadRoundTripsTheDataset() throws Exception {
        try (FerriteServer s = builder("").start(); Jedis j = connect(s)) {
            populate(j);
            assertThat(send(j, "DEBUG", "RELOAD")).isEqualTo("OK");
            checkPopulated(j);
            j.set("extra", "1");
            assertThat(send(j, "DEBUG", "RELOAD", "NOSAVE")).isEqualTo("OK"); // back to the file
            assertThat(j.exists("extra")).isFalse();
            assertThat(RealRedis.call(j, "DEBUG", "RELOAD", "BOGUS").toString()).startsWith("ERR: ERR DEBUG RELOAD only");
            // NOFLUSH keeps what is there, and a key (or library) the file also has is an error, as in Redis.
            assertThat(RealRedis.call(j, "DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"))
                    .isEqualTo("ERR: ERR Error trying to load the RDB dump, check server logs.");
            // MERGE: the file's keys and libraries replace their namesakes, the others stay.
            j.set("s", "changed");
            j.set("extra", "2");
            send(j, "FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('other', function() return 7 end)");
            assertThat(send(j, "DEBUG", "RELOAD", "NOSAVE", "MERGE")).isEqualTo("OK");
            assertThat(j.get("s")).isEqualTo("hello");
            assertThat(j.get("extra")).isEqualTo("2");
            assertThat(send(j, "FCALL", "other", "0")).isEqualTo(7L);
            assertThat(send(j, "FCALL", "answer", "0")).isEqualTo(42L);
            // A plain reload empties the dataset and the libraries first.
            assertThat(send(j, "DEBUG", "RELOAD", "NOSAVE")).isEqualTo("OK");
            assertThat(j.exists("extra")).isFalse();
            assertThat(RealRedis.call(j, "FCALL", "other", "0")).isEqualTo("ERR: ERR Function not found");
        }
    }

    @Test
    void flushallSavesTheEmptyDatasetWhenThereAreSavePoints() throws Exception {
        try (FerriteServer s = builder("3600 1").startPersistent(); Jedis j = connect(s)) {
            j.set("k", "v");
            j.save();
            j.flushAll();
            send(j, "SHUTDOWN", "NOSAVE");
        } catch (JedisConnectionException closed) {
            // SHUTDOWN closed the connection
        }
        try (FerriteServer s = builder("").startPersistent(); Jedis j = connect(s)) {
            assertThat(j.dbSize()).isZero();
        }
    }
}
