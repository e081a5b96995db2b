package io.ferrite.server.sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.Replies;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** SORT and SORT_RO over a socket (Jedis), against Redis 7.2's replies and error texts. */
class SortCommandTest {
    @RegisterExtension
    // Four event loops, so that two connections run on different threads (the locking test).
    static FerriteExtension ferrite = new FerriteExtension().with("list-max-listpack-size", "16")
            .with("io-threads", "4");

    private static final String NOT_DOUBLE = "ERR One or more scores can't be converted into double";
    private static final String SYNTAX = "ERR syntax error";
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";

    /** Sends any command; bulk replies come back as Strings (UTF-8), nil as null, arrays as lists. */
    private static Object call(Jedis j, String... args) {
        return Replies.send(j, args);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> sort(Jedis j, String... args) {
        return (List<Object>) call(j, prepend("SORT", args));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> sortRo(Jedis j, String... args) {
        return (List<Object>) call(j, prepend("SORT_RO", args));
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static void assertError(Jedis j, String message, String... args) {
        assertThatThrownBy(() -> call(j, args)).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    // ---- input types and plain sorting

    @Test
    void sortsListsSetsAndSortedSetsNumericallyAscOrDesc() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "3", "10", "-1.5", "2");
            j.sadd("s", "3", "10", "-1.5", "2");
            j.zadd("z", Map.of("3", 1.0, "10", 2.0, "-1.5", 3.0, "2", 4.0));
            for (String key : new String[] {"l", "s", "z"}) {
                assertThat(sort(j, key)).as(key).containsExactly("-1.5", "2", "3", "10");
                assertThat(sort(j, key, "ASC")).as(key).containsExactly("-1.5", "2", "3", "10");
                assertThat(sort(j, key, "DESC")).as(key).containsExactly("10", "3", "2", "-1.5");
                assertThat(sort(j, key, "DESC", "ASC")).as(key).containsExactly("-1.5", "2", "3", "10");
            }
        }
    }

    @Test
    void sortsFloatsNumericallyNotAsText() {
        try (Jedis j = ferrite.jedis()) {
            j.lpush("l", "1.1", "5.10", "3.10", "7.44", "2.1", "5.75", "6.12", "0.25", "1.15");
            assertThat(sort(j, "l")).containsExactly("0.25", "1.1", "1.15", "2.1", "3.10", "5.10", "5.75", "6.12", "7.44");
        }
    }

    @Test
    void readsWeightsAsStrtodDoes() {
        try (Jedis j = ferrite.jedis()) {
            // strtod takes leading space, hexadecimal, exponents, inf; "" converts nothing and reads as 0.
            j.rpush("l", " 3", "0x10", "1e1", "-inf", "", "inf", "+.5");
            assertThat(sort(j, "l")).containsExactly("-inf", "", "+.5", " 3", "1e1", "0x10", "inf");
        }
    }

    @Test
    void weightsThatAreNotNumbersFailWithRedisText() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "1", "2", "3", "4", "not-a-double");
            assertError(j, NOT_DOUBLE, "SORT", "s");
            for (String bad : new String[] {"3 ", "nan", "1e400", "1e-400", "0x", "1e"}) {
                j.del("l");
                j.rpush("l", "1", bad);
                assertError(j, NOT_DOUBLE, "SORT", "l");
            }
            j.mset("score:1", "10", "score:2", "20", "score:3", "30", "score:4", "not-a-double");
            j.del("s");
            j.sadd("s", "1", "2", "3", "4");
            assertError(j, NOT_DOUBLE, "SORT", "s", "BY", "score:*");
            // Nothing is stored when the weights fail; the destination keeps its value.
            j.set("dst", "kept");
            assertError(j, NOT_DOUBLE, "SORT", "s", "BY", "score:*", "STORE", "dst");
            assertThat(j.get("dst")).isEqualTo("kept");
        }
    }

    @Test
    void equalWeightsAreOrderedByElementBytes() {
        try (Jedis j = ferrite.jedis()) {
            String[] members = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "l", "m", "n", "o", "p", "q", "r", "s",
                    "t", "u", "v", "z", "aa", "aaa", "azz"};
            j.sadd("s", members);
            for (String m : members) j.set("score:" + m, "100");
            assertThat(sort(j, "s", "BY", "score:*")).containsExactly("a", "aa", "aaa", "azz", "b", "c", "d", "e", "f",
                    "g", "h", "i", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "z");
            // Equal numbers too: 1 and 1.0 tie, and the bytes decide ("1" < "1.0"); DESC reverses both.
            j.rpush("l", "1.0", "1", "01");
            assertThat(sort(j, "l")).containsExactly("01", "1", "1.0");
            assertThat(sort(j, "l", "DESC")).containsExactly("1.0", "1", "01");
        }
    }

    @Test
    void alphaComparesBytes() {
        try (Jedis j = ferrite.jedis()) {
            j.lpush("l", "2", "1", "3", "10");
            assertThat(sort(j, "l", "ALPHA")).containsExactly("1", "10", "2", "3");
            j.zadd("z", Map.of("a", 1.0, "b", 5.0, "c", 2.0, "d", 10.0, "e", 3.0));
            assertThat(sort(j, "z", "ALPHA", "DESC")).containsExactly("e", "d", "c", "b", "a");
            // Bytes compare unsigned (the C locale's strcoll): é (0xC3 0xA9) sorts after z; B before a.
            j.sadd("s", "z", "\u00e9", "B", "a");
            assertThat(sort(j, "s", "ALPHA")).containsExactly("B", "a", "z", "\u00e9");
        }
    }

    @Test
    void missingKeyIsAnEmptyInputAndOtherTypesAreWrongtype() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(sort(j, "nosuch")).isEmpty();
            assertThat(sortRo(j, "nosuch", "BY", "w_*", "GET", "#")).isEmpty();
            j.set("str", "x");
            j.hset("h", "f", "v");
            assertError(j, WRONGTYPE, "SORT", "str");
            assertError(j, WRONGTYPE, "SORT_RO", "h");
            // Options are checked first, as in Redis.
            assertError(j, SYNTAX, "SORT", "str", "NOSUCHOPTION");
        }
    }

    @Test
    void sortingConvertsASmallSortedSetToSkiplistAsRedisDoes() {
        try (Jedis j = ferrite.jedis()) {
            j.zadd("z", 1, "a");
            assertThat(j.objectEncoding("z")).isEqualTo("listpack");
            sortRo(j, "z", "ALPHA");
            assertThat(j.objectEncoding("z")).isEqualTo("skiplist");
            assertThat(j.zrange("z", 0, -1)).containsExactly("a");
        }
    }

    // ---- BY

    @Test
    void byPatternSortsByStringKeysAndHashFields() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "1", "2", "3", "4");
            j.mset("w_1", "40", "w_2", "10", "w_3", "30", "w_4", "20");
            for (int i = 1; i <= 4; i++) j.hset("o_" + i, "weight", j.get("w_" + i));
            assertThat(sort(j, "l", "BY", "w_*")).containsExactly("2", "4", "3", "1");
            assertThat(sort(j, "l", "BY", "o_*->weight")).containsExactly("2", "4", "3", "1");
            assertThat(sort(j, "l", "BY", "o_*->weight", "DESC")).containsExactly("1", "3", "4", "2");
            // A missing key, a missing field or a key of the other type weighs 0.
            j.del("w_1");
            j.hdel("o_3", "weight");
            j.del("w_4");
            j.hset("w_4", "weight", "99");
            assertThat(sort(j, "l", "BY", "w_*")).containsExactly("1", "4", "2", "3");
            assertThat(sort(j, "l", "BY", "o_*->weight")).containsExactly("3", "2", "4", "1");
            // Only the first '*' is replaced.
            j.set("x_1_*", "5");
            j.set("x_2_*", "1");
            assertThat(sort(j, "l", "BY", "x_*_*", "LIMIT", "2", "2")).containsExactly("2", "1");
        }
    }

    @Test
    void alphaByPutsElementsWithoutAWeightFirst() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "1", "2", "3");
            j.mset("n_1", "banana", "n_3", "apple");
            assertThat(sort(j, "l", "BY", "n_*", "ALPHA")).containsExactly("2", "3", "1");
            assertThat(sort(j, "l", "BY", "n_*", "ALPHA", "DESC")).containsExactly("1", "3", "2");
        }
    }

    @Test
    void byWithoutStarDoesNotSortListsAndSortedSets() {
        try (Jedis j = ferrite.jedis()) {
            j.lpush("l", "2", "1", "4", "3", "5");
            assertThat(sort(j, "l", "BY", "nosort")).containsExactly("5", "3", "4", "1", "2");
            assertThat(sort(j, "l", "BY", "nosort", "DESC")).containsExactly("2", "1", "4", "3", "5");
            assertThat(sort(j, "l", "BY", "nosort", "LIMIT", "1", "2")).containsExactly("3", "4");
            assertThat(sort(j, "l", "BY", "nosort", "DESC", "LIMIT", "1", "2")).containsExactly("1", "4");
            j.zadd("z", Map.of("a", 1.0, "b", 5.0, "c", 2.0, "d", 10.0, "e", 3.0));
            assertThat(sort(j, "z", "BY", "nosort")).containsExactly("a", "c", "e", "b", "d");
            assertThat(sort(j, "z", "BY", "nosort", "DESC")).containsExactly("d", "b", "e", "c", "a");
            assertThat(sort(j, "z", "BY", "nosort", "LIMIT", "0", "2")).containsExactly("a", "c");
            assertThat(sort(j, "z", "BY", "nosort", "DESC", "LIMIT", "0", "2")).containsExactly("d", "b");
            assertThat(sort(j, "z", "BY", "nosort", "DESC", "LIMIT", "1", "3")).containsExactly("b", "e", "c");
            assertThat(sort(j, "z", "BY", "nosort", "LIMIT", "5", "10")).isEmpty();
            assertThat(sort(j, "z", "BY", "nosort", "LIMIT", "-10", "100")).containsExactly("a", "c", "e", "b", "d");
            // Weights are not even read: values that are not numbers do not fail.
            j.rpush("words", "b", "a");
            assertThat(sort(j, "words", "BY", "nosort")).containsExactly("b", "a");
        }
    }

    @Test
    void aNoSortByStaysInForceAfterALaterPatternBy() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "3", "1", "2");
            j.mset("w_1", "1", "w_2", "2", "w_3", "3");
            assertThat(sort(j, "l", "BY", "nosort", "BY", "w_*")).containsExactly("3", "1", "2");
            assertThat(sort(j, "l", "BY", "w_*", "BY", "nosort")).containsExactly("3", "1", "2");
            // "#" has no '*' either: as BY it does not sort (the weights would not parse).
            j.rpush("words", "b", "c", "a");
            assertThat(sort(j, "words", "BY", "#")).containsExactly("b", "c", "a");
            assertThat(sort(j, "words", "BY", "#", "DESC", "LIMIT", "0", "2")).containsExactly("a", "c");
        }
    }

    @Test
    void aSetStoredWithoutSortIsSortedAlphaAnyway() {
        try (Jedis j = ferrite.jedis()) {
            String[] members = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "l", "m", "n", "o", "p", "q", "r", "s",
                    "t", "u", "v", "z", "aa", "aaa", "azz"};
            j.sadd("s", members);
            assertThat(call(j, "SORT", "s", "ALPHA", "BY", "_", "STORE", "dst")).isEqualTo(24L);
            assertThat(j.lrange("dst", 0, -1)).containsExactly("a", "aa", "aaa", "azz", "b", "c", "d", "e", "f", "g",
                    "h", "i", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "z");
            // Numbers too are ordered as bytes then, and DESC still applies.
            j.sadd("nums", "10", "9", "100");
            assertThat(call(j, "SORT", "nums", "BY", "nosort", "DESC", "STORE", "dst")).isEqualTo(3L);
            assertThat(j.lrange("dst", 0, -1)).containsExactly("9", "100", "10");
            // Without STORE the set comes out unsorted, in any order.
            assertThat(new HashSet<>(sort(j, "nums", "BY", "nosort"))).containsExactlyInAnyOrder("10", "9", "100");
        }
    }

    // ---- LIMIT

    @Test
    void limitTakesOffsetAndCountClampedToTheInput() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "5", "4", "3", "2", "1");
            assertThat(sort(j, "l", "LIMIT", "1", "2")).containsExactly("2", "3");
            assertThat(sort(j, "l", "LIMIT", "-3", "2")).containsExactly("1", "2");
            assertThat(sort(j, "l", "LIMIT", "3", "-1")).containsExactly("4", "5");
            assertThat(sort(j, "l", "LIMIT", "3", "100")).containsExactly("4", "5");
            assertThat(sort(j, "l", "LIMIT", "0", "0")).isEmpty();
            assertThat(sort(j, "l", "LIMIT", "5", "1")).isEmpty();
            assertThat(sort(j, "l", "LIMIT", "2", "9223372036854775807")).containsExactly("3", "4", "5");
            assertThat(sort(j, "l", "DESC", "LIMIT", "0", "2")).containsExactly("5", "4");
            assertThat(sort(j, "l", "LIMIT", "0", "1", "LIMIT", "4", "1")).containsExactly("5");
            assertError(j, NOT_INTEGER, "SORT", "l", "LIMIT", "x", "1");
            assertError(j, NOT_INTEGER, "SORT", "l", "LIMIT", "0", "1.5");
            assertError(j, SYNTAX, "SORT", "l", "LIMIT", "1");
        }
    }

    // ---- GET

    @Test
    void getReturnsValuesPerElementWithNilForMissing() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "2", "1", "3");
            j.mset("name_1", "one", "name_2", "two");
            j.hset("o_1", "w", "x1");
            j.hset("o_3", "w", "x3");
            assertThat(sort(j, "l", "GET", "#")).containsExactly("1", "2", "3");
            assertThat(sort(j, "l", "GET", "name_*")).containsExactly("one", "two", null);
            assertThat(sort(j, "l", "GET", "#", "GET", "name_*", "GET", "o_*->w"))
                    .containsExactly("1", "one", "x1", "2", "two", null, "3", null, "x3");
            assertThat(sort(j, "l", "DESC", "LIMIT", "0", "1", "GET", "name_*", "GET", "#")).containsExactly(null, "3");
            // A key of the other type gives nil, and so does a pattern without '*' (no key is read).
            assertThat(sort(j, "l", "GET", "o_*", "GET", "name_*->w", "LIMIT", "0", "1")).containsExactly(null, null);
            j.set("foo", "bar");
            assertThat(sortRo(j, "l", "GET", "foo")).containsExactly(null, null, null);
        }
    }

    @Test
    void aPatternEndingInArrowNamesAPlainKey() {
        try (Jedis j = ferrite.jedis()) {
            j.lpush("l", "a");
            j.set("x:a->", "100");
            assertThat(sort(j, "l", "BY", "num", "GET", "x:*->")).containsExactly("100");
            assertThat(sortRo(j, "l", "BY", "nosort", "GET", "x:*->")).containsExactly("100");
            // The field is everything after the first "->" that follows the '*'.
            j.hset("h-a", "f->g", "deep");
            assertThat(sort(j, "l", "BY", "nosort", "GET", "h-*->f->g")).containsExactly("deep");
        }
    }

    @Test
    void getMissingValuesAreNullInResp3() throws IOException {
        try (Jedis j = ferrite.jedis(); RawConnection r = new RawConnection(ferrite.port())) {
            j.rpush("l", "1");
            r.command("HELLO", "3").readReply();
            assertThat(r.command("SORT", "l", "GET", "nokey_*", "GET", "#").readReply()).isEqualTo("*2\r\n_\r\n$1\r\n1\r\n");
        }
    }

    // ---- STORE

    @Test
    void storeWritesAListReplacingTheDestinationAndItsTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "3", "1", "2");
            j.setex("dst", 100, "old");
            assertThat(call(j, "SORT", "l", "STORE", "dst")).isEqualTo(3L);
            assertThat(j.type("dst")).isEqualTo("list");
            assertThat(j.lrange("dst", 0, -1)).containsExactly("1", "2", "3");
            assertThat(j.ttl("dst")).isEqualTo(-1);
            // The last STORE wins; storing onto the sorted key itself works.
            assertThat(call(j, "SORT", "l", "DESC", "STORE", "other", "STORE", "l")).isEqualTo(3L);
            assertThat(j.lrange("l", 0, -1)).containsExactly("3", "2", "1");
            assertThat(j.exists("other")).isFalse();
        }
    }

    @Test
    void storeWithGetStoresValuesAndEmptyStringsForMissingOnes() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "1", "2");
            j.set("v_1", "one");
            assertThat(call(j, "SORT", "l", "GET", "#", "GET", "v_*", "STORE", "dst")).isEqualTo(4L);
            assertThat(j.lrange("dst", 0, -1)).containsExactly("1", "one", "2", "");
            // The stored list has its own copy: changing the string in place leaves it alone.
            j.setrange("v_1", 0, "ONE");
            assertThat(j.lrange("dst", 0, -1)).containsExactly("1", "one", "2", "");
        }
    }

    @Test
    void storeOfAnEmptyResultDeletesTheDestinationAndRepliesZero() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(call(j, "SORT", "nosuch", "STORE", "dst")).isEqualTo(0L);
            assertThat(j.exists("dst")).isFalse();
            j.lpush("foo", "bar");
            assertThat(call(j, "SORT", "foo", "ALPHA", "LIMIT", "10", "10", "STORE", "zap")).isEqualTo(0L);
            assertThat(j.exists("zap")).isFalse();
            j.set("dst", "x");
            assertThat(call(j, "SORT", "emptylist", "STORE", "dst")).isEqualTo(0L);
            assertThat(j.exists("dst")).isFalse();
        }
    }

    @Test
    void storedListEncodingFollowsListMaxListpackSize() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 17; i++) j.rpush("l", Integer.toString(i));
            call(j, "SORT", "l", "LIMIT", "0", "16", "STORE", "small");
            call(j, "SORT", "l", "STORE", "big");
            assertThat(j.objectEncoding("small")).isEqualTo("listpack");
            assertThat(j.objectEncoding("big")).isEqualTo("quicklist");
            assertThat(j.llen("big")).isEqualTo(17);
        }
    }

    @Test
    void storeWakesAClientBlockedOnTheDestination() throws Exception {
        try (Jedis j = ferrite.jedis(); Jedis blocked = ferrite.jedis()) {
            CompletableFuture<List<String>> pop = CompletableFuture.supplyAsync(() -> blocked.blpop(5, "dst"));
            waitForBlockedClients(j, 1);
            j.lpush("src", "hello", "hola", "aguacate");
            call(j, "SORT", "src", "ALPHA", "STORE", "dst");
            assertThat(pop.get(5, TimeUnit.SECONDS)).containsExactly("dst", "aguacate");
            assertThat(j.lrange("dst", 0, -1)).containsExactly("hello", "hola");
        }
    }

    private static void waitForBlockedClients(Jedis j, int n) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (j.info("clients").contains("blocked_clients:" + n)) return;
            Thread.sleep(10);
        }
        throw new AssertionError("no blocked client");
    }

    @Test
    void storeTouchesAWatchedDestination() {
        try (Jedis j = ferrite.jedis(); Jedis other = ferrite.jedis()) {
            j.rpush("l", "1");
            j.watch("dst");
            call(other, "SORT", "l", "STORE", "dst");
            Transaction t = j.multi();
            t.get("x");
            assertThat(t.exec()).isNull();
        }
    }

    @Test
    void sortRunsInsideMulti() {
        try (Jedis j = ferrite.jedis()) {
            j.zadd("z", Map.of("a", 1.0, "b", 5.0, "c", 2.0));
            Transaction t = j.multi();
            t.sendCommand(() -> "SORT".getBytes(), "z", "BY", "nosort", "ASC");
            t.sendCommand(() -> "SORT".getBytes(), "z", "BY", "nosort", "DESC");
            List<Object> replies = t.exec();
            assertThat(Replies.text(replies)).isEqualTo(List.of(List.of("a", "c", "b"), List.of("b", "c", "a")));
        }
    }

    // ---- SORT_RO and syntax

    @Test
    void sortRoSortsButRefusesStore() {
        try (Jedis j = ferrite.jedis()) {
            j.lpush("l", "a");
            j.set("x:a", "100");
            assertThat(sortRo(j, "l", "BY", "nosort", "GET", "x:*")).containsExactly("100");
            assertError(j, SYNTAX, "SORT_RO", "l", "STORE", "bar");
            assertThat(j.exists("bar")).isFalse();
        }
    }

    @Test
    void optionsWithoutTheirArgumentsAreSyntaxErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("l", "1");
            for (String[] args : new String[][] {{"SORT", "l", "BY"}, {"SORT", "l", "GET"}, {"SORT", "l", "STORE"},
                    {"SORT", "l", "LIMIT", "0"}, {"SORT", "l", "DESCENDING"}, {"SORT_RO", "l", "ALPHA", "x"}}) {
                assertError(j, SYNTAX, args);
            }
            assertError(j, "ERR wrong number of arguments for 'sort' command", "SORT");
            assertError(j, "ERR wrong number of arguments for 'sort_ro' command", "SORT_RO");
        }
    }

    // ---- command metadata

    /** COMMAND INFO as redis-server 7.0.15 sends it (sort.json and sort_ro.json are the same in 7.2.6). */
    @Test
    void commandInfoMatchesRedis() throws IOException {
        String range = "*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n"
                + "$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n"
                + "$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n";
        String unknown = "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n"
                + "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n";
        String byGet = "*8\r\n$5\r\nnotes\r\n$120\r\nFor the optional BY/GET keyword. It is marked 'unknown' because "
                + "the key names derive from the content of the key we sort\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
                + unknown;
        String store = "*8\r\n$5\r\nnotes\r\n$116\r\nFor the optional STORE keyword. It is marked 'unknown' because "
                + "the keyword can appear anywhere in the argument array\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n"
                + unknown;
        String categories = "+@set\r\n+@sortedset\r\n+@list\r\n+@slow\r\n+@dangerous\r\n*0\r\n";
        try (RawConnection r = new RawConnection(ferrite.port())) {
            assertThat(r.command("COMMAND", "INFO", "sort").readReply()).isEqualTo("*1\r\n*10\r\n$4\r\nsort\r\n:-2\r\n"
                    + "*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*6\r\n+@write\r\n" + categories
                    + "*3\r\n" + range + byGet + store + "*0\r\n");
            assertThat(r.command("COMMAND", "INFO", "sort_ro").readReply()).isEqualTo("*1\r\n*10\r\n$7\r\nsort_ro\r\n"
                    + ":-2\r\n*2\r\n+readonly\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*6\r\n+@read\r\n" + categories
                    + "*2\r\n" + range + byGet + "*0\r\n");
        }
    }

    @Test
    void commandGetKeysFindsTheLastStoreKey() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(call(j, "COMMAND", "GETKEYS", "sort", "abc", "store", "def")).isEqualTo(List.of("abc", "def"));
            assertThat(call(j, "COMMAND", "GETKEYS", "sort", "abc", "store", "invalid", "store", "stillbad", "store",
                    "def")).isEqualTo(List.of("abc", "def"));
            // LIMIT skips two arguments, BY and GET one: a pattern named "store" is no STORE.
            assertThat(call(j, "COMMAND", "GETKEYS", "sort", "abc", "by", "store", "get", "store", "limit", "store",
                    "store")).isEqualTo(List.of("abc"));
            assertThat(call(j, "COMMAND", "GETKEYS", "sort_ro", "abc")).isEqualTo(List.of("abc"));
            assertThat(call(j, "COMMAND", "GETKEYSANDFLAGS", "sort", "abc", "store", "def")).isEqualTo(
                    List.of(List.of("abc", List.of("RO", "access")), List.of("def", List.of("OW", "update"))));
        }
    }

    // ---- locking

    /**
     * A writer keeps all GET values equal, changing them together with one MSET; SORT ... GET
     * must never see two generations at once. The values live in shards other than the sorted
     * key's, so a SORT that locked only its key's shard would overlap the MSETs and fail here.
     */
    @Test
    void getSeesAllPatternKeysAtOneInstant() throws Exception {
        Keyspace ks = ferrite.server().keyspace();
        int listShard = ks.shardIndex("l".getBytes(StandardCharsets.UTF_8));
        List<String> elements = new ArrayList<>();
        for (int i = 0; elements.size() < 64; i++) {
            if (ks.shardIndex(("g_" + i).getBytes(StandardCharsets.UTF_8)) != listShard) elements.add(Integer.toString(i));
        }
        try (Jedis j = ferrite.jedis(); Jedis writer = ferrite.jedis()) {
            j.rpush("l", elements.toArray(new String[0]));
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> writes = CompletableFuture.supplyAsync(() -> {
                int gen = 0;
                String[] kv = new String[2 * elements.size()];
                while (!stop.get()) {
                    gen++;
                    for (int i = 0; i < elements.size(); i++) {
                        kv[2 * i] = "g_" + elements.get(i);
                        kv[2 * i + 1] = Integer.toString(gen);
                    }
                    writer.mset(kv);
                }
                return gen;
            });
            try {
                for (int round = 0; round < 500; round++) {
                    List<Object> values = sort(j, "l", "BY", "nosort", "GET", "g_*");
                    assertThat(new HashSet<>(values)).as("round %d", round).hasSize(1);
                }
            } finally {
                stop.set(true);
            }
            assertThat(writes.get(10, TimeUnit.SECONDS)).isPositive();
        }
    }
}
