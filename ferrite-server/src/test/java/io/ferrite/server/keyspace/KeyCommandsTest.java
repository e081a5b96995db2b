package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.CopyArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

class KeyCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    // ---- DEL, UNLINK, EXISTS, TYPE, TOUCH

    @Test
    void delAndUnlinkCountOnlyKeysThatExisted() {
        try (Jedis j = ferrite.jedis()) {
            j.mset("a", "1", "b", "2", "c", "3");
            assertThat(j.del("a", "b", "missing", "a")).isEqualTo(2);
            assertThat(j.unlink("c", "missing")).isEqualTo(1);
            assertThat(j.dbSize()).isZero();
        }
    }

    @Test
    void existsCountsRepeatedKeysEachTime() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.exists("k", "k", "missing")).isEqualTo(2);
            assertThat(j.exists("missing")).isFalse();
        }
    }

    @Test
    void typeNamesStringsAndMissingKeys() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "v");
            assertThat(j.type("s")).isEqualTo("string");
            assertThat(j.type("missing")).isEqualTo("none");
        }
    }

    @Test
    void touchCountsExistingKeys() {
        try (Jedis j = ferrite.jedis()) {
            j.set("a", "1");
            j.set("b", "2");
            assertThat(j.touch("a", "b", "missing", "a")).isEqualTo(3);
        }
    }

    @Test
    void wrongArityNamesTheCommand() {
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> j.sendCommand(Protocol.Command.DEL), "ERR wrong number of arguments for 'del' command");
            assertError(() -> j.sendCommand(Protocol.Command.RENAME, "a"),
                    "ERR wrong number of arguments for 'rename' command");
            assertError(() -> j.sendCommand(Protocol.Command.OBJECT, "encoding"),
                    "ERR wrong number of arguments for 'object|encoding' command");
        }
    }

    // ---- RENAME, RENAMENX

    @Test
    void renameMovesValueAndTtlAndDropsTheTargetsTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("src", 100, "v");
            j.setex("dst", 1000, "old");
            assertThat(j.rename("src", "dst")).isEqualTo("OK");
            assertThat(j.exists("src")).isFalse();
            assertThat(j.get("dst")).isEqualTo("v");
            assertThat(j.ttl("dst")).isBetween(95L, 100L);
            j.set("plain", "p");
            j.rename("plain", "dst");
            assertThat(j.ttl("dst")).isEqualTo(-1);
        }
    }

    @Test
    void renameOfMissingKeyIsAnErrorEvenOntoItself() {
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> j.rename("nope", "x"), "ERR no such key");
            assertError(() -> j.rename("nope", "nope"), "ERR no such key");
            assertError(() -> j.renamenx("nope", "x"), "ERR no such key");
        }
    }

    @Test
    void renameOntoItselfKeepsTheKey() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.rename("k", "k")).isEqualTo("OK");
            assertThat(j.renamenx("k", "k")).isZero();
            assertThat(j.get("k")).isEqualTo("v");
        }
    }

    @Test
    void renamenxLeavesAnExistingTargetAlone() {
        try (Jedis j = ferrite.jedis()) {
            j.set("a", "1");
            j.set("b", "2");
            assertThat(j.renamenx("a", "b")).isZero();
            assertThat(j.get("a")).isEqualTo("1");
            assertThat(j.get("b")).isEqualTo("2");
            assertThat(j.renamenx("a", "c")).isEqualTo(1);
            assertThat(j.get("c")).isEqualTo("1");
            assertThat(j.exists("a")).isFalse();
        }
    }

    @Test
    void renameAcrossManyShardsKeepsEveryKey() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 200; i++) j.set("r" + i, "v" + i);
            for (int i = 0; i < 200; i++) j.rename("r" + i, "n" + i);
            assertThat(j.dbSize()).isEqualTo(200);
            for (int i = 0; i < 200; i++) assertThat(j.get("n" + i)).isEqualTo("v" + i);
        }
    }

    // ---- COPY

    @Test
    void copyDuplicatesValueAndTtlIndependently() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("src", 100, "v");
            assertThat(j.copy("src", "dst", false)).isTrue();
            assertThat(j.ttl("dst")).isBetween(95L, 100L);
            j.set("dst", "changed");
            assertThat(j.get("src")).isEqualTo("v");
            assertThat(j.ttl("src")).isBetween(95L, 100L);
            assertThat(j.copy("src", "dst", false)).isFalse();
            assertThat(j.copy("src", "dst", true)).isTrue();
            assertThat(j.get("dst")).isEqualTo("v");
            assertThat(j.copy("missing", "x", true)).isFalse();
        }
    }

    @Test
    void copyWithoutTtlCreatesNone() {
        try (Jedis j = ferrite.jedis()) {
            j.set("src", "v");
            j.setex("dst", 100, "old");
            j.copy("src", "dst", true);
            assertThat(j.ttl("dst")).isEqualTo(-1);
        }
    }

    @Test
    void copyToAnotherDatabase() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.copy("k", "k", 3, false)).isTrue();
            j.select(3);
            assertThat(j.get("k")).isEqualTo("v");
            j.set("k", "changed");
            assertThat(j.dbSize()).isEqualTo(1);
            j.select(0);
            assertThat(j.get("k")).isEqualTo("v");
            assertThat(j.copy("k", "k", 3, false)).isFalse();
            assertThat(j.copy("k", "k", 3, true)).isTrue();
            j.select(3);
            assertThat(j.get("k")).isEqualTo("v");
        }
    }

    @Test
    void copyErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "k"),
                    "ERR source and destination objects are the same");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "k", "DB", "0"),
                    "ERR source and destination objects are the same");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "x", "DB", "16"), "ERR DB index is out of range");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "x", "DB", "-1"), "ERR DB index is out of range");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "x", "DB", "one"),
                    "ERR value is not an integer or out of range");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "x", "DB", "4294967296"),
                    "ERR value is out of range, value must between -2147483648 and 2147483647");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "x", "DB"), "ERR syntax error");
            assertError(() -> j.sendCommand(Protocol.Command.COPY, "k", "x", "NOW"), "ERR syntax error");
        }
    }

    @Test
    void copyWithLettuceToAnotherDatabase() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            r.set("k", "v");
            assertThat(r.copy("k", "k2", CopyArgs.Builder.destinationDb(5))).isTrue();
            r.select(5);
            assertThat(r.get("k2")).isEqualTo("v");
            r.select(0);
            assertThat(r.exists("k2")).isZero();
        }
    }

    // ---- MOVE, SELECT, SWAPDB: sixteen isolated databases

    @Test
    void databasesAreIsolated() {
        try (Jedis j = ferrite.jedis()) {
            for (int db = 0; db < 16; db++) {
                j.select(db);
                j.set("k", "v" + db);
                j.set("only" + db, "x");
            }
            for (int db = 0; db < 16; db++) {
                j.select(db);
                assertThat(j.get("k")).isEqualTo("v" + db);
                assertThat(j.dbSize()).isEqualTo(2);
                assertThat(j.keys("only*")).containsExactly("only" + db);
            }
            assertError(() -> j.select(16), "ERR DB index is out of range");
        }
    }

    @Test
    void moveTransfersValueAndTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("k", 100, "v");
            j.set("plain", "p");
            assertThat(j.move("k", 7)).isEqualTo(1);
            assertThat(j.move("plain", 7)).isEqualTo(1);
            assertThat(j.exists("k")).isFalse();
            j.select(7);
            assertThat(j.get("k")).isEqualTo("v");
            assertThat(j.ttl("k")).isBetween(95L, 100L);
            assertThat(j.ttl("plain")).isEqualTo(-1);
        }
    }

    @Test
    void moveDoesNothingWhenTargetHasTheKeyOrSourceLacksIt() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "here");
            j.select(2);
            j.set("k", "there");
            j.select(0);
            assertThat(j.move("k", 2)).isZero();
            assertThat(j.get("k")).isEqualTo("here");
            assertThat(j.move("missing", 2)).isZero();
        }
    }

    @Test
    void moveErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertError(() -> j.move("k", 0), "ERR source and destination objects are the same");
            assertError(() -> j.move("k", 16), "ERR DB index is out of range");
            assertError(() -> j.sendCommand(Protocol.Command.MOVE, "k", "notanumber"),
                    "ERR value is not an integer or out of range");
        }
    }

    @Test
    void manyKeysMoveAndComeBack() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 300; i++) j.set("m" + i, "v" + i);
            for (int i = 0; i < 300; i++) assertThat(j.move("m" + i, 15)).isEqualTo(1);
            assertThat(j.dbSize()).isZero();
            j.select(15);
            assertThat(j.dbSize()).isEqualTo(300);
            for (int i = 0; i < 300; i++) assertThat(j.move("m" + i, 0)).isEqualTo(1);
            j.select(0);
            for (int i = 0; i < 300; i++) assertThat(j.get("m" + i)).isEqualTo("v" + i);
        }
    }

    @Test
    void swapdbSwapsWhatEachDatabaseSees() {
        try (Jedis j = ferrite.jedis(); Jedis other = ferrite.jedis()) {
            j.set("k", "zero");
            j.select(1);
            j.set("k", "one");
            j.set("extra", "x");
            other.select(1);
            assertThat(j.swapDB(0, 1)).isEqualTo("OK");
            assertThat(other.get("k")).isEqualTo("zero");
            assertThat(other.dbSize()).isEqualTo(1);
            j.select(0);
            assertThat(j.get("k")).isEqualTo("one");
            assertThat(j.move("extra", 1)).isEqualTo(1);
            assertThat(other.get("extra")).isEqualTo("x");
        }
    }

    // ---- KEYS, RANDOMKEY

    @Test
    void keysMatchesGlobPatterns() {
        try (Jedis j = ferrite.jedis()) {
            for (String k : new String[] {"key_x", "key_y", "foo_a", "foo_b", "f[o]o"}) j.set(k, "v");
            assertThat(j.keys("foo*")).containsExactlyInAnyOrder("foo_a", "foo_b");
            assertThat(j.keys("*")).hasSize(5);
            assertThat(j.keys("key_?")).containsExactlyInAnyOrder("key_x", "key_y");
            assertThat(j.keys("f\\[o\\]o")).containsExactly("f[o]o");
            assertThat(j.keys("nothing*")).isEmpty();
        }
    }

    @Test
    void keysSkipsExpiredKeys() throws InterruptedException {
        try (Jedis j = ferrite.jedis()) {
            j.set("live", "v");
            j.psetex("dying", 20, "v");
            Thread.sleep(40);
            assertThat(j.keys("*")).containsExactly("live");
        }
    }

    @Test
    void randomkeyReturnsEveryKeyEventuallyAndNullWhenEmpty() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.randomKey()).isNull();
            j.set("foo", "x");
            j.set("bar", "y");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200 && seen.size() < 2; i++) seen.add(j.randomKey());
            assertThat(seen).containsExactlyInAnyOrder("foo", "bar");
            j.del("foo", "bar");
            assertThat(j.randomKey()).isNull();
        }
    }

    // ---- OBJECT

    @Test
    void objectEncodingOfStrings() {
        try (Jedis j = ferrite.jedis()) {
            j.set("int", "12345");
            j.set("neg", "-9223372036854775808");
            j.set("notcanonical", "012");
            j.set("short", "x".repeat(44));
            j.set("long", "x".repeat(45));
            assertThat(j.objectEncoding("int")).isEqualTo("int");
            assertThat(j.objectEncoding("neg")).isEqualTo("int");
            assertThat(j.objectEncoding("notcanonical")).isEqualTo("embstr");
            assertThat(j.objectEncoding("short")).isEqualTo("embstr");
            assertThat(j.objectEncoding("long")).isEqualTo("raw");
            assertThat(j.objectEncoding("missing")).isNull();
        }
    }

    @Test
    void objectRefcountReportsSharedSmallIntegers() {
        try (Jedis j = ferrite.jedis()) {
            j.set("small", "9999");
            j.set("big", "10000");
            j.set("negative", "-1");
            j.set("text", "abc");
            assertThat(j.objectRefcount("small")).isEqualTo(2147483647L);
            assertThat(j.objectRefcount("big")).isEqualTo(1);
            assertThat(j.objectRefcount("negative")).isEqualTo(1);
            assertThat(j.objectRefcount("text")).isEqualTo(1);
            assertThat(j.objectRefcount("missing")).isNull();
        }
    }

    @Test
    void objectIdletimeIsNotResetByItsOwnLookup() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            j.restore("old", 0, j.dump("k"), redis.clients.jedis.params.RestoreParams.restoreParams().idleTime(500));
            assertThat(j.objectIdletime("k")).isBetween(0L, 1L);
            assertThat(j.objectIdletime("old")).isBetween(500L, 502L);
            assertThat(j.objectIdletime("old")).isBetween(500L, 502L);
            j.get("old");
            assertThat(j.objectIdletime("old")).isBetween(0L, 1L);
            assertThat(j.objectIdletime("missing")).isNull();
        }
    }

    @Test
    void objectFreqNeedsAnLfuPolicy() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertError(() -> j.objectFreq("k"), "ERR An LFU maxmemory policy is not selected, access frequency not "
                    + "tracked. Please note that when switching between policies at runtime LRU and LFU data will "
                    + "take some time to adjust.");
            j.configSet("maxmemory-policy", "allkeys-lfu");
            try {
                assertThat(j.objectFreq("k")).isBetween(0L, 255L);
                assertError(() -> j.objectIdletime("k"), "ERR An LFU maxmemory policy is selected, idle time not "
                        + "tracked. Please note that when switching between policies at runtime LRU and LFU data "
                        + "will take some time to adjust.");
            } finally {
                j.configSet("maxmemory-policy", "noeviction");
            }
        }
    }

    @Test
    void objectHelpAndUnknownSubcommand() {
        try (Jedis j = ferrite.jedis()) {
            var help = j.objectHelp();
            assertThat(help).hasSize(15);
            assertThat(help.get(0)).isEqualTo("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
            assertThat(help).contains("REFCOUNT <key>", "HELP", "    Print this help.");
            assertError(() -> j.sendCommand(Protocol.Command.OBJECT, "nope", "k"),
                    "ERR unknown subcommand 'nope'. Try OBJECT HELP.");
        }
    }

    @Test
    void objectEncodingOfMissingKeyIsResp3Null() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("OBJECT", "ENCODING", "missing");
            assertThat(raw.readReply()).isEqualTo("$-1\r\n");
            raw.command("HELLO", "3");
            raw.readReply();
            raw.command("OBJECT", "ENCODING", "missing");
            assertThat(raw.readReply()).isEqualTo("_\r\n");
            raw.command("TYPE", "missing");
            assertThat(raw.readReply()).isEqualTo("+none\r\n");
            raw.command("RANDOMKEY");
            assertThat(raw.readReply()).isEqualTo("_\r\n");
        }
    }

    @Test
    void keyCommandsThroughLettuce() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            r.set("a", "1");
            assertThat(r.exists("a", "b")).isEqualTo(1);
            assertThat(r.type("a")).isEqualTo("string");
            assertThat(r.renamenx("a", "b")).isTrue();
            assertThat(r.objectEncoding("b")).isEqualTo("int");
            assertThat(r.keys("*")).containsExactly("b");
            assertThat(r.randomkey()).isEqualTo("b");
            assertThat(r.unlink("b")).isEqualTo(1);
        }
    }
}
