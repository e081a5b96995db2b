package io.ferrite.server.timeseries;

import static io.ferrite.server.timeseries.TsReplies.info;
import static io.ferrite.server.timeseries.TsReplies.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

/**
 * DUMP/RESTORE of a series (SeriesDump): options, labels, chunk data and compaction rules
 * survive; RESTORE re-indexes the labels and re-links rules whose other end agrees.
 */
class TimeSeriesDumpTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final RestoreParams REPLACE = RestoreParams.restoreParams().replace();

    /** Everything TS.INFO reports except what depends on the key name or the links. */
    private static Map<String, String> shape(Jedis j, String key) {
        Map<String, String> m = info(j, key);
        m.remove("sourceKey");
        m.remove("rules");
        return m;
    }

    private static void fill(Jedis j, String key, int n) {
        java.util.Random rnd = new java.util.Random(3);
        double v = 20;
        for (int i = 0; i < n; i += 500) {
            String[] args = new String[1 + 3 * Math.min(500, n - i)];
            args[0] = "TS.MADD";
            for (int k = 0; k < Math.min(500, n - i); k++) {
                v += rnd.nextInt(3) - 1 + (rnd.nextInt(10) == 0 ? rnd.nextDouble() : 0);
                args[1 + 3 * k] = key;
                args[2 + 3 * k] = String.valueOf(1_700_000_000_000L + 1000L * (i + k));
                args[3 + 3 * k] = String.valueOf(v);
            }
            ts(j, args);
        }
    }

    @Test
    void roundTripKeepsOptionsLabelsAndEverySample() {
        try (Jedis j = ferrite.jedis()) {
            for (String enc : new String[] {"COMPRESSED", "UNCOMPRESSED"}) {
                String a = "a:" + enc, b = "b:" + enc;
                ts(j, "TS.CREATE", a, "RETENTION", "0", "ENCODING", enc, "CHUNK_SIZE", "256", "DUPLICATE_POLICY", "SUM",
                        "IGNORE", "5", "0.5", "LABELS", "sensor", "t1", "enc", enc);
                fill(j, a, 5000);
                // an upsert in the middle rebuilds a chunk; a duplicate sums
                ts(j, "TS.ADD", a, "1700000001500", "7");
                ts(j, "TS.ADD", a, "1700000002000", "1");
                byte[] payload = j.dump(a);
                assertThat(j.restore(b, 0, payload)).isEqualTo("OK");
                assertThat(shape(j, b)).isEqualTo(shape(j, a));
                assertThat(ts(j, "TS.RANGE", b, "-", "+")).isEqualTo(ts(j, "TS.RANGE", a, "-", "+"));
                assertThat(Integer.parseInt(info(j, b).get("chunkCount"))).isGreaterThan(1);
                // deterministic: b encodes to the same bytes (DIGEST-VALUE hashes the payload without the key)
                String digests = ts(j, "DEBUG", "DIGEST-VALUE", a, b, "empty");
                assertThat(digests).matches("\\[(\\w{40}),\\1,0{40}\\]").doesNotStartWith("[0000000000");
                assertThat(ts(j, "TS.QUERYINDEX", "enc=" + enc)).isEqualTo("[" + a + "," + b + "]");
                // the restored series keeps working: appends continue the last chunk
                ts(j, "TS.ADD", b, "1800000000000", "1");
                assertThat(ts(j, "TS.GET", b)).isEqualTo("[1800000000000,1]");
            }
            ts(j, "TS.CREATE", "empty", "LABELS", "x", "y");
            assertThat(j.restore("empty2", 5000, j.dump("empty"))).isEqualTo("OK");
            assertThat(info(j, "empty2").get("totalSamples")).isEqualTo("0");
            assertThat(j.pttl("empty2")).isBetween(1L, 5000L);
            assertThat(ts(j, "TS.QUERYINDEX", "x=y")).isEqualTo("[empty,empty2]");
        }
    }

    @Test
    void restoreReplaceReindexesUnderTheNewLabels() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "s", "LABELS", "v", "old");
            ts(j, "TS.CREATE", "t", "LABELS", "v", "new");
            assertThat(j.restore("s".getBytes(), 0, j.dump("t".getBytes()), REPLACE)).isEqualTo("OK");
            assertThat(ts(j, "TS.QUERYINDEX", "v=old")).isEqualTo("[]");
            assertThat(ts(j, "TS.QUERYINDEX", "v=new")).isEqualTo("[s,t]");
            assertThatThrownBy(() -> j.restore("s", 0, j.dump("t"))).isInstanceOf(JedisDataException.class)
                    .hasMessage("BUSYKEY Target key name already exists.");
        }
    }

    @Test
    void rulesAreRelinkedWhenBothEndsAgree() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "src");
            ts(j, "TS.CREATE", "dst");
            ts(j, "TS.CREATERULE", "src", "dst", "AGGREGATION", "sum", "10");
            ts(j, "TS.MADD", "src", "0", "1", "src", "5", "2", "src", "12", "4");
            byte[] src = j.dump("src"), dst = j.dump("dst");

            // source deleted and restored: the rule comes back, with its open bucket
            j.del("src");
            assertThat(info(j, "dst").get("sourceKey")).isEqualTo("nil");
            assertThat(j.restore("src", 0, src)).isEqualTo("OK");
            assertThat(info(j, "src").get("rules")).isEqualTo("[[dst,10,sum,0]]");
            assertThat(info(j, "dst").get("sourceKey")).isEqualTo("src");
            ts(j, "TS.ADD", "src", "25", "1"); // closes [10,20): 4
            assertThat(ts(j, "TS.RANGE", "dst", "-", "+")).isEqualTo("[[0,3],[10,4]]");

            // destination deleted and restored: the source takes it back
            j.del("dst");
            assertThat(j.restore("dst", 0, dst)).isEqualTo("OK");
            assertThat(info(j, "src").get("rules")).isEqualTo("[[dst,10,sum,0]]");
            assertThat(ts(j, "TS.RANGE", "dst", "-", "+")).isEqualTo("[[0,3]]");

            // under another name it is a copy: no rules, as COPY; the originals keep theirs
            assertThat(j.restore("src2", 0, src)).isEqualTo("OK");
            assertThat(info(j, "src2").get("rules")).isEqualTo("[]");
            assertThat(j.restore("dst2", 0, dst)).isEqualTo("OK");
            assertThat(info(j, "dst2").get("sourceKey")).isEqualTo("nil");
            assertThat(info(j, "src").get("rules")).isEqualTo("[[dst,10,sum,0]]");

            // REPLACE over the source itself takes over its links
            assertThat(j.restore("src".getBytes(), 0, src, REPLACE)).isEqualTo("OK");
            assertThat(info(j, "src").get("rules")).isEqualTo("[[dst,10,sum,0]]");
            assertThat(info(j, "dst").get("sourceKey")).isEqualTo("src");

            // a destination that got another source meanwhile keeps it
            j.del("src");
            ts(j, "TS.CREATE", "other");
            ts(j, "TS.CREATERULE", "other", "dst", "AGGREGATION", "max", "10");
            assertThat(j.restore("src", 0, src)).isEqualTo("OK");
            assertThat(info(j, "src").get("rules")).isEqualTo("[]");
            assertThat(info(j, "dst").get("sourceKey")).isEqualTo("other");
            // REPLACE of that destination: the replaced value's links go with it, the saved source is free
            assertThat(j.restore("dst".getBytes(), 0, dst, REPLACE)).isEqualTo("OK");
            assertThat(info(j, "dst").get("sourceKey")).isEqualTo("src");
            assertThat(info(j, "src").get("rules")).isEqualTo("[[dst,10,sum,0]]");
            assertThat(info(j, "other").get("rules")).isEqualTo("[]");

            // a rule whose destination is gone, or not a series, is dropped
            j.del("src");
            j.set("dst", "string now");
            assertThat(j.restore("src", 0, src)).isEqualTo("OK");
            assertThat(info(j, "src").get("rules")).isEqualTo("[]");
        }
    }

    @Test
    void corruptPayloadsAreRefused() {
        try (Jedis j = ferrite.jedis()) {
            ts(j, "TS.CREATE", "s", "LABELS", "a", "b");
            ts(j, "TS.ADD", "s", "1", "1");
            ts(j, "TS.ADD", "s", "2", "2");
            byte[] payload = j.dump("s");
            byte[] flipped = payload.clone();
            flipped[payload.length / 2] ^= 1;
            assertThatThrownBy(() -> j.restore("t", 0, flipped)).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR DUMP payload version or checksum are wrong");
            // a correct checksum over a body that is not ours: another module type, then a truncated body
            byte[] otherModule = payload.clone();
            otherModule[2] ^= 1; // inside the module id
            assertThatThrownBy(() -> j.restore("t", 0, resign(otherModule))).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR Bad data format");
            byte[] truncated = Arrays.copyOf(payload, payload.length - 14);
            assertThatThrownBy(() -> j.restore("t", 0, resign(Arrays.copyOf(truncated, truncated.length + 10))))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR Bad data format");
            assertThat(j.exists("t")).isFalse();
        }
    }

    /** Rewrites the footer: RDB version 11 and a fresh CRC-64/Jones over everything before the checksum. */
    private static byte[] resign(byte[] p) {
        int n = p.length;
        p[n - 10] = 11;
        p[n - 9] = 0;
        long crc = 0, poly = Long.reverse(0xad93d23594c935a9L);
        for (int i = 0; i < n - 8; i++) {
            crc ^= p[i] & 0xff;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
        }
        for (int i = 0; i < 8; i++) p[n - 8 + i] = (byte) (crc >>> (8 * i));
        return p;
    }
}
