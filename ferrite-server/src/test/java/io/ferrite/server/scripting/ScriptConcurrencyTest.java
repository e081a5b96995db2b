package io.ferrite.server.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Scripts that finish inline, scripts that move to the scripting thread mid-way, plain
 * commands and script-cache management, all at once from several connections: every script
 * is atomic, every reply arrives, and no increment is lost or applied twice (a moved script
 * runs again from the start only because it had no side effect yet).
 */
class ScriptConcurrencyTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    // Adds 10 to the counter in ten steps: another client never sees a value that is not a multiple of 10.
    static final String SHORT = "for i = 1, 10 do redis.call('INCR', KEYS[1]) end return redis.call('GET', KEYS[1])";
    // Reads for about 5 ms without side effects (moves to the scripting thread), then writes 10 steps.
    static final String LONG = "local t = redis.call('TIME') "
            + "while true do local x = redis.call('TIME') "
            + "if (x[1] - t[1]) * 1000000 + (x[2] - t[2]) >= 5000 then break end end "
            + "for i = 1, 10 do redis.call('INCR', KEYS[1]) end return redis.call('GET', KEYS[1])";

    @Test
    void inlineAndMovedScriptsStayAtomicUnderConcurrentLoad() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Integer>> work = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            boolean longOnes = w % 2 == 1;
            work.add(pool.submit(() -> {
                int runs = 0;
                try (Jedis j = ferrite.jedis()) {
                    String sha = j.scriptLoad(longOnes ? LONG : SHORT);
                    for (int i = 0; i < (longOnes ? 40 : 400); i++) {
                        Object r;
                        try {
                            r = j.evalsha(sha, List.of("counter"), List.of());
                        } catch (redis.clients.jedis.exceptions.JedisNoScriptException flushed) {
                            r = j.eval(longOnes ? LONG : SHORT, List.of("counter"), List.of());
                        }
                        assertThat(Long.parseLong((String) r) % 10).isZero();
                        runs++;
                    }
                }
                return runs;
            }));
        }
        // A reader and a cache flusher alongside.
        work.add(pool.submit(() -> {
            int reads = 0;
            try (Jedis j = ferrite.jedis()) {
                for (int i = 0; i < 2000; i++) {
                    String v = j.get("counter");
                    if (v != null) assertThat(Long.parseLong(v) % 10).isZero();
                    reads++;
                }
            }
            return reads;
        }));
        work.add(pool.submit(() -> {
            try (Jedis j = ferrite.jedis()) {
                for (int i = 0; i < 20; i++) {
                    j.scriptFlush();
                    Thread.sleep(10);
                }
            }
            return 0;
        }));
        int scripts = 0;
        for (int i = 0; i < 4; i++) scripts += work.get(i).get(120, TimeUnit.SECONDS);
        work.get(4).get(60, TimeUnit.SECONDS);
        work.get(5).get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(scripts).isEqualTo(2 * 400 + 2 * 40);
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.get("counter")).isEqualTo(String.valueOf(10 * scripts));
        }
    }
}
