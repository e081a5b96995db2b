package io.ferrite.server.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class HashCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    private static Object send(Jedis j, Protocol.Command cmd, String... args) {
        return j.sendCommand(cmd, args);
    }

    private static String str(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object reply) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) reply) out.add(o == null ? null : str(o));
        return out;
    }

    private static String raw(RawConnection c, String... command) throws Exception {
        c.command(command);
        return c.readReply();
    }

    // ---- HSET, HMSET, HSETNX

    @Test
    void hsetCountsOnlyNewFields() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(send(j, Protocol.Command.HSET, "h", "a", "1", "b", "2", "a", "3")).isEqualTo(2L);
            assertThat(j.hset("h", "a", "4")).isZero();
            assertThat(j.hget("h", "a")).isEqualTo("4");
            assertThat(j.hlen("h")).isEqualTo(2);
        }
    }

    @Test
    void hsetAndHmsetWithAFieldWithoutValueAreArityErrors() {
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> send(j, Protocol.Command.HSET, "h", "a", "1", "b"),
                    "ERR wrong number of arguments for 'hset' command");
            assertError(() -> send(j, Protocol.Command.HMSET, "h", "a", "1", "b"),
                    "ERR wrong number of arguments for 'hmset' command");
            assertError(() -> send(j, Protocol.Command.HSET, "h", "a"),
                    "ERR wrong number of arguments for 'hset' command");
            assertThat(j.exists("h")).isFalse();
        }
    }

    @Test
    void hmsetRepliesOk() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.hmset("h", Map.of("a", "1", "b", "2"))).isEqualTo("OK");
            assertThat(j.hgetAll("h")).isEqualTo(Map.of("a", "1", "b", "2"));
        }
    }

    @Test
    void hsetnxSetsOnlyAMissingField() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.hsetnx("h", "a", "1")).isEqualTo(1);
            assertThat(j.hsetnx("h", "a", "2")).isZero();
            assertThat(j.hget("h", "a")).isEqualTo("1");
        }
    }

    // ---- reads

    @Test
    void hgetAndHmgetReplyNullForMissingFieldsAndKeys() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", Map.of("a", "1", "b", "2"));
            assertThat(j.hget("h", "missing")).isNull();
            assertThat(j.hget("nokey", "a")).isNull();
            assertThat(j.hmget("h", "a", "missing", "b")).containsExactly("1", null, "2");
            assertThat(j.hmget("nokey", "a", "b")).containsExactly(null, null);
        }
    }

    @Test
    void hexistsHlenAndHstrlenReplyZeroForMissingKeysAndFields() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", "a", "hello");
            assertThat(j.hexists("h", "a")).isTrue();
            assertThat(j.hexists("h", "b")).isFalse();
            assertThat(j.hexists("nokey", "a")).isFalse();
            assertThat(j.hlen("nokey")).isZero();
            assertThat(j.hstrlen("h", "a")).isEqualTo(5);
            assertThat(j.hstrlen("h", "b")).isZero();
            assertThat(j.hstrlen("nokey", "a")).isZero();
            j.hset("h", "n", "-9223372036854775808");
            assertThat(j.hstrlen("h", "n")).isEqualTo(20);
        }
    }

    @Test
    void smallHashesListInInsertionOrder() {
        try (Jedis j = ferrite.jedis()) {
            send(j, Protocol.Command.HSET, "h", "z", "1", "a", "2", "m", "3");
            j.hdel("h", "a");
            j.hset("h", "b", "4");
            assertThat(strings(send(j, Protocol.Command.HKEYS, "h"))).containsExactly("z", "m", "b");
            assertThat(j.hvals("h")).containsExactly("1", "3", "4");
            assertThat(strings(send(j, Protocol.Command.HGETALL, "h"))).containsExactly("z", "1", "m", "3", "b", "4");
            assertThat(j.hkeys("nokey")).isEmpty();
            assertThat(j.hvals("nokey")).isEmpty();
            assertThat(j.hgetAll("nokey")).isEmpty();
        }
    }

    @Test
    void bigHashesReturnEveryField() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < 1000; i++) expected.put("field:" + i, "value:" + i);
            j.hset("h", expected);
            assertThat(j.hgetAll("h")).isEqualTo(expected);
            assertThat(j.hkeys("h")).isEqualTo(expected.keySet());
            assertThat(new HashSet<>(j.hvals("h"))).isEqualTo(new HashSet<>(expected.values()));
            assertThat(j.hget("h", "field:999")).isEqualTo("value:999");
        }
    }

    @Test
    void hgetallIsAMapInResp3AndAFlatArrayInResp2() throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            raw(c, "HSET", "h", "a", "1", "b", "2");
            assertThat(raw(c, "HGETALL", "h")).isEqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
            raw(c, "HELLO", "3");
            assertThat(raw(c, "HGETALL", "h")).isEqualTo("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
            assertThat(raw(c, "HGETALL", "nokey")).isEqualTo("%0\r\n");
            assertThat(raw(c, "HKEYS", "h")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
            assertThat(raw(c, "HKEYS", "nokey")).isEqualTo("*0\r\n");
            assertThat(raw(c, "HGET", "h", "missing")).isEqualTo("_\r\n");
            assertThat(raw(c, "HMGET", "h", "a", "x")).isEqualTo("*2\r\n$1\r\n1\r\n_\r\n");
        }
    }

    // ---- HDEL

    @Test
    void hdelCountsRemovedFieldsAndDeletesTheEmptiedKey() {
        try (Jedis j = ferrite.jedis()) {
            send(j, Protocol.Command.HSET, "h", "a", "1", "b", "2", "c", "3");
            assertThat(j.hdel("h", "a", "missing", "a")).isEqualTo(1);
            assertThat(j.hdel("h", "b", "c", "d")).isEqualTo(2);
            assertThat(j.exists("h")).isFalse();
            assertThat(j.hdel("nokey", "a")).isZero();
        }
    }

    @Test
    void emptiedBigHashIsDeletedToo() {
        try (Jedis j = ferrite.jedis()) {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                j.hset("h", "f" + i, "v");
                fields.add("f" + i);
            }
            assertThat(j.hdel("h", fields.toArray(String[]::new))).isEqualTo(300);
            assertThat(j.exists("h")).isFalse();
        }
    }

    // ---- HINCRBY, HINCRBYFLOAT

    @Test
    void hincrbyCreatesAndIncrements() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.hincrBy("h", "n", 5)).isEqualTo(5);
            assertThat(j.hincrBy("h", "n", -8)).isEqualTo(-3);
            j.hset("h", "big", "17179869184");
            assertThat(j.hincrBy("h", "big", 17179869184L)).isEqualTo(34359738368L);
        }
    }

    @Test
    void hincrbyErrorsNameTheirCause() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", "s", "abc");
            j.hset("h", "sp", " 11");
            j.hset("h", "max", "9223372036854775807");
            j.hset("h", "min", "-9223372036854775808");
            assertError(() -> j.hincrBy("h", "s", 1), "ERR hash value is not an integer");
            assertError(() -> j.hincrBy("h", "sp", 1), "ERR hash value is not an integer");
            assertError(() -> j.hincrBy("h", "max", 1), "ERR increment or decrement would overflow");
            assertError(() -> j.hincrBy("h", "min", -1), "ERR increment or decrement would overflow");
            assertError(() -> send(j, Protocol.Command.HINCRBY, "h", "n", "1.5"),
                    "ERR value is not an integer or out of range");
            assertThat(j.hget("h", "max")).isEqualTo("9223372036854775807");
            assertThat(j.hexists("h", "n")).isFalse();
        }
    }

    @Test
    void hincrbyfloatAddsInLongDoubleAndPrintsLikeRedis() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "f", "0.1"))).isEqualTo("0.1");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "f", "0.1"))).isEqualTo("0.2");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "f", "0.1"))).isEqualTo("0.3");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "g", "1.23"))).isEqualTo("1.23");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "g", "0.77"))).isEqualTo("2");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "g", "-0.1"))).isEqualTo("1.9");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "e", "3.0e3"))).isEqualTo("3000");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "x", "0x10"))).isEqualTo("16");
            j.hset("h", "i", "17179869184");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "i", "17179869184.5"))).isEqualTo("34359738368.5");
            // past double's range, still finite in long double: Redis prints every digit
            send(j, Protocol.Command.HINCRBYFLOAT, "h", "big", "1e308");
            assertThat(str(send(j, Protocol.Command.HINCRBYFLOAT, "h", "big", "1e308")))
                    .startsWith("19999999999999999999337175931169129132112019969483113441559409598984346973767612374420025")
                    .hasSize(309);
        }
    }

    @Test
    void hincrbyfloatErrorsNameTheirCause() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", "s", "abc");
            j.hset("h", "nul", "1\u00002");
            j.hset("h", "huge", "1.1e4932");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "h", "s", "1"), "ERR hash value is not a float");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "h", "nul", "1"), "ERR hash value is not a float");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "h", "n", "abc"), "ERR value is not a valid float");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "h", "n", "nan"), "ERR value is not a valid float");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "h", "n", "+inf"), "ERR value is NaN or Infinity");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "h", "huge", "1e4932"),
                    "ERR increment would produce NaN or Infinity");
            assertError(() -> send(j, Protocol.Command.HINCRBYFLOAT, "nokey", "f", "-inf"), "ERR value is NaN or Infinity");
            assertThat(j.exists("nokey")).isFalse();
            assertThat(j.hget("h", "huge")).isEqualTo("1.1e4932");
        }
    }

    // ---- HRANDFIELD

    @Test
    void hrandfieldWithoutCountRepliesOneFieldOrNull() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", Map.of("a", "1", "b", "2", "c", "3"));
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) seen.add(j.hrandfield("h"));
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(j.hrandfield("nokey")).isNull();
        }
    }

    @Test
    void hrandfieldCountsFollowRedisRules() {
        try (Jedis j = ferrite.jedis()) {
            for (String key : List.of("small", "big")) {
                int n = key.equals("small") ? 10 : 500;
                Map<String, String> m = new HashMap<>();
                for (int i = 0; i < n; i++) m.put("f" + i, "v" + i);
                j.hset(key, m);
                assertThat(j.hrandfield(key, 0)).isEmpty();
                List<String> repeats = j.hrandfield(key, -3 * n);
                assertThat(repeats).hasSize(3 * n);
                assertThat(m.keySet()).containsAll(repeats);
                for (int count : new int[] {1, 3, n / 2, n - 1, n, n + 5}) {
                    List<String> unique = j.hrandfield(key, count);
                    assertThat(unique).hasSize(Math.min(count, n)).doesNotHaveDuplicates();
                    assertThat(m.keySet()).containsAll(unique);
                }
                List<Map.Entry<String, String>> pairs = j.hrandfieldWithValues(key, 4);
                assertThat(pairs).hasSize(4);
                for (Map.Entry<String, String> p : pairs) assertThat(m.get(p.getKey())).isEqualTo(p.getValue());
                assertThat(j.hrandfieldWithValues(key, -5)).hasSize(5);
            }
            assertThat(j.hrandfield("nokey", 5)).isEmpty();
        }
    }

    @Test
    void hrandfieldEventuallyReturnsEveryFieldOfABigHash() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < 300; i++) m.put("f" + i, "v");
            j.hset("h", m);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200 && seen.size() < 300; i++) seen.addAll(j.hrandfield("h", -50));
            assertThat(seen).isEqualTo(m.keySet());
        }
    }

    @Test
    void hrandfieldWithvaluesNestsPairsInResp3() throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            raw(c, "HSET", "h", "a", "1");
            assertThat(raw(c, "HRANDFIELD", "h", "2", "WITHVALUES")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(raw(c, "HRANDFIELD", "h", "-2", "withvalues"))
                    .isEqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n");
            raw(c, "HELLO", "3");
            assertThat(raw(c, "HRANDFIELD", "h", "2", "WITHVALUES")).isEqualTo("*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(raw(c, "HRANDFIELD", "h", "-2", "WITHVALUES"))
                    .isEqualTo("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
            assertThat(raw(c, "HRANDFIELD", "h", "2")).isEqualTo("*1\r\n$1\r\na\r\n");
            assertThat(raw(c, "HRANDFIELD", "nokey")).isEqualTo("_\r\n");
            assertThat(raw(c, "HRANDFIELD", "nokey", "3")).isEqualTo("*0\r\n");
            assertThat(raw(c, "HRANDFIELD", "h", "0")).isEqualTo("*0\r\n");
        }
    }

    @Test
    void hrandfieldArgumentErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", "a", "1");
            assertError(() -> send(j, Protocol.Command.HRANDFIELD, "h", "abc"), "ERR value is not an integer or out of range");
            assertError(() -> send(j, Protocol.Command.HRANDFIELD, "h", "-9223372036854775808"),
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            assertError(() -> send(j, Protocol.Command.HRANDFIELD, "h", "-9223372036854770000", "withvalues"),
                    "ERR value is out of range");
            assertError(() -> send(j, Protocol.Command.HRANDFIELD, "h", "1", "withvalue"), "ERR syntax error");
            assertError(() -> send(j, Protocol.Command.HRANDFIELD, "h", "1", "withvalues", "x"), "ERR syntax error");
        }
    }

    // ---- HSCAN

    @Test
    void hscanOfASmallHashReturnsEverythingAtOnce() {
        try (Jedis j = ferrite.jedis()) {
            send(j, Protocol.Command.HSET, "h", "a", "1", "b", "2", "cc", "3");
            ScanResult<Map.Entry<String, String>> r = j.hscan("h", "0");
            assertThat(r.getCursor()).isEqualTo("0");
            assertThat(r.getResult()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("cc", "3"));
            r = j.hscan("h", "0", new ScanParams().match("c*").count(1));
            assertThat(r.getResult()).containsExactly(Map.entry("cc", "3"));
            assertThat(strings(((List<?>) send(j, Protocol.Command.HSCAN, "h", "0", "NOVALUES")).get(1)))
                    .containsExactly("a", "b", "cc");
        }
    }

    @Test
    void hscanOfABigHashVisitsEveryFieldWhileFieldsAreAdded() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> initial = new HashMap<>();
            for (int i = 0; i < 2000; i++) initial.put("f" + i, "v" + i);
            j.hset("h", initial);
            Map<String, String> seen = new HashMap<>();
            String cursor = "0";
            int added = 0, calls = 0;
            do {
                ScanResult<Map.Entry<String, String>> r = j.hscan("h", cursor, new ScanParams().count(50));
                for (Map.Entry<String, String> e : r.getResult()) seen.put(e.getKey(), e.getValue());
                cursor = r.getCursor();
                for (int k = 0; k < 40; k++) j.hset("h", "new" + added++, "x"); // grows the table mid-scan
                calls++;
            } while (!cursor.equals("0"));
            assertThat(calls).isGreaterThan(5);
            for (Map.Entry<String, String> e : initial.entrySet()) assertThat(seen).containsEntry(e.getKey(), e.getValue());
        }
    }

    @Test
    void hscanMatchAndNovaluesOnABigHash() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < 500; i++) m.put((i % 5 == 0 ? "five:" : "other:") + i, "v");
            j.hset("h", m);
            Set<String> matched = new HashSet<>();
            Set<String> names = new HashSet<>();
            String cursor = "0";
            do {
                List<?> r = (List<?>) send(j, Protocol.Command.HSCAN, "h", cursor, "MATCH", "five:*", "COUNT", "20");
                cursor = str(r.get(0));
                List<String> items = strings(r.get(1));
                for (int i = 0; i < items.size(); i += 2) {
                    matched.add(items.get(i));
                    assertThat(items.get(i + 1)).isEqualTo("v");
                }
            } while (!cursor.equals("0"));
            do {
                List<?> r = (List<?>) send(j, Protocol.Command.HSCAN, "h", cursor, "NOVALUES");
                cursor = str(r.get(0));
                names.addAll(strings(r.get(1)));
            } while (!cursor.equals("0"));
            assertThat(matched).hasSize(100).allMatch(s -> s.startsWith("five:"));
            assertThat(names).isEqualTo(m.keySet());
        }
    }

    @Test
    void hscanErrorsAndMissingKeys() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", "a", "1");
            assertError(() -> send(j, Protocol.Command.HSCAN, "h", "abc"), "ERR invalid cursor");
            assertError(() -> send(j, Protocol.Command.HSCAN, "h", "0", "COUNT", "0"), "ERR syntax error");
            assertError(() -> send(j, Protocol.Command.HSCAN, "h", "0", "COUNT", "x"), "ERR value is not an integer or out of range");
            assertError(() -> send(j, Protocol.Command.HSCAN, "h", "0", "BOGUS"), "ERR syntax error");
            // a missing key answers before its options are read, as in Redis
            List<?> r = (List<?>) send(j, Protocol.Command.HSCAN, "nokey", "0", "BOGUS");
            assertThat(str(r.get(0))).isEqualTo("0");
            assertThat((List<?>) r.get(1)).isEmpty();
        }
    }

    // ---- types

    @Test
    void everyHashCommandRepliesWrongTypeOnAString() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "x");
            String wrong = "WRONGTYPE Operation against a key holding the wrong kind of value";
            String[][] calls = {
                {"HSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"}, {"HMSET", "s", "a", "1"}, {"HGET", "s", "a"},
                {"HMGET", "s", "a"}, {"HDEL", "s", "a"}, {"HEXISTS", "s", "a"}, {"HLEN", "s"}, {"HSTRLEN", "s", "a"},
                {"HKEYS", "s"}, {"HVALS", "s"}, {"HGETALL", "s"}, {"HINCRBY", "s", "a", "1"},
                {"HINCRBYFLOAT", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "2"}, {"HSCAN", "s", "0"},
            };
            for (String[] call : calls) {
                Protocol.Command cmd = Protocol.Command.valueOf(call[0]);
                String[] args = java.util.Arrays.copyOfRange(call, 1, call.length);
                assertError(() -> j.sendCommand(cmd, args), wrong);
            }
            assertThat(j.get("s")).isEqualTo("x");
            j.hset("h", "a", "1");
            assertThat(j.type("h")).isEqualTo("hash");
            assertError(() -> j.get("h"), wrong);
        }
    }

    @Test
    void copyMakesAnIndependentHash() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("h", "a", "1");
            Map<String, String> big = new HashMap<>();
            for (int i = 0; i < 600; i++) big.put("f" + i, "v" + i);
            j.hset("big", big);
            assertThat(j.copy("h", "h2", false)).isTrue();
            assertThat(j.copy("big", "big2", false)).isTrue();
            j.hset("h", "a", "changed");
            j.hset("big", "f1", "changed");
            assertThat(j.hget("h2", "a")).isEqualTo("1");
            assertThat(j.hget("big2", "f1")).isEqualTo("v1");
            assertThat(j.objectEncoding("big2")).isEqualTo("hashtable");
        }
    }

    // ---- DUMP / RESTORE

    @Test
    void dumpAndRestoreRoundTripBothEncodings() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("small", Map.of("a", "1", "b", "hello", "n", "-70000"));
            Map<String, String> big = new HashMap<>();
            for (int i = 0; i < 600; i++) big.put("field" + i, "value" + i);
            j.hset("big", big);
            for (String key : List.of("small", "big")) {
                byte[] payload = j.dump(key);
                assertThat(payload[0]).isEqualTo((byte) 4); // RDB_TYPE_HASH
                j.restore(key + "2", 0, payload);
                assertThat(j.hgetAll(key + "2")).isEqualTo(j.hgetAll(key));
                assertThat(j.objectEncoding(key + "2")).isEqualTo(j.objectEncoding(key));
            }
        }
    }

    @Test
    void restoreReadsRedisListpackPayloads() {
        // DUMP of HSET h a 1 b hello n -70000 big 9223372036854775807 from redis-server 7.0
        byte[] payload = HexFormat.of().parseHex("102d2d000000080081610201018162028568656c6c6f06816e02f290eefe04"
                + "8362696704f4ffffffffffffff7f09ff0a00220da55b0b4fe431");
        try (Jedis j = ferrite.jedis()) {
            j.restore("h", 0, payload);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("a", "1");
            expected.put("b", "hello");
            expected.put("n", "-70000");
            expected.put("big", "9223372036854775807");
            assertThat(j.hgetAll("h")).isEqualTo(expected);
            assertThat(j.objectEncoding("h")).isEqualTo("listpack");
            payload[10] ^= 1;
            byte[] corrupt = payload;
            assertError(() -> j.restore("h2", 0, corrupt), "ERR DUMP payload version or checksum are wrong");
        }
    }

    // ---- Lettuce (RESP3)

    @Test
    void lettuceSeesMapsAndPairs() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            assertThat(r.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(r.hgetall("h")).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(r.hincrbyfloat("h", "a", 0.5)).isEqualTo(1.5);
            List<KeyValue<String, String>> pairs = r.hrandfieldWithvalues("h", 2);
            assertThat(pairs).hasSize(2);
            assertThat(r.hmget("h", "a", "x")).containsExactly(KeyValue.just("a", "1.5"), KeyValue.empty("x"));
            assertThat(r.hscan("h").getMap()).isEqualTo(Map.of("a", "1.5", "b", "2"));
        }
    }
}
