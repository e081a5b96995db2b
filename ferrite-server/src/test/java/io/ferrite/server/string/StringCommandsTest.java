package io.ferrite.server.string;

import static io.ferrite.server.string.StringTestSupport.WRONGTYPE;
import static io.ferrite.server.string.StringTestSupport.bytes;
import static io.ferrite.server.string.StringTestSupport.cmd;
import static io.ferrite.server.string.StringTestSupport.expireAt;
import static io.ferrite.server.string.StringTestSupport.pttl;
import static io.ferrite.server.string.StringTestSupport.putNonString;
import static io.ferrite.server.string.StringTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.LcsArgs;
import io.lettuce.core.StringMatchResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.LCSMatchResult;

class StringCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void assertError(Jedis j, String expected, String... command) {
        assertThatThrownBy(() -> cmd(j, command)).isInstanceOf(JedisDataException.class).hasMessage(expected);
    }

    // ------------------------------------------------------------------ SET / GET

    @Test
    void setThenGetReturnsTheValue() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.set("k", "v")).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("v");
            assertThat(j.get("missing")).isNull();
        }
    }

    @Test
    void setNxAndXxRespectExistence() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.set("k", "1", SetParams.setParams().xx())).isNull();
            assertThat(j.set("k", "1", SetParams.setParams().nx())).isEqualTo("OK");
            assertThat(j.set("k", "2", SetParams.setParams().nx())).isNull();
            assertThat(j.get("k")).isEqualTo("1");
        }
    }

    @Test
    void setAndGetAnEmptyAndABinaryValue() {
        try (Jedis j = ferrite.jedis()) {
            j.set("e", "");
            assertThat(j.get("e")).isEmpty();
            byte[] bin = {0, (byte) 0xff, '\r', '\n', 7};
            j.set(bytes("b"), bin);
            assertThat(j.get(bytes("b"))).isEqualTo(bin);
        }
    }

    @Test
    void getOnAnotherTypeIsWrongType() {
        putNonString(ferrite, "l");
        try (Jedis j = ferrite.jedis()) {
            assertError(j, WRONGTYPE, "GET", "l");
        }
    }

    @Test
    void setExpireOptionsSetTheTtl() {
        try (Jedis j = ferrite.jedis()) {
            long now = System.currentTimeMillis();
            j.set("ex", "v", SetParams.setParams().ex(100));
            assertThat(pttl(ferrite, "ex")).isBetween(95_000L, 100_000L);
            j.set("px", "v", SetParams.setParams().px(100_000));
            assertThat(pttl(ferrite, "px")).isBetween(95_000L, 100_000L);
            j.set("exat", "v", SetParams.setParams().exAt(now / 1000 + 100));
            assertThat(expireAt(ferrite, "exat")).isEqualTo((now / 1000 + 100) * 1000);
            j.set("pxat", "v", SetParams.setParams().pxAt(now + 100_000));
            assertThat(expireAt(ferrite, "pxat")).isEqualTo(now + 100_000);
        }
    }

    @Test
    void setWithoutKeepTtlClearsTheTtlAndKeepTtlKeepsIt() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v", SetParams.setParams().ex(100));
            long at = expireAt(ferrite, "k");
            j.set("k", "v2", SetParams.setParams().keepTtl());
            assertThat(expireAt(ferrite, "k")).isEqualTo(at);
            assertThat(j.get("k")).isEqualTo("v2");
            j.set("k", "v3");
            assertThat(expireAt(ferrite, "k")).isEqualTo(-1);
        }
    }

    @Test
    void setRepeatedExpireOptionLastWinsButUnitsDoNotMix() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(text(cmd(j, "SET", "k", "v", "EX", "10", "EX", "200"))).isEqualTo("OK");
            assertThat(pttl(ferrite, "k")).isBetween(195_000L, 200_000L);
            assertError(j, "ERR syntax error", "SET", "k", "v", "EX", "10", "PX", "200");
            assertError(j, "ERR syntax error", "SET", "k", "v", "KEEPTTL", "EX", "10");
            assertError(j, "ERR syntax error", "SET", "k", "v", "EXAT", "10", "KEEPTTL");
            assertError(j, "ERR syntax error", "SET", "k", "v", "NX", "XX");
            assertError(j, "ERR syntax error", "SET", "k", "v", "EX");
            assertError(j, "ERR syntax error", "SET", "k", "v", "PERSIST");
            assertError(j, "ERR syntax error", "SET", "k", "v", "foo");
            // Syntax is checked before the expire value.
            assertError(j, "ERR syntax error", "SET", "k", "v", "EX", "abc", "foo");
        }
    }

    @Test
    void setInvalidExpireTimes() {
        try (Jedis j = ferrite.jedis()) {
            assertError(j, "ERR value is not an integer or out of range", "SET", "k", "v", "EX", "abc");
            assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "0");
            assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "PX", "-1");
            assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "9223372036854775807");
            assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "PX", "9223372036854775807");
            assertThat(j.get("k")).isNull();
        }
    }

    @Test
    void setWithAnAbsoluteTimeInThePastLeavesNoKey() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "old");
            assertThat(text(cmd(j, "SET", "k", "v", "PXAT", "1", "GET"))).isEqualTo("old");
            assertThat(j.get("k")).isNull();
        }
    }

    @Test
    void setGetOption() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.setGet("k", "a")).isNull();
            assertThat(j.setGet("k", "b")).isEqualTo("a");
            assertThat(j.setGet("k", "c", SetParams.setParams().nx())).isEqualTo("b");
            assertThat(j.get("k")).isEqualTo("b");
            assertThat(j.setGet("k", "d", SetParams.setParams().xx())).isEqualTo("b");
            assertThat(j.setGet("n", "d", SetParams.setParams().xx())).isNull();
            assertThat(j.get("n")).isNull();
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "SET", "l", "v", "GET");
            assertThat(text(cmd(j, "SET", "l", "v"))).isEqualTo("OK");
            assertThat(j.get("l")).isEqualTo("v");
        }
    }

    @Test
    void setnxSetexPsetex() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.setnx("k", "a")).isEqualTo(1);
            assertThat(j.setnx("k", "b")).isEqualTo(0);
            assertThat(j.get("k")).isEqualTo("a");
            assertThat(j.setex("k", 100, "c")).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("c");
            assertThat(pttl(ferrite, "k")).isBetween(95_000L, 100_000L);
            assertThat(j.psetex("k", 50_000, "d")).isEqualTo("OK");
            assertThat(pttl(ferrite, "k")).isBetween(45_000L, 50_000L);
            assertError(j, "ERR invalid expire time in 'setex' command", "SETEX", "k", "0", "v");
            assertError(j, "ERR invalid expire time in 'psetex' command", "PSETEX", "k", "-5", "v");
            assertError(j, "ERR value is not an integer or out of range", "SETEX", "k", "x", "v");
            assertError(j, "ERR wrong number of arguments for 'setex' command", "SETEX", "k", "1");
        }
    }

    // ------------------------------------------------------------------ GETSET / GETDEL / GETEX

    @Test
    void getsetReturnsTheOldValueAndClearsTheTtl() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.getSet("k", "a")).isNull();
            j.setex("k", 100, "b");
            assertThat(j.getSet("k", "c")).isEqualTo("b");
            assertThat(j.get("k")).isEqualTo("c");
            assertThat(expireAt(ferrite, "k")).isEqualTo(-1);
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "GETSET", "l", "v");
        }
    }

    @Test
    void getdelReturnsAndDeletes() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.getDel("k")).isEqualTo("v");
            assertThat(j.getDel("k")).isNull();
            assertThat(j.get("k")).isNull();
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "GETDEL", "l");
        }
    }

    @Test
    void getexOptions() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.getEx("k", GetExParams.getExParams())).isEqualTo("v");
            assertThat(expireAt(ferrite, "k")).isEqualTo(-1);
            assertThat(j.getEx("k", GetExParams.getExParams().ex(100))).isEqualTo("v");
            assertThat(pttl(ferrite, "k")).isBetween(95_000L, 100_000L);
            j.getEx("k", GetExParams.getExParams().px(50_000));
            assertThat(pttl(ferrite, "k")).isBetween(45_000L, 50_000L);
            long now = System.currentTimeMillis();
            j.getEx("k", GetExParams.getExParams().exAt(now / 1000 + 100));
            assertThat(expireAt(ferrite, "k")).isEqualTo((now / 1000 + 100) * 1000);
            j.getEx("k", GetExParams.getExParams().pxAt(now + 100_000));
            assertThat(expireAt(ferrite, "k")).isEqualTo(now + 100_000);
            assertThat(j.getEx("k", GetExParams.getExParams().persist())).isEqualTo("v");
            assertThat(expireAt(ferrite, "k")).isEqualTo(-1);
            // An absolute time in the past returns the value, then deletes the key.
            assertThat(text(cmd(j, "GETEX", "k", "PXAT", "1"))).isEqualTo("v");
            assertThat(j.get("k")).isNull();
            assertThat(j.getEx("missing", GetExParams.getExParams().ex(10))).isNull();
        }
    }

    @Test
    void getexErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertError(j, "ERR syntax error", "GETEX", "k", "foo");
            assertError(j, "ERR syntax error", "GETEX", "k", "KEEPTTL");
            assertError(j, "ERR syntax error", "GETEX", "k", "PERSIST", "EX", "10");
            assertError(j, "ERR syntax error", "GETEX", "k", "EX", "10", "PX", "10");
            assertError(j, "ERR syntax error", "GETEX", "k", "EX");
            assertError(j, "ERR invalid expire time in 'getex' command", "GETEX", "k", "EX", "-1");
            assertError(j, "ERR value is not an integer or out of range", "GETEX", "k", "EX", "abc");
            // The expire value is checked only for an existing string.
            assertThat(cmd(j, "GETEX", "missing", "EX", "abc")).isNull();
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "GETEX", "l", "EX", "-1");
            assertError(j, "ERR wrong number of arguments for 'getex' command", "GETEX");
        }
    }

    // ------------------------------------------------------------------ counters

    @Test
    void incrKeepsTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("c", 100, "10");
            assertThat(j.incr("c")).isEqualTo(11);
            assertThat(j.ttl("c")).isBetween(95L, 100L);
        }
    }

    @Test
    void countersKeepTheTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("c", 100, "10");
            long at = expireAt(ferrite, "c");
            assertThat(j.incr("c")).isEqualTo(11);
            assertThat(j.decr("c")).isEqualTo(10);
            assertThat(j.incrBy("c", 5)).isEqualTo(15);
            assertThat(j.decrBy("c", 20)).isEqualTo(-5);
            assertThat(j.incrByFloat("c", 1.5)).isEqualTo(-3.5);
            assertThat(expireAt(ferrite, "c")).isEqualTo(at);
        }
    }

    @Test
    void incrOnNonIntegerRepliesError() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "abc");
            assertThatThrownBy(() -> j.incr("s")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR value is not an integer or out of range");
        }
    }

    @Test
    void counterEdgeCases() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.decr("n")).isEqualTo(-1);
            assertThat(j.incr("n")).isEqualTo(0);
            for (String bad : new String[] {" 1", "1 ", "01", "-0", "+1", "1.0", "", "9223372036854775808"}) {
                j.set("s", bad);
                assertError(j, "ERR value is not an integer or out of range", "INCR", "s");
            }
            j.set("c", "9223372036854775806");
            assertThat(j.incr("c")).isEqualTo(Long.MAX_VALUE);
            assertError(j, "ERR increment or decrement would overflow", "INCR", "c");
            j.set("c", "-9223372036854775808");
            assertError(j, "ERR increment or decrement would overflow", "DECR", "c");
            assertError(j, "ERR decrement would overflow", "DECRBY", "c", "-9223372036854775808");
            assertError(j, "ERR value is not an integer or out of range", "INCRBY", "c", "1.5");
            j.set("c", "17179869184");
            assertThat(j.incrBy("c", 17179869184L)).isEqualTo(34359738368L);
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "INCR", "l");
            assertError(j, WRONGTYPE, "DECRBY", "l", "1");
        }
    }

    @Test
    void incrbyfloatUsesLongDoublePrecisionAndFormatting() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "1"))).isEqualTo("1");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "0.25"))).isEqualTo("1.25");
            j.set("f", "0.1");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "0.2"))).isEqualTo("0.3"); // double would be ...04
            j.set("f", "10.50");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "0.1"))).isEqualTo("10.6");
            j.set("f", "5.0e3");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "2.0e2"))).isEqualTo("5200");
            j.set("f", "17179869184");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "1.5"))).isEqualTo("17179869185.5");
            j.set("f", "0");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "1e20"))).isEqualTo("100000000000000000000");
            j.set("f", "0");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "1.1e-20"))).isEqualTo("0"); // %.17Lf
            j.set("f", "1");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "-1.1"))).isEqualTo("-0.1");
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", "0x1p-1"))).isEqualTo("0.4");
            j.del("f");
            cmd(j, "INCRBYFLOAT", "f", String.valueOf(1.0 / 41));
            assertThat(text(cmd(j, "INCRBYFLOAT", "f", String.valueOf(-1.0 / 41)))).isEqualTo("0"); // no "-0"
            assertThat(j.get("f")).isEqualTo("0");
        }
    }

    @Test
    void incrbyfloatErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("f", "0");
            assertError(j, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "f", "+inf");
            assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f", "nan");
            assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f", "abc");
            assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f", "1e5000"); // overflows
            for (String bad : new String[] {"    11", "11    ", " 11 ", "1\u00002", ""}) {
                j.set("s", bad);
                assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "s", "1");
            }
            j.set("big", "1e4932");
            assertError(j, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "big", "1e4932");
            assertThat(j.get("big")).isEqualTo("1e4932");
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "INCRBYFLOAT", "l", "1");
        }
    }

    @Test
    void incrbyfloatRepliesABulkStringInResp3() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("HELLO", "3");
            raw.readReply();
            raw.command("INCRBYFLOAT", "f", "1.5");
            assertThat(raw.readReply()).isEqualTo("$3\r\n1.5\r\n");
        }
        try (StatefulRedisConnection<String, String> c = ferrite.lettuce()) {
            assertThat(c.sync().incrbyfloat("f", 0.25)).isEqualTo(1.75);
        }
    }

    // ------------------------------------------------------------------ MGET / MSET / MSETNX

    @Test
    void mgetAndMset() {
        putNonString(ferrite, "l");
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.mset("a", "1", "b", "2", "a", "3")).isEqualTo("OK");
            assertThat(j.mget("a", "b", "missing", "l")).containsExactly("3", "2", null, null);
            assertError(j, "ERR wrong number of arguments for 'mset' command", "MSET", "a", "1", "b");
            j.setex("a", 100, "x");
            j.mset("a", "y");
            assertThat(expireAt(ferrite, "a")).isEqualTo(-1);
        }
    }

    @Test
    void msetnxSetsAllOrNothing() {
        putNonString(ferrite, "l");
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.msetnx("x1", "a", "y1", "b")).isEqualTo(1);
            assertThat(j.mget("x1", "y1")).containsExactly("a", "b");
            assertThat(j.msetnx("x2", "a", "x1", "c")).isEqualTo(0);
            assertThat(j.get("x2")).isNull();
            assertThat(j.get("x1")).isEqualTo("a");
            assertThat(j.msetnx("x3", "a", "l", "c")).isEqualTo(0); // a key of any type blocks it
            assertThat(j.msetnx("z", "a", "z", "b")).isEqualTo(1);
            assertThat(j.get("z")).isEqualTo("b");
            assertError(j, "ERR wrong number of arguments for 'msetnx' command", "MSETNX", "a", "1", "b");
            assertError(j, "ERR wrong number of arguments for 'msetnx' command", "MSETNX", "a");
        }
    }

    // ------------------------------------------------------------------ APPEND / STRLEN / GETRANGE / SETRANGE

    @Test
    void appendCreatesAppendsAndKeepsTheTtl() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.append("k", "")).isEqualTo(0);
            assertThat(j.get("k")).isEmpty(); // created, empty
            assertThat(j.append("k", "Hello")).isEqualTo(5);
            assertThat(j.append("k", " World")).isEqualTo(11);
            assertThat(j.get("k")).isEqualTo("Hello World");
            j.setex("t", 100, "1");
            long at = expireAt(ferrite, "t");
            assertThat(j.append("t", "2")).isEqualTo(2);
            assertThat(j.get("t")).isEqualTo("12");
            assertThat(expireAt(ferrite, "t")).isEqualTo(at);
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "APPEND", "l", "x");
        }
    }

    @Test
    void strlen() {
        putNonString(ferrite, "l");
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.strlen("missing")).isEqualTo(0);
            j.set("i", "-555");
            assertThat(j.strlen("i")).isEqualTo(4);
            j.set("s", "foozzz0123456789 baz");
            assertThat(j.strlen("s")).isEqualTo(20);
            assertError(j, WRONGTYPE, "STRLEN", "l");
        }
    }

    @Test
    void getrangeAndSubstr() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.getrange("missing", 0, -1)).isEmpty();
            j.set("k", "Hello World");
            assertThat(j.getrange("k", 0, 3)).isEqualTo("Hell");
            assertThat(j.getrange("k", 0, -1)).isEqualTo("Hello World");
            assertThat(j.getrange("k", -4, -1)).isEqualTo("orld");
            assertThat(j.getrange("k", 5, 3)).isEmpty();
            assertThat(j.getrange("k", 5, 5000)).isEqualTo(" World");
            assertThat(j.getrange("k", -5000, 10000)).isEqualTo("Hello World");
            assertThat(j.getrange("k", -1, -3)).isEmpty();
            assertThat(j.getrange("k", 0, 4294967297L)).isEqualTo("Hello World");
            j.set("n", "1234");
            assertThat(j.getrange("n", -3, -1)).isEqualTo("234");
            j.set("e", "");
            assertThat(j.getrange("e", 0, -1)).isEmpty();
            j.set("s", "abcde");
            assertThat(j.substr("s", 0, 3)).isEqualTo("abcd");
            assertThat(j.substr("s", -4, -1)).isEqualTo("bcde");
            assertThat(j.substr("s", 7, 8)).isEmpty();
            assertThat(j.substr("nokey", 0, 1)).isEmpty();
            assertError(j, "ERR value is not an integer or out of range", "GETRANGE", "k", "a", "1");
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "GETRANGE", "l", "0", "-1");
            assertError(j, WRONGTYPE, "SUBSTR", "l", "0", "-1");
        }
    }

    @Test
    void setrange() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.setrange("k", 0, "")).isEqualTo(0);
            assertThat(j.get("k")).isNull(); // nothing created
            assertThat(j.setrange("k", 1, "foo")).isEqualTo(4);
            assertThat(j.get("k")).isEqualTo("\u0000foo");
            j.set("k", "foo");
            assertThat(j.setrange("k", 0, "")).isEqualTo(3);
            assertThat(j.setrange("k", 1, "b")).isEqualTo(3);
            assertThat(j.get("k")).isEqualTo("fbo");
            assertThat(j.setrange("k", 4, "bar")).isEqualTo(7);
            assertThat(j.get("k")).isEqualTo("fbo\u0000bar");
            j.set("n", "1234");
            assertThat(j.setrange("n", 5, "2")).isEqualTo(6);
            assertThat(j.get("n")).isEqualTo("1234\u00002");
            j.setex("t", 100, "abc");
            long at = expireAt(ferrite, "t");
            j.setrange("t", 1, "X");
            assertThat(j.get("t")).isEqualTo("aXc");
            assertThat(expireAt(ferrite, "t")).isEqualTo(at);
        }
    }

    @Test
    void setrangeErrors() {
        try (Jedis j = ferrite.jedis()) {
            assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                    "SETRANGE", "k", String.valueOf(512 * 1024 * 1024 - 4), "world");
            assertThat(j.get("k")).isNull();
            j.set("k", "hello");
            assertError(j, "ERR offset is out of range", "SETRANGE", "k", "-1", "world");
            assertError(j, "ERR value is not an integer or out of range", "SETRANGE", "k", "x", "world");
            assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                    "SETRANGE", "k", String.valueOf(512 * 1024 * 1024 - 4), "world");
            assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                    "SETRANGE", "k", "9223372036854775807", "A");
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "SETRANGE", "l", "0", "bar");
            assertError(j, WRONGTYPE, "SETRANGE", "l", "0", "");
        }
    }

    @Test
    void appendAndSetrangeObeyProtoMaxBulkLen() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("proto-max-bulk-len", "1mb");
            try {
                int limit = 1024 * 1024;
                j.setrange("k", limit - 3, "abc");
                assertThat(j.strlen("k")).isEqualTo(limit);
                assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)", "APPEND", "k", "x");
                assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                        "SETRANGE", "k", String.valueOf(limit - 2), "abc");
                assertThat(j.strlen("k")).isEqualTo(limit);
            } finally {
                j.configSet("proto-max-bulk-len", "512mb");
            }
        }
    }

    // ------------------------------------------------------------------ LCS

    private static final String RNA1 = "CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG";
    private static final String RNA2 = "ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT";
    private static final String RNA_LCS = "ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT";

    @Test
    void lcsStringLenAndIdx() {
        try (Jedis j = ferrite.jedis()) {
            j.mset("v1", RNA1, "v2", RNA2);
            assertThat(j.lcs("v1", "v2", LCSParams.LCSParams()).getMatchString()).isEqualTo(RNA_LCS);
            assertThat(j.lcs("v1", "v2", LCSParams.LCSParams().len()).getLen()).isEqualTo(RNA_LCS.length());
            LCSMatchResult idx = j.lcs("v1", "v2", LCSParams.LCSParams().idx().withMatchLen());
            assertThat(idx.getLen()).isEqualTo(RNA_LCS.length());
            assertThat(idx.getMatches()).hasSize(5);
            assertThat(idx.getMatches().get(4).getA().getStart()).isEqualTo(1);
            assertThat(idx.getMatches().get(4).getA().getEnd()).isEqualTo(222);
            assertThat(idx.getMatches().get(4).getB().getStart()).isEqualTo(13);
            assertThat(idx.getMatches().get(4).getMatchLen()).isEqualTo(222);
            // The exact reply (RESP2): a flat map of "matches" and "len".
            Object raw = cmd(j, "LCS", "v1", "v2", "IDX", "MINMATCHLEN", "5", "WITHMATCHLEN");
            assertThat(raw).isInstanceOf(List.class);
            List<?> top = (List<?>) raw;
            assertThat(text(top.get(0))).isEqualTo("matches");
            assertThat((List<?>) top.get(1)).hasSize(1);
            assertThat(top.get(1).toString()).isEqualTo("[[[1, 222], [13, 234], 222]]");
            assertThat(text(top.get(2))).isEqualTo("len");
            assertThat(top.get(3)).isEqualTo(227L);
        }
    }

    @Test
    void lcsIndexesMatchRedis() {
        try (Jedis j = ferrite.jedis()) {
            j.mset("v1", RNA1, "v2", RNA2);
            List<?> top = (List<?>) cmd(j, "LCS", "v1", "v2", "IDX");
            assertThat(top.get(1).toString()).isEqualTo(
                    "[[[238, 238], [239, 239]], [[236, 236], [238, 238]], [[229, 230], [236, 237]],"
                            + " [[224, 224], [235, 235]], [[1, 222], [13, 234]]]");
            j.mset("a", "ohmytext", "b", "mynewtext");
            assertThat(text(cmd(j, "LCS", "a", "b"))).isEqualTo("mytext");
            assertThat(cmd(j, "LCS", "a", "b", "LEN")).isEqualTo(6L);
            assertThat(text(cmd(j, "LCS", "a", "missing"))).isEmpty();
            assertThat(cmd(j, "LCS", "missing1", "missing2", "LEN")).isEqualTo(0L);
        }
    }

    @Test
    void lcsErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.mset("a", "x", "b", "y");
            assertError(j, "ERR If you want both the length and indexes, please just use IDX.", "LCS", "a", "b", "LEN", "IDX");
            assertError(j, "ERR syntax error", "LCS", "a", "b", "foo");
            assertError(j, "ERR syntax error", "LCS", "a", "b", "MINMATCHLEN");
            assertError(j, "ERR value is not an integer or out of range", "LCS", "a", "b", "MINMATCHLEN", "x");
            putNonString(ferrite, "l");
            assertError(j, "ERR The specified keys must contain string values", "LCS", "a", "l");
            assertError(j, "ERR The specified keys must contain string values", "LCS", "l", "a", "foo");
            assertError(j, "ERR wrong number of arguments for 'lcs' command", "LCS", "a");
        }
    }

    @Test
    void lcsTransientMemoryIsLimitedByProtoMaxBulkLen() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("proto-max-bulk-len", "1mb");
            try {
                j.mset("a", "x".repeat(600), "b", "y".repeat(600)); // 601 * 601 * 4 bytes > 1 MiB
                assertError(j, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
                        "LCS", "a", "b");
            } finally {
                j.configSet("proto-max-bulk-len", "512mb");
            }
        }
    }

    @Test
    void lcsWithLettuceResp3() {
        try (StatefulRedisConnection<String, String> c = ferrite.lettuce()) {
            RedisCommands<String, String> r = c.sync();
            r.mset(java.util.Map.of("a", "ohmytext", "b", "mynewtext"));
            assertThat(r.lcs(new LcsArgs().by("a", "b")).getMatchString()).isEqualTo("mytext");
            assertThat(r.lcs(new LcsArgs().by("a", "b").justLen()).getLen()).isEqualTo(6);
            StringMatchResult m = r.lcs(new LcsArgs().by("a", "b").withIdx().withMatchLen());
            assertThat(m.getLen()).isEqualTo(6);
            assertThat(m.getMatches()).hasSize(2);
            assertThat(m.getMatches().get(0).getA().getStart()).isEqualTo(4);
            assertThat(m.getMatches().get(0).getA().getEnd()).isEqualTo(7);
            assertThat(m.getMatches().get(0).getB().getStart()).isEqualTo(5);
            assertThat(m.getMatches().get(0).getMatchLen()).isEqualTo(4);
        }
    }

    @Test
    void lcsIdxIsAMapInResp3() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("HELLO", "3");
            raw.readReply();
            raw.command("MSET", "a", "ab", "b", "ab");
            raw.readReply();
            raw.command("LCS", "a", "b", "IDX", "WITHMATCHLEN");
            assertThat(raw.readReply()).isEqualTo(
                    "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:2\r\n");
        }
    }

    // ------------------------------------------------------------------ command table

    @Test
    void keySpecsLockTheRightArguments() {
        var table = ferrite.server().commandTable();
        assertKeys(table.lookup("msetnx"), 1, -1, 2);
        assertKeys(table.lookup("mset"), 1, -1, 2);
        assertKeys(table.lookup("mget"), 1, -1, 1);
        assertKeys(table.lookup("lcs"), 1, 2, 1);
        assertKeys(table.lookup("getex"), 1, 1, 1);
        assertThat(table.lookup("getex").arity()).isEqualTo(-2);
        assertThat(table.lookup("lcs").arity()).isEqualTo(-3);
        assertThat(table.lookup("incrbyfloat").arity()).isEqualTo(3);
    }

    private static void assertKeys(CommandSpec spec, int first, int last, int step) {
        assertThat(spec).isNotNull();
        assertThat(spec.firstKey()).isEqualTo(first);
        assertThat(spec.lastKey()).isEqualTo(last);
        assertThat(spec.keyStep()).isEqualTo(step);
    }
}
