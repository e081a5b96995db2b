package io.ferrite.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Saves while clients write on every shard: background saves, SAVE, transactions and FLUSHDB
 * run together without a deadlock or an error, the file on disk is always a whole one, and the
 * last SAVE's holds exactly what the server held.
 */
class RdbConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void savesRunAlongsideWritersOnEveryShard() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong bgsaves = new AtomicLong(), saves = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (FerriteServer s = FerriteServer.builder().port(0).ioThreads(2).set("dir", dir.toString())
                .set("save", "").start()) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int seed = w;
                tasks.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
                        while (!stop.get()) {
                            String k = "k" + rnd.nextInt(2000);
                            switch (rnd.nextInt(7)) {
                                case 0 -> j.set("s:" + k, "v" + rnd.nextInt());
                                case 1 -> j.incr("n:" + k);
                                case 2 -> j.rpush("l:" + k, "e" + rnd.nextInt(100));
                                case 3 -> j.hset("h:" + k, "f" + rnd.nextInt(50), "v");
                                case 4 -> j.zadd("z:" + k, rnd.nextInt(1000), "m" + rnd.nextInt(100));
                                case 5 -> {
                                    Transaction t = j.multi(); // keys on different shards, under all locks
                                    t.incr("tx:a");
                                    t.incr("tx:b");
                                    t.incr("tx:c");
                                    t.exec();
                                }
                                default -> j.del("s:" + k, "l:" + k);
                            }
                        }
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
                    while (!stop.get()) {
                        try {
                            j.bgsave();
                            bgsaves.incrementAndGet();
                        } catch (JedisDataException busy) {
                            assertThat(busy.getMessage()).isEqualTo("ERR Background save already in progress");
                        }
                        Thread.sleep(20);
                    }
                }
                return null;
            }));
            tasks.add(pool.submit(() -> {
                try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
                    while (!stop.get()) {
                        try {
                            assertThat(j.save()).isEqualTo("OK");
                            saves.incrementAndGet();
                            // Each file on disk is complete whenever it is looked at.
                            try (var in = Files.newInputStream(dir.resolve("dump.rdb"))) {
                                assertThat(new String(in.readNBytes(9))).isEqualTo("REDIS0010");
                            }
                        } catch (JedisDataException busy) {
                            assertThat(busy.getMessage()).isEqualTo("ERR Background save already in progress");
                        }
                        Thread.sleep(150);
                    }
                }
                return null;
            }));
            Thread.sleep(3_000);
            stop.set(true);
            for (Future<?> f : tasks) f.get(20, TimeUnit.SECONDS);
            assertThat(bgsaves.get()).isPositive();
            assertThat(saves.get()).isPositive();

            Map<String, String> before;
            try (Jedis j = new Jedis("127.0.0.1", s.port(), 10_000)) {
                while (j.info("persistence").contains("rdb_bgsave_in_progress:1")) Thread.sleep(10);
                assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok");
                assertThat(j.save()).isEqualTo("OK");
                before = snapshot(j);
            }
            try (FerriteServer b = FerriteServer.builder().port(0).set("dir", dir.toString()).set("save", "")
                    .startPersistent(); Jedis j = new Jedis("127.0.0.1", b.port(), 10_000)) {
                assertThat(snapshot(j)).isEqualTo(before);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    /** Every key with its type and a rendering of its value. */
    private static Map<String, String> snapshot(Jedis j) {
        Map<String, String> out = new TreeMap<>();
        for (String k : j.keys("*")) {
            String type = j.type(k);
            out.put(k, type + ":" + switch (type) {
                case "string" -> j.get(k);
                case "list" -> j.lrange(k, 0, -1).toString();
                case "hash" -> new TreeMap<>(j.hgetAll(k)).toString();
                case "zset" -> j.zrangeWithScores(k, 0, -1).toString();
                default -> "?";
            });
        }
        return out;
    }
}
