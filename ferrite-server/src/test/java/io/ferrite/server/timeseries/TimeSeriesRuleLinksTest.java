package io.ferrite.server.timeseries;

import static io.ferrite.server.timeseries.TsReplies.info;
import static io.ferrite.server.timeseries.TsReplies.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Compaction rules and the label index follow their keys (RedisTimeSeries 1.12): deleting a
 * source drops its rules and the destination's sourceKey, deleting a destination removes the rule
 * from its source, whatever deletes the key (DEL, UNLINK, expiry, FLUSHDB, SET or RESTORE over
 * it, MOVE); RENAME re-points both ends and re-indexes the labels; SWAPDB keeps both.
 * Source, destination and third keys are placed in distinct shards, so every link crosses shards.
 */
class TimeSeriesRuleLinksTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    /** n key names starting with prefix, each in a shard of its own. */
    private static List<String> keys(String prefix, int n) {
        List<String> out = new ArrayList<>();
        long used = 0;
        for (int i = 0; out.size() < n; i++) {
            String k = prefix + i;
            int shard = ferrite.server().keyspace().shardIndex(k.getBytes(StandardCharsets.UTF_8));
            if ((used & 1L << shard) != 0) continue;
            used |= 1L << shard;
            out.add(k);
        }
        return out;
    }

    /** src → dst with sum over 10 ms buckets; src holds (0,1) (5,2) (10,4): bucket 0 closed as 3. */
    private static void linked(Jedis j, String src, String dst) {
        ts(j, "TS.CREATE", src, "LABELS", "role", "src");
        ts(j, "TS.CREATE", dst, "LABELS", "role", "dst");
        assertThat(ts(j, "TS.CREATERULE", src, dst, "AGGREGATION", "sum", "10")).isEqualTo("OK");
        ts(j, "TS.MADD", src, "0", "1", src, "5", "2", src, "10", "4");
        assertThat(ts(j, "TS.RANGE", dst, "-", "+")).isEqualTo("[[0,3]]");
        assertThat(info(j, src).get("rules")).isEqualTo("[[" + dst + ",10,sum,0]]");
        assertThat(info(j, dst).get("sourceKey")).isEqualTo(src);
    }

    @Test
    void deletingTheSourceDropsTheDestinationsSourceKey() {
        List<String> k = keys("src-del", 3);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            assertThat(ts(j, "TS.GET", k.get(1), "LATEST")).isEqualTo("[10,4]");
            assertThat(j.del(k.get(0))).isEqualTo(1);
            assertThat(info(j, k.get(1)).get("sourceKey")).isEqualTo("nil");
            // LATEST no longer reaches a source, and the destination may get a new one
            assertThat(ts(j, "TS.GET", k.get(1), "LATEST")).isEqualTo("[0,3]");
            ts(j, "TS.CREATE", k.get(2));
            assertThat(ts(j, "TS.CREATERULE", k.get(2), k.get(1), "AGGREGATION", "max", "10")).isEqualTo("OK");
            // a series re-created under the old source name has no rules
            ts(j, "TS.CREATE", k.get(0));
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[]");
        }
    }

    @Test
    void deletingTheDestinationRemovesTheRuleFromTheSource() {
        List<String> k = keys("dst-del", 4);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            assertThat(j.del(k.get(1))).isEqualTo(1);
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[]");
            // a destination re-created under the same name is a new series: nothing writes into it
            ts(j, "TS.CREATE", k.get(1));
            ts(j, "TS.MADD", k.get(0), "20", "1", k.get(0), "30", "1");
            assertThat(ts(j, "TS.RANGE", k.get(1), "-", "+")).isEqualTo("[]");
            assertThat(ts(j, "TS.CREATERULE", k.get(0), k.get(1), "AGGREGATION", "sum", "10")).isEqualTo("OK");

            linked(j, k.get(2), k.get(3));
            assertThat(j.unlink(k.get(3))).isEqualTo(1);
            // the source's next write finds the destination gone before compacting into it
            ts(j, "TS.ADD", k.get(2), "20", "1");
            assertThat(info(j, k.get(2)).get("rules")).isEqualTo("[]");
        }
    }

    @Test
    void deleteRuleOfAGoneDestinationReportsNoRule() {
        List<String> k = keys("delrule", 2);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            j.del(k.get(1));
            TsReplies.assertError(j, "ERR TSDB: compaction rule does not exist", "TS.DELETERULE", k.get(0), k.get(1));
        }
    }

    @Test
    void expiryOfEitherEndUnlinksTheRule() throws Exception {
        List<String> k = keys("exp", 4);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            linked(j, k.get(2), k.get(3));
            j.pexpire(k.get(1), 1);
            j.pexpire(k.get(2), 1);
            Thread.sleep(20);
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[]");
            assertThat(info(j, k.get(3)).get("sourceKey")).isEqualTo("nil");
            assertThat(ts(j, "TS.QUERYINDEX", "role=(src,dst)")).isEqualTo("[" + k.get(0) + "," + k.get(3) + "]");
        }
    }

    @Test
    void flushdbLeavesNoRuleAndNoIndexEntry() {
        List<String> k = keys("flush", 2);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            j.flushDB();
            assertThat(ts(j, "TS.QUERYINDEX", "role=(src,dst)")).isEqualTo("[]");
            ts(j, "TS.CREATE", k.get(0));
            ts(j, "TS.CREATE", k.get(1));
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[]");
            assertThat(info(j, k.get(1)).get("sourceKey")).isEqualTo("nil");
        }
    }

    @Test
    void setOrRestoreOverAnEndUnlinksTheRule() {
        List<String> k = keys("over", 4);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            j.set(k.get(1), "plain");
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[]");
            assertThat(ts(j, "TS.QUERYINDEX", "role=dst")).isEqualTo("[]");

            linked(j, k.get(2), k.get(3));
            j.set("str", "v");
            byte[] payload = j.dump("str");
            assertThat(j.restore(k.get(2).getBytes(), 0, payload,
                    redis.clients.jedis.params.RestoreParams.restoreParams().replace())).isEqualTo("OK");
            assertThat(info(j, k.get(3)).get("sourceKey")).isEqualTo("nil");
            assertThat(ts(j, "TS.QUERYINDEX", "role=src")).isEqualTo("[" + k.get(0) + "]");
        }
    }

    @Test
    void renameRepointsBothEndsAndReindexesLabels() {
        List<String> k = keys("ren", 4);
        String src = k.get(0), dst = k.get(1), src2 = k.get(2), dst2 = k.get(3);
        try (Jedis j = ferrite.jedis()) {
            linked(j, src, dst);
            assertThat(j.rename(src, src2)).isEqualTo("OK");
            assertThat(info(j, dst).get("sourceKey")).isEqualTo(src2);
            assertThat(info(j, src2).get("rules")).isEqualTo("[[" + dst + ",10,sum,0]]");
            assertThat(ts(j, "TS.QUERYINDEX", "role=src")).isEqualTo("[" + src2 + "]");
            ts(j, "TS.ADD", src2, "20", "8"); // closes [10,20)
            assertThat(ts(j, "TS.RANGE", dst, "-", "+")).isEqualTo("[[0,3],[10,4]]");

            assertThat(j.renamenx(dst, dst2)).isEqualTo(1);
            assertThat(info(j, src2).get("rules")).isEqualTo("[[" + dst2 + ",10,sum,0]]");
            assertThat(info(j, dst2).get("sourceKey")).isEqualTo(src2);
            assertThat(ts(j, "TS.QUERYINDEX", "role=dst")).isEqualTo("[" + dst2 + "]");
            ts(j, "TS.ADD", src2, "30", "1");
            assertThat(ts(j, "TS.RANGE", dst2, "-", "+")).isEqualTo("[[0,3],[10,4],[20,8]]");
            assertThat(ts(j, "TS.GET", dst2, "LATEST")).isEqualTo("[30,1]");
        }
    }

    @Test
    void renameOntoItsOwnDestinationDropsTheRule() {
        List<String> k = keys("onto", 2);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            j.rename(k.get(0), k.get(1));
            var info = info(j, k.get(1));
            assertThat(info.get("rules")).isEqualTo("[]");
            assertThat(info.get("sourceKey")).isEqualTo("nil");
            assertThat(info.get("totalSamples")).isEqualTo("3");
            assertThat(ts(j, "TS.QUERYINDEX", "role=(src,dst)")).isEqualTo("[" + k.get(1) + "]");
        }
    }

    @Test
    void moveToAnotherDatabaseUnlinksAndIndexesThere() {
        List<String> k = keys("move", 2);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            assertThat(j.move(k.get(0), 1)).isEqualTo(1);
            assertThat(info(j, k.get(1)).get("sourceKey")).isEqualTo("nil");
            assertThat(ts(j, "TS.QUERYINDEX", "role=src")).isEqualTo("[]");
            j.select(1);
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[]");
            assertThat(ts(j, "TS.QUERYINDEX", "role=src")).isEqualTo("[" + k.get(0) + "]");
        }
    }

    @Test
    void swapdbKeepsRulesAndLabelIndexOfBothDatabases() {
        List<String> k = keys("swap", 2);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            j.select(1);
            ts(j, "TS.CREATE", "other", "LABELS", "role", "other");
            assertThat(j.swapDB(0, 1)).isEqualTo("OK");
            assertThat(ts(j, "TS.QUERYINDEX", "role=(src,dst,other)")).isEqualTo("[" + k.get(0) + "," + k.get(1) + "]");
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[[" + k.get(1) + ",10,sum,0]]");
            ts(j, "TS.ADD", k.get(0), "20", "1");
            assertThat(ts(j, "TS.RANGE", k.get(1), "-", "+")).isEqualTo("[[0,3],[10,4]]");
            j.select(0);
            assertThat(ts(j, "TS.QUERYINDEX", "role=(src,dst,other)")).isEqualTo("[other]");
        }
    }

    @Test
    void copyHasNoRulesAndIsIndexedUnderItsName() {
        List<String> k = keys("copy", 3);
        try (Jedis j = ferrite.jedis()) {
            linked(j, k.get(0), k.get(1));
            assertThat(j.copy(k.get(0), k.get(2), false)).isTrue();
            var info = info(j, k.get(2));
            assertThat(info.get("rules")).isEqualTo("[]");
            assertThat(info.get("totalSamples")).isEqualTo("3");
            assertThat(info(j, k.get(0)).get("rules")).isEqualTo("[[" + k.get(1) + ",10,sum,0]]");
            assertThat(ts(j, "TS.QUERYINDEX", "role=src")).isEqualTo("[" + k.get(0) + "," + k.get(2) + "]");
            // TS.ALTER LABELS re-indexes in place
            ts(j, "TS.ALTER", k.get(2), "LABELS", "role", "copy");
            assertThat(ts(j, "TS.QUERYINDEX", "role=src")).isEqualTo("[" + k.get(0) + "]");
            assertThat(ts(j, "TS.QUERYINDEX", "role=copy")).isEqualTo("[" + k.get(2) + "]");
        }
    }

    @Test
    void chainedRulesAcrossShardsCompactEveryLevel() {
        List<String> k = keys("chain", 3);
        String raw = k.get(0), m = k.get(1), h = k.get(2);
        try (Jedis j = ferrite.jedis()) {
            for (String s : k) ts(j, "TS.CREATE", s);
            ts(j, "TS.CREATERULE", raw, m, "AGGREGATION", "sum", "10");
            ts(j, "TS.CREATERULE", m, h, "AGGREGATION", "sum", "100");
            for (int t = 0; t < 300; t++) ts(j, "TS.ADD", raw, String.valueOf(t), "1");
            assertThat(ts(j, "TS.RANGE", h, "-", "+")).isEqualTo("[[0,100],[100,100]]");
            assertThat(ts(j, "TS.GET", m)).isEqualTo("[280,10]");
            // deleting the middle of the chain cuts both links
            j.del(m);
            assertThat(info(j, raw).get("rules")).isEqualTo("[]");
            assertThat(info(j, h).get("sourceKey")).isEqualTo("nil");
        }
    }
}
