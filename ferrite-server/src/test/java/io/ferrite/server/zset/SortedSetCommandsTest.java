package io.ferrite.server.zset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.Replies;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Every sorted set command over a socket: replies, options and exact error texts (RESP2). */
class SortedSetCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    /** Sends a command and returns the reply with bulk strings as Strings (nested lists kept). */
    static Object r(Jedis j, String... args) {
        return Replies.send(j, args);
    }

    static void assertError(Jedis j, String message, String... args) {
        assertThatThrownBy(() -> r(j, args)).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    // ================================================================ ZADD, ZINCRBY

    @Test
    void zaddCountsNewMembersAndChAlsoCountsUpdates() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(r(j, "ZADD", "z", "1", "a", "2", "b")).isEqualTo(2L);
            assertThat(r(j, "ZADD", "z", "5", "a", "3", "c")).isEqualTo(1L);
            assertThat(r(j, "ZADD", "z", "CH", "6", "a", "3", "c", "1", "d")).isEqualTo(2L);
            assertThat(r(j, "ZADD", "z", "ch", "6", "a")).isEqualTo(0L);
            assertThat(r(j, "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                    .isEqualTo(List.of("d", "1", "b", "2", "c", "3", "a", "6"));
        }
    }

    @Test
    void zaddNxXxGtLtChooseWhichMembersChange() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "10", "a");
            assertThat(r(j, "ZADD", "z", "NX", "1", "a", "1", "b")).isEqualTo(1L);
            assertThat(r(j, "ZSCORE", "z", "a")).isEqualTo("10");
            assertThat(r(j, "ZADD", "z", "XX", "CH", "2", "a", "2", "new")).isEqualTo(1L);
            assertThat(r(j, "ZSCORE", "z", "new")).isNull();
            assertThat(r(j, "ZADD", "z", "GT", "CH", "1", "a", "5", "b", "7", "c")).isEqualTo(2L);
            assertThat(r(j, "ZMSCORE", "z", "a", "b", "c")).isEqualTo(List.of("2", "5", "7"));
            assertThat(r(j, "ZADD", "z", "LT", "CH", "3", "a", "1", "b")).isEqualTo(1L);
            assertThat(r(j, "ZMSCORE", "z", "a", "b")).isEqualTo(List.of("2", "1"));
            assertThat(r(j, "ZADD", "z", "XX", "GT", "CH", "9", "a", "9", "zz")).isEqualTo(1L);
            assertThat(r(j, "ZSCORE", "z", "zz")).isNull();
        }
    }

    @Test
    void zaddRejectsIncompatibleOptionsWithRedisTexts() {
        try (Jedis j = ferrite.jedis()) {
            assertError(j, "ERR XX and NX options at the same time are not compatible", "ZADD", "z", "NX", "XX", "1", "a");
            assertError(j, "ERR GT, LT, and/or NX options at the same time are not compatible",
                    "ZADD", "z", "GT", "LT", "1", "a");
            assertError(j, "ERR GT, LT, and/or NX options at the same time are not compatible",
                    "ZADD", "z", "NX", "GT", "1", "a");
            assertError(j, "ERR INCR option supports a single increment-element pair",
                    "ZADD", "z", "INCR", "1", "a", "2", "b");
            assertError(j, "ERR syntax error", "ZADD", "z", "1", "a", "2");
            assertError(j, "ERR syntax error", "ZADD", "z", "NX", "1");
            assertError(j, "ERR value is not a valid float", "ZADD", "z", "1", "a", "x", "b");
            assertError(j, "ERR value is not a valid float", "ZADD", "z", "nan", "a");
            assertError(j, "ERR wrong number of arguments for 'zadd' command", "ZADD", "z", "1");
            assertThat(j.exists("z")).isFalse(); // nothing applied when one score is bad
        }
    }

    @Test
    void scoresOutOfDoubleRangeAreRejectedAndNegativeZeroFollowsTheEncoding() {
        try (Jedis j = ferrite.jedis()) {
            assertError(j, "ERR value is not a valid float", "ZADD", "z", "1e400", "a");
            assertError(j, "ERR value is not a valid float", "ZADD", "z", "-1e-400", "a");
            assertError(j, "ERR weight value is not a float", "ZUNION", "1", "z", "WEIGHTS", "1e999");
            assertThat(r(j, "ZADD", "z", "-inf", "a", "+Infinity", "b", "1e308", "c", "1e-300", "d", "0e5", "e"))
                    .isEqualTo(5L);
            assertThat(r(j, "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                    .isEqualTo(List.of("a", "-inf", "e", "0", "d", "1e-300", "c", "1e+308", "b", "inf"));
            // As Redis 7.2: a listpack stores an integral score as an integer (-0 becomes 0), a skiplist keeps -0.
            r(j, "ZADD", "small", "-0.0", "m");
            assertThat(r(j, "ZSCORE", "small", "m")).isEqualTo("0");
            r(j, "ZADD", "big", "-0.0", "m" + "x".repeat(70));
            assertThat(r(j, "ZSCORE", "big", "m" + "x".repeat(70))).isEqualTo("-0");
        }
    }

    @Test
    void zaddIncrRepliesTheNewScoreOrNilWhenNothingHappened() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(r(j, "ZADD", "z", "INCR", "2.5", "a")).isEqualTo("2.5");
            assertThat(r(j, "ZADD", "z", "INCR", "1", "a")).isEqualTo("3.5");
            assertThat(r(j, "ZADD", "z", "INCR", "NX", "1", "a")).isNull();
            assertThat(r(j, "ZADD", "z", "INCR", "XX", "1", "b")).isNull();
            assertThat(r(j, "ZADD", "z", "INCR", "GT", "-1", "a")).isNull();
            assertThat(r(j, "ZADD", "missing", "XX", "1", "a")).isEqualTo(0L);
            assertThat(r(j, "ZADD", "missing", "XX", "INCR", "1", "a")).isNull();
            assertThat(j.exists("missing")).isFalse();
        }
    }

    @Test
    void zincrbyAddsAndRejectsNaNResults() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(r(j, "ZINCRBY", "z", "5", "a")).isEqualTo("5");
            assertThat(r(j, "ZINCRBY", "z", "-1.5", "a")).isEqualTo("3.5");
            assertThat(r(j, "ZINCRBY", "z", "+inf", "a")).isEqualTo("inf");
            assertError(j, "ERR resulting score is not a number (NaN)", "ZINCRBY", "z", "-inf", "a");
            assertThat(r(j, "ZSCORE", "z", "a")).isEqualTo("inf");
            assertError(j, "ERR value is not a valid float", "ZINCRBY", "z", "one", "a");
            assertError(j, "ERR wrong number of arguments for 'zincrby' command", "ZINCRBY", "z", "1");
        }
    }

    @Test
    void commandsOnAStringReplyWrongtype() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "x");
            String wt = "WRONGTYPE Operation against a key holding the wrong kind of value";
            for (String[] cmd : new String[][] {
                    {"ZADD", "s", "1", "a"}, {"ZINCRBY", "s", "1", "a"}, {"ZSCORE", "s", "a"}, {"ZMSCORE", "s", "a"},
                    {"ZCARD", "s"}, {"ZCOUNT", "s", "0", "1"}, {"ZRANK", "s", "a"}, {"ZRANGE", "s", "0", "1"},
                    {"ZRANGESTORE", "d", "s", "0", "1"}, {"ZREM", "s", "a"}, {"ZREMRANGEBYRANK", "s", "0", "1"},
                    {"ZPOPMIN", "s"}, {"ZMPOP", "1", "s", "MIN"}, {"ZRANDMEMBER", "s"}, {"ZUNION", "1", "s"},
                    {"ZINTERSTORE", "d", "1", "s"}, {"ZSCAN", "s", "0"}, {"ZLEXCOUNT", "s", "-", "+"},
                    {"BZPOPMIN", "s", "0"}}) {
                assertError(j, wt, cmd);
            }
        }
    }

    // ================================================================ reads

    @Test
    void zscoreZmscoreAndZcardOnPresentAndMissingMembers() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1.5", "a", "-0.25", "b");
            assertThat(r(j, "ZSCORE", "z", "a")).isEqualTo("1.5");
            assertThat(r(j, "ZSCORE", "z", "nope")).isNull();
            assertThat(r(j, "ZSCORE", "missing", "a")).isNull();
            assertThat(r(j, "ZMSCORE", "z", "b", "nope", "a")).isEqualTo(java.util.Arrays.asList("-0.25", null, "1.5"));
            assertThat(r(j, "ZMSCORE", "missing", "a", "b")).isEqualTo(java.util.Arrays.asList(null, null));
            assertThat(r(j, "ZCARD", "z")).isEqualTo(2L);
            assertThat(r(j, "ZCARD", "missing")).isEqualTo(0L);
        }
    }

    @Test
    void zrankAndZrevrankWithAndWithoutScore() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b", "3", "c");
            assertThat(r(j, "ZRANK", "z", "a")).isEqualTo(0L);
            assertThat(r(j, "ZREVRANK", "z", "a")).isEqualTo(2L);
            assertThat(r(j, "ZRANK", "z", "c", "WITHSCORE")).isEqualTo(List.of(2L, "3"));
            assertThat(r(j, "ZREVRANK", "z", "c", "withscore")).isEqualTo(List.of(0L, "3"));
            assertThat(r(j, "ZRANK", "z", "nope")).isNull();
            assertThat(r(j, "ZRANK", "z", "nope", "WITHSCORE")).isNull();
            assertThat(r(j, "ZRANK", "missing", "a")).isNull();
            assertError(j, "ERR syntax error", "ZRANK", "z", "a", "WITHSCORES");
            assertError(j, "ERR wrong number of arguments for 'zrank' command", "ZRANK", "z", "a", "WITHSCORE", "x");
            assertError(j, "ERR wrong number of arguments for 'zrevrank' command",
                    "ZREVRANK", "z", "a", "WITHSCORE", "x");
        }
    }

    @Test
    void zcountAndZlexcountHonourExclusiveAndInfiniteBounds() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
            assertThat(r(j, "ZCOUNT", "z", "-inf", "+inf")).isEqualTo(4L);
            assertThat(r(j, "ZCOUNT", "z", "(1", "3")).isEqualTo(2L);
            assertThat(r(j, "ZCOUNT", "z", "(1", "(3")).isEqualTo(1L);
            assertThat(r(j, "ZCOUNT", "z", "3", "1")).isEqualTo(0L);
            assertThat(r(j, "ZCOUNT", "z", "(2", "(2")).isEqualTo(0L);
            assertThat(r(j, "ZCOUNT", "missing", "0", "1")).isEqualTo(0L);
            assertError(j, "ERR min or max is not a float", "ZCOUNT", "z", "x", "1");
            assertError(j, "ERR min or max is not a float", "ZCOUNT", "z", "1", "((2");
            assertError(j, "ERR min or max is not a float", "ZCOUNT", "z", "nan", "1");
            r(j, "ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d");
            assertThat(r(j, "ZLEXCOUNT", "l", "-", "+")).isEqualTo(4L);
            assertThat(r(j, "ZLEXCOUNT", "l", "[b", "(d")).isEqualTo(2L);
            assertThat(r(j, "ZLEXCOUNT", "l", "(a", "[c")).isEqualTo(2L);
            assertThat(r(j, "ZLEXCOUNT", "l", "+", "-")).isEqualTo(0L);
            assertError(j, "ERR min or max not valid string range item", "ZLEXCOUNT", "l", "a", "+");
            assertError(j, "ERR min or max not valid string range item", "ZLEXCOUNT", "l", "-", "");
            assertError(j, "ERR min or max not valid string range item", "ZLEXCOUNT", "l", "-x", "+");
        }
    }

    // ================================================================ ZRANGE family

    @Test
    void zrangeByIndexHandlesNegativeAndOutOfRangeIndexes() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
            assertThat(r(j, "ZRANGE", "z", "0", "-1")).isEqualTo(List.of("a", "b", "c", "d"));
            assertThat(r(j, "ZRANGE", "z", "-2", "100")).isEqualTo(List.of("c", "d"));
            assertThat(r(j, "ZRANGE", "z", "-100", "0")).isEqualTo(List.of("a"));
            assertThat(r(j, "ZRANGE", "z", "2", "1")).isEqualTo(List.of());
            assertThat(r(j, "ZRANGE", "z", "5", "10")).isEqualTo(List.of());
            assertThat(r(j, "ZRANGE", "z", "0", "1", "REV", "WITHSCORES")).isEqualTo(List.of("d", "4", "c", "3"));
            assertThat(r(j, "ZREVRANGE", "z", "1", "2")).isEqualTo(List.of("c", "b"));
            assertThat(r(j, "ZRANGE", "missing", "0", "-1")).isEqualTo(List.of());
            assertError(j, "ERR value is not an integer or out of range", "ZRANGE", "z", "a", "1");
        }
    }

    @Test
    void zrangeByScoreWithBoundsRevAndLimit() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
            assertThat(r(j, "ZRANGE", "z", "(1", "3", "BYSCORE")).isEqualTo(List.of("b", "c"));
            assertThat(r(j, "ZRANGE", "z", "3", "(1", "BYSCORE", "REV")).isEqualTo(List.of("c", "b"));
            assertThat(r(j, "ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2", "WITHSCORES"))
                    .isEqualTo(List.of("b", "2", "c", "3"));
            assertThat(r(j, "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2"))
                    .isEqualTo(List.of("d", "c"));
            assertThat(r(j, "ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "3", "-1")).isEqualTo(List.of("d", "e"));
            assertThat(r(j, "ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2")).isEqualTo(List.of());
            assertThat(r(j, "ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "9", "2")).isEqualTo(List.of());
            assertThat(r(j, "ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0")).isEqualTo(List.of());
            assertThat(r(j, "ZRANGEBYSCORE", "z", "2", "4", "WITHSCORES", "LIMIT", "1", "5"))
                    .isEqualTo(List.of("c", "3", "d", "4"));
            assertThat(r(j, "ZREVRANGEBYSCORE", "z", "4", "2")).isEqualTo(List.of("d", "c", "b"));
            assertThat(r(j, "ZREVRANGEBYSCORE", "z", "2", "4")).isEqualTo(List.of());
            assertError(j, "ERR min or max is not a float", "ZRANGEBYSCORE", "z", "1", "x");
        }
    }

    @Test
    void zrangeByLexWithBoundsRevAndLimit() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
            assertThat(r(j, "ZRANGE", "z", "[b", "(d", "BYLEX")).isEqualTo(List.of("b", "c"));
            assertThat(r(j, "ZRANGE", "z", "+", "-", "BYLEX", "REV", "LIMIT", "1", "2")).isEqualTo(List.of("d", "c"));
            assertThat(r(j, "ZRANGEBYLEX", "z", "-", "[c")).isEqualTo(List.of("a", "b", "c"));
            assertThat(r(j, "ZRANGEBYLEX", "z", "(c", "+", "LIMIT", "0", "1")).isEqualTo(List.of("d"));
            assertThat(r(j, "ZREVRANGEBYLEX", "z", "[c", "-")).isEqualTo(List.of("c", "b", "a"));
            assertError(j, "ERR min or max not valid string range item", "ZRANGEBYLEX", "z", "a", "c");
            assertError(j, "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
                    "ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES");
            assertError(j, "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
                    "ZRANGEBYLEX", "z", "-", "+", "WITHSCORES");
        }
    }

    @Test
    void zrangeRejectsConflictingOptions() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a");
            assertError(j, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
                    "ZRANGE", "z", "0", "1", "LIMIT", "0", "1");
            assertThat(r(j, "ZRANGE", "z", "0", "1", "LIMIT", "0", "-1")).isEqualTo(List.of("a")); // as Redis
            assertError(j, "ERR syntax error", "ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX");
            assertError(j, "ERR syntax error", "ZRANGE", "z", "0", "1", "REV", "REV");
            assertError(j, "ERR syntax error", "ZRANGE", "z", "0", "1", "LIMIT", "0");
            assertError(j, "ERR syntax error", "ZREVRANGE", "z", "0", "1", "REV");
            assertError(j, "ERR syntax error", "ZRANGEBYSCORE", "z", "0", "1", "BYSCORE");
            assertError(j, "ERR value is not an integer or out of range",
                    "ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "x", "1");
        }
    }

    @Test
    void zrangestoreStoresTheRangeAndDeletesTheDestinationWhenEmpty() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d");
            assertThat(r(j, "ZRANGESTORE", "dst", "src", "1", "2")).isEqualTo(2L);
            assertThat(r(j, "ZRANGE", "dst", "0", "-1", "WITHSCORES")).isEqualTo(List.of("b", "2", "c", "3"));
            assertThat(r(j, "ZRANGESTORE", "dst", "src", "+inf", "(2", "BYSCORE", "REV", "LIMIT", "0", "1"))
                    .isEqualTo(1L);
            assertThat(r(j, "ZRANGE", "dst", "0", "-1")).isEqualTo(List.of("d"));
            assertThat(r(j, "ZRANGESTORE", "dst", "src", "[a", "[b", "BYLEX")).isEqualTo(2L);
            j.expire("dst", 100);
            assertThat(r(j, "ZRANGESTORE", "dst", "src", "0", "0")).isEqualTo(1L);
            assertThat(j.ttl("dst")).isEqualTo(-1L); // a new value: the TTL goes
            assertThat(r(j, "ZRANGESTORE", "dst", "src", "5", "9")).isEqualTo(0L);
            assertThat(j.exists("dst")).isFalse();
            j.set("dst", "string");
            assertThat(r(j, "ZRANGESTORE", "dst", "missing", "0", "-1")).isEqualTo(0L);
            assertThat(j.exists("dst")).isFalse();
            assertError(j, "ERR syntax error", "ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES");
        }
    }

    // ================================================================ removal

    @Test
    void zremCountsRemovedMembersAndDeletesTheEmptiedKey() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b");
            assertThat(r(j, "ZREM", "z", "a", "nope", "a")).isEqualTo(1L);
            assertThat(r(j, "ZREM", "missing", "a")).isEqualTo(0L);
            assertThat(r(j, "ZREM", "z", "b", "c")).isEqualTo(1L);
            assertThat(j.exists("z")).isFalse();
        }
    }

    @Test
    void zremrangeByRankScoreAndLex() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
            assertThat(r(j, "ZREMRANGEBYRANK", "z", "-2", "-1")).isEqualTo(2L);
            assertThat(r(j, "ZREMRANGEBYRANK", "z", "5", "9")).isEqualTo(0L);
            assertThat(r(j, "ZREMRANGEBYSCORE", "z", "(1", "2")).isEqualTo(1L);
            assertThat(r(j, "ZRANGE", "z", "0", "-1")).isEqualTo(List.of("a", "c"));
            r(j, "ZADD", "l", "0", "a", "0", "b", "0", "c");
            assertThat(r(j, "ZREMRANGEBYLEX", "l", "(a", "+")).isEqualTo(2L);
            assertThat(r(j, "ZREMRANGEBYLEX", "l", "-", "+")).isEqualTo(1L);
            assertThat(j.exists("l")).isFalse();
            assertThat(r(j, "ZREMRANGEBYSCORE", "z", "-inf", "+inf")).isEqualTo(2L);
            assertThat(j.exists("z")).isFalse();
            assertError(j, "ERR min or max is not a float", "ZREMRANGEBYSCORE", "z", "a", "1");
            assertError(j, "ERR min or max not valid string range item", "ZREMRANGEBYLEX", "z", "a", "+");
            assertError(j, "ERR value is not an integer or out of range", "ZREMRANGEBYRANK", "z", "a", "1");
        }
    }

    // ================================================================ pops

    @Test
    void zpopminAndZpopmaxPopFromTheEnds() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b", "3", "c");
            assertThat(r(j, "ZPOPMIN", "z")).isEqualTo(List.of("a", "1"));
            assertThat(r(j, "ZPOPMAX", "z", "5")).isEqualTo(List.of("c", "3", "b", "2"));
            assertThat(j.exists("z")).isFalse();
            assertThat(r(j, "ZPOPMIN", "z")).isEqualTo(List.of());
            r(j, "ZADD", "z", "1", "a");
            assertThat(r(j, "ZPOPMIN", "z", "0")).isEqualTo(List.of());
            assertError(j, "ERR value is out of range, must be positive", "ZPOPMIN", "z", "-1");
            assertError(j, "ERR value is not an integer or out of range", "ZPOPMIN", "z", "x");
            assertError(j, "ERR syntax error", "ZPOPMIN", "z", "1", "2");
        }
    }

    @Test
    void zmpopPopsFromTheFirstNonEmptyKey() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z2", "1", "a", "2", "b", "3", "c");
            assertThat(r(j, "ZMPOP", "2", "z1", "z2", "MIN")).isEqualTo(List.of("z2", List.of(List.of("a", "1"))));
            assertThat(r(j, "ZMPOP", "2", "z1", "z2", "max", "COUNT", "10"))
                    .isEqualTo(List.of("z2", List.of(List.of("c", "3"), List.of("b", "2"))));
            assertThat(j.exists("z2")).isFalse();
            assertThat(r(j, "ZMPOP", "2", "z1", "z2", "MIN")).isNull();
            assertError(j, "ERR numkeys should be greater than 0", "ZMPOP", "0", "z", "MIN");
            assertError(j, "ERR numkeys should be greater than 0", "ZMPOP", "x", "z", "MIN");
            assertError(j, "ERR syntax error", "ZMPOP", "2", "z", "MIN");
            assertError(j, "ERR syntax error", "ZMPOP", "1", "z", "MIDDLE");
            assertError(j, "ERR count should be greater than 0", "ZMPOP", "1", "z", "MIN", "COUNT", "0");
            assertError(j, "ERR syntax error", "ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "2");
        }
    }

    // ================================================================ ZRANDMEMBER

    @Test
    void zrandmemberReturnsMembersWithTheRightMultiplicity() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(r(j, "ZRANDMEMBER", "missing")).isNull();
            assertThat(r(j, "ZRANDMEMBER", "missing", "3")).isEqualTo(List.of());
            for (int n : new int[] {10, 300}) { // listpack and skiplist
                j.del("z");
                Set<String> all = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    r(j, "ZADD", "z", Integer.toString(i), "m" + i);
                    all.add("m" + i);
                }
                assertThat(all).contains((String) r(j, "ZRANDMEMBER", "z"));
                @SuppressWarnings("unchecked")
                List<String> distinct = (List<String>) r(j, "ZRANDMEMBER", "z", "5");
                assertThat(new HashSet<>(distinct)).hasSize(5);
                assertThat(all).containsAll(distinct);
                @SuppressWarnings("unchecked")
                List<String> most = (List<String>) r(j, "ZRANDMEMBER", "z", Integer.toString(n - 1));
                assertThat(new HashSet<>(most)).hasSize(n - 1);
                @SuppressWarnings("unchecked")
                List<String> everything = (List<String>) r(j, "ZRANDMEMBER", "z", Integer.toString(n + 10));
                assertThat(new HashSet<>(everything)).isEqualTo(all);
                @SuppressWarnings("unchecked")
                List<String> repeated = (List<String>) r(j, "ZRANDMEMBER", "z", "-1000");
                assertThat(repeated).hasSize(1000);
                assertThat(all).containsAll(repeated);
                @SuppressWarnings("unchecked")
                List<String> pairs = (List<String>) r(j, "ZRANDMEMBER", "z", "-3", "WITHSCORES");
                assertThat(pairs).hasSize(6);
                for (int i = 0; i < 6; i += 2) assertThat(pairs.get(i)).isEqualTo("m" + pairs.get(i + 1));
            }
            assertThat(r(j, "ZRANDMEMBER", "z", "0")).isEqualTo(List.of());
            assertError(j, "ERR syntax error", "ZRANDMEMBER", "z", "1", "SCORES");
            assertError(j, "ERR value is out of range", "ZRANDMEMBER", "z", "-9223372036854770000", "WITHSCORES");
            assertError(j, "ERR value is out of range, value must between -9223372036854775807 and "
                    + "9223372036854775807", "ZRANDMEMBER", "z", "-9223372036854775808");
        }
    }

    @Test
    void zrandmemberWithNegativeCountIsUniform() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 200; i++) r(j, "ZADD", "z", "1", "m" + i); // skiplist
            int[] seen = new int[200];
            @SuppressWarnings("unchecked")
            List<String> draws = (List<String>) r(j, "ZRANDMEMBER", "z", "-200000");
            for (String m : draws) seen[Integer.parseInt(m.substring(1))]++;
            double chi = 0;
            for (int c : seen) chi += (c - 1000.0) * (c - 1000.0) / 1000.0;
            assertThat(chi).as("chi-square, 199 degrees of freedom").isLessThan(300);
        }
    }

    // ================================================================ ZUNION, ZINTER, ZDIFF

    @Test
    void zunionAggregatesWithWeights() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "a", "1", "x", "2", "y");
            r(j, "ZADD", "b", "10", "y", "20", "z");
            assertThat(r(j, "ZUNION", "2", "a", "b", "WITHSCORES")).isEqualTo(List.of("x", "1", "y", "12", "z", "20"));
            assertThat(r(j, "ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"))
                    .isEqualTo(List.of("x", "2", "y", "9", "z", "10"));
            assertThat(r(j, "ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"))
                    .isEqualTo(List.of("x", "1", "y", "2", "z", "20"));
            assertThat(r(j, "ZUNION", "2", "a", "b", "AGGREGATE", "max")).isEqualTo(List.of("x", "y", "z"));
            assertThat(r(j, "ZUNION", "3", "a", "missing", "b")).isEqualTo(List.of("x", "y", "z"));
            assertThat(r(j, "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "-1")).isEqualTo(3L);
            assertThat(r(j, "ZRANGE", "d", "0", "-1", "WITHSCORES")).isEqualTo(List.of("z", "-20", "y", "-8", "x", "1"));
            assertThat(r(j, "OBJECT", "ENCODING", "d")).isEqualTo("listpack");
        }
    }

    @Test
    void infinitiesCancelToZeroInSumsAndWeights() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "p", "+inf", "m");
            r(j, "ZADD", "n", "-inf", "m");
            assertThat(r(j, "ZUNION", "2", "p", "n", "WITHSCORES")).isEqualTo(List.of("m", "0"));
            assertThat(r(j, "ZINTER", "2", "p", "n", "WITHSCORES")).isEqualTo(List.of("m", "0"));
            assertThat(r(j, "ZUNION", "1", "p", "WEIGHTS", "0", "WITHSCORES")).isEqualTo(List.of("m", "0"));
        }
    }

    @Test
    void zinterAndZintercard() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "a", "1", "x", "2", "y", "3", "z");
            r(j, "ZADD", "b", "10", "y", "20", "z", "30", "w");
            assertThat(r(j, "ZINTER", "2", "a", "b", "WITHSCORES")).isEqualTo(List.of("y", "12", "z", "23"));
            assertThat(r(j, "ZINTER", "2", "a", "b", "AGGREGATE", "MAX", "WEIGHTS", "100", "1", "WITHSCORES"))
                    .isEqualTo(List.of("y", "200", "z", "300"));
            assertThat(r(j, "ZINTER", "2", "a", "missing")).isEqualTo(List.of());
            assertThat(r(j, "ZINTERCARD", "2", "a", "b")).isEqualTo(2L);
            assertThat(r(j, "ZINTERCARD", "2", "a", "b", "LIMIT", "1")).isEqualTo(1L);
            assertThat(r(j, "ZINTERCARD", "2", "a", "b", "LIMIT", "0")).isEqualTo(2L);
            assertError(j, "ERR LIMIT can't be negative", "ZINTERCARD", "2", "a", "b", "LIMIT", "-1");
            assertError(j, "ERR syntax error", "ZINTERCARD", "2", "a", "b", "WITHSCORES");
            assertThat(r(j, "ZINTERSTORE", "d", "2", "a", "b")).isEqualTo(2L);
            assertThat(r(j, "ZINTERSTORE", "d", "2", "a", "missing")).isEqualTo(0L);
            assertThat(j.exists("d")).isFalse();
        }
    }

    @Test
    void zdiffKeepsTheFirstSetsScores() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "a", "1", "x", "2", "y", "3", "z");
            r(j, "ZADD", "b", "10", "y");
            assertThat(r(j, "ZDIFF", "2", "a", "b", "WITHSCORES")).isEqualTo(List.of("x", "1", "z", "3"));
            assertThat(r(j, "ZDIFF", "2", "a", "a")).isEqualTo(List.of());
            assertThat(r(j, "ZDIFF", "2", "missing", "a")).isEqualTo(List.of());
            assertThat(r(j, "ZDIFFSTORE", "d", "2", "a", "b")).isEqualTo(2L);
            assertThat(r(j, "ZRANGE", "d", "0", "-1")).isEqualTo(List.of("x", "z"));
            assertError(j, "ERR syntax error", "ZDIFF", "2", "a", "b", "WEIGHTS", "1", "1");
            assertError(j, "ERR syntax error", "ZDIFFSTORE", "d", "2", "a", "b", "WITHSCORES");
        }
    }

    @Test
    void plainSetsAreInputsWhoseMembersScoreOne() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("ints", "1", "2", "3");          // intset
            j.sadd("words", "a", "b", "2");         // listpack
            r(j, "ZADD", "z", "10", "a", "20", "2");
            assertThat(r(j, "ZUNION", "3", "ints", "words", "z", "WEIGHTS", "1", "2", "1", "WITHSCORES"))
                    .isEqualTo(List.of("1", "1", "3", "1", "b", "2", "a", "12", "2", "23"));
            assertThat(r(j, "ZINTER", "2", "words", "z", "WITHSCORES")).isEqualTo(List.of("a", "11", "2", "21"));
            assertThat(r(j, "ZINTERCARD", "2", "ints", "words")).isEqualTo(1L);
            assertThat(r(j, "ZDIFF", "2", "ints", "z", "WITHSCORES")).isEqualTo(List.of("1", "1", "3", "1"));
            assertThat(r(j, "ZINTERSTORE", "d", "2", "ints", "ints")).isEqualTo(3L);
            assertThat(r(j, "ZRANGE", "d", "0", "-1", "WITHSCORES")).isEqualTo(List.of("1", "2", "2", "2", "3", "2"));
            j.del("ints");
            assertThat(r(j, "ZUNIONSTORE", "d", "1", "words")).isEqualTo(3L);
            j.sadd("words", "c");
            assertThat(r(j, "ZRANGE", "d", "0", "-1")).isEqualTo(List.of("2", "a", "b")); // a copy, not a view
        }
    }

    @Test
    void setOperationsCheckNumkeysAndOptions() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "a", "1", "x");
            assertError(j, "ERR at least 1 input key is needed for 'zunion' command", "ZUNION", "0", "a");
            assertError(j, "ERR at least 1 input key is needed for 'zinterstore' command", "ZINTERSTORE", "d", "0", "a");
            assertError(j, "ERR at least 1 input key is needed for 'zintercard' command", "ZINTERCARD", "0", "a");
            assertError(j, "ERR syntax error", "ZUNION", "2", "a");
            assertError(j, "ERR value is not an integer or out of range", "ZUNION", "x", "a");
            assertError(j, "ERR weight value is not a float", "ZUNION", "1", "a", "WEIGHTS", "x");
            assertError(j, "ERR syntax error", "ZUNION", "2", "a", "a", "WEIGHTS", "1");
            assertError(j, "ERR syntax error", "ZUNION", "1", "a", "AGGREGATE", "AVG");
            assertError(j, "ERR syntax error", "ZUNIONSTORE", "d", "1", "a", "WITHSCORES");
        }
    }

    // ================================================================ ZSCAN

    @Test
    void zscanReturnsSmallSetsInOneCallAndWalksBigOnes() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "small", "1", "a", "2.5", "b", "3", "c");
            assertThat(r(j, "ZSCAN", "small", "0")).isEqualTo(List.of("0", List.of("a", "1", "b", "2.5", "c", "3")));
            assertThat(r(j, "ZSCAN", "small", "0", "MATCH", "b*")).isEqualTo(List.of("0", List.of("b", "2.5")));
            assertThat(r(j, "ZSCAN", "missing", "0")).isEqualTo(List.of("0", List.of()));
            for (int i = 0; i < 1000; i++) r(j, "ZADD", "big", Integer.toString(i), "m" + i);
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                @SuppressWarnings("unchecked")
                List<Object> reply = (List<Object>) r(j, "ZSCAN", "big", cursor, "COUNT", "50");
                cursor = (String) reply.get(0);
                @SuppressWarnings("unchecked")
                List<String> items = (List<String>) reply.get(1);
                for (int i = 0; i < items.size(); i += 2) {
                    assertThat(items.get(i)).isEqualTo("m" + items.get(i + 1));
                    seen.add(items.get(i));
                }
                calls++;
            } while (!cursor.equals("0"));
            assertThat(seen).hasSize(1000);
            assertThat(calls).isGreaterThan(1);
            assertError(j, "ERR invalid cursor", "ZSCAN", "big", "x");
            assertError(j, "ERR syntax error", "ZSCAN", "big", "0", "COUNT", "0");
            assertError(j, "ERR syntax error", "ZSCAN", "big", "0", "NOVALUES");
        }
    }

    @Test
    void zscanOfASkiplistPrintsScoresWithSeventeenDigits() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "0.1", "a" + "x".repeat(70)); // one long member: skiplist from the start
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) r(j, "ZSCAN", "z", "0");
            assertThat(reply.get(1)).isEqualTo(List.of("a" + "x".repeat(70), "0.10000000000000001"));
            assertThat(r(j, "ZSCORE", "z", "a" + "x".repeat(70))).isEqualTo("0.1");
        }
    }

    // ================================================================ types, Lettuce

    @Test
    void typeIsZsetAndEmptiedSetsAreDeleted() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b");
            assertThat(j.type("z")).isEqualTo("zset");
            r(j, "ZPOPMIN", "z", "2");
            assertThat(j.exists("z")).isFalse();
            r(j, "ZADD", "z", "1", "a");
            r(j, "ZREMRANGEBYRANK", "z", "0", "-1");
            assertThat(j.exists("z")).isFalse();
            r(j, "ZADD", "z", "1", "a");
            r(j, "ZMPOP", "1", "z", "MAX");
            assertThat(j.exists("z")).isFalse();
        }
    }

    @Test
    void copyAndRenameCarryTheSortedSet() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "z", "1", "a", "2", "b");
            assertThat(j.copy("z", "c", false)).isTrue();
            r(j, "ZADD", "c", "3", "c");
            assertThat(r(j, "ZCARD", "z")).isEqualTo(2L);
            j.rename("c", "r");
            assertThat(r(j, "ZRANGE", "r", "0", "-1")).isEqualTo(List.of("a", "b", "c"));
        }
    }

    @Test
    void lettuceSpeaksToSortedSetsOverResp3() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> c = conn.sync();
            assertThat(c.zadd("board", ZAddArgs.Builder.ch(), ScoredValue.just(10, "ann"), ScoredValue.just(30, "bob"),
                    ScoredValue.just(20, "cy"))).isEqualTo(3L);
            assertThat(c.zincrby("board", 25, "ann")).isEqualTo(35.0);
            assertThat(c.zrevrangeWithScores("board", 0, 1))
                    .containsExactly(ScoredValue.just(35, "ann"), ScoredValue.just(30, "bob"));
            assertThat(c.zrevrank("board", "cy")).isEqualTo(2L);
            assertThat(c.zscore("board", "bob")).isEqualTo(30.0);
            assertThat(c.zrangebyscore("board", Range.create(15, 31))).containsExactly("cy", "bob");
            assertThat(c.zcount("board", Range.create(0, 100))).isEqualTo(3L);
            assertThat(c.zpopmin("board")).isEqualTo(ScoredValue.just(20, "cy"));
            assertThat(c.zmscore("board", "ann", "nobody")).containsExactly(35.0, null);
            assertThat(c.zunion("board", "board")).containsExactly("bob", "ann");
        }
    }
}
