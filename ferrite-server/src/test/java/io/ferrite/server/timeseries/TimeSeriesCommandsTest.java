package io.ferrite.server.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.ferrite.server.timeseries.TsReplies.assertError;
import static io.ferrite.server.timeseries.TsReplies.render;
import static io.ferrite.server.timeseries.TsReplies.ts;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.timeseries.AggregationType;
import redis.clients.jedis.timeseries.TSCreateParams;
import redis.clients.jedis.timeseries.TSElement;
import redis.clients.jedis.timeseries.TSMRangeElements;
import redis.clients.jedis.timeseries.TSMRangeParams;
import redis.clients.jedis.timeseries.TSRangeParams;

class TimeSeriesCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    /** (10,1) (20,2) (30,3) (45,10) (70,6) */
    private static void sample(Jedis j, String key) {
        ts(j, "TS.CREATE", key);
        ts(j, "TS.MADD", key, "10", "1", key, "20", "2", key, "30", "3", key, "45", "10", key, "70", "6");
    }

    // ---- TS.CREATE, TS.ADD, TS.GET, TS.INFO

    @Test
    void createAddGetAndTypeReportTsdbType() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(ts(j, "TS.CREATE", "t", "RETENTION", "0", "LABELS", "a", "1")).isEqualTo("OK");
            assertThat(j.type("t")).isEqualTo("TSDB-TYPE");
            assertThat(ts(j, "TS.GET", "t")).isEqualTo("[]");
            assertThat(ts(j, "TS.ADD", "t", "1000", "1.5")).isEqualTo("1000");
            assertThat(ts(j, "TS.ADD", "t", "2000", "2")).isEqualTo("2000");
            assertThat(ts(j, "TS.GET", "t")).isEqualTo("[2000,2]");
            assertError(j, "ERR TSDB: key already exists", "TS.CREATE", "t");
            assertError(j, "ERR TSDB: the key does not exist", "TS.GET", "missing");
            j.set("s", "x");
            assertError(j, "WRONGTYPE Operation against a key holding the wrong kind of value", "TS.ADD", "s", "1", "1");
            assertError(j, "ERR TSDB: invalid value", "TS.ADD", "t", "3000", "abc");
            assertError(j, "ERR TSDB: invalid timestamp, must be a nonnegative integer", "TS.ADD", "t", "-5", "1");
            assertError(j, "ERR TSDB: CHUNK_SIZE value must be a multiple of 8 in the range [48 .. 1048576]",
                    "TS.CREATE", "u", "CHUNK_SIZE", "50");
            assertError(j, "ERR TSDB: Unknown DUPLICATE_POLICY", "TS.CREATE", "u", "DUPLICATE_POLICY", "avg");
        }
    }

    @Test
    void addStarUsesServerTimeAndAutoCreatesWithOptions() {
        try (Jedis j = ferrite.jedis()) {
            long before = System.currentTimeMillis();
            long t = Long.parseLong(ts(j, "TS.ADD", "a", "*", "42.5", "RETENTION", "5000", "ENCODING", "UNCOMPRESSED",
                    "DUPLICATE_POLICY", "max", "LABELS", "host", "h1"));
            assertThat(t).isBetween(before, System.currentTimeMillis());
            String info = ts(j, "TS.INFO", "a");
            assertThat(info).startsWith("[totalSamples,1,memoryUsage,");
            assertThat(info).contains("retentionTime,5000,chunkCount,1,chunkSize,4096,chunkType,uncompressed,"
                    + "duplicatePolicy,max,labels,[[host,h1]],sourceKey,nil,rules,[],ignoreMaxTimeDiff,0,ignoreMaxValDiff,0]");
        }
    }

    @Test
    void duplicatePoliciesAndOnDuplicateOverride() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.ADD", "d", "10", "5");
            assertError(j, "ERR TSDB: Error at upsert, update is not supported when DUPLICATE_POLICY is set to BLOCK mode",
                    "TS.ADD", "d", "10", "7");
            ts(j, "TS.ADD", "d", "10", "7", "ON_DUPLICATE", "SUM");
            assertThat(ts(j, "TS.GET", "d")).isEqualTo("[10,12]");
            ts(j, "TS.ADD", "d", "10", "3", "ON_DUPLICATE", "MAX");
            assertThat(ts(j, "TS.GET", "d")).isEqualTo("[10,12]");
            ts(j, "TS.ADD", "d", "10", "3", "ON_DUPLICATE", "MIN");
            assertThat(ts(j, "TS.GET", "d")).isEqualTo("[10,3]");
            ts(j, "TS.ADD", "d", "10", "9", "ON_DUPLICATE", "FIRST");
            assertThat(ts(j, "TS.GET", "d")).isEqualTo("[10,3]");
            ts(j, "TS.ALTER", "d", "DUPLICATE_POLICY", "LAST");
            ts(j, "TS.ADD", "d", "10", "9");
            assertThat(ts(j, "TS.GET", "d")).isEqualTo("[10,9]");
            assertThat(ts(j, "TS.RANGE", "d", "-", "+")).isEqualTo("[[10,9]]");
        }
    }

    @Test
    void retentionRefusesOldSamplesAndTrimsWholeChunks() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "r", "RETENTION", "100", "CHUNK_SIZE", "48");
            ts(j, "TS.ADD", "r", "1000", "1");
            assertError(j, "ERR TSDB: Timestamp is older than retention", "TS.ADD", "r", "899", "1");
            assertThat(ts(j, "TS.ADD", "r", "900", "2")).isEqualTo("900");
            for (int t = 1001; t < 1400; t++) ts(j, "TS.ADD", "r", String.valueOf(t), "3");
            // queries clamp to last - retention even before chunks are trimmed
            assertThat(ts(j, "TS.RANGE", "r", "-", "+", "COUNT", "1")).isEqualTo("[[1299,3]]");
            String info = ts(j, "TS.INFO", "r");
            long total = Long.parseLong(info.split(",")[1]);
            assertThat(total).isLessThan(200).isGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void outOfOrderInsertsSplitChunksAndKeepOrder() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "o", "CHUNK_SIZE", "48");
            for (int t = 0; t < 400; t += 2) ts(j, "TS.ADD", "o", String.valueOf(t), String.valueOf(t));
            for (int t = 1; t < 400; t += 2) ts(j, "TS.ADD", "o", String.valueOf(t), String.valueOf(t));
            String r = ts(j, "TS.RANGE", "o", "-", "+");
            StringBuilder want = new StringBuilder("[");
            for (int t = 0; t < 400; t++) want.append(t == 0 ? "" : ",").append('[').append(t).append(',').append(t).append(']');
            assertThat(r).isEqualTo(want.append(']').toString());
            assertThat(ts(j, "TS.DEL", "o", "100", "299")).isEqualTo("200");
            assertThat(ts(j, "TS.RANGE", "o", "98", "301")).isEqualTo("[[98,98],[99,99],[300,300],[301,301]]");
        }
    }

    @Test
    void maddRepliesPerSampleAndIncrByDecrByBuildOnTheLastValue() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "m");
            assertThat(ts(j, "TS.MADD", "m", "10", "1", "m", "5", "x", "m", "10", "2"))
                    .isEqualTo("[10,ERR:ERR TSDB: invalid value,ERR:ERR TSDB: Error at upsert, update is not supported "
                            + "when DUPLICATE_POLICY is set to BLOCK mode]");
            assertError(j, "ERR TSDB: the key does not exist", "TS.MADD", "m", "20", "1", "nokey", "20", "1");
            assertThat(ts(j, "TS.INCRBY", "c", "5", "TIMESTAMP", "10")).isEqualTo("10");
            assertThat(ts(j, "TS.INCRBY", "c", "3", "TIMESTAMP", "10")).isEqualTo("10");
            assertThat(ts(j, "TS.DECRBY", "c", "2", "TIMESTAMP", "20")).isEqualTo("20");
            assertThat(ts(j, "TS.RANGE", "c", "-", "+")).isEqualTo("[[10,8],[20,6]]");
            assertError(j, "ERR TSDB: timestamp must be equal to or higher than the maximum existing timestamp",
                    "TS.INCRBY", "c", "1", "TIMESTAMP", "15");
        }
    }

    // ---- TS.RANGE / TS.REVRANGE

    @Test
    void rangeFiltersAndCount() {
        try (Jedis j = ferrite.jedis()) {
            sample(j, "k");
            assertThat(ts(j, "TS.RANGE", "k", "20", "45")).isEqualTo("[[20,2],[30,3],[45,10]]");
            assertThat(ts(j, "TS.REVRANGE", "k", "-", "+", "COUNT", "2")).isEqualTo("[[70,6],[45,10]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "FILTER_BY_TS", "70", "20", "21")).isEqualTo("[[20,2],[70,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "FILTER_BY_VALUE", "2", "6")).isEqualTo("[[20,2],[30,3],[70,6]]");
            assertError(j, "ERR TSDB: wrong fromTimestamp", "TS.RANGE", "k", "x", "+");
            assertError(j, "ERR TSDB: Unknown aggregation type", "TS.RANGE", "k", "-", "+", "AGGREGATION", "p42", "10");
            assertError(j, "ERR TSDB: bucketDuration must be greater than zero", "TS.RANGE", "k", "-", "+", "AGGREGATION", "avg", "0");
            assertError(j, "ERR TSDB: start alignment can only be used with explicit start timestamp",
                    "TS.RANGE", "k", "-", "+", "ALIGN", "start", "AGGREGATION", "avg", "10");
        }
    }

    @Test
    void aggregationBucketsAlignmentTimestampsAndEmpty() {
        try (Jedis j = ferrite.jedis()) {
            sample(j, "k");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "avg", "20"))
                    .isEqualTo("[[0,1],[20,2.5],[40,10],[60,6]]");
            assertThat(ts(j, "TS.REVRANGE", "k", "-", "+", "AGGREGATION", "avg", "20", "COUNT", "2"))
                    .isEqualTo("[[60,6],[40,10]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "COUNT", "2", "AGGREGATION", "sum", "20"))
                    .isEqualTo("[[0,1],[20,5]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "max", "20", "BUCKETTIMESTAMP", "end"))
                    .isEqualTo("[[20,1],[40,3],[60,10],[80,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "max", "20", "BUCKETTIMESTAMP", "~"))
                    .isEqualTo("[[10,1],[30,3],[50,10],[70,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "ALIGN", "5", "AGGREGATION", "avg", "20"))
                    .isEqualTo("[[5,1.5],[25,3],[45,10],[65,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "5", "+", "ALIGN", "start", "AGGREGATION", "count", "20"))
                    .isEqualTo("[[5,2],[25,1],[45,1],[65,1]]");
            // buckets of 10: 50 and 60 are empty
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "sum", "10", "EMPTY"))
                    .isEqualTo("[[10,1],[20,2],[30,3],[40,10],[50,0],[60,0],[70,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "count", "10", "EMPTY"))
                    .isEqualTo("[[10,1],[20,1],[30,1],[40,1],[50,0],[60,0],[70,1]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "last", "10", "EMPTY"))
                    .isEqualTo("[[10,1],[20,2],[30,3],[40,10],[50,10],[60,10],[70,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "min", "10", "EMPTY"))
                    .isEqualTo("[[10,1],[20,2],[30,3],[40,10],[50,NaN],[60,NaN],[70,6]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "min", "10"))
                    .isEqualTo("[[10,1],[20,2],[30,3],[40,10],[70,6]]");
            // var.s of a single sample is 0; var.p of {2,3} is 0.25
            assertThat(ts(j, "TS.RANGE", "k", "0", "15", "AGGREGATION", "var.s", "100")).isEqualTo("[[0,0]]");
            assertThat(ts(j, "TS.RANGE", "k", "20", "30", "AGGREGATION", "variance", "100")).isEqualTo("[[0,0.25]]");
            assertThat(ts(j, "TS.RANGE", "k", "20", "30", "AGGREGATION", "std.s", "100"))
                    .isEqualTo("[[0," + Math.sqrt(0.5) + "]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "range", "100")).isEqualTo("[[0,9]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "first", "100")).isEqualTo("[[0,1]]");
        }
    }

    @Test
    void twaInterpolatesAtBucketEdgesWithTheNeighbours() {
        try (Jedis j = ferrite.jedis()) {
            sample(j, "k");
            // bucket [20,40): 2 at 20, 3 at 30, next (45,10) gives 3 + 7*10/15 at 40
            double end = 3 + 7 * (10.0 / 15);
            double want = (2.5 * 10 + (3 + end) / 2 * 10) / 20;
            String r = ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "twa", "20");
            assertThat(r).startsWith("[[0,").contains("[20," + want + "]");
        }
    }

    @Test
    void percentilesAreExactAndCounterAggregatorsHandleResets() {
        try (Jedis j = ferrite.jedis()) {
            sample(j, "k");
            // values {1,2,3,10,6} sorted {1,2,3,6,10}: p50 = 3, p90 rank 3.6 = 6 + 0.6 * 4
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "median", "100")).isEqualTo("[[0,3]]");
            assertThat(ts(j, "TS.RANGE", "k", "-", "+", "AGGREGATION", "p90", "100")).isEqualTo("[[0,8.4]]");
            ts(j, "TS.CREATE", "c");
            ts(j, "TS.MADD", "c", "0", "0", "c", "10", "5", "c", "20", "8", "c", "30", "2", "c", "40", "4");
            assertThat(ts(j, "TS.RANGE", "c", "-", "+", "AGGREGATION", "increase", "1000")).isEqualTo("[[0,12]]");
            assertThat(ts(j, "TS.RANGE", "c", "-", "+", "AGGREGATION", "rate", "2000")).isEqualTo("[[0,6]]");
            assertThat(ts(j, "TS.RANGE", "c", "-", "+", "AGGREGATION", "delta", "1000")).isEqualTo("[[0,4]]");
        }
    }

    // ---- labels, TS.QUERYINDEX, TS.MGET, TS.MRANGE

    private static void fleet(Jedis j) {
        ts(j, "TS.CREATE", "cpu:1", "LABELS", "type", "cpu", "host", "a", "dc", "eu");
        ts(j, "TS.CREATE", "cpu:2", "LABELS", "type", "cpu", "host", "b");
        ts(j, "TS.CREATE", "mem:1", "LABELS", "type", "mem", "host", "a", "dc", "us");
        ts(j, "TS.MADD", "cpu:1", "10", "1", "cpu:1", "20", "3", "cpu:2", "10", "5", "cpu:2", "30", "7", "mem:1", "10", "100");
    }

    @Test
    void queryIndexSupportsTheWholeFilterGrammar() {
        try (Jedis j = ferrite.jedis()) {
            fleet(j);
            assertThat(ts(j, "TS.QUERYINDEX", "type=cpu")).isEqualTo("[cpu:1,cpu:2]");
            assertThat(ts(j, "TS.QUERYINDEX", "host=a", "type!=cpu")).isEqualTo("[mem:1]");
            assertThat(ts(j, "TS.QUERYINDEX", "type=cpu", "dc=")).isEqualTo("[cpu:2]");
            assertThat(ts(j, "TS.QUERYINDEX", "host=(a,b)", "dc!=")).isEqualTo("[cpu:1,mem:1]");
            assertThat(ts(j, "TS.QUERYINDEX", "type=(cpu,mem)", "dc!=(eu,us)")).isEqualTo("[cpu:2]");
            assertThat(ts(j, "TS.QUERYINDEX", "type=disk")).isEqualTo("[]");
            assertError(j, "ERR TSDB: please provide at least one matcher", "TS.QUERYINDEX", "type!=cpu");
            assertError(j, "ERR TSDB: failed parsing labels", "TS.QUERYINDEX", "nonsense");
        }
    }

    @Test
    void labelIndexFollowsDeleteRenameAlterAndExpiry() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            fleet(j);
            j.rename("cpu:1", "cpu:9");
            j.del("cpu:2");
            assertThat(ts(j, "TS.QUERYINDEX", "type=cpu")).isEqualTo("[cpu:9]");
            ts(j, "TS.ALTER", "mem:1", "LABELS", "type", "cpu");
            assertThat(ts(j, "TS.QUERYINDEX", "type=cpu")).isEqualTo("[cpu:9,mem:1]");
            assertThat(ts(j, "TS.QUERYINDEX", "host=a")).isEqualTo("[cpu:9]");
            j.pexpire("cpu:9", 1);
            Thread.sleep(20);
            assertThat(ts(j, "TS.QUERYINDEX", "type=cpu")).isEqualTo("[mem:1]");
            j.copy("mem:1", "mem:2", false);
            assertThat(ts(j, "TS.QUERYINDEX", "type=cpu")).isEqualTo("[mem:1,mem:2]");
        }
    }

    @Test
    void mgetWithLabelsAndSelectedLabels() {
        try (Jedis j = ferrite.jedis()) {
            fleet(j);
            assertThat(ts(j, "TS.MGET", "FILTER", "type=cpu")).isEqualTo("[[cpu:1,[],[20,3]],[cpu:2,[],[30,7]]]");
            assertThat(ts(j, "TS.MGET", "WITHLABELS", "FILTER", "host=b"))
                    .isEqualTo("[[cpu:2,[[type,cpu],[host,b]],[30,7]]]");
            assertThat(ts(j, "TS.MGET", "SELECTED_LABELS", "dc", "FILTER", "type=cpu"))
                    .isEqualTo("[[cpu:1,[[dc,eu]],[20,3]],[cpu:2,[[dc,nil]],[30,7]]]");
            assertError(j, "ERR TSDB: cannot accept WITHLABELS and SELECT_LABELS together",
                    "TS.MGET", "WITHLABELS", "SELECTED_LABELS", "dc", "FILTER", "type=cpu");
        }
    }

    @Test
    void mrangeAndMrevrangeWithAggregationAndGroupByReduce() {
        try (Jedis j = ferrite.jedis()) {
            fleet(j);
            assertThat(ts(j, "TS.MRANGE", "-", "+", "FILTER", "type=cpu"))
                    .isEqualTo("[[cpu:1,[],[[10,1],[20,3]]],[cpu:2,[],[[10,5],[30,7]]]]");
            assertThat(ts(j, "TS.MREVRANGE", "-", "+", "COUNT", "1", "FILTER", "type=cpu"))
                    .isEqualTo("[[cpu:1,[],[[20,3]]],[cpu:2,[],[[30,7]]]]");
            assertThat(ts(j, "TS.MRANGE", "-", "+", "AGGREGATION", "sum", "100", "WITHLABELS", "FILTER", "host=a"))
                    .isEqualTo("[[cpu:1,[[type,cpu],[host,a],[dc,eu]],[[0,4]]],[mem:1,[[type,mem],[host,a],[dc,us]],[[0,100]]]]");
            // per timestamp: 10 -> {1,5}, 20 -> {3}, 30 -> {7}
            assertThat(ts(j, "TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "type=cpu", "GROUPBY", "type", "REDUCE", "max"))
                    .isEqualTo("[[type=cpu,[[type,cpu],[__reducer__,max],[__source__,cpu:1,cpu:2]],[[10,5],[20,3],[30,7]]]]");
            assertThat(ts(j, "TS.MRANGE", "-", "+", "FILTER", "host=(a,b)", "GROUPBY", "host", "REDUCE", "sum"))
                    .isEqualTo("[[host=a,[],[[10,101],[20,3]]],[host=b,[],[[10,5],[30,7]]]]");
            assertError(j, "ERR TSDB: Unknown reducer type",
                    "TS.MRANGE", "-", "+", "FILTER", "type=cpu", "GROUPBY", "type", "REDUCE", "twa");
        }
    }

    // ---- compaction rules

    @Test
    void rulesCompactClosedBucketsChainAndBackfill() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "raw");
            ts(j, "TS.CREATE", "m10");
            ts(j, "TS.CREATE", "m100");
            assertThat(ts(j, "TS.CREATERULE", "raw", "m10", "AGGREGATION", "avg", "10")).isEqualTo("OK");
            assertThat(ts(j, "TS.CREATERULE", "m10", "m100", "AGGREGATION", "sum", "100")).isEqualTo("OK");
            assertError(j, "ERR TSDB: the source key and destination key should be different",
                    "TS.CREATERULE", "raw", "raw", "AGGREGATION", "avg", "10");
            assertError(j, "ERR TSDB: the destination key already has a src rule",
                    "TS.CREATERULE", "m100", "m10", "AGGREGATION", "avg", "10");
            for (int t = 0; t < 250; t += 5) ts(j, "TS.ADD", "raw", String.valueOf(t), String.valueOf(t));
            // buckets of 10 closed up to [230,240): avg of {t, t+5} = t + 2.5
            assertThat(ts(j, "TS.RANGE", "m10", "0", "20")).isEqualTo("[[0,2.5],[10,12.5],[20,22.5]]");
            assertThat(ts(j, "TS.GET", "m10")).isEqualTo("[230,232.5]");
            assertThat(ts(j, "TS.GET", "m10", "LATEST")).isEqualTo("[240,242.5]");
            // m100 closed [0,100) and [100,200): sum of (t+2.5) for t = 0,10..90 = 475
            assertThat(ts(j, "TS.RANGE", "m100", "-", "+")).isEqualTo("[[0,475],[100,1475]]");
            String info = ts(j, "TS.INFO", "m10");
            assertThat(info).contains("sourceKey,raw,rules,[[m100,100,sum,0]]");
            // an out-of-order sample recomputes its closed bucket
            ts(j, "TS.ADD", "raw", "1", "100");
            assertThat(ts(j, "TS.RANGE", "m10", "0", "0")).isEqualTo("[[0,35]]"); // (0 + 100 + 5) / 3
            // BACKFILL computes the destination from stored samples
            ts(j, "TS.CREATE", "bf");
            ts(j, "TS.CREATERULE", "raw", "bf", "AGGREGATION", "max", "100", "BACKFILL");
            assertThat(ts(j, "TS.RANGE", "bf", "-", "+")).isEqualTo("[[0,100],[100,195]]");
            assertThat(ts(j, "TS.DELETERULE", "raw", "bf")).isEqualTo("OK");
            assertError(j, "ERR TSDB: compaction rule does not exist", "TS.DELETERULE", "raw", "bf");
        }
    }

    // ---- RESP3 shapes

    @Test
    void resp3RepliesDoublesMapsAndSets() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            fleet(j);
        }
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("HELLO", "3");
            raw.readReply();
            raw.command("TS.GET", "cpu:1");
            assertThat(raw.readReply()).isEqualTo("*2\r\n:20\r\n,3\r\n");
            raw.command("TS.RANGE", "cpu:1", "-", "+", "AGGREGATION", "avg", "100");
            assertThat(raw.readReply()).isEqualTo("*1\r\n*2\r\n:0\r\n,2\r\n");
            raw.command("TS.QUERYINDEX", "host=b");
            assertThat(raw.readReply()).isEqualTo("~1\r\n$5\r\ncpu:2\r\n");
            raw.command("TS.MRANGE", "-", "+", "WITHLABELS", "FILTER", "host=b");
            assertThat(raw.readReply()).isEqualTo("%1\r\n$5\r\ncpu:2\r\n*3\r\n%2\r\n$4\r\ntype\r\n$3\r\ncpu\r\n$4\r\nhost\r\n$1\r\nb\r\n"
                    + "%1\r\n$11\r\naggregators\r\n*0\r\n*2\r\n*2\r\n:10\r\n,5\r\n*2\r\n:30\r\n,7\r\n");
            raw.command("TS.MGET", "FILTER", "host=b");
            assertThat(raw.readReply()).isEqualTo("%1\r\n$5\r\ncpu:2\r\n*2\r\n%0\r\n*2\r\n:30\r\n,7\r\n");
            raw.command("TS.INFO", "cpu:2");
            assertThat(raw.readReply()).startsWith("%14\r\n$12\r\ntotalSamples\r\n:2\r\n")
                    .contains("$6\r\nlabels\r\n%2\r\n$4\r\ntype\r\n$3\r\ncpu\r\n");
            raw.command("TS.RANGE", "cpu:2", "-", "+", "AGGREGATION", "min", "10", "EMPTY");
            assertThat(raw.readReply()).isEqualTo("*3\r\n*2\r\n:10\r\n,5\r\n*2\r\n:20\r\n,nan\r\n*2\r\n:30\r\n,7\r\n");
        }
    }

    @Test
    void resp2ValuesAreSimpleStrings() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("TS.ADD", "v", "1", "0.1");
            raw.readReply();
            raw.command("TS.GET", "v");
            assertThat(raw.readReply()).isEqualTo("*2\r\n:1\r\n+0.1\r\n");
        }
    }

    // ---- Jedis's own time-series API

    @Test
    void jedisTimeSeriesApiWorks() {
        try (UnifiedJedis u = new UnifiedJedis(new HostAndPort("localhost", ferrite.port()))) {
            assertThat(u.tsCreate("jt", TSCreateParams.createParams().retention(0).label("kind", "j"))).isEqualTo("OK");
            assertThat(u.tsAdd("jt", 1000, 1.5)).isEqualTo(1000);
            assertThat(u.tsAdd("jt", 2000, 2.5)).isEqualTo(2000);
            List<TSElement> r = u.tsRange("jt", 0, 5000);
            assertThat(r).extracting(TSElement::getTimestamp).containsExactly(1000L, 2000L);
            assertThat(r).extracting(TSElement::getValue).containsExactly(1.5, 2.5);
            List<TSElement> agg = u.tsRange("jt", TSRangeParams.rangeParams(0, 5000).aggregation(AggregationType.SUM, 10_000));
            assertThat(agg).extracting(TSElement::getValue).containsExactly(4.0);
            Map<String, TSMRangeElements> m = u.tsMRange(TSMRangeParams.multiRangeParams(0, 5000).filter("kind=j"));
            assertThat(m).containsOnlyKeys("jt");
            assertThat(m.get("jt").getElements()).hasSize(2);
            assertThat(u.tsGet("jt").getValue()).isEqualTo(2.5);
        }
    }
}
