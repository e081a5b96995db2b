package io.ferrite.server.set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class SetCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    private static Object send(Jedis j, Protocol.Command cmd, String... args) {
        return j.sendCommand(cmd, args);
    }

    private static String raw(RawConnection c, String... command) throws Exception {
        c.command(command);
        return c.readReply();
    }

    /** SMEMBERS in reply order (Jedis's smembers returns an unordered set). */
    private static List<String> ordered(Jedis j, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) send(j, Protocol.Command.SMEMBERS, key)) out.add(new String((byte[]) o, java.nio.charset.StandardCharsets.UTF_8));
        return out;
    }

    private static String[] range(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = prefix + i;
        return out;
    }

    // ---- SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS

    @Test
    void saddCountsNewMembersOnly() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.sadd("s", "a", "b", "c")).isEqualTo(3);
            assertThat(j.sadd("s", "A", "a", "b", "c", "B")).isEqualTo(2);
            assertThat(j.smembers("s")).containsExactlyInAnyOrder("a", "b", "c", "A", "B");
            assertThat(j.scard("s")).isEqualTo(5);
            assertThat(j.scard("nokey")).isZero();
        }
    }

    @Test
    void membershipChecksOnEveryEncoding() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("ints", "1", "2", "-3");
            j.sadd("strs", "a", "1");
            j.sadd("big", range("m", 300));
            j.sadd("big", "1");
            for (String key : List.of("ints", "strs", "big")) {
                assertThat(j.sismember(key, "1")).as(key).isTrue();
                assertThat(j.sismember(key, "01")).as(key).isFalse();
                assertThat(j.sismember(key, "zz")).as(key).isFalse();
                assertThat(j.smismember(key, "1", "zz", "1")).containsExactly(true, false, true);
            }
            assertThat(j.sismember("nokey", "a")).isFalse();
            assertThat(j.smismember("nokey", "a", "b")).containsExactly(false, false);
            assertError(() -> send(j, Protocol.Command.SMISMEMBER, "ints"),
                    "ERR wrong number of arguments for 'smismember' command");
        }
    }

    @Test
    void intsetMembersComeBackSortedAndCanonical() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "5", "3", "-7", "9223372036854775807", "-9223372036854775808", "0");
            assertThat(ordered(j, "s")).containsExactly("-9223372036854775808", "-7", "0", "3", "5", "9223372036854775807");
        }
    }

    @Test
    void sremDeletesTheEmptiedSet() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a", "b", "1");
            assertThat(j.srem("s", "a", "zz", "a")).isEqualTo(1);
            assertThat(j.srem("s", "b", "1", "c")).isEqualTo(2);
            assertThat(j.exists("s")).isFalse();
            assertThat(j.srem("nokey", "a")).isZero();
            j.sadd("big", range("m", 200));
            assertThat(j.srem("big", range("m", 200))).isEqualTo(200);
            assertThat(j.exists("big")).isFalse();
        }
    }

    @Test
    void smembersIsASetInResp3() throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            raw(c, "SADD", "s", "1", "2");
            assertThat(raw(c, "SMEMBERS", "s")).isEqualTo("*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
            assertThat(raw(c, "SMEMBERS", "nokey")).isEqualTo("*0\r\n");
            raw(c, "HELLO", "3");
            assertThat(raw(c, "SMEMBERS", "s")).isEqualTo("~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
            assertThat(raw(c, "SMEMBERS", "nokey")).isEqualTo("~0\r\n");
            assertThat(raw(c, "SINTER", "s", "nokey")).isEqualTo("~0\r\n");
            assertThat(raw(c, "SUNION", "s")).isEqualTo("~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
            assertThat(raw(c, "SDIFF", "s", "nokey")).isEqualTo("~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
            assertThat(raw(c, "SPOP", "nokey", "3")).isEqualTo("~0\r\n");
            assertThat(raw(c, "SPOP", "s", "0")).isEqualTo("~0\r\n");
            assertThat(raw(c, "SRANDMEMBER", "s", "0")).isEqualTo("*0\r\n");
            assertThat(raw(c, "SRANDMEMBER", "nokey", "5")).isEqualTo("*0\r\n");
            assertThat(raw(c, "SRANDMEMBER", "nokey")).isEqualTo("_\r\n");
            assertThat(raw(c, "SPOP", "nokey")).isEqualTo("_\r\n");
            assertThat(raw(c, "SMISMEMBER", "s", "1", "x")).isEqualTo("*2\r\n:1\r\n:0\r\n");
            assertThat(raw(c, "SPOP", "s", "2")).matches("~2\r\n\\$1\r\n[12]\r\n\\$1\r\n[12]\r\n");
        }
    }

    // ---- SRANDMEMBER

    @Test
    void srandmemberCountsFollowRedisRules() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("ints", range("", 50));
            j.sadd("strs", range("s", 50));
            j.sadd("big", range("m", 1000));
            for (String key : List.of("ints", "strs", "big")) {
                Set<String> all = j.smembers(key);
                int n = all.size();
                assertThat(j.srandmember(key)).isIn(all);
                List<String> repeats = j.srandmember(key, -2 * n);
                assertThat(repeats).hasSize(2 * n);
                assertThat(all).containsAll(repeats);
                for (int count : new int[] {1, 2, n / 10, n / 2, n - 1, n, n + 1}) {
                    List<String> unique = j.srandmember(key, count);
                    assertThat(unique).as(key + " " + count).hasSize(Math.min(count, n)).doesNotHaveDuplicates();
                    assertThat(all).containsAll(unique);
                }
                assertThat(j.srandmember(key, 0)).isEmpty();
            }
            assertThat(j.srandmember("nokey")).isNull();
            assertThat(j.srandmember("nokey", 3)).isEmpty();
        }
    }

    @Test
    void srandmemberWithNegativeCountReachesEveryMember() {
        try (Jedis j = ferrite.jedis()) {
            for (String key : List.of("ints", "strs", "big")) {
                String[] members = key.equals("ints") ? range("", 40) : key.equals("strs") ? range("s", 40) : range("m", 400);
                j.sadd(key, members);
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 500 && seen.size() < members.length; i++) seen.addAll(j.srandmember(key, -20));
                assertThat(seen).as(key).containsExactlyInAnyOrder(members);
            }
        }
    }

    @Test
    void srandmemberArgumentErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a");
            assertError(() -> send(j, Protocol.Command.SRANDMEMBER, "s", "-9223372036854775808"),
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            assertError(() -> send(j, Protocol.Command.SRANDMEMBER, "s", "x"), "ERR value is not an integer or out of range");
            assertError(() -> send(j, Protocol.Command.SRANDMEMBER, "s", "1", "2"), "ERR syntax error");
        }
    }

    // ---- SPOP

    @Test
    void spopRemovesWhatItReturnsUntilTheSetIsGone() {
        try (Jedis j = ferrite.jedis()) {
            for (String[] contents : new String[][] {range("", 30), range("s", 30), range("m", 300)}) {
                j.del("s");
                j.sadd("s", contents);
                Set<String> popped = new HashSet<>();
                popped.add(j.spop("s"));
                popped.addAll(j.spop("s", 1));
                popped.addAll(j.spop("s", 3));                     // few: one by one
                popped.addAll(j.spop("s", contents.length - 8));   // most: rebuild the survivors
                assertThat(j.scard("s")).isEqualTo(3);
                popped.addAll(j.spop("s", 10));                    // all: the key goes
                assertThat(popped).containsExactlyInAnyOrder(contents);
                assertThat(j.exists("s")).isFalse();
                assertThat(j.spop("s")).isNull();
            }
        }
    }

    @Test
    void spopOfTheLastMemberDeletesTheKey() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("one", "a");
            j.sadd("int", "7");
            assertThat(j.spop("one")).isEqualTo("a");
            assertThat(j.spop("int")).isEqualTo("7");
            assertThat(j.exists("one", "int")).isZero();
        }
    }

    @Test
    void spopCountErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a");
            assertError(() -> send(j, Protocol.Command.SPOP, "s", "-1"), "ERR value is out of range, must be positive");
            assertError(() -> send(j, Protocol.Command.SPOP, "s", "x"), "ERR value is out of range, must be positive");
            assertError(() -> send(j, Protocol.Command.SPOP, "s", "1", "2"), "ERR syntax error");
            assertThat(j.smembers("s")).containsExactly("a");
        }
    }

    // ---- SMOVE

    @Test
    void smoveMovesAndCreatesTheDestination() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("src", "1", "a", "b");
            j.sadd("dst", "2", "3");
            assertThat(j.smove("src", "dst", "a")).isEqualTo(1);
            assertThat(j.smembers("src")).containsExactlyInAnyOrder("1", "b");
            assertThat(j.smembers("dst")).containsExactlyInAnyOrder("2", "3", "a");
            assertThat(j.smove("src", "dst", "zz")).isZero();
            assertThat(j.smove("nokey", "dst", "2")).isZero();
            assertThat(j.smove("src", "new", "1")).isEqualTo(1);
            assertThat(j.smembers("new")).containsExactly("1");
            assertThat(j.smove("src", "dst", "b")).isEqualTo(1);
            assertThat(j.exists("src")).isFalse();
            j.sadd("src2", "a");
            assertThat(j.smove("src2", "dst", "a")).isEqualTo(1); // already in dst: still 1
            assertThat(j.exists("src2")).isFalse();
            assertThat(j.smembers("dst")).containsExactlyInAnyOrder("2", "3", "a", "b");
        }
    }

    @Test
    void smoveToTheSameKeyOnlyChecksMembership() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a", "b", "c");
            assertThat(j.smove("s", "s", "b")).isEqualTo(1);
            assertThat(j.smove("s", "s", "zz")).isZero();
            assertThat(j.smembers("s")).containsExactlyInAnyOrder("a", "b", "c");
        }
    }

    @Test
    void smoveTypeChecks() {
        try (Jedis j = ferrite.jedis()) {
            j.set("str", "x");
            j.sadd("s", "a");
            assertError(() -> j.smove("str", "s", "a"), WRONGTYPE);
            assertError(() -> j.smove("s", "str", "a"), WRONGTYPE);
            assertThat(j.smove("nokey", "str", "a")).isZero(); // a missing source wins, as in Redis
            assertThat(j.smembers("s")).containsExactly("a");
        }
    }

    // ---- SINTER, SUNION, SDIFF and their STORE forms

    @Test
    void setAlgebraTreatsMissingKeysAsEmptySets() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("a", "1", "2", "3", "4", "x");
            j.sadd("b", "3", "4", "5", "y", "x");
            j.sadd("c", "4", "x", "z");
            assertThat(j.sinter("a", "b")).containsExactlyInAnyOrder("3", "4", "x");
            assertThat(j.sinter("a", "b", "c")).containsExactlyInAnyOrder("4", "x");
            assertThat(j.sinter("a", "nokey")).isEmpty();
            assertThat(j.sinter("a", "a", "a")).isEqualTo(j.smembers("a"));
            assertThat(j.sunion("a", "b", "c", "nokey")).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "x", "y", "z");
            assertThat(j.sunion("nokey1", "nokey2")).isEmpty();
            assertThat(j.sdiff("a", "b")).containsExactlyInAnyOrder("1", "2");
            assertThat(j.sdiff("a", "b", "c")).containsExactlyInAnyOrder("1", "2");
            assertThat(j.sdiff("a", "nokey")).isEqualTo(j.smembers("a"));
            assertThat(j.sdiff("nokey", "a")).isEmpty();
            assertThat(j.sdiff("a", "a")).isEmpty();
            assertThat(j.sdiff("a", "c", "a")).isEmpty();
        }
    }

    @Test
    void setAlgebraOnBigSetsMatchesJavaSets() {
        try (Jedis j = ferrite.jedis()) {
            Set<String> a = new HashSet<>(), b = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                a.add("m" + i);
                if (i % 3 == 0) b.add("m" + i);
                b.add("n" + i);
            }
            j.sadd("a", a.toArray(String[]::new));
            j.sadd("b", b.toArray(String[]::new));
            Set<String> inter = new HashSet<>(a);
            inter.retainAll(b);
            Set<String> union = new HashSet<>(a);
            union.addAll(b);
            Set<String> diff = new HashSet<>(a);
            diff.removeAll(b);
            assertThat(j.sinter("a", "b")).isEqualTo(inter);
            assertThat(j.sunion("a", "b")).isEqualTo(union);
            assertThat(j.sdiff("a", "b")).isEqualTo(diff);
            assertThat(j.sdiff("b", "a")).hasSize(1000);
            assertThat(j.sintercard("a", "b")).isEqualTo(inter.size());
            assertThat(j.sinterstore("d", "a", "b")).isEqualTo(inter.size());
            assertThat(j.smembers("d")).isEqualTo(inter);
            assertThat(j.sunionstore("d", "a", "b")).isEqualTo(union.size());
            assertThat(j.sdiffstore("d", "a", "b")).isEqualTo(diff.size());
            assertThat(j.smembers("d")).isEqualTo(diff);
        }
    }

    @Test
    void storeWithAnEmptyResultDeletesTheDestination() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("a", "1", "2");
            j.sadd("b", "3");
            for (String[] call : new String[][] {{"SINTERSTORE", "a", "b"}, {"SINTERSTORE", "a", "nokey"},
                    {"SUNIONSTORE", "nokey"}, {"SDIFFSTORE", "a", "a"}, {"SDIFFSTORE", "nokey", "a"}}) {
                j.sadd("dst", "old");
                String[] args = new String[call.length];
                args[0] = "dst";
                System.arraycopy(call, 1, args, 1, call.length - 1);
                assertThat(send(j, Protocol.Command.valueOf(call[0]), args)).as(Arrays.toString(call)).isEqualTo(0L);
                assertThat(j.exists("dst")).as(Arrays.toString(call)).isFalse();
            }
        }
    }

    @Test
    void storeReplacesADestinationOfAnyTypeAndDropsItsTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("a", "1", "2");
            j.sadd("b", "2", "3");
            j.set("dst", "string");
            j.expire("dst", 100);
            assertThat(j.sunionstore("dst", "a", "b")).isEqualTo(3);
            assertThat(j.smembers("dst")).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(j.ttl("dst")).isEqualTo(-1);
            assertThat(j.sinterstore("a", "a", "b")).isEqualTo(1); // the destination may be a source
            assertThat(j.smembers("a")).containsExactly("2");
        }
    }

    @Test
    void anyNonSetSourceIsWrongTypeEvenAfterAMissingKey() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a");
            j.set("str", "x");
            for (Protocol.Command cmd : new Protocol.Command[] {Protocol.Command.SINTER, Protocol.Command.SUNION,
                    Protocol.Command.SDIFF}) {
                assertError(() -> send(j, cmd, "s", "str"), WRONGTYPE);
                assertError(() -> send(j, cmd, "nokey", "str"), WRONGTYPE);
                assertError(() -> send(j, cmd, "str", "s"), WRONGTYPE);
            }
            for (Protocol.Command cmd : new Protocol.Command[] {Protocol.Command.SINTERSTORE,
                    Protocol.Command.SUNIONSTORE, Protocol.Command.SDIFFSTORE}) {
                j.sadd("dst", "keep");
                assertError(() -> send(j, cmd, "dst", "nokey", "str"), WRONGTYPE);
                assertThat(j.smembers("dst")).containsExactly("keep");
            }
            assertError(() -> j.sintercard("nokey", "str"), WRONGTYPE);
            assertError(() -> j.sintercard("str"), WRONGTYPE);
        }
    }

    @Test
    void sintercardCountsWithAnOptionalLimit() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("a", range("", 200));
            j.sadd("b", range("", 100));
            assertThat(send(j, Protocol.Command.SINTERCARD, "2", "a", "b")).isEqualTo(100L);
            assertThat(send(j, Protocol.Command.SINTERCARD, "2", "a", "b", "LIMIT", "0")).isEqualTo(100L);
            assertThat(send(j, Protocol.Command.SINTERCARD, "2", "a", "b", "limit", "7")).isEqualTo(7L);
            assertThat(send(j, Protocol.Command.SINTERCARD, "2", "a", "b", "LIMIT", "1000")).isEqualTo(100L);
            assertThat(send(j, Protocol.Command.SINTERCARD, "1", "nokey")).isEqualTo(0L);
            assertThat(send(j, Protocol.Command.SINTERCARD, "2", "a", "nokey", "LIMIT", "5")).isEqualTo(0L);
        }
    }

    @Test
    void sintercardArgumentErrors() {
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "1"), "ERR wrong number of arguments for 'sintercard' command");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "0", "s"), "ERR numkeys should be greater than 0");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "a", "s"), "ERR numkeys should be greater than 0");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "2", "s"), "ERR Number of keys can't be greater than number of args");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "1", "s", "t"), "ERR syntax error");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "1", "s", "LIMIT"), "ERR syntax error");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "1", "s", "LIMIT", "-1"), "ERR LIMIT can't be negative");
            assertError(() -> send(j, Protocol.Command.SINTERCARD, "1", "s", "LIMIT", "a"), "ERR LIMIT can't be negative");
        }
    }

    // ---- SSCAN

    @Test
    void sscanOfASmallSetReturnsEverythingAtOnce() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("ints", "3", "1", "2");
            j.sadd("strs", "b", "a", "ab");
            ScanResult<String> r = j.sscan("ints", "0");
            assertThat(r.getCursor()).isEqualTo("0");
            assertThat(r.getResult()).containsExactly("1", "2", "3");
            r = j.sscan("strs", "0", new ScanParams().match("a*"));
            assertThat(r.getResult()).containsExactly("a", "ab");
            assertThat(j.sscan("nokey", "0").getResult()).isEmpty();
        }
    }

    @Test
    void sscanOfABigSetVisitsEveryMemberWhileMembersAreAddedAndRemoved() {
        try (Jedis j = ferrite.jedis()) {
            String[] initial = range("m", 3000);
            j.sadd("s", initial);
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int added = 0;
            do {
                ScanResult<String> r = j.sscan("s", cursor, new ScanParams().count(100));
                seen.addAll(r.getResult());
                cursor = r.getCursor();
                for (int k = 0; k < 100; k++) j.sadd("s", "new" + added++); // grows the table mid-scan
                j.srem("s", "new" + (added - 1));
            } while (!cursor.equals("0"));
            assertThat(seen).contains(initial);
            assertThat(seen).allMatch(m -> m.startsWith("m") || m.startsWith("new"));
        }
    }

    @Test
    void sscanErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a");
            assertError(() -> send(j, Protocol.Command.SSCAN, "s", "x"), "ERR invalid cursor");
            assertError(() -> send(j, Protocol.Command.SSCAN, "s", "0", "COUNT", "0"), "ERR syntax error");
            assertError(() -> send(j, Protocol.Command.SSCAN, "s", "0", "NOVALUES"), "ERR syntax error");
            j.set("str", "x");
            assertError(() -> send(j, Protocol.Command.SSCAN, "str", "0"), WRONGTYPE);
        }
    }

    // ---- types, COPY

    @Test
    void everySetCommandRepliesWrongTypeOnAString() {
        try (Jedis j = ferrite.jedis()) {
            j.set("str", "x");
            String[][] calls = {
                {"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"}, {"SISMEMBER", "str", "a"},
                {"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "2"},
                {"SPOP", "str"}, {"SPOP", "str", "2"}, {"SINTER", "str"}, {"SUNION", "str"}, {"SDIFF", "str"},
                {"SSCAN", "str", "0"},
            };
            for (String[] call : calls) {
                Protocol.Command cmd = Protocol.Command.valueOf(call[0]);
                assertError(() -> send(j, cmd, Arrays.copyOfRange(call, 1, call.length)), WRONGTYPE);
            }
            assertThat(j.get("str")).isEqualTo("x");
            j.sadd("s", "a");
            assertThat(j.type("s")).isEqualTo("set");
        }
    }

    @Test
    void copyMakesAnIndependentSetOfTheSameEncoding() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("ints", "1", "2");
            j.sadd("strs", "a", "b");
            j.sadd("big", range("m", 200));
            for (String key : List.of("ints", "strs", "big")) {
                assertThat(j.copy(key, key + "2", false)).isTrue();
                j.sadd(key, "extra");
                assertThat(j.sismember(key + "2", "extra")).isFalse();
                assertThat(j.scard(key + "2")).isEqualTo(j.scard(key) - 1);
            }
            assertThat(j.objectEncoding("ints2")).isEqualTo("intset");
            assertThat(j.objectEncoding("strs2")).isEqualTo("listpack");
            assertThat(j.objectEncoding("big2")).isEqualTo("hashtable");
        }
    }

    // ---- DUMP / RESTORE

    @Test
    void dumpAndRestoreRoundTripEveryEncoding() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("ints", "1", "-2", "5000000000");
            j.sadd("strs", "a", "b", "7");
            j.sadd("big", range("m", 300));
            j.sadd("bigints", range("", 1000));
            for (String key : List.of("ints", "strs", "big", "bigints")) {
                byte[] payload = j.dump(key);
                assertThat(payload[0]).isEqualTo((byte) 2); // RDB_TYPE_SET
                j.restore(key + "2", 0, payload);
                assertThat(j.smembers(key + "2")).isEqualTo(j.smembers(key));
                assertThat(j.objectEncoding(key + "2")).as(key).isEqualTo(j.objectEncoding(key));
            }
        }
    }

    @Test
    void restoreReadsRedisIntsetAndListpackPayloads() {
        HexFormat hex = HexFormat.of();
        // DUMP of SADD si 1 -2 300 70000 5000000000 from redis-server 7.0 (an LZF-compressed intset)
        byte[] intset = hex.parseHex("0bc32430040800000005200301feff80000001200b4000002ca008017011a00802f2052a2009000"
                + "00a00041b90dc9f27a6ee");
        // RDB_TYPE_SET_LISTPACK (Redis 7.2) with "a", "b", 7 and -300, built by hand per listpack.c
        byte[] listpack = hex.parseHex("14121200000004008161028162020701ded402ff0b006199813553356db8");
        try (Jedis j = ferrite.jedis()) {
            j.restore("si", 0, intset);
            assertThat(ordered(j, "si")).containsExactly("-2", "1", "300", "70000", "5000000000");
            assertThat(j.objectEncoding("si")).isEqualTo("intset");
            j.restore("sl", 0, listpack);
            assertThat(ordered(j, "sl")).containsExactly("a", "b", "7", "-300");
            assertThat(j.objectEncoding("sl")).isEqualTo("listpack");
        }
    }

    // ---- Lettuce (RESP3)

    @Test
    void lettuceSeesSets() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            assertThat(r.sadd("s", "a", "b", "c")).isEqualTo(3);
            assertThat(r.smembers("s")).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(r.spop("s", 3)).containsExactlyInAnyOrder("a", "b", "c");
            r.sadd("x", "1", "2");
            r.sadd("y", "2", "3");
            assertThat(r.sunion("x", "y")).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(r.sinter("x", "y")).containsExactly("2");
            assertThat(r.smismember("x", "1", "3")).containsExactly(true, false);
            List<String> rnd = new ArrayList<>(r.srandmember("x", -5));
            assertThat(rnd).hasSize(5);
        }
    }
}
