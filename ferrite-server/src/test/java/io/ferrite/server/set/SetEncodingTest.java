package io.ferrite.server.set;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The intset → listpack → hashtable conversions of Redis 7.2 (t_set.c), at the thresholds. */
class SetEncodingTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @AfterEach
    void restoreDefaults() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("set-max-intset-entries", "512");
            j.configSet("set-max-listpack-entries", "128");
            j.configSet("set-max-listpack-value", "64");
        }
    }

    private static String[] range(String prefix, int from, int to) {
        String[] out = new String[to - from];
        for (int i = from; i < to; i++) out[i - from] = prefix + i;
        return out;
    }

    private static String enc(Jedis j, String key) {
        return j.objectEncoding(key);
    }

    @Test
    void integersStayAnIntsetUpTo512AndBecomeAHashtableAtThe513th() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 512; i++) j.sadd("single", Integer.toString(i));
            j.sadd("multi", range("", 0, 512));
            for (String key : new String[] {"single", "multi"}) {
                assertThat(enc(j, key)).isEqualTo("intset");
                j.sadd(key, "512");
                assertThat(enc(j, key)).as(key).isEqualTo("hashtable"); // never listpack from here
            }
            j.sadd("oneGo", range("", 0, 513));
            assertThat(enc(j, "oneGo")).isEqualTo("hashtable");
        }
    }

    @Test
    void aNonIntegerTurnsASmallIntsetIntoAListpackAndALargeOneIntoAHashtable() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("small", "1", "2", "3");
            assertThat(enc(j, "small")).isEqualTo("intset");
            j.sadd("small", "a");
            assertThat(enc(j, "small")).isEqualTo("listpack");
            j.sadd("large", range("", 0, 128));
            assertThat(enc(j, "large")).isEqualTo("intset");
            j.sadd("large", "a");
            assertThat(enc(j, "large")).isEqualTo("hashtable");
            j.sadd("edge", range("", 0, 127));
            j.sadd("edge", "a");
            assertThat(enc(j, "edge")).isEqualTo("listpack");
            assertThat(j.scard("edge")).isEqualTo(128);
        }
    }

    @Test
    void onlyCanonical64BitIntegersGoInAnIntset() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("huge", "213244124402402314402033402");
            j.sadd("zero", "007");
            j.sadd("plus", "+1");
            j.sadd("min", "-9223372036854775808");
            assertThat(enc(j, "huge")).isEqualTo("listpack");
            assertThat(enc(j, "zero")).isEqualTo("listpack");
            assertThat(enc(j, "plus")).isEqualTo("listpack");
            assertThat(enc(j, "min")).isEqualTo("intset");
            j.sadd("min", "007");
            assertThat(j.smembers("min")).containsExactlyInAnyOrder("-9223372036854775808", "007");
        }
    }

    @Test
    void aListpackHolds128MembersOfUpTo64Bytes() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a");
            j.sadd("s", range("", 0, 127));
            assertThat(enc(j, "s")).isEqualTo("listpack");
            assertThat(j.scard("s")).isEqualTo(128);
            j.sadd("s", "a"); // already there: no change
            assertThat(enc(j, "s")).isEqualTo("listpack");
            j.sadd("s", "b");
            assertThat(enc(j, "s")).isEqualTo("hashtable");

            j.sadd("v64", "x".repeat(64));
            assertThat(enc(j, "v64")).isEqualTo("listpack");
            j.sadd("v64", "y".repeat(65));
            assertThat(enc(j, "v64")).isEqualTo("hashtable");
            j.sadd("new65", "z".repeat(65));
            assertThat(enc(j, "new65")).isEqualTo("hashtable"); // created a listpack, converted by its first add
        }
    }

    @Test
    void oneSaddOfMoreThan128ArgumentsConvertsAListpackUpFront() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", "a");
            String[] dup = new String[129];
            java.util.Arrays.fill(dup, "a");
            j.sadd("s", dup);
            assertThat(j.scard("s")).isEqualTo(1);
            assertThat(enc(j, "s")).isEqualTo("hashtable");
        }
    }

    @Test
    void configSetAppliesToLaterConversions() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("set-max-intset-entries", "4");
            j.sadd("i", "1", "2", "3", "4");
            assertThat(enc(j, "i")).isEqualTo("intset");
            j.sadd("i", "5");
            assertThat(enc(j, "i")).isEqualTo("hashtable");
            j.configSet("set-max-listpack-entries", "3");
            j.configSet("set-max-listpack-value", "4");
            j.sadd("l", "a", "b", "c");
            assertThat(enc(j, "l")).isEqualTo("listpack");
            j.sadd("l", "d");
            assertThat(enc(j, "l")).isEqualTo("hashtable");
            j.sadd("v", "abcd");
            j.sadd("v", "abcde");
            assertThat(enc(j, "v")).isEqualTo("hashtable");
        }
    }

    @Test
    void sinterstoreBuildsAnIntsetFromAllIntegerResults() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("l1", "a", "b", "c", "1", "3", "6", "x", "y", "z");
            j.sadd("l2", "e", "f", "g", "1", "2", "3", "u", "v", "w");
            j.sinterstore("res", "l1", "l2");
            assertThat(j.smembers("res")).containsExactly("1", "3");
            assertThat(enc(j, "res")).isEqualTo("intset");

            j.sadd("h1", "a", "b", "c", "444", "555", "666");
            j.sadd("h2", "e", "f", "g", "111", "222", "333");
            j.sadd("h1", range("", 1, 130));
            j.sadd("h2", range("", 1, 130));
            assertThat(enc(j, "h1")).isEqualTo("hashtable");
            j.sinterstore("res", "h1", "h2");
            assertThat(j.scard("res")).isEqualTo(129);
            assertThat(enc(j, "res")).isEqualTo("intset");

            j.sinterstore("res", "l1", "h1");
            assertThat(j.smembers("res")).containsExactlyInAnyOrder("a", "b", "c", "1", "3", "6");
            assertThat(enc(j, "res")).isEqualTo("listpack");
        }
    }

    @Test
    void unionAndDiffResultsConvertAsTheyGrow() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("i1", range("", 0, 200));
            j.sadd("i2", range("", 195, 400));
            j.sunionstore("res", "i1", "i2");
            assertThat(enc(j, "res")).isEqualTo("intset");
            j.sadd("i3", range("", 400, 700));
            j.sunionstore("res", "i1", "i2", "i3");
            assertThat(j.scard("res")).isEqualTo(700);
            assertThat(enc(j, "res")).isEqualTo("hashtable");
            j.sdiffstore("res", "i1", "i2");
            assertThat(enc(j, "res")).isEqualTo("intset");
            j.sadd("l", "a", "b", "1");
            j.sunionstore("res", "l", "i1");
            assertThat(enc(j, "res")).isEqualTo("hashtable"); // 202 members: past the listpack limit
            j.sunionstore("res", "l");
            assertThat(enc(j, "res")).isEqualTo("listpack");
            j.sdiffstore("res", "l", "i1");
            assertThat(j.smembers("res")).containsExactlyInAnyOrder("a", "b");
            assertThat(enc(j, "res")).isEqualTo("listpack");
        }
    }

    @Test
    void smoveCreatesTheDestinationFromTheMember() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("src", "1", "a", "b");
            j.sadd("ints", "2", "3");
            j.smove("src", "d1", "1");
            j.smove("src", "d2", "a");
            assertThat(enc(j, "d1")).isEqualTo("intset");
            assertThat(enc(j, "d2")).isEqualTo("listpack");
            j.smove("src", "ints", "b");
            assertThat(enc(j, "ints")).isEqualTo("listpack");
        }
    }

    @Test
    void spopOfMostMembersRebuildsTheSurvivorsInASmallEncoding() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("h", range("m", 0, 200));
            assertThat(enc(j, "h")).isEqualTo("hashtable");
            j.spop("h", 190);
            assertThat(j.scard("h")).isEqualTo(10);
            assertThat(enc(j, "h")).isEqualTo("listpack"); // as Redis's SPOP "case 3"
            j.sadd("few", range("m", 0, 200));
            j.spop("few", 10);
            assertThat(enc(j, "few")).isEqualTo("hashtable");
        }
    }

    @Test
    void aHashtableSetNeverShrinksBackOnSrem() {
        try (Jedis j = ferrite.jedis()) {
            j.sadd("s", range("", 0, 600));
            j.srem("s", range("", 1, 600));
            assertThat(j.smembers("s")).containsExactly("0");
            assertThat(enc(j, "s")).isEqualTo("hashtable");
        }
    }
}
