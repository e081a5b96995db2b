package io.ferrite.server.list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.blocking.BlockedClients;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

class BlockingListCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** Every test must leave nobody parked: no leak of waiters. */
    @AfterEach
    void nobodyStaysBlocked() throws Exception {
        awaitBlocked(0);
    }

    private static BlockedClients blocked() {
        return ferrite.server().blockedClients();
    }

    private static void awaitBlocked(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (blocked().blockedCount() != n) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("blocked clients: " + blocked().blockedCount() + ", expected " + n);
            }
            Thread.sleep(5);
        }
    }

    /** Runs call on a new Jedis connection in another thread; the connection closes after it. */
    private static <T> CompletableFuture<T> async(Function<Jedis, T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try (Jedis j = ferrite.jedis()) {
                return call.apply(j);
            }
        }, pool);
    }

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    // ---- served at once

    @Test
    void blpopServesTheFirstNonEmptyKeyAtOnce() {
        try (Jedis j = ferrite.jedis()) {
            j.rpush("b", "1", "2");
            j.rpush("c", "3");
            KeyValue<String, String> kv = j.blpop(0.0, "a", "b", "c");
            assertThat(kv.getKey()).isEqualTo("b");
            assertThat(kv.getValue()).isEqualTo("1");
            assertThat(j.brpop(0.0, "a", "c").getValue()).isEqualTo("3");
            assertThat(j.exists("c")).isFalse();
            var m = j.blmpop(0.0, ListDirection.RIGHT, 5, "a", "b");
            assertThat(m.getKey()).isEqualTo("b");
            assertThat(m.getValue()).containsExactly("2");
        }
    }

    // ---- blocking across clients

    @Test
    void blpopWaitsForAPushFromAnotherClient() throws Exception {
        CompletableFuture<KeyValue<String, String>> waiter = async(j -> j.blpop(0.0, "k"));
        awaitBlocked(1);
        Thread.sleep(200);
        assertThat(waiter).isNotDone();
        try (Jedis j = ferrite.jedis()) {
            // The pusher's reply counts the element the waiter takes right after the push.
            assertThat(j.rpush("k", "v")).isEqualTo(1);
            KeyValue<String, String> kv = waiter.get(5, TimeUnit.SECONDS);
            assertThat(kv.getKey()).isEqualTo("k");
            assertThat(kv.getValue()).isEqualTo("v");
            assertThat(j.exists("k")).isFalse();
        }
    }

    @Test
    void waitersOnOneKeyAreServedInArrivalOrder() throws Exception {
        List<CompletableFuture<KeyValue<String, String>>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(async(j -> j.blpop(0.0, "k")));
            awaitBlocked(i + 1); // so the arrival order is known
        }
        try (Jedis j = ferrite.jedis()) {
            j.rpush("k", "first");
            assertThat(waiters.get(0).get(5, TimeUnit.SECONDS).getValue()).isEqualTo("first");
            awaitBlocked(2);
            j.rpush("k", "second", "third", "extra");
            assertThat(waiters.get(1).get(5, TimeUnit.SECONDS).getValue()).isEqualTo("second");
            assertThat(waiters.get(2).get(5, TimeUnit.SECONDS).getValue()).isEqualTo("third");
            assertThat(j.lrange("k", 0, -1)).containsExactly("extra");
        }
    }

    @Test
    void aClientBlockedOnTwoKeysIsServedByWhicheverGetsData() throws Exception {
        CompletableFuture<KeyValue<String, String>> waiter = async(j -> j.brpop(0.0, "k1", "k2"));
        awaitBlocked(1);
        try (Jedis j = ferrite.jedis()) {
            j.lpush("k2", "from-k2");
            KeyValue<String, String> kv = waiter.get(5, TimeUnit.SECONDS);
            assertThat(kv.getKey()).isEqualTo("k2");
            assertThat(kv.getValue()).isEqualTo("from-k2");
            // Served once: a later push to the other key stays in its list.
            j.lpush("k1", "later");
            assertThat(j.lrange("k1", 0, -1)).containsExactly("later");
        }
    }

    @Test
    void theSameKeyTwiceBlocksOnceAndIsServedOnce() throws Exception {
        CompletableFuture<KeyValue<String, String>> waiter = async(j -> j.blpop(0.0, "k", "k"));
        awaitBlocked(1);
        try (Jedis j = ferrite.jedis()) {
            j.rpush("k", "a", "b");
            assertThat(waiter.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("a");
            assertThat(j.lrange("k", 0, -1)).containsExactly("b");
        }
    }

    @Test
    void blmpopWaitsAndPopsUpToCount() throws Exception {
        CompletableFuture<KeyValue<String, List<String>>> waiter =
                async(j -> j.blmpop(0.0, ListDirection.LEFT, 2, "a", "b"));
        awaitBlocked(1);
        try (Jedis j = ferrite.jedis()) {
            j.rpush("b", "1", "2", "3");
            KeyValue<String, List<String>> kv = waiter.get(5, TimeUnit.SECONDS);
            assertThat(kv.getKey()).isEqualTo("b");
            assertThat(kv.getValue()).containsExactly("1", "2");
            assertThat(j.lrange("b", 0, -1)).containsExactly("3");
        }
    }

    @Test
    void aPushToAnotherDatabaseDoesNotServe() throws Exception {
        CompletableFuture<KeyValue<String, String>> waiter = async(j -> {
            j.select(1);
            return j.blpop(0.0, "k");
        });
        awaitBlocked(1);
        try (Jedis j = ferrite.jedis()) {
            j.rpush("k", "db0");
            Thread.sleep(100);
            assertThat(waiter).isNotDone();
            j.select(1);
            j.rpush("k", "db1");
            assertThat(waiter.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("db1");
            j.select(0);
            assertThat(j.lrange("k", 0, -1)).containsExactly("db0");
        }
    }

    @Test
    void blockedClientsHoldNoThread() throws Exception {
        int n = 200;
        List<RawConnection> conns = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                RawConnection r = new RawConnection(ferrite.port());
                r.command("BLPOP", "key" + i, "0");
                conns.add(r);
            }
            awaitBlocked(n);
            try (Jedis j = ferrite.jedis()) {
                long start = System.nanoTime();
                assertThat(j.ping()).isEqualTo("PONG");
                j.rpush("other", "x");
                assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
                var p = j.pipelined();
                for (int i = 0; i < n; i++) p.rpush("key" + i, "v" + i);
                p.sync();
            }
            for (int i = 0; i < n; i++) {
                assertThat(conns.get(i).readReply()).isEqualTo("*2\r\n$" + ("key" + i).length() + "\r\nkey" + i
                        + "\r\n$" + ("v" + i).length() + "\r\nv" + i + "\r\n");
            }
        } finally {
            for (RawConnection r : conns) r.close();
        }
    }

    // ---- timeouts

    @Test
    void aTimeoutRepliesNullAfterThatTime() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            long start = System.nanoTime();
            assertThat(j.blpop(0.2, "k")).isNull();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(ms).isBetween(200L, 999L);
            start = System.nanoTime();
            assertThat(j.blmove("k", "d", ListDirection.LEFT, ListDirection.RIGHT, 0.1)).isNull();
            assertThat(j.blmpop(0.1, ListDirection.LEFT, "k")).isNull();
            assertThat(j.brpoplpush("k", "d", 1)).isNull();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1200L, 2500L);
        }
    }

    @Test
    void timeoutRepliesAreNullArraysInResp2AndNullsInResp3() throws Exception {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            r.command("BLPOP", "k", "0.01");
            assertThat(r.readReply()).isEqualTo("*-1\r\n");
            // Redis's timeout reply is a null array for BLMOVE and BRPOPLPUSH too.
            r.command("BLMOVE", "k", "d", "LEFT", "LEFT", "0.01");
            assertThat(r.readReply()).isEqualTo("*-1\r\n");
            r.command("BRPOPLPUSH", "k", "d", "0.01");
            assertThat(r.readReply()).isEqualTo("*-1\r\n");
            r.command("HELLO", "3");
            r.readReply();
            r.command("BLPOP", "k", "0.01");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("BLMPOP", "0.01", "1", "k", "LEFT");
            assertThat(r.readReply()).isEqualTo("_\r\n");
            r.command("RPUSH", "k", "v");
            r.readReply();
            r.command("BLPOP", "k", "0");
            assertThat(r.readReply()).isEqualTo("*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
        }
    }

    @Test
    void timeoutZeroWaitsUntilAPush() throws Exception {
        CompletableFuture<String> waiter = async(j -> j.brpoplpush("src", "dst", 0));
        awaitBlocked(1);
        Thread.sleep(1_200);
        assertThat(waiter).isNotDone();
        try (Jedis j = ferrite.jedis()) {
            j.rpush("src", "x");
            assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("x");
            assertThat(j.lrange("dst", 0, -1)).containsExactly("x");
        }
    }

    @Test
    void timeoutArgumentErrorsUseRedisTexts() {
        try (Jedis j = ferrite.jedis()) {
            assertError(() -> j.sendCommand(() -> "BLPOP".getBytes(), "k", "abc"), "ERR timeout is not a float or out of range");
            assertError(() -> j.sendCommand(() -> "BLPOP".getBytes(), "k", "-1"), "ERR timeout is negative");
            assertError(() -> j.sendCommand(() -> "BLPOP".getBytes(), "k", "0x7FFFFFFFFFFFFF"), "ERR timeout is out of range");
            assertError(() -> j.sendCommand(() -> "BRPOP".getBytes(), "k", "inf"), "ERR timeout is out of range");
            assertError(() -> j.sendCommand(() -> "BLMOVE".getBytes(), "k", "d", "LEFT", "LEFT", "nan"),
                    "ERR timeout is not a float or out of range");
            assertError(() -> j.sendCommand(() -> "BRPOPLPUSH".getBytes(), "k", "d", " 1"),
                    "ERR timeout is not a float or out of range");
            assertError(() -> j.sendCommand(() -> "BLMPOP".getBytes(), "1e5000", "1", "k", "LEFT"),
                    "ERR timeout is not a float or out of range");
            // Arguments are checked before the timeout when Redis checks them first.
            assertError(() -> j.sendCommand(() -> "BLMOVE".getBytes(), "k", "d", "UP", "LEFT", "-1"), "ERR syntax error");
            assertError(() -> j.sendCommand(() -> "BLMPOP".getBytes(), "-1", "1", "k", "LEFT", "COUNT", "0"),
                    "ERR count should be greater than 0");
            // A wrong type is an error at once, not a reason to block.
            j.set("s", "v");
            assertError(() -> j.blpop(0.0, "missing", "s"), "WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    @Test
    void timeoutsParseLikeRedis() {
        assertThat(BlockedClients.parseTimeoutSeconds(b("0"))).isZero();
        assertThat(BlockedClients.parseTimeoutSeconds(b("0.2"))).isEqualTo(200);
        assertThat(BlockedClients.parseTimeoutSeconds(b("0.001"))).isEqualTo(1);
        assertThat(BlockedClients.parseTimeoutSeconds(b("0.0001"))).as("rounded up").isEqualTo(1);
        assertThat(BlockedClients.parseTimeoutSeconds(b("1e3"))).isEqualTo(1_000_000);
        assertThat(BlockedClients.parseTimeoutSeconds(b("+1.5"))).isEqualTo(1500);
        assertThat(BlockedClients.parseTimeoutSeconds(b("0x10"))).as("strtold reads hex").isEqualTo(16_000);
        assertThat(BlockedClients.parseTimeoutSeconds(b("-0"))).isZero();
        assertThat(BlockedClients.parseTimeoutSeconds(b("-0.0001"))).as("ceil(-0.1) is 0: forever").isZero();
        assertThat(BlockedClients.parseTimeoutSeconds(b("1e-4000"))).isEqualTo(1);
        for (String bad : new String[] {"", "1 ", "1s", "nan", "0x", "1e99999", "1e-5000", "١"}) {
            assertThatThrownBy(() -> BlockedClients.parseTimeoutSeconds(b(bad))).as(bad)
                    .hasMessage("ERR timeout is not a float or out of range");
        }
        assertThatThrownBy(() -> BlockedClients.parseTimeoutSeconds(b("-inf"))).hasMessage("ERR timeout is negative");
        assertThatThrownBy(() -> BlockedClients.parseTimeoutSeconds(b("9223372036854775.808")))
                .hasMessage("ERR timeout is out of range");
        assertThatThrownBy(() -> BlockedClients.parseTimeoutSeconds(b("9223372036854775")))
                .as("now + timeout would overflow").hasMessage("ERR timeout is out of range");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Like Redis, a blocked command counts as one call when it ends: served, timed out or unblocked. */
    @Test
    void aBlockedCommandCountsOneCallWhenItEnds() throws Exception {
        var blpop = ferrite.server().commandTable().lookup("blpop");
        long calls = blpop.calls();
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.blpop(0.05, "k")).isNull();
            assertThat(blpop.calls()).isEqualTo(calls + 1);
            CompletableFuture<KeyValue<String, String>> waiter = async(x -> x.blpop(0.0, "k"));
            awaitBlocked(1);
            assertThat(blpop.calls()).as("parking is not a call").isEqualTo(calls + 1);
            j.rpush("k", "v");
            waiter.get(5, TimeUnit.SECONDS);
            assertThat(blpop.calls()).isEqualTo(calls + 2);
        }
    }

    /** What CLIENT UNBLOCK id [TIMEOUT|ERROR] needs from the blocking subsystem. */
    @Test
    void unblockEndsAWaitWithItsTimeoutReplyOrAnError() throws Exception {
        var blpop = ferrite.server().commandTable().lookup("blpop");
        try (RawConnection a = new RawConnection(ferrite.port()); RawConnection b = new RawConnection(ferrite.port())) {
            a.command("CLIENT", "ID");
            long idA = Long.parseLong(a.readReply().substring(1).trim());
            b.command("CLIENT", "ID");
            long idB = Long.parseLong(b.readReply().substring(1).trim());
            var clientA = ferrite.server().clients().get(idA);
            var clientB = ferrite.server().clients().get(idB);
            assertThat(blocked().unblock(clientA, false)).as("not blocked").isFalse();
            a.command("BLPOP", "k", "0");
            b.command("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
            awaitBlocked(2);
            long failed = blpop.failedCalls();
            assertThat(blocked().unblock(clientA, false)).isTrue();
            assertThat(a.readReply()).isEqualTo("*-1\r\n");
            assertThat(blocked().unblock(clientB, true)).isTrue();
            assertThat(b.readReply()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
            assertThat(blocked().unblock(clientB, true)).as("already unblocked").isFalse();
            assertThat(blpop.failedCalls()).isEqualTo(failed);
            // Both connections go on normally.
            a.command("PING");
            assertThat(a.readReply()).isEqualTo("+PONG\r\n");
            try (Jedis j = ferrite.jedis()) {
                j.rpush("k", "v");
                assertThat(j.lrange("k", 0, -1)).containsExactly("v");
            }
        }
    }

    @Test
    void swapdbWakesWaitersOnKeysThatAppear() throws Exception {
        CompletableFuture<KeyValue<String, String>> waiter = async(j -> {
            j.select(9);
            return j.blpop(0.0, "k");
        });
        awaitBlocked(1);
        try (Jedis j = ferrite.jedis()) {
            j.select(8);
            j.rpush("k", "swapped");
            j.swapDB(8, 9);
            assertThat(waiter.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("swapped");
            j.flushAll();
        }
    }

    @Test
    void clientUnblockCommandEndsAWait() throws Exception {
        try (RawConnection a = new RawConnection(ferrite.port()); Jedis admin = ferrite.jedis()) {
            a.command("CLIENT", "ID");
            String id = a.readReply().substring(1).trim();
            a.command("BLPOP", "k", "0");
            awaitBlocked(1);
            assertThatThrownBy(() -> admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNBLOCK", id, "MAYBE"))
                    .hasMessage("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            assertThat(admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNBLOCK", id, "ERROR")).isEqualTo(1L);
            assertThat(a.readReply()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
            assertThat(admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNBLOCK", id)).isEqualTo(0L);
        }
    }

    // ---- disconnects

    @Test
    void aWaiterThatDisconnectsPassesItsTurnToTheNext() throws Exception {
        RawConnection gone = new RawConnection(ferrite.port());
        gone.command("BLPOP", "k", "0");
        awaitBlocked(1);
        CompletableFuture<KeyValue<String, String>> next = async(j -> j.blpop(0.0, "k"));
        awaitBlocked(2);
        gone.close();
        awaitBlocked(1);
        try (Jedis j = ferrite.jedis()) {
            j.rpush("k", "v");
            assertThat(next.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("v");
        }
    }

    @Test
    void aPushAfterTheOnlyWaiterLeftStaysInTheList() throws Exception {
        RawConnection gone = new RawConnection(ferrite.port());
        gone.command("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
        awaitBlocked(1);
        gone.close();
        awaitBlocked(0);
        try (Jedis j = ferrite.jedis()) {
            j.rpush("k", "v");
            assertThat(j.lrange("k", 0, -1)).containsExactly("v");
            assertThat(j.exists("d")).isFalse();
        }
    }

    // ---- chains and pipelines

    @Test
    void blmoveIntoAWatchedKeyWakesTheNextClient() throws Exception {
        CompletableFuture<String> mover = async(j -> j.blmove("a", "b", ListDirection.LEFT, ListDirection.RIGHT, 0));
        awaitBlocked(1);
        CompletableFuture<KeyValue<String, String>> popper = async(j -> j.blpop(0.0, "b"));
        awaitBlocked(2);
        try (Jedis j = ferrite.jedis()) {
            j.rpush("a", "x");
            assertThat(mover.get(5, TimeUnit.SECONDS)).isEqualTo("x");
            KeyValue<String, String> kv = popper.get(5, TimeUnit.SECONDS);
            assertThat(kv.getKey()).isEqualTo("b");
            assertThat(kv.getValue()).isEqualTo("x");
            assertThat(j.exists("a", "b")).isZero();
        }
    }

    @Test
    void aServedMoveIntoAWrongTypeFailsAndLeavesTheElement() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            j.set("target", "nolist");
            CompletableFuture<String> mover = async(x -> x.brpoplpush("src", "target", 0));
            awaitBlocked(1);
            CompletableFuture<String> second = async(x -> x.brpoplpush("src", "target2", 0));
            awaitBlocked(2);
            j.rpush("src", "foo");
            assertThatThrownBy(() -> mover.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(JedisDataException.class)
                    .hasMessageContaining("WRONGTYPE");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("foo");
            assertThat(j.lrange("target2", 0, -1)).containsExactly("foo");
        }
    }

    @Test
    void pipelinedCommandsAfterABlockedOneWaitForItInOrder() throws Exception {
        try (RawConnection r = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            r.send("*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"
                    + "*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n");
            awaitBlocked(1);
            Thread.sleep(100);
            j.rpush("k", "a", "b");
            assertThat(r.readReply()).isEqualTo("*2\r\n$1\r\nk\r\n$1\r\na\r\n");
            assertThat(r.readReply()).isEqualTo("+PONG\r\n");
            assertThat(r.readReply()).isEqualTo("$2\r\nhi\r\n");
            assertThat(r.readReply()).isEqualTo(":1\r\n");
        }
    }

    @Test
    void aPushPipelinedBeforeABlpopServesTheEarlierWaiterFirst() throws Exception {
        CompletableFuture<KeyValue<String, String>> first = async(j -> j.blpop(0.0, "k"));
        awaitBlocked(1);
        try (RawConnection r = new RawConnection(ferrite.port())) {
            r.send("*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$1\r\n1\r\n*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$3\r\n0.3\r\n");
            assertThat(r.readReply()).isEqualTo(":1\r\n");
            assertThat(first.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("1");
            assertThat(r.readReply()).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void lettuceBlpopCompletesWhenAnotherConnectionPushes() throws Exception {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce(); Jedis j = ferrite.jedis()) {
            var future = conn.async().blpop(0, "k").toCompletableFuture();
            awaitBlocked(1);
            j.lpush("k", "v");
            assertThat(future.get(5, TimeUnit.SECONDS).getValue()).isEqualTo("v");
        }
    }

    /**
     * A push and the waiter's timeout held up on the same shard lock, then released together:
     * the serve and the timeout run at the same moment on two event loops. Exactly one of them
     * must reply. (The blocking subsystem used to switch the client's reply writer to the
     * serve's buffer before taking the locks and back after, so a timeout running in between
     * wrote its null into the client's stale output buffer and the client got no reply.)
     */
    @Test
    void aTimeoutFiringWhileAPushServesTheSameClientStillGetsOneReply() throws Exception {
        var shard = ferrite.server().keyspace().shardOf(b("k"));
        for (int round = 0; round < 12; round++) {
            try (RawConnection waiter = new RawConnection(ferrite.port());
                    RawConnection pusher = new RawConnection(ferrite.port())) {
                waiter.command("BLPOP", "k", "0.1");
                awaitBlocked(1);
                shard.lock();
                try {
                    pusher.command("RPUSH", "k", "v");
                    Thread.sleep(200); // the push waits for the lock, the timeout fires and waits too
                } finally {
                    shard.unlock();
                }
                assertThat(waiter.readReply()).isIn("*-1\r\n", "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
                waiter.command("PING");
                assertThat(waiter.readReply()).isEqualTo("+PONG\r\n");
                assertThat(pusher.readReply()).isEqualTo(":1\r\n");
            }
            awaitBlocked(0);
            try (Jedis j = ferrite.jedis()) {
                j.del("k");
            }
        }
    }

    /**
     * Timeouts that fire while a push serves the same client: each client gets exactly one
     * reply (the element or a null) and its connection stays usable, and no element is lost or
     * duplicated. Before serveHead borrowed the client's reply writer only under the locks, a
     * timeout racing a serve could send its null into the wrong buffer and leave the client
     * without a reply.
     */
    @Test
    void timeoutsRacingPushesLoseNoReplyAndNoElement() throws Exception {
        int clients = 8, rounds = 40;
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String key = "race" + c;
            results.add(async(j -> {
                int got = 0;
                for (int i = 0; i < rounds; i++) {
                    if (j.blpop(0.02, key) != null) got++;
                    if (!"PONG".equals(j.ping())) throw new AssertionError("stream out of step");
                }
                return got;
            }));
        }
        int pushed = 0;
        try (Jedis j = ferrite.jedis()) {
            long end = System.currentTimeMillis() + 600;
            while (System.currentTimeMillis() < end && !results.stream().allMatch(CompletableFuture::isDone)) {
                for (int c = 0; c < clients; c++) j.rpush("race" + c, "x");
                pushed += clients;
                Thread.sleep(19);
            }
            int popped = 0;
            for (CompletableFuture<Integer> f : results) {
                try {
                    popped += f.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a client got no reply", e);
                }
            }
            long left = 0;
            for (int c = 0; c < clients; c++) left += j.llen("race" + c);
            assertThat(popped + left).isEqualTo(pushed);
        }
    }
}
