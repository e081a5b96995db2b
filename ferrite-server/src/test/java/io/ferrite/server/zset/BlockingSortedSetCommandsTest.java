package io.ferrite.server.zset;

import static io.ferrite.server.zset.SortedSetCommandsTest.assertError;
import static io.ferrite.server.zset.SortedSetCommandsTest.r;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** BZPOPMIN, BZPOPMAX, BZMPOP: serve at once, block until a ZADD, time out, and their errors. */
class BlockingSortedSetCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection raw, String... args) throws Exception {
        raw.command(args);
        return raw.readReply();
    }

    /** Waits until the server has parked a client: a blocked command gives no reply meanwhile. */
    private static void waitBlocked() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (ferrite.server().blockedClients().blockedCount() == 0) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("no client blocked");
            Thread.sleep(5);
        }
    }

    @Test
    void servesAtOnceFromTheFirstNonEmptyKey() {
        try (Jedis j = ferrite.jedis()) {
            r(j, "ZADD", "b", "1", "x", "2", "y");
            assertThat(r(j, "BZPOPMIN", "a", "b", "0")).isEqualTo(List.of("b", "x", "1"));
            assertThat(r(j, "BZPOPMAX", "a", "b", "0")).isEqualTo(List.of("b", "y", "2"));
            assertThat(j.exists("b")).isFalse();
            r(j, "ZADD", "b", "1", "x", "2", "y", "3", "z");
            assertThat(r(j, "BZMPOP", "0", "2", "a", "b", "MAX", "COUNT", "2"))
                    .isEqualTo(List.of("b", List.of(List.of("z", "3"), List.of("y", "2"))));
        }
    }

    @Test
    void aBlockedClientGetsTheMemberOfTheNextZadd() throws Exception {
        try (RawConnection waiter = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            waiter.command("BZPOPMIN", "q1", "q2", "0");
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return waiter.readReply();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            waitBlocked();
            assertThat(reply).isNotDone();
            r(j, "ZADD", "q2", "5", "late", "7", "later");
            assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("*3\r\n$2\r\nq2\r\n$4\r\nlate\r\n$1\r\n5\r\n");
            assertThat(r(j, "ZRANGE", "q2", "0", "-1")).isEqualTo(List.of("later"));
        }
    }

    @Test
    void bzmpopWakesWithCountAndNestedReply() throws Exception {
        try (RawConnection waiter = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            call(waiter, "HELLO", "3");
            waiter.command("BZMPOP", "5", "2", "k1", "k2", "MAX", "COUNT", "2");
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return waiter.readReply();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            waitBlocked();
            r(j, "ZADD", "k2", "1", "a", "2", "b", "3", "c");
            assertThat(reply.get(5, TimeUnit.SECONDS))
                    .isEqualTo("*2\r\n$2\r\nk2\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n");
            assertThat(r(j, "ZCARD", "k2")).isEqualTo(1L);
        }
    }

    @Test
    void theTimeoutRepliesANullArray() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            long start = System.nanoTime();
            assertThat(call(raw, "BZPOPMIN", "none", "0.05")).isEqualTo("*-1\r\n");
            assertThat(call(raw, "BZMPOP", "0.05", "1", "none", "MIN")).isEqualTo("*-1\r\n");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            call(raw, "HELLO", "3");
            assertThat(call(raw, "BZPOPMAX", "none", "0.01")).isEqualTo("_\r\n");
        }
    }

    @Test
    void timeoutArgumentErrors() {
        try (Jedis j = ferrite.jedis()) {
            assertError(j, "ERR timeout is not a float or out of range", "BZPOPMIN", "k", "x");
            assertError(j, "ERR timeout is not a float or out of range", "BZPOPMIN", "k", "nan");
            assertError(j, "ERR timeout is negative", "BZPOPMAX", "k", "-1");
            assertError(j, "ERR timeout is out of range", "BZPOPMAX", "k", "inf");
            assertError(j, "ERR timeout is not a float or out of range", "BZMPOP", "x", "1", "k", "MIN");
            assertError(j, "ERR numkeys should be greater than 0", "BZMPOP", "1", "0", "k", "MIN");
            assertError(j, "ERR syntax error", "BZMPOP", "1", "1", "k", "UP");
            j.set("s", "x");
            assertError(j, "WRONGTYPE Operation against a key holding the wrong kind of value", "BZPOPMIN", "s", "0");
        }
    }
}
