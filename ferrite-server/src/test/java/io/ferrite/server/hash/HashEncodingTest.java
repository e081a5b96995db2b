package io.ferrite.server.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The listpack → hashtable conversions of Redis 7.2 (t_hash.c), at and around the thresholds. */
class HashEncodingTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @AfterEach
    void restoreDefaults() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("hash-max-listpack-entries", "128");
            j.configSet("hash-max-listpack-value", "64");
        }
    }

    private static String enc(Jedis j, String key) {
        return j.objectEncoding(key);
    }

    @Test
    void aHashStaysListpackUpTo128FieldsAndConvertsAtThe129th() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 128; i++) j.hset("h", "f" + i, "v");
            assertThat(enc(j, "h")).isEqualTo("listpack");
            j.hset("h", "f0", "updated"); // an update adds nothing
            assertThat(enc(j, "h")).isEqualTo("listpack");
            j.hset("h", "f128", "v");
            assertThat(enc(j, "h")).isEqualTo("hashtable");
            assertThat(j.hlen("h")).isEqualTo(129);
            assertThat(j.hget("h", "f0")).isEqualTo("updated");
        }
    }

    @Test
    void aValueOrFieldLongerThan64BytesConvertsButExactly64DoesNot() {
        try (Jedis j = ferrite.jedis()) {
            j.hset("v64", "f", "x".repeat(64));
            j.hset("f64", "x".repeat(64), "v");
            assertThat(enc(j, "v64")).isEqualTo("listpack");
            assertThat(enc(j, "f64")).isEqualTo("listpack");
            j.hset("v65", "f", "x".repeat(65));
            j.hset("f65", "x".repeat(65), "v");
            j.hsetnx("nx65", "f", "x".repeat(65));
            assertThat(enc(j, "v65")).isEqualTo("hashtable");
            assertThat(enc(j, "f65")).isEqualTo("hashtable");
            assertThat(enc(j, "nx65")).isEqualTo("hashtable");
            assertThat(j.hget("v65", "f")).hasSize(65);
        }
    }

    @Test
    void oneHsetWithMorePairsThanTheLimitConvertsUpFrontEvenWithDuplicates() {
        try (Jedis j = ferrite.jedis()) {
            String[] args = new String[2 * 129];
            for (int i = 0; i < 129; i++) {
                args[2 * i] = "same";
                args[2 * i + 1] = "v" + i;
            }
            j.sendCommand(redis.clients.jedis.Protocol.Command.HSET, concat("h", args));
            assertThat(j.hlen("h")).isEqualTo(1);
            assertThat(enc(j, "h")).isEqualTo("hashtable"); // Redis guesses from the argument count
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Test
    void hincrbyfloatResultsLongerThanTheValueLimitConvert() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("hash-max-listpack-value", "8");
            j.hset("small", "tmp", "0");
            j.hset("big", "tmp", "0");
            j.hincrByFloat("small", "tmp", 0.000005);  // "0.000005": 8 bytes
            j.hincrByFloat("big", "tmp", 0.0000005);   // "0.0000005": 9 bytes
            assertThat(enc(j, "small")).isEqualTo("listpack");
            assertThat(enc(j, "big")).isEqualTo("hashtable");
            j.hincrBy("field8", "abcdefgh", 1);
            j.hincrBy("field9", "abcdefghi", 1);
            assertThat(enc(j, "field8")).isEqualTo("listpack");
            assertThat(enc(j, "field9")).isEqualTo("hashtable");
        }
    }

    @Test
    void configSetAppliesToLaterWritesOfExistingHashes() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 10; i++) j.hset("h", "f" + i, "v");
            j.hset("other", "a", "1");
            j.configSet("hash-max-listpack-entries", "4");
            assertThat(enc(j, "h")).isEqualTo("listpack"); // nothing converts until a write
            j.hset("h", "f1", "again");                    // even an update checks the limit
            assertThat(enc(j, "h")).isEqualTo("hashtable");
            for (int i = 0; i < 4; i++) j.hset("other", "g" + i, "v");
            assertThat(enc(j, "other")).isEqualTo("hashtable");
            j.configSet("hash-max-listpack-entries", "1000");
            j.hset("fresh", "a", "1");
            assertThat(enc(j, "fresh")).isEqualTo("listpack");
        }
    }

    @Test
    void aHashtableNeverConvertsBack() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < 200; i++) m.put("f" + i, "v");
            j.hset("h", m);
            for (int i = 0; i < 199; i++) j.hdel("h", "f" + i);
            assertThat(j.hlen("h")).isEqualTo(1);
            assertThat(enc(j, "h")).isEqualTo("hashtable");
        }
    }
}
