package io.ferrite.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The ingest pipeline of issue 5 over real sockets: consumers loop XREADGROUP COUNT 10 BLOCK
 * 5000 ">" / process / XACK in parallel; two consumers die mid-batch without acknowledging;
 * their entries are recovered with XAUTOCLAIM and with XREADGROUP ... CLAIM. Every event is
 * processed at least once and the PEL is empty at the end.
 */
class StreamPipelineTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final int EVENTS = 3000;

    private static Object cmd(Jedis j, String... args) {
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return j.sendCommand(() -> SafeEncoder.encode(args[0]), rest);
    }

    /** Entries of an XREADGROUP reply for one stream: [[id, [f, v ...]] ...] → event numbers. */
    @SuppressWarnings("unchecked")
    private static List<String[]> entries(Object reply) {
        List<String[]> out = new ArrayList<>();
        if (reply == null) return out;
        for (Object stream : (List<Object>) reply) {
            List<Object> kv = (List<Object>) stream;
            for (Object e : (List<Object>) kv.get(1)) {
                List<Object> entry = (List<Object>) e;
                String id = SafeEncoder.encode((byte[]) entry.get(0));
                List<Object> fields = (List<Object>) entry.get(1);
                if (fields == null) continue;
                out.add(new String[] {id, SafeEncoder.encode((byte[]) fields.get(1))});
            }
        }
        return out;
    }

    private static void createGroup(Jedis j) {
        try {
            cmd(j, "XGROUP", "CREATE", "events", "workers", "0", "MKSTREAM");
        } catch (JedisDataException e) {
            if (!e.getMessage().startsWith("BUSYGROUP")) throw e; // the seed ignores BUSYGROUP
        }
    }

    @Test
    void everyEventIsProcessedAtLeastOnceAndThePelEndsEmpty() throws Exception {
        Set<String> processed = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newCachedThreadPool();
        try (Jedis admin = ferrite.jedis()) {
            createGroup(admin);
            // Two consumers that read a batch and die without XACK.
            for (String dead : List.of("dead-1", "dead-2")) {
                try (Jedis d = ferrite.jedis()) {
                    createGroup(d);
                    cmd(d, "XADD", "events", "*", "n", "pre-" + dead);
                    cmd(d, "XADD", "events", "*", "n", "pre2-" + dead);
                    Object got = cmd(d, "XREADGROUP", "GROUP", "workers", dead, "COUNT", "10", "BLOCK", "5000",
                            "STREAMS", "events", ">");
                    assertThat(entries(got)).isNotEmpty();
                } // connection closed mid-batch: nothing acknowledged
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String name = "worker-" + w;
                workers.add(pool.submit(() -> {
                    try (Jedis j = ferrite.jedis()) {
                        createGroup(j);
                        while (true) {
                            Object got = cmd(j, "XREADGROUP", "GROUP", "workers", name, "COUNT", "10", "BLOCK", "500",
                                    "STREAMS", "events", ">");
                            List<String[]> batch = entries(got);
                            if (batch.isEmpty()) {
                                if (!producing.get()) return null;
                                continue;
                            }
                            for (String[] e : batch) {
                                processed.add(e[1]);
                                cmd(j, "XACK", "events", "workers", e[0]);
                            }
                        }
                    }
                }));
            }
            Future<?> producer = pool.submit(() -> {
                try (Jedis p = ferrite.jedis()) {
                    for (int i = 0; i < EVENTS; i++) cmd(p, "XADD", "events", "*", "n", Integer.toString(i));
                }
                producing.set(false);
                return null;
            });
            producer.get(60, TimeUnit.SECONDS);
            for (Future<?> f : workers) f.get(60, TimeUnit.SECONDS);

            // Recovery of dead-1's entries with XAUTOCLAIM, dead-2's with XREADGROUP CLAIM.
            String cursor = "0-0";
            do {
                @SuppressWarnings("unchecked")
                List<Object> r = (List<Object>) cmd(admin, "XAUTOCLAIM", "events", "workers", "rescuer", "0", cursor,
                        "COUNT", "1");
                cursor = SafeEncoder.encode((byte[]) r.get(0));
                for (String[] e : entries(List.of(List.of("events".getBytes(), r.get(1))))) {
                    processed.add(e[1]);
                    cmd(admin, "XACK", "events", "workers", e[0]);
                    break; // only one per call, so the loop relies on the cursor
                }
            } while (!cursor.equals("0-0"));
            // Everything pending went to the rescuer above; make one new idle entry for CLAIM.
            cmd(admin, "XADD", "events", "*", "n", "late");
            cmd(admin, "XREADGROUP", "GROUP", "workers", "dead-3", "STREAMS", "events", ">");
            Thread.sleep(20);
            Object claimed = cmd(admin, "XREADGROUP", "GROUP", "workers", "claimer", "CLAIM", "10", "COUNT", "10",
                    "STREAMS", "events", ">");
            List<String[]> got = entries(claimed);
            assertThat(got).extracting(e -> e[1]).containsExactly("late");
            for (String[] e : got) {
                processed.add(e[1]);
                cmd(admin, "XACK", "events", "workers", e[0]);
            }

            for (int i = 0; i < EVENTS; i++) assertThat(processed).contains(Integer.toString(i));
            assertThat(processed).contains("pre-dead-1", "pre2-dead-1", "pre-dead-2", "pre2-dead-2", "late");
            @SuppressWarnings("unchecked")
            List<Object> pending = (List<Object>) cmd(admin, "XPENDING", "events", "workers");
            assertThat(pending.get(0)).isEqualTo(0L);
        } finally {
            pool.shutdownNow();
        }
    }
}
