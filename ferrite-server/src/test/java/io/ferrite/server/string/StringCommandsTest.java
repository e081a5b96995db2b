package io.ferrite.server.string;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

class StringCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

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
    void incrKeepsTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("c", 100, "10");
            assertThat(j.incr("c")).isEqualTo(11);
            assertThat(j.ttl("c")).isBetween(95L, 100L);
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
}
