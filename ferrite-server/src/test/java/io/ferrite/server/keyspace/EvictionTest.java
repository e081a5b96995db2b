package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** maxmemory and maxmemory-policy over a real socket (a limit of 1 byte: always over). */
class EvictionTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @org.junit.jupiter.api.BeforeEach
    void resetStats() {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
        }
    }

    @AfterEach
    void reset() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("maxmemory", "0");
            j.configSet("maxmemory-policy", "noeviction");
            j.configSet("notify-keyspace-events", "");
        }
    }

    @Test
    void noevictionRefusesWritesThatGrowMemoryButServesReadsAndDeletes() {
        try (Jedis j = ferrite.jedis()) {
            j.set("a", "1");
            j.configSet("maxmemory", "1");
            assertThatThrownBy(() -> j.set("b", "2"))
                    .hasMessage("OOM command not allowed when used memory > 'maxmemory'.");
            assertThat(j.get("a")).isEqualTo("1");
            assertThat(j.del("a")).isEqualTo(1);
            assertThat(j.info("stats")).contains("evicted_keys:0");
        }
    }

    @Test
    void allkeysLruEvictsEverythingWithEvictedEvents() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = new RawConnection(ferrite.port())) {
            j.configSet("notify-keyspace-events", "Ee");
            sub.command("PSUBSCRIBE", "*");
            sub.readReply();
            j.set("foo", "bar");
            j.configSet("maxmemory-policy", "allkeys-lru");
            j.configSet("maxmemory", "1");
            assertThat(sub.readReply()).isEqualTo(
                    "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$22\r\n__keyevent@0__:evicted\r\n$3\r\nfoo\r\n");
            j.configSet("maxmemory", "0");
            assertThat(j.exists("foo")).isFalse();
            assertThat(j.info("stats")).contains("evicted_keys:1");
        }
    }

    @Test
    void volatilePoliciesEvictOnlyKeysWithATtl() {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 50; i++) j.set("keep" + i, "v");
            for (int i = 0; i < 50; i++) j.setex("tmp" + i, 1000 + i, "v");
            j.configSet("maxmemory-policy", "volatile-ttl");
            j.configSet("maxmemory", "1");
            // Every key with a TTL went; the others stay, and writes now get OOM.
            assertThatThrownBy(() -> j.set("x", "y")).hasMessageStartingWith("OOM ");
            j.configSet("maxmemory", "0");
            assertThat(j.dbSize()).isEqualTo(50);
            assertThat(j.keys("tmp*")).isEmpty();
        }
    }
}
