package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;

/** LFU access counters under the -lfu maxmemory policies: OBJECT FREQ, RESTORE FREQ, eviction order. */
class LfuTest {
    // One shard: eviction samples the whole keyspace, so its order can be checked.
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("shards", "1");

    @AfterEach
    void reset() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("maxmemory", "0");
            j.configSet("maxmemory-policy", "noeviction");
            j.configSet("lfu-log-factor", "10");
            j.configSet("lfu-decay-time", "1");
            j.configSet("maxmemory-samples", "5");
            j.configSet("notify-keyspace-events", "");
        }
    }

    @Test
    void counterDecaysByOnePerDecayPeriodAcrossTheMinuteClockWrap() {
        int now = Lfu.minutes();
        assertThat(Lfu.counter((now - 3) << 8 | 10, 1)).isEqualTo(7);
        assertThat(Lfu.counter((now - 3) << 8 | 10, 2)).isEqualTo(9);
        assertThat(Lfu.counter((now - 30) << 8 | 10, 1)).isZero();
        assertThat(Lfu.counter((now - 30) << 8 | 10, 0)).isEqualTo(10); // decay off
        // The minute clock is 16 bits: a last decrement "after" now is read as wrapped around,
        // nearly 65,536 minutes ago, as Redis's LFUTimeElapsed reads it.
        assertThat(Lfu.counter(((now + 2) & 0xFFFF) << 8 | 200, 1)).isZero();
    }

    @Test
    void accessIncrementsLogarithmicallyAndStopsAt255() {
        int field = Lfu.fresh();
        for (int i = 0; i < 10; i++) field = Lfu.accessed(field, 0, 1); // factor 0: every hit counts
        assertThat(field & 0xFF).isEqualTo(Lfu.INITIAL + 10);
        field = Lfu.minutes() << 8 | 255;
        assertThat(Lfu.accessed(field, 0, 1) & 0xFF).isEqualTo(255);
        int slow = Lfu.fresh();
        for (int i = 0; i < 1000; i++) slow = Lfu.accessed(slow, 10, 1);
        // Redis's table for factor 10: about 18 after 1,000 hits.
        assertThat(slow & 0xFF).isBetween(12, 28);
    }

    @Test
    void clientNoTouchLeavesTheCounterAloneExceptForTouch() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("maxmemory-policy", "allkeys-lfu");
            j.configSet("lfu-log-factor", "0"); // every access counts
            j.set("k", "v");
            long start = j.objectFreq("k");
            io.ferrite.server.Replies.send(j, "CLIENT", "NO-TOUCH", "on");
            for (int i = 0; i < 20; i++) j.get("k");
            j.hget("nosuch", "f");
            assertThat(j.objectFreq("k")).isEqualTo(start);
            j.touch("k"); // TOUCH still counts, as in Redis
            assertThat(j.objectFreq("k")).isEqualTo(start + 1);
            io.ferrite.server.Replies.send(j, "CLIENT", "NO-TOUCH", "off");
            for (int i = 0; i < 5; i++) j.get("k");
            assertThat(j.objectFreq("k")).isEqualTo(start + 6);
        }
    }

    @Test
    void objectFreqCountsReadsAndWritesAndRestoreSetsIt() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("maxmemory-policy", "allkeys-lfu");
            j.configSet("lfu-log-factor", "0");
            j.set("k", "v");
            assertThat(j.objectFreq("k")).isEqualTo(5L); // a new key starts at 5, as in Redis
            for (int i = 0; i < 10; i++) j.get("k");
            assertThat(j.objectFreq("k")).isEqualTo(15L);
            j.set("k", "w"); // overwriting keeps the counter and counts as an access
            assertThat(j.objectFreq("k")).isEqualTo(16L);
            assertThat(j.objectFreq("k")).isEqualTo(16L); // OBJECT FREQ itself does not touch
            byte[] dump = j.dump("k");
            j.restore("r", 0, dump, RestoreParams.restoreParams().frequency(100));
            assertThat(j.objectFreq("r")).isEqualTo(100L);
            // IDLETIME is ignored under an LFU policy, as Redis does.
            j.restore("i", 0, dump, RestoreParams.restoreParams().idleTime(1000));
            assertThat(j.objectFreq("i")).isEqualTo(5L);
        }
    }

    @Test
    void evictionTakesTheLeastFrequentlyUsedKeysFirst() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = new RawConnection(ferrite.port())) {
            j.configSet("maxmemory-policy", "allkeys-lfu");
            j.configSet("lfu-log-factor", "0");
            j.configSet("maxmemory-samples", "10");
            for (int i = 0; i < 200; i++) j.set("cold" + i, "v");
            for (int i = 0; i < 20; i++) {
                j.set("hot" + i, "v");
                for (int n = 0; n < 50; n++) j.get("hot" + i);
            }
            j.configSet("notify-keyspace-events", "Ee");
            sub.command("SUBSCRIBE", "__keyevent@0__:evicted");
            sub.readReply();
            j.configSet("maxmemory", "1");
            List<String> evicted = new ArrayList<>();
            while (evicted.size() < 220) {
                if (evicted.size() % 10 == 0) j.ping(); // each command evicts another batch while over the limit
                String msg = sub.readReply();
                evicted.add(msg.substring(msg.lastIndexOf("$") + 1).split("\r\n")[1]);
            }
            // With 10 samples among 200 cold and 20 hot keys, the first 100 to go are cold ones
            // (a hot key would need all 10 samples hot: at most (20/120)^10 per eviction).
            assertThat(evicted.subList(0, 100)).allMatch(k -> k.startsWith("cold"));
            assertThat(evicted).hasSize(220);
        }
    }
}
