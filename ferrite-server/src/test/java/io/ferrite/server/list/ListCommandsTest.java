package io.ferrite.server.list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.command.CommandFlags;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.LMPopArgs;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.LPosArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.util.SafeEncoder;

class ListCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    private static Object cmd(Jedis j, String... args) {
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return j.sendCommand(() -> SafeEncoder.encode(args[0]), rest);
    }

    private static String encoding(Jedis j, String key) {
        return j.objectEncoding(key);
    }

    // ---- push and length

    @Test
    void pushesAddAtEitherEndAndReplyTheLength() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.rpush("l", "b", "c")).isEqualTo(2);
            assertThat(j.lpush("l", "a", "z")).isEqualTo(4); // LPUSH pushes one at a time: z ends first
            assertThat(j.lrange("l", 0, -1)).containsExactly("z", "a", "b", "c");
            assertThat(j.llen("l")).isEqualTo(4);
            assertThat(j.llen("missing")).isZero();
            assertThat(j.type("l")).isEqualTo("list");
        }
    }

    @Test
    void pushxOnlyPushesOntoExistingLists() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.lpushx("l", "a")).isZero();
            assertThat(j.rpushx("l", "a")).isZero();
            assertThat(j.exists("l")).isFalse();
            j.rpush("l", "m");
            assertThat(j.lpushx("l", "a", "b")).isEqualTo(3);
            assertThat(j.rpushx("l", "y", "z")).isEqualTo(5);
            assertThat(j.lrange("l", 0, -1)).containsExactly("b", "a", "m", "y", "z");
        }
    }

    @Test
    void everyListCommandRepliesWrongTypeOnAString() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "v");
            String[][] calls = {{"lpush", "s", "a"}, {"rpush", "s", "a"}, {"lpushx", "s", "a"}, {"rpushx", "s", "a"},
                    {"linsert", "s", "before", "a", "b"}, {"llen", "s"}, {"lindex", "s", "0"}, {"lset", "s", "0", "a"},
                    {"lrange", "s", "0", "-1"}, {"ltrim", "s", "0", "1"}, {"lrem", "s", "0", "a"}, {"lpos", "s", "a"},
                    {"lpop", "s"}, {"rpop", "s", "2"}, {"lmpop", "1", "s", "left"}, {"lmove", "s", "d", "left", "left"},
                    {"rpoplpush", "s", "d"}, {"blpop", "s", "0"}, {"brpop", "s", "0"}, {"blmpop", "0", "1", "s", "left"},
                    {"blmove", "s", "d", "left", "right", "0"}, {"brpoplpush", "s", "d", "0"}};
            for (String[] c : calls) assertError(() -> cmd(j, c), WRONGTYPE);
            assertThat(j.get("s")).isEqualTo("v");
        }
    }

    @Test
    void arityErrorsNameTheCommand() {
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> cmd(j, "lpush", "l"), "ERR wrong number of arguments for 'lpush' command");
            assertError(() -> cmd(j, "lpop", "l", "1", "2"), "ERR wrong number of arguments for 'lpop' command");
            assertError(() -> cmd(j, "rpop", "l", "1", "2"), "ERR wrong number of arguments for 'rpop' command");
            assertError(() -> cmd(j, "blpop", "l"), "ERR wrong number of arguments for 'blpop' command");
            assertError(() -> cmd(j, "lmpop", "1", "l"), "ERR wrong number of arguments for 'lmpop' command");
            assertError(() -> cmd(j, "blmove", "a", "b", "left", "left"), "ERR wrong number of arguments for 'blmove' command");
        }
    }

    // ---- read commands

    @Test
    void lrangeClampsAndTakesNegativeIndexes() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "0", "1", "2", "3", "4", "5");
            assertThat(j.lrange("l", 1, 3)).containsExactly("1", "2", "3");
            assertThat(j.lrange("l", -2, -1)).containsExactly("4", "5");
            assertThat(j.lrange("l", -100, 100)).hasSize(6);
            assertThat(j.lrange("l", 4, 2)).isEmpty();
            assertThat(j.lrange("l", 6, 10)).isEmpty();
            assertThat(j.lrange("l", 0, -7)).isEmpty();
            assertThat(j.lrange("missing", 0, -1)).isEmpty();
            assertError(() -> cmd(j, "lrange", "l", "a", "1"), "ERR value is not an integer or out of range");
            assertError(() -> cmd(j, "lrange", "missing", "0", "1.5"), "ERR value is not an integer or out of range");
        }
    }

    @Test
    void lindexReadsByPositionFromEitherEnd() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b", "c");
            assertThat(j.lindex("l", 0)).isEqualTo("a");
            assertThat(j.lindex("l", -1)).isEqualTo("c");
            assertThat(j.lindex("l", 3)).isNull();
            assertThat(j.lindex("l", -4)).isNull();
            assertThat(j.lindex("missing", 0)).isNull();
            // The key is looked up before the index is parsed, as in Redis.
            assertThat(cmd(j, "lindex", "missing", "x")).isNull();
            assertError(() -> cmd(j, "lindex", "l", "x"), "ERR value is not an integer or out of range");
        }
    }

    @Test
    void lposFindsPositionsWithRankCountAndMaxlen() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c");
            assertThat(j.lpos("l", "c")).isEqualTo(2);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().rank(2))).isEqualTo(6);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().rank(-1))).isEqualTo(7);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().rank(-3))).isEqualTo(2);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().rank(4))).isNull();
            assertThat(j.lpos("l", "c", LPosParams.lPosParams(), 0)).containsExactly(2L, 6L, 7L);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams(), 2)).containsExactly(2L, 6L);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().rank(-1), 2)).containsExactly(7L, 6L);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().rank(2), 0)).containsExactly(6L, 7L);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().maxlen(3))).isEqualTo(2);
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().maxlen(2))).isNull();
            assertThat(j.lpos("l", "c", LPosParams.lPosParams().maxlen(7), 0)).containsExactly(2L, 6L);
            assertThat(j.lpos("l", "zz")).isNull();
            assertThat(j.lpos("l", "zz", LPosParams.lPosParams(), 0)).isEmpty();
            assertThat(j.lpos("missing", "zz")).isNull();
            assertThat(j.lpos("missing", "zz", LPosParams.lPosParams(), 1)).isEmpty();
        }
    }

    @Test
    void lposArgumentErrorsUseRedisTexts() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a");
            assertError(() -> cmd(j, "lpos", "l", "a", "rank", "0"), "ERR RANK can't be zero: use 1 to start from the "
                    + "first match, 2 from the second ... or use negative to start from the end of the list");
            assertError(() -> cmd(j, "lpos", "l", "a", "rank", "-9223372036854775808"),
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            assertError(() -> cmd(j, "lpos", "l", "a", "rank", "x"), "ERR value is not an integer or out of range");
            assertError(() -> cmd(j, "lpos", "l", "a", "count", "-1"), "ERR COUNT can't be negative");
            assertError(() -> cmd(j, "lpos", "l", "a", "count", "x"), "ERR COUNT can't be negative");
            assertError(() -> cmd(j, "lpos", "l", "a", "maxlen", "-1"), "ERR MAXLEN can't be negative");
            assertError(() -> cmd(j, "lpos", "l", "a", "rank"), "ERR syntax error");
            assertError(() -> cmd(j, "lpos", "l", "a", "foo", "1"), "ERR syntax error");
            // Options are parsed before the key is looked up.
            assertError(() -> cmd(j, "lpos", "missing", "a", "rank", "0"), "ERR RANK can't be zero: use 1 to start "
                    + "from the first match, 2 from the second ... or use negative to start from the end of the list");
        }
    }

    // ---- write commands

    @Test
    void lsetReplacesByIndexWithRedisErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b", "c");
            assertThat(j.lset("l", 1, "B")).isEqualTo("OK");
            assertThat(j.lset("l", -1, "C")).isEqualTo("OK");
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "B", "C");
            assertError(() -> j.lset("l", 3, "x"), "ERR index out of range");
            assertError(() -> j.lset("l", -4, "x"), "ERR index out of range");
            assertError(() -> j.lset("missing", 0, "x"), "ERR no such key");
            assertError(() -> cmd(j, "lset", "missing", "x", "x"), "ERR no such key");
            assertError(() -> cmd(j, "lset", "l", "x", "x"), "ERR value is not an integer or out of range");
        }
    }

    @Test
    void linsertPlacesAroundTheFirstPivot() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "c", "a");
            assertThat(j.linsert("l", ListPosition.BEFORE, "a", "0")).isEqualTo(4);
            assertThat(j.linsert("l", ListPosition.AFTER, "a", "b")).isEqualTo(5);
            assertThat(j.lrange("l", 0, -1)).containsExactly("0", "a", "b", "c", "a");
            assertThat(j.linsert("l", ListPosition.AFTER, "zz", "x")).isEqualTo(-1);
            assertThat(j.linsert("missing", ListPosition.AFTER, "a", "x")).isZero();
            assertThat(j.exists("missing")).isFalse();
            assertError(() -> cmd(j, "linsert", "l", "middle", "a", "x"), "ERR syntax error");
            assertError(() -> cmd(j, "linsert", "missing", "middle", "a", "x"), "ERR syntax error");
        }
    }

    @Test
    void lremRemovesFromTheHeadTheTailOrEverywhere() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "x", "a", "x", "b", "x", "c", "x");
            assertThat(j.lrem("l", 2, "x")).isEqualTo(2);
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b", "x", "c", "x");
            assertThat(j.lrem("l", -1, "x")).isEqualTo(1);
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b", "x", "c");
            j.rpush("l", "x", "x");
            assertThat(j.lrem("l", 0, "x")).isEqualTo(3);
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b", "c");
            assertThat(j.lrem("l", 0, "zz")).isZero();
            assertThat(j.lrem("missing", 0, "a")).isZero();
            assertError(() -> cmd(j, "lrem", "l", "x", "a"), "ERR value is not an integer or out of range");
        }
    }

    @Test
    void ltrimKeepsARange() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "0", "1", "2", "3", "4", "5");
            assertThat(j.ltrim("l", 1, -2)).isEqualTo("OK");
            assertThat(j.lrange("l", 0, -1)).containsExactly("1", "2", "3", "4");
            j.ltrim("l", -2, 100);
            assertThat(j.lrange("l", 0, -1)).containsExactly("3", "4");
            assertThat(j.ltrim("missing", 0, 1)).isEqualTo("OK");
            assertError(() -> cmd(j, "ltrim", "l", "0", "x"), "ERR value is not an integer or out of range");
        }
    }

    @Test
    void emptiedListsAreDeletedByEveryRemovingCommand() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a");
            j.lpop("l");
            assertThat(j.exists("l")).isFalse();
            j.rpush("l", "a", "b");
            j.rpop("l", 5);
            assertThat(j.exists("l")).isFalse();
            j.rpush("l", "a", "a");
            j.lrem("l", 0, "a");
            assertThat(j.exists("l")).isFalse();
            j.rpush("l", "a", "b");
            j.ltrim("l", 5, 10);
            assertThat(j.exists("l")).isFalse();
            j.rpush("l", "a");
            j.lmove("l", "other", ListDirection.LEFT, ListDirection.LEFT);
            assertThat(j.exists("l")).isFalse();
            j.lmpop(ListDirection.LEFT, 10, "other");
            assertThat(j.exists("other")).isFalse();
            j.rpush("l", "a");
            j.blpop(0.0, "l");
            assertThat(j.exists("l")).isFalse();
            assertThat(j.dbSize()).isZero();
        }
    }

    // ---- pops

    @Test
    void popWithoutCountRepliesOneElementOrNull() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b", "c");
            assertThat(j.lpop("l")).isEqualTo("a");
            assertThat(j.rpop("l")).isEqualTo("c");
            assertThat(j.lpop("missing")).isNull();
        }
    }

    @Test
    void popWithCountRepliesAnArray() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b", "c", "d", "e");
            assertThat(j.lpop("l", 2)).containsExactly("a", "b");
            assertThat(j.rpop("l", 2)).containsExactly("e", "d");
            assertThat(j.lpop("l", 0)).isEmpty();
            assertThat(j.rpop("l", 10)).containsExactly("c");
            assertThat(j.lpop("missing", 2)).isNull();
            assertThat(j.lpop("missing", 0)).isNull();
            assertError(() -> cmd(j, "lpop", "l", "-1"), "ERR value is out of range, must be positive");
            assertError(() -> cmd(j, "rpop", "l", "x"), "ERR value is out of range, must be positive");
        }
    }

    @Test
    void popRepliesInResp2AndResp3() throws Exception {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            r.command("RPUSH", "l", "a", "b", "c");
            r.readReply();
            r.command("LPOP", "missing");
            assertThat(r.readReply()).isEqualTo("$-1\r\n");
            r.command("LPOP", "missing", "2");
            assertThat(r.readReply()).isEqualTo("*-1\r\n");
            r.command("LPOP", "l", "0");
            assertThat(r.readReply()).isEqualTo("*0\r\n");
            r.command("LMPOP", "1", "missing", "LEFT");
            assertThat(r.readReply()).isEqualTo("*-1\r\n");
            r.command("HELLO", "3");
            r.readReply();
            r.command("LPOP", "missing");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("LPOP", "missing", "2");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("LINDEX", "l", "9");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("LPOS", "l", "zz");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("LMOVE", "missing", "d", "LEFT", "LEFT");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("LMPOP", "2", "missing", "l", "RIGHT", "COUNT", "2");
            assertThat(r.readReply()).isEqualTo("*2\r\n$1\r\nl\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
            r.command("LPOS", "l", "a", "COUNT", "0");
            assertThat(r.readReply()).isEqualTo("*1\r\n:0\r\n");
        }
    }

    @Test
    void lmpopPopsFromTheFirstNonEmptyList() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("b", "1", "2", "3");
            j.rpush("c", "x");
            var kv = j.lmpop(ListDirection.LEFT, "a", "b", "c");
            assertThat(kv.getKey()).isEqualTo("b");
            assertThat(kv.getValue()).containsExactly("1");
            kv = j.lmpop(ListDirection.RIGHT, 5, "a", "b", "c");
            assertThat(kv.getKey()).isEqualTo("b");
            assertThat(kv.getValue()).containsExactly("3", "2");
            assertThat(j.exists("b")).isFalse();
            assertThat(j.lmpop(ListDirection.LEFT, "a", "b")).isNull();
        }
    }

    @Test
    void lmpopArgumentErrorsUseRedisTexts() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a");
            assertError(() -> cmd(j, "lmpop", "0", "l", "left"), "ERR numkeys should be greater than 0");
            assertError(() -> cmd(j, "lmpop", "x", "l", "left"), "ERR numkeys should be greater than 0");
            assertError(() -> cmd(j, "lmpop", "5", "l", "left"), "ERR syntax error");
            assertError(() -> cmd(j, "lmpop", "9223372036854775807", "l", "left"), "ERR syntax error");
            assertError(() -> cmd(j, "lmpop", "1", "l", "middle"), "ERR syntax error");
            assertError(() -> cmd(j, "lmpop", "1", "l", "left", "count", "0"), "ERR count should be greater than 0");
            assertError(() -> cmd(j, "lmpop", "1", "l", "left", "count", "x"), "ERR count should be greater than 0");
            assertError(() -> cmd(j, "lmpop", "1", "l", "left", "count", "1", "count", "1"), "ERR syntax error");
            assertError(() -> cmd(j, "lmpop", "1", "l", "left", "count"), "ERR syntax error");
            assertError(() -> cmd(j, "blmpop", "-1", "1", "l", "left"), "ERR timeout is negative");
            assertError(() -> cmd(j, "blmpop", "0", "0", "l", "left"), "ERR numkeys should be greater than 0");
            assertThat(j.llen("l")).isEqualTo(1);
        }
    }

    // ---- moves

    @Test
    void lmoveMovesBetweenAnyEnds() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("src", "a", "b", "c", "d");
            assertThat(j.lmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
            assertThat(j.lmove("src", "dst", ListDirection.RIGHT, ListDirection.LEFT)).isEqualTo("d");
            assertThat(j.lmove("src", "dst", ListDirection.LEFT, ListDirection.LEFT)).isEqualTo("b");
            assertThat(j.rpoplpush("src", "dst")).isEqualTo("c");
            assertThat(j.exists("src")).isFalse();
            assertThat(j.lrange("dst", 0, -1)).containsExactly("c", "b", "d", "a");
            assertThat(j.lmove("missing", "dst", ListDirection.LEFT, ListDirection.LEFT)).isNull();
            assertThat(j.rpoplpush("missing", "dst")).isNull();
            assertError(() -> cmd(j, "lmove", "dst", "x", "up", "left"), "ERR syntax error");
            assertError(() -> cmd(j, "lmove", "dst", "x", "left", "down"), "ERR syntax error");
        }
    }

    @Test
    void lmoveOnTheSameListRotates() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b", "c");
            assertThat(j.rpoplpush("l", "l")).isEqualTo("c");
            assertThat(j.lmove("l", "l", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("c");
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b", "c");
            j.del("one");
            j.rpush("one", "x");
            assertThat(j.rpoplpush("one", "one")).isEqualTo("x");
            assertThat(j.lrange("one", 0, -1)).containsExactly("x");
        }
    }

    @Test
    void lmoveToAWrongTypeDestinationKeepsTheSource() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("src", "a");
            j.set("s", "v");
            assertError(() -> j.lmove("src", "s", ListDirection.LEFT, ListDirection.LEFT), WRONGTYPE);
            assertError(() -> j.rpoplpush("src", "s"), WRONGTYPE);
            assertThat(j.lrange("src", 0, -1)).containsExactly("a");
        }
    }

    // ---- encodings

    @Test
    void smallListsAreListpacksAndGrowIntoQuicklistsAtTheCountLimit() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("list-max-listpack-size", "4");
            try {
                j.rpush("l", "a", "b", "c", "d");
                assertThat(encoding(j, "l")).isEqualTo("listpack");
                j.rpush("l", "e");
                assertThat(encoding(j, "l")).isEqualTo("quicklist");
                j.rpop("l", 2);
                assertThat(encoding(j, "l")).as("3 > half of 4").isEqualTo("quicklist");
                j.rpop("l");
                assertThat(encoding(j, "l")).isEqualTo("listpack");
                // LPUSH of many at once converts before pushing.
                j.del("m");
                j.lpush("m", "1", "2", "3", "4", "5");
                assertThat(encoding(j, "m")).isEqualTo("quicklist");
            } finally {
                j.configSet("list-max-listpack-size", "-2");
            }
        }
    }

    @Test
    void defaultSizeLimitIsEightKilobytesOfListpack() {
        try (Jedis j = ferrite.jedis()) {
            // 7 header bytes + 8 x (2 + 1000 + 2) = 8039; a 153-byte element makes 8192: still a listpack.
            String k = "x".repeat(1000);
            for (int i = 0; i < 8; i++) j.rpush("l", k);
            j.rpush("l", "y".repeat(153));
            assertThat(encoding(j, "l")).isEqualTo("listpack");
            j.rpush("l", "z");
            assertThat(encoding(j, "l")).isEqualTo("quicklist");
            // Back to a listpack only as one node within half the limit (4096 bytes).
            j.ltrim("l", 0, 4);
            assertThat(encoding(j, "l")).isEqualTo("quicklist");
            j.ltrim("l", 0, 3);
            assertThat(encoding(j, "l")).isEqualTo("listpack");
        }
    }

    @Test
    void conversionsFollowRedisForEveryGrowingAndShrinkingCommand() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("list-max-listpack-size", "-1");
            try {
                String large = "x".repeat(5000);
                j.rpush("lst", "a", "b", "c");
                j.linsert("lst", ListPosition.AFTER, "b", large);
                assertThat(encoding(j, "lst")).isEqualTo("quicklist");
                j.del("lst");
                j.rpush("lst", "a", "b", "c");
                j.lset("lst", 0, large);
                assertThat(encoding(j, "lst")).isEqualTo("quicklist");
                j.del("lsrc", "ldst");
                j.rpush("lsrc", "a", "b", "c", large);
                j.rpush("ldst", "d", "e", "f");
                j.lmove("lsrc", "ldst", ListDirection.RIGHT, ListDirection.RIGHT);
                assertThat(encoding(j, "ldst")).isEqualTo("quicklist");
                assertThat(encoding(j, "lsrc")).isEqualTo("listpack");
                // Shrinking: RPOP, LREM, LTRIM, LSET.
                j.del("lst");
                j.rpush("lst", "a", "b", "c", large);
                j.rpop("lst");
                assertThat(encoding(j, "lst")).isEqualTo("listpack");
                j.del("lst");
                j.rpush("lst", "a", large);
                j.lrem("lst", 1, large);
                assertThat(encoding(j, "lst")).isEqualTo("listpack");
                j.del("lst");
                j.rpush("lst", large, "a", "b");
                j.rpop("lst", 2);
                assertThat(encoding(j, "lst")).isEqualTo("quicklist");
                j.lset("lst", -1, "c");
                assertThat(encoding(j, "lst")).isEqualTo("listpack");
                // 0 counts as 1; below -5 as -5 (64 KiB).
                j.configSet("list-max-listpack-size", "0");
                j.del("lst");
                j.rpush("lst", "a");
                assertThat(encoding(j, "lst")).isEqualTo("listpack");
                j.rpush("lst", "b");
                assertThat(encoding(j, "lst")).isEqualTo("quicklist");
                j.configSet("list-max-listpack-size", "-6");
                j.del("lst");
                j.rpush("lst", "x".repeat(60000));
                assertThat(encoding(j, "lst")).isEqualTo("listpack");
                j.rpush("lst", "x".repeat(5536));
                assertThat(encoding(j, "lst")).isEqualTo("quicklist");
            } finally {
                j.configSet("list-max-listpack-size", "-2");
            }
        }
    }

    @Test
    void bigListsKeepEveryElementInOrder() {
        try (Jedis j = ferrite.jedis()) {
            List<String> expected = new ArrayList<>();
            var p = j.pipelined();
            for (int i = 0; i < 20_000; i++) {
                p.rpush("big", "element-" + i);
                expected.add("element-" + i);
            }
            p.sync();
            assertThat(encoding(j, "big")).isEqualTo("quicklist");
            assertThat(j.llen("big")).isEqualTo(20_000);
            assertThat(j.lindex("big", 12_345)).isEqualTo("element-12345");
            assertThat(j.lindex("big", -2)).isEqualTo("element-19998");
            assertThat(j.lrange("big", 0, -1)).isEqualTo(expected);
            assertThat(j.lpos("big", "element-15000")).isEqualTo(15_000);
            j.lset("big", 10_000, "changed");
            assertThat(j.lindex("big", 10_000)).isEqualTo("changed");
            j.linsert("big", ListPosition.BEFORE, "changed", "inserted");
            assertThat(j.lrange("big", 9_999, 10_001)).containsExactly("element-9999", "inserted", "changed");
            j.ltrim("big", 100, -101);
            assertThat(j.llen("big")).isEqualTo(19_801);
            assertThat(j.lindex("big", 0)).isEqualTo("element-100");
        }
    }

    // ---- keyspace integration

    private static long changes() {
        return ferrite.server().keyspace().stats().dirty.sum();
    }

    private static void assertChanges(Runnable call, long expected) {
        long before = changes();
        call.run();
        assertThat(changes() - before).isEqualTo(expected);
    }

    /** INFO rdb_changes_since_last_save counts as Redis: one per element pushed or removed. */
    @Test
    void changeCounterCountsElementsAsRedisDoes() {
        try (Jedis j = ferrite.jedis()) {
            assertChanges(() -> j.rpush("l", "a", "b", "c", "d", "e", "f"), 6);
            assertChanges(() -> j.lpush("l", "z"), 1);
            assertChanges(() -> j.lpop("l", 2), 2);
            assertChanges(() -> j.rpop("l"), 1);
            assertChanges(() -> j.lmove("l", "m", ListDirection.LEFT, ListDirection.LEFT), 1);
            assertChanges(() -> j.lmove("l", "l", ListDirection.LEFT, ListDirection.RIGHT), 1);
            assertChanges(() -> j.lset("l", 0, "x"), 1);
            assertChanges(() -> j.linsert("l", ListPosition.AFTER, "x", "y"), 1);
            assertChanges(() -> j.linsert("l", ListPosition.AFTER, "zz", "y"), 0);
            assertChanges(() -> j.lrem("l", 0, "y"), 1);
            assertChanges(() -> j.lrem("l", 0, "zz"), 0);
            assertChanges(() -> j.ltrim("l", 0, -1), 0);
            assertChanges(() -> j.ltrim("l", 1, 1), 2); // x e c → e
            assertChanges(() -> j.lmpop(ListDirection.LEFT, 5, "l"), 1);
            assertChanges(() -> j.blpop(0.0, "m"), 1);
            assertThat(j.dbSize()).isZero();
        }
    }

    @Test
    void copyRenameAndObjectWorkOnLists() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "a", "b");
            assertThat(j.copy("l", "c", false)).isTrue();
            j.rpush("c", "z");
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "b");
            assertThat(j.lrange("c", 0, -1)).containsExactly("a", "b", "z");
            j.rename("c", "d");
            assertThat(j.lrange("d", 0, -1)).containsExactly("a", "b", "z");
            assertThat(j.objectEncoding("d")).isEqualTo("listpack");
        }
    }

    @Test
    void dumpAndRestoreRoundTripListsOfEveryEncoding() {
        try (Jedis j = ferrite.jedis()) {
            String[] values = {"127", "32767", "2147483647", "9223372036854775808", "0", "12", "-7",
                    "x".repeat(31), "x".repeat(8191), "x".repeat(65535)};
            j.lpush("k", values);
            assertThat(encoding(j, "k")).isEqualTo("quicklist");
            List<String> before = j.lrange("k", 0, -1);
            assertThat(j.restore("kk", 0, j.dump("k"))).isEqualTo("OK");
            assertThat(encoding(j, "kk")).isEqualTo("quicklist");
            assertThat(j.lrange("kk", 0, -1)).isEqualTo(before);
            j.rpush("small", "a", "1");
            j.restore("small2", 0, j.dump("small"));
            assertThat(encoding(j, "small2")).isEqualTo("listpack");
            assertThat(j.lrange("small2", 0, -1)).containsExactly("a", "1");
        }
    }

    /** DUMP of redis-server 7.0.15 (RDB 10, quicklist-2 with one listpack node, LZF-compressed). */
    @Test
    void restoresAListDumpedByRedis7() {
        byte[] payload = java.util.HexFormat.of().parseHex("120102c3405b409c1f9c0000000f0081610200017f01dfff02cfff"
                + "02d00002f1ff7f03f1008003f2ff04ff7f04f3ff20050105f32028028005f4200b40001d7f09933932323333373230333638"
                + "353437373538303814822d3003e04678e03c000148ff0a007d8386d589889d87");
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.restore("l".getBytes(), 0, payload)).isEqualTo("OK");
            assertThat(j.lrange("l", 0, -1)).containsExactly("a", "0", "127", "-1", "4095", "-4096", "32767",
                    "-32768", "8388607", "2147483647", "-2147483648", "9223372036854775807", "9223372036854775808",
                    "-0", "x".repeat(70));
            assertThat(encoding(j, "l")).isEqualTo("listpack");
        }
    }

    @Test
    void restoreRejectsACorruptListpack() {
        byte[] payload = java.util.HexFormat.of().parseHex("120102c3405b409c1f9c0000000f0081610200017f01dfff02cfff"
                + "02d00002f1ff7f03f1008003f2ff04ff7f04f3ff20050105f32028028005f4200b40001d7f09933932323333373230333638"
                + "353437373538303814822d3003e04678e03c000148ff0a007d8386d589889d87");
        // A valid payload around a listpack that declares 2 elements and holds 1.
        byte[] lp = {10, 0, 0, 0, 2, 0, (byte) 0x81, 'a', 2, (byte) 0xff};
        byte[] bad = withFooter(concat(new byte[] {18, 1, 2, (byte) lp.length}, lp));
        byte[] fixed = lp.clone();
        fixed[4] = 1;
        byte[] good = withFooter(concat(new byte[] {18, 1, 2, (byte) lp.length}, fixed));
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> j.restore("l".getBytes(), 0, bad), "ERR Bad data format");
            assertThat(j.restore("l".getBytes(), 0, good)).isEqualTo("OK");
            assertThat(j.lrange("l", 0, -1)).containsExactly("a");
            assertThat(j.restore("ok".getBytes(), 0, payload)).isEqualTo("OK");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] withFooter(byte[] body) {
        byte[] r = java.util.Arrays.copyOf(body, body.length + 10);
        r[body.length] = 11;
        return withFooterVersion(r);
    }

    /** Recomputes the checksum of a payload after its version bytes. */
    private static byte[] withFooterVersion(byte[] r) {
        int bodyLength = r.length - 10;
        long crc = 0; // CRC-64/Jones as Redis: reflected, polynomial 0xad93d23594c935a9
        for (int i = 0; i < bodyLength + 2; i++) {
            crc ^= r[i] & 0xff;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
        }
        for (int i = 0; i < 8; i++) r[bodyLength + 2 + i] = (byte) (crc >>> (8 * i));
        return r;
    }

    // ---- interoperability with a real redis-server, when one is installed

    private static Process redisProcess;
    private static int redisPort;

    private static Jedis redis() throws Exception {
        if (redisProcess == null) {
            String path = null;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (new java.io.File(dir, "redis-server").canExecute()) path = dir + "/redis-server";
            }
            Assumptions.assumeTrue(path != null, "redis-server is not on PATH: skipping interoperability");
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                redisPort = s.getLocalPort();
            }
            redisProcess = new ProcessBuilder(path, "--port", Integer.toString(redisPort), "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
        if (redisProcess != null) {
            redisProcess.destroy();
            redisProcess.waitFor();
        }
    }

    private static List<String> sampleList() {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < 3000; i++) v.add(i % 3 == 0 ? Integer.toString(i * 7919 - 100_000) : "element:" + i);
        v.add("y".repeat(9000));
        v.add("");
        v.add("9223372036854775808");
        return v;
    }

    @Test
    void ferriteListDumpsRestoreInRedis() throws Exception {
        try (Jedis r = redis(); Jedis j = ferrite.jedis()) {
            List<String> v = sampleList();
            j.rpush("k", v.toArray(new String[0]));
            byte[] p = j.dump("k");
            // Redis before 7.2 refuses RDB version 11 (7.2 takes both); RDB_TYPE_LIST is the same in 10.
            p[p.length - 10] = 10;
            p = withFooterVersion(p);
            r.del("k");
            assertThat(r.restore("k".getBytes(), 0, p)).isEqualTo("OK");
            assertThat(r.lrange("k", 0, -1)).isEqualTo(v);
        }
    }

    @Test
    void redisListDumpsRestoreInFerrite() throws Exception {
        try (Jedis r = redis(); Jedis j = ferrite.jedis()) {
            List<String> v = sampleList();
            r.del("k");
            r.rpush("k", v.toArray(new String[0]));
            assertThat(j.restore("k".getBytes(), 0, r.dump("k"))).isEqualTo("OK");
            assertThat(j.lrange("k", 0, -1)).isEqualTo(v);
            assertThat(encoding(j, "k")).isEqualTo("quicklist");
        }
    }

    // ---- Lettuce (RESP3)

    @Test
    void lettuceSeesTheSameLists() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            assertThat(r.rpush("l", "a", "b", "c", "b")).isEqualTo(4);
            assertThat(r.lrange("l", 0, -1)).containsExactly("a", "b", "c", "b");
            assertThat(r.lpos("l", "b", 0, LPosArgs.Builder.rank(1))).containsExactly(1L, 3L);
            assertThat(r.lmove("l", "d", LMoveArgs.Builder.rightLeft())).isEqualTo("b");
            var popped = r.lmpop(LMPopArgs.Builder.left().count(2), "missing", "l");
            assertThat(popped.getKey()).isEqualTo("l");
            assertThat(popped.getValue()).containsExactly("a", "b");
            assertThat(r.lpop("missing")).isNull();
            assertThat(r.blpop(1, "d").getValue()).isEqualTo("b");
            assertThat(r.blpop(0.05, "d")).isNull();
        }
    }

    @Test
    void keySpecsCoverEveryKeyTheCommandsTouch() {
        var table = ferrite.server().commandTable();
        var blpop = table.lookup("blpop");
        assertThat(new int[] {blpop.arity(), blpop.firstKey(), blpop.lastKey(), blpop.keyStep()})
                .containsExactly(-3, 1, -2, 1);
        assertThat(blpop.flags() & CommandFlags.BLOCKING).isNotZero();
        var blmove = table.lookup("blmove");
        assertThat(new int[] {blmove.arity(), blmove.firstKey(), blmove.lastKey(), blmove.keyStep()})
                .containsExactly(6, 1, 2, 1);
        for (String numkeys : new String[] {"lmpop", "blmpop"}) {
            var spec = table.lookup(numkeys);
            assertThat(spec.flags() & CommandFlags.LOCK_ALL).as(numkeys).isNotZero();
            assertThat(spec.flags() & CommandFlags.MOVABLE_KEYS).as(numkeys).isNotZero();
        }
        assertThat(table.lookup("lrange").flags() & CommandFlags.READONLY).isNotZero();
    }
}
