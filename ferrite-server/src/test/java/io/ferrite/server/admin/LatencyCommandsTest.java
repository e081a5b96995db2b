package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.Replies;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** INFO latencystats, LATENCY HISTOGRAM (latency-tracking) and LATENCY LATEST/HISTORY/RESET (latency-monitor-threshold). */
class LatencyCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @AfterEach
    void reset() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("latency-tracking", "yes");
            j.configSet("latency-tracking-info-percentiles", "50 99 99.9");
            j.configSet("latency-monitor-threshold", "0");
            j.sendCommand(() -> "LATENCY".getBytes(), "RESET");
        }
    }

    @Test
    void infoLatencystatsGivesPercentilesPerCommand() {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
            for (int i = 0; i < 200; i++) j.set("k" + i, "v");
            j.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.05");
            String info = j.info("latencystats");
            Matcher set = Pattern.compile("latency_percentiles_usec_set:p50=([0-9.]+),p99=([0-9.]+),p99\\.9=([0-9.]+)").matcher(info);
            assertThat(set.find()).as(info).isTrue();
            double p50 = Double.parseDouble(set.group(1)), p99 = Double.parseDouble(set.group(2));
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            Matcher debug = Pattern.compile("latency_percentiles_usec_debug:p50=([0-9.]+)").matcher(info);
            assertThat(debug.find()).isTrue();
            assertThat(Double.parseDouble(debug.group(1))).isBetween(50_000.0, 60_000.0); // a 50 ms sleep, 6.25% buckets
            j.configSet("latency-tracking-info-percentiles", "90 100");
            assertThat(j.info("latencystats")).containsPattern("latency_percentiles_usec_set:p90=[0-9.]+,p100=[0-9.]+\r\n");
            j.configResetStat();
            assertThat(j.info("latencystats")).doesNotContain("latency_percentiles_usec_set:");
            j.configSet("latency-tracking", "no");
            j.set("x", "y");
            assertThat(j.info("latencystats")).doesNotContain("latency_percentiles_usec_set:");
        }
    }

    @Test
    void latencyHistogramIsCumulativeOverPowerOfTwoMicrosecondBuckets() throws IOException {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
            for (int i = 0; i < 100; i++) j.set("k" + i, "v");
            j.configGet("maxmemory");
            List<?> reply = (List<?>) Replies.send(j, "LATENCY", "HISTOGRAM", "set", "CONFIG", "nosuchcommand");
            // set, and the two CONFIG subcommands called since the reset (CONFIG RESETSTAT counts itself).
            assertThat(reply).hasSize(6);
            assertThat(reply.get(0)).isEqualTo("set");
            List<?> set = (List<?>) reply.get(1);
            assertThat(set.subList(0, 3)).isEqualTo(List.of("calls", 100L, "histogram_usec"));
            List<?> buckets = (List<?>) set.get(3);
            long lastKey = 0, lastCount = 0;
            for (int i = 0; i < buckets.size(); i += 2) {
                long key = (Long) buckets.get(i), count = (Long) buckets.get(i + 1);
                // Buckets end at 1024 ns doubling; each is keyed by its last microsecond.
                assertThat(java.util.stream.LongStream.range(0, 42).map(k -> ((1024L << k) - 1) / 1000).boxed().toList())
                        .as("bucket key").contains(key);
                assertThat(key).isGreaterThan(lastKey);
                assertThat(count).isGreaterThan(lastCount);
                lastKey = key;
                lastCount = count;
            }
            assertThat(lastCount).isEqualTo(100);
            assertThat(List.of(reply.get(2), reply.get(4))).containsExactlyInAnyOrder("config|get", "config|resetstat");
            assertThat(Replies.send(j, "LATENCY", "HISTOGRAM", "nosuchcommand")).isEqualTo(List.of());
        }
    }

    @Test
    void commandsOverTheThresholdBecomeLatencyEvents() throws IOException {
        try (Jedis j = ferrite.jedis()) {
            assertThat(Replies.send(j, "LATENCY", "LATEST")).isEqualTo(List.of());
            j.configSet("latency-monitor-threshold", "20");
            j.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.001"); // under the threshold
            assertThat(Replies.send(j, "LATENCY", "LATEST")).isEqualTo(List.of());
            j.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.03");
            List<?> latest = (List<?>) Replies.send(j, "LATENCY", "LATEST");
            assertThat(latest).hasSize(1);
            List<?> event = (List<?>) latest.get(0);
            assertThat(event.get(0)).isEqualTo("command");
            assertThat((Long) event.get(1)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
            assertThat((Long) event.get(2)).isBetween(30L, 1000L);
            assertThat(event.get(3)).isEqualTo(event.get(2));
            List<?> history = (List<?>) Replies.send(j, "LATENCY", "HISTORY", "command");
            assertThat(history).hasSize(1);
            String doctor = (String) Replies.send(j, "LATENCY", "DOCTOR");
            assertThat(doctor).contains("command: 1 sample(s)").contains("SLOWLOG GET");
            String graph = (String) Replies.send(j, "LATENCY", "GRAPH", "command");
            assertThat(graph).startsWith("command - high ").contains(" ms, low ").contains("#");
            assertThatThrownBy(() -> Replies.send(j, "LATENCY", "GRAPH", "nosuchevent"))
                    .hasMessage("ERR No samples available for event 'nosuchevent'");
            assertThat(Replies.send(j, "LATENCY", "RESET", "nosuchevent")).isEqualTo(0L);
            assertThat(Replies.send(j, "LATENCY", "RESET")).isEqualTo(1L);
            assertThat(Replies.send(j, "LATENCY", "LATEST")).isEqualTo(List.of());
            assertThat(Replies.send(j, "LATENCY", "HISTORY", "command")).isEqualTo(List.of());
            assertThat((String) Replies.send(j, "LATENCY", "DOCTOR")).startsWith("No latency events recorded at or above");
        }
    }
}
