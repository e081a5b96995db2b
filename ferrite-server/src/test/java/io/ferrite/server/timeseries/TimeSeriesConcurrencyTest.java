package io.ferrite.server.timeseries;

import static io.ferrite.server.timeseries.TsReplies.command;
import static io.ferrite.server.timeseries.TsReplies.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Compaction chains under concurrent writers: every rule crosses shards (raw → m → h, three
 * shards per chain, in ascending order for some chains and descending for others), writers on
 * several connections add in and out of order to the same raw series and straight into the
 * middle series (which raw's compaction writes too), while other clients RENAME a last level
 * back and forth and read with TS.INFO, TS.GET LATEST and TS.MRANGE. Afterwards
 * every level must hold exactly the sum written (ON_DUPLICATE SUM, sum aggregations), no reply
 * may be an error, and nothing may deadlock: only the shard locks protect the series now.
 */
class TimeSeriesConcurrencyTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final int CHAINS = 6, WRITERS = 4, SPAN = 20_000;

    private static int shard(String k) {
        return ferrite.server().keyspace().shardIndex(k.getBytes(StandardCharsets.UTF_8));
    }

    /** raw, m, h of chain c: distinct shards, ascending when c is even, descending when odd. */
    private static String[] chain(int c) {
        int shards = ferrite.server().keyspace().shardCount();
        boolean ascending = c % 2 == 0;
        String[] k = new String[3];
        int want = 0;
        for (int i = 0; want < 3; i++) {
            String name = "c" + c + (want == 0 ? ":raw:" : want == 1 ? ":m:" : ":h:") + i;
            int s = shard(name);
            // leave room for the two levels after it
            if (want == 0 && (ascending ? s > shards - 3 : s < 2)) continue;
            if (want > 0 && (ascending ? s <= shard(k[want - 1]) : s >= shard(k[want - 1]))) continue;
            k[want++] = name;
        }
        return k;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void chainsAcrossShardsStayExactUnderConcurrentWriters() throws Exception {
        String[][] chains = new String[CHAINS][];
        try (Jedis j = ferrite.jedis()) {
            for (int c = 0; c < CHAINS; c++) {
                chains[c] = chain(c);
                for (String k : chains[c]) ts(j, "TS.CREATE", k, "LABELS", "chain", "c" + c);
                ts(j, "TS.CREATERULE", chains[c][0], chains[c][1], "AGGREGATION", "sum", "10");
                ts(j, "TS.CREATERULE", chains[c][1], chains[c][2], "AGGREGATION", "sum", "100");
            }
        }
        AtomicLongArray rawWritten = new AtomicLongArray(CHAINS), midWritten = new AtomicLongArray(CHAINS);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try (Jedis j = ferrite.jedis()) {
                    while (!stop.get()) {
                        Pipeline p = j.pipelined();
                        List<Response<Object>> rs = new ArrayList<>();
                        int[] which = new int[50];
                        for (int i = 0; i < which.length; i++) {
                            int c = rnd.nextInt(CHAINS);
                            if (rnd.nextInt(5) == 0) {
                                // straight into the middle level, between the buckets raw compacts to:
                                // races with raw's compaction into the same series unless both lock it
                                which[i] = -1 - c;
                                long t = 10L * rnd.nextInt(SPAN / 10) + 5;
                                rs.add(p.sendCommand(command("TS.ADD"), chains[c][1], String.valueOf(t), "1",
                                        "ON_DUPLICATE", "SUM"));
                                continue;
                            }
                            which[i] = c;
                            // mostly forward in time, one in five far back (an upsert into a closed bucket)
                            long t = rnd.nextInt(5) == 0 ? rnd.nextInt(SPAN) : SPAN - 1 - rnd.nextInt(200);
                            rs.add(p.sendCommand(command("TS.ADD"), chains[c][0], String.valueOf(t), "1",
                                    "ON_DUPLICATE", "SUM"));
                        }
                        p.sync();
                        for (int i = 0; i < rs.size(); i++) {
                            rs.get(i).get();
                            if (which[i] >= 0) rawWritten.incrementAndGet(which[i]);
                            else midWritten.incrementAndGet(-1 - which[i]);
                        }
                    }
                } catch (Exception e) {
                    errors.add("writer: " + e);
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            try (Jedis j = ferrite.jedis()) {
                String a = chains[0][2], b = a + ":renamed";
                while (!stop.get()) {
                    j.rename(a, b);
                    String t = a;
                    a = b;
                    b = t;
                }
                if (a.endsWith(":renamed")) j.rename(a, b);
            } catch (Exception e) {
                errors.add("renamer: " + e);
            }
        }));
        threads.add(Thread.ofPlatform().start(() -> {
            try (Jedis j = ferrite.jedis()) {
                while (!stop.get()) {
                    for (int c = 1; c < CHAINS; c++) {
                        TsReplies.info(j, chains[c][0]);
                        ts(j, "TS.GET", chains[c][2], "LATEST");
                    }
                    ts(j, "TS.MRANGE", "-", "+", "AGGREGATION", "sum", "1000", "FILTER", "chain=(c1,c2,c3)");
                }
            } catch (Exception e) {
                errors.add("reader: " + e);
            }
        }));
        Thread.sleep(2500);
        stop.set(true);
        for (Thread t : threads) t.join();
        assertThat(errors).isEmpty();

        try (Jedis j = ferrite.jedis()) {
            for (int c = 0; c < CHAINS; c++) {
                String raw = chains[c][0];
                // two samples far ahead close every bucket that holds written data, at both levels
                ts(j, "TS.ADD", raw, String.valueOf(1_000_000), "0");
                ts(j, "TS.ADD", raw, String.valueOf(2_000_000), "0");
                long raws = rawWritten.get(c), mids = midWritten.get(c);
                assertThat(raws).isPositive();
                assertThat(mids).isPositive();
                long[] expected = {raws, raws + mids, raws + mids};
                for (int level = 0; level < 3; level++) {
                    String sum = ts(j, "TS.RANGE", chains[c][level], "0", String.valueOf(SPAN),
                            "AGGREGATION", "sum", "1000000");
                    assertThat(sum).as("sum of %s", chains[c][level]).isEqualTo("[[0," + expected[level] + "]]");
                }
                assertThat(TsReplies.info(j, chains[c][1]).get("sourceKey")).isEqualTo(raw);
            }
        }
    }
}
