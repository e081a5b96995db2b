package io.ferrite.server.timeseries;

import static io.ferrite.server.timeseries.TsReplies.info;
import static io.ferrite.server.timeseries.TsReplies.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * RedisTimeSeries's module arguments as Redis 8 configs (ts-retention-policy, ts-duplicate-policy,
 * ts-chunk-size-bytes, ts-encoding, ts-compaction-policy, ts-ignore-max-time-diff,
 * ts-ignore-max-val-diff): CONFIG GET/SET with RedisTimeSeries's bounds and error texts, and their
 * use as defaults by TS.CREATE and by the keys TS.ADD/TS.INCRBY create.
 */
class TimeSeriesConfigTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final Map<String, String> DEFAULTS = Map.of("ts-retention-policy", "0", "ts-duplicate-policy",
            "block", "ts-chunk-size-bytes", "4096", "ts-encoding", "compressed", "ts-compaction-policy", "",
            "ts-ignore-max-time-diff", "0", "ts-ignore-max-val-diff", "0.000000");

    @AfterEach
    void restoreDefaults() {
        try (Jedis j = ferrite.jedis()) {
            DEFAULTS.forEach(j::configSet);
        }
    }

    private static void assertSetFails(Jedis j, String name, String value, String reason) {
        assertThatThrownBy(() -> j.configSet(name, value)).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
    }

    @Test
    void configGetShowsTheDefaultsAndSetValidates() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.configGet("ts-*")).isEqualTo(DEFAULTS);
            j.configSet("ts-duplicate-policy", "LAST");
            assertThat(j.configGet("ts-duplicate-policy")).containsEntry("ts-duplicate-policy", "last");
            j.configSet("ts-encoding", "UNCOMPRESSED");
            assertThat(j.configGet("ts-encoding")).containsEntry("ts-encoding", "uncompressed");
            j.configSet("ts-ignore-max-val-diff", "1.5");
            assertThat(j.configGet("ts-ignore-max-val-diff")).containsEntry("ts-ignore-max-val-diff", "1.500000");
            j.configSet("ts-compaction-policy", "max:1M:1h;avg:10s:0:5s");
            assertThat(j.configGet("ts-compaction-policy")).containsEntry("ts-compaction-policy", "max:1M:1h;avg:10s:0:5s");

            assertSetFails(j, "ts-duplicate-policy", "newest", "Invalid duplicate policy: newest");
            assertSetFails(j, "ts-encoding", "zip", "Invalid encoding: zip");
            assertSetFails(j, "ts-chunk-size-bytes", "100",
                    "TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]");
            assertSetFails(j, "ts-chunk-size-bytes", "8", "argument must be between 48 and 1048576 inclusive");
            assertSetFails(j, "ts-retention-policy", "-1",
                    "argument must be between 0 and 9223372036854775807 inclusive");
            assertSetFails(j, "ts-ignore-max-time-diff", "x", "argument couldn't be parsed into an integer");
            assertSetFails(j, "ts-ignore-max-val-diff", "x", "Invalid value for `ts-ignore-max-val-diff`");
            assertSetFails(j, "ts-compaction-policy", "max:1x:1h", "Invalid compaction policy: max:1x:1h");
            assertSetFails(j, "ts-compaction-policy", "foo:1M:1h", "Invalid compaction policy: foo:1M:1h");
            assertSetFails(j, "ts-compaction-policy", "max:1M", "Invalid compaction policy: max:1M");
            assertThat(j.configGet("ts-compaction-policy")).containsEntry("ts-compaction-policy", "max:1M:1h;avg:10s:0:5s");
        }
    }

    @Test
    void createAndAutoCreateTakeTheirDefaultsFromTheConfig() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("ts-retention-policy", "60000");
            j.configSet("ts-chunk-size-bytes", "128");
            j.configSet("ts-encoding", "uncompressed");
            j.configSet("ts-ignore-max-time-diff", "10");
            j.configSet("ts-ignore-max-val-diff", "2");
            ts(j, "TS.CREATE", "created");
            ts(j, "TS.ADD", "added", "1", "1");
            ts(j, "TS.INCRBY", "incr", "1", "TIMESTAMP", "5");
            for (String k : new String[] {"created", "added", "incr"}) {
                Map<String, String> info = info(j, k);
                assertThat(info).as(k).containsEntry("retentionTime", "60000").containsEntry("chunkSize", "128")
                        .containsEntry("chunkType", "uncompressed").containsEntry("ignoreMaxTimeDiff", "10")
                        .containsEntry("ignoreMaxValDiff", "2").containsEntry("duplicatePolicy", "nil");
            }
            // options given on the command win
            ts(j, "TS.CREATE", "own", "RETENTION", "5", "CHUNK_SIZE", "64", "ENCODING", "COMPRESSED", "IGNORE", "0", "0");
            assertThat(info(j, "own")).containsEntry("retentionTime", "5").containsEntry("chunkSize", "64")
                    .containsEntry("chunkType", "compressed").containsEntry("ignoreMaxTimeDiff", "0");
        }
    }

    @Test
    void duplicatePolicyDefaultAppliesToSeriesWithoutTheirOwn() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "plain");
            ts(j, "TS.CREATE", "blocking", "DUPLICATE_POLICY", "BLOCK");
            ts(j, "TS.ADD", "plain", "1", "1");
            ts(j, "TS.ADD", "blocking", "1", "1");
            TsReplies.assertError(j, "ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to "
                    + "BLOCK mode", "TS.ADD", "plain", "1", "2");
            j.configSet("ts-duplicate-policy", "sum");
            assertThat(ts(j, "TS.ADD", "plain", "1", "2")).isEqualTo("1");
            assertThat(ts(j, "TS.MADD", "plain", "1", "4", "blocking", "1", "4"))
                    .startsWith("[1,ERR:ERR TSDB: Error at upsert");
            assertThat(ts(j, "TS.GET", "plain")).isEqualTo("[1,7]");
            assertThat(info(j, "plain").get("duplicatePolicy")).isEqualTo("nil"); // still the series' own: unset
        }
    }

    @Test
    void compactionPolicyCreatesRulesForAutoCreatedKeysOnly() {
        try (Jedis j = ferrite.jedis()) {
            j.configSet("ts-compaction-policy", "max:10m:1h;avg:1s:0:5m");
            ts(j, "TS.CREATE", "explicit", "LABELS", "a", "1");
            assertThat(info(j, "explicit").get("rules")).isEqualTo("[]");

            ts(j, "TS.ADD", "auto", "1000", "4", "LABELS", "a", "1");
            assertThat(info(j, "auto").get("rules")).isEqualTo("[[auto_MAX_10,10,max,0],[auto_AVG_1000_5,1000,avg,5]]");
            Map<String, String> max = info(j, "auto_MAX_10");
            assertThat(max).containsEntry("sourceKey", "auto").containsEntry("retentionTime", "3600000")
                    .containsEntry("labels", "[[a,1],[aggregation,MAX],[time_bucket,10]]");
            assertThat(info(j, "auto_AVG_1000_5")).containsEntry("retentionTime", "0");
            ts(j, "TS.ADD", "auto", "1005", "6");
            ts(j, "TS.ADD", "auto", "1012", "1");
            assertThat(ts(j, "TS.RANGE", "auto_MAX_10", "-", "+")).isEqualTo("[[1000,6]]");
            assertThat(ts(j, "TS.QUERYINDEX", "aggregation=MAX")).isEqualTo("[auto_MAX_10]");

            // a destination that exists already is left alone; TS.INCRBY creates them too
            ts(j, "TS.CREATE", "inc_MAX_10");
            ts(j, "TS.INCRBY", "inc", "1", "TIMESTAMP", "1");
            assertThat(info(j, "inc").get("rules")).isEqualTo("[[inc_AVG_1000_5,1000,avg,5]]");
            assertThat(info(j, "inc_MAX_10").get("sourceKey")).isEqualTo("nil");
        }
    }
}
