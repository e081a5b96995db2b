package io.ferrite.server.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

class TransactionCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection r, String... args) throws Exception {
        return r.command(args).readReply();
    }

    private static RawConnection raw() throws Exception {
        return new RawConnection(ferrite.port());
    }

    @Test
    void queuedCommandsRunAtExecAndReplyAsOneArray() throws Exception {
        try (RawConnection r = raw()) {
            assertThat(call(r, "MULTI")).isEqualTo("+OK\r\n");
            assertThat(call(r, "SET", "a", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(call(r, "INCR", "a")).isEqualTo("+QUEUED\r\n");
            assertThat(call(r, "GET", "a")).isEqualTo("+QUEUED\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
            // Nothing ran before EXEC, and the connection is out of MULTI afterwards.
            assertThat(call(r, "GET", "a")).isEqualTo("$1\r\n2\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
        }
    }

    @Test
    void queuedCommandsDoNotRunBeforeExec() throws Exception {
        try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
            call(r, "MULTI");
            call(r, "SET", "a", "1");
            assertThat(other.get("a")).isNull();
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+OK\r\n");
            assertThat(other.get("a")).isEqualTo("1");
        }
    }

    @Test
    void emptyTransactionRepliesEmptyArray() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "MULTI");
            assertThat(call(r, "EXEC")).isEqualTo("*0\r\n");
        }
    }

    @Test
    void queueingErrorsAbortExec() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "SET", "k", "old");
            call(r, "MULTI");
            assertThat(call(r, "SET", "k", "new")).isEqualTo("+QUEUED\r\n");
            assertThat(call(r, "NOSUCHCMD", "x")).startsWith("-ERR unknown command 'NOSUCHCMD'");
            assertThat(call(r, "GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
            assertThat(call(r, "GET", "k")).isEqualTo("$3\r\nold\r\n");
            // The aborted transaction left MULTI.
            assertThat(call(r, "EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
        }
    }

    @Test
    void noMultiCommandIsRefusedAndAbortsTransaction() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "MULTI");
            assertThat(call(r, "SHUTDOWN")).isEqualTo("-ERR Command not allowed inside a transaction\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
        }
    }

    @Test
    void execWithWrongArityAbortsWithTheReason() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "MULTI");
            call(r, "SET", "k", "v");
            assertThat(call(r, "EXEC", "extra")).isEqualTo(
                    "-EXECABORT Transaction discarded because of: ERR wrong number of arguments for 'exec' command\r\n");
            assertThat(call(r, "EXISTS", "k")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void runtimeErrorsAreElementsOfTheExecReplyAndTheRestStillRuns() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "SET", "s", "text");
            call(r, "MULTI");
            call(r, "INCR", "s");
            call(r, "LPUSH", "s", "x");
            call(r, "SET", "after", "1");
            assertThat(call(r, "EXEC")).isEqualTo("*3\r\n-ERR value is not an integer or out of range\r\n"
                    + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n");
            assertThat(call(r, "GET", "after")).isEqualTo("$1\r\n1\r\n");
        }
    }

    @Test
    void commandsThatRewriteTheirArgumentsRunFromTheQueue() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "SADD", "myset", "a");
            call(r, "MULTI");
            call(r, "SPOP", "myset");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n$1\r\na\r\n");
            assertThat(call(r, "EXISTS", "myset")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void discardDropsTheQueueAndWithoutMultiIsAnError() throws Exception {
        try (RawConnection r = raw()) {
            assertThat(call(r, "DISCARD")).isEqualTo("-ERR DISCARD without MULTI\r\n");
            call(r, "MULTI");
            call(r, "SET", "k", "v");
            assertThat(call(r, "DISCARD")).isEqualTo("+OK\r\n");
            assertThat(call(r, "EXISTS", "k")).isEqualTo(":0\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
        }
    }

    @Test
    void nestedMultiIsAnErrorButKeepsTheTransaction() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "MULTI");
            assertThat(call(r, "MULTI")).isEqualTo("-ERR MULTI calls can not be nested\r\n");
            call(r, "SET", "k", "v");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+OK\r\n");
        }
    }

    @Test
    void watchInsideMultiIsNotAllowed() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "MULTI");
            assertThat(call(r, "WATCH", "x")).isEqualTo("-ERR WATCH inside MULTI is not allowed\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("*0\r\n");
        }
    }

    @Test
    void watchedKeyUnchangedLetsExecRun() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "SET", "x", "30");
            call(r, "WATCH", "x");
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+PONG\r\n");
        }
    }

    @Test
    void watchedKeyModifiedByAnotherClientFailsExec() throws Exception {
        try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
            call(r, "SET", "x", "30");
            call(r, "WATCH", "a", "b", "x", "c", "d");
            other.set("x", "40");
            call(r, "MULTI");
            call(r, "SET", "y", "1");
            assertThat(call(r, "EXEC")).isEqualTo("*-1\r\n");
            assertThat(other.exists("y")).isFalse();
        }
    }

    @Test
    void inPlaceWritesAndDeletesOfWatchedKeysFailExec() throws Exception {
        String[][] writes = {{"LPUSH", "x", "b"}, {"DEL", "x"}, {"EXPIRE", "x", "100"}, {"RPOP", "x"}, {"RENAME", "x", "z"}};
        for (String[] write : writes) {
            try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
                other.del("x", "z");
                other.rpush("x", "a", "b");
                call(r, "WATCH", "x");
                other.sendCommand(redis.clients.jedis.Protocol.Command.valueOf(write[0]),
                        java.util.Arrays.copyOfRange(write, 1, write.length));
                call(r, "MULTI");
                call(r, "PING");
                assertThat(call(r, "EXEC")).as(write[0]).isEqualTo("*-1\r\n");
            }
        }
    }

    @Test
    void modificationBySameClientFailsExecToo() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "WATCH", "x");
            call(r, "SET", "x", "1");
            call(r, "DEL", "x");
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void watchIsPerDatabase() throws Exception {
        try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
            call(r, "SELECT", "5");
            call(r, "SET", "x", "30");
            call(r, "WATCH", "x");
            other.select(1);
            other.set("x", "10");
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+PONG\r\n");
        }
    }

    @Test
    void watchedKeyThatExpiresFailsExec() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "SET", "x", "1", "PX", "50");
            call(r, "WATCH", "x");
            Thread.sleep(120);
            call(r, "MULTI");
            call(r, "INCR", "x");
            assertThat(call(r, "EXEC")).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void watchingAnAlreadyExpiredKeyDoesNotFailExec() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "SET", "x", "foo", "PX", "1");
            Thread.sleep(20);
            call(r, "WATCH", "x");
            call(r, "EXISTS", "x"); // its lazy removal is no logical change
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+PONG\r\n");
        }
    }

    @Test
    void flushallAndFlushdbTouchOnlyWatchedKeysThatExist() throws Exception {
        for (String flush : new String[] {"FLUSHALL", "FLUSHDB"}) {
            try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
                other.set("x", "30");
                call(r, "WATCH", "x");
                other.sendCommand(redis.clients.jedis.Protocol.Command.valueOf(flush));
                call(r, "MULTI");
                call(r, "PING");
                assertThat(call(r, "EXEC")).as(flush).isEqualTo("*-1\r\n");

                call(r, "WATCH", "missing");
                other.sendCommand(redis.clients.jedis.Protocol.Command.valueOf(flush));
                call(r, "MULTI");
                call(r, "PING");
                assertThat(call(r, "EXEC")).as(flush).isEqualTo("*1\r\n+PONG\r\n");
            }
        }
    }

    @Test
    void swapdbTouchesWatchedKeysThatExistOnEitherSide() throws Exception {
        try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
            call(r, "SET", "x", "30");
            call(r, "WATCH", "x");
            other.swapDB(0, 1);
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*-1\r\n");

            other.flushAll();
            other.select(1);
            other.set("y", "1");
            call(r, "WATCH", "y"); // missing in db 0, SWAPDB brings it
            other.swapDB(0, 1);
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void unwatchAndExecAndDiscardForgetTheWatches() throws Exception {
        try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
            call(r, "WATCH", "x");
            other.set("x", "1");
            assertThat(call(r, "UNWATCH")).isEqualTo("+OK\r\n");
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+PONG\r\n");

            call(r, "WATCH", "x");
            call(r, "MULTI");
            call(r, "PING");
            call(r, "EXEC");
            other.set("x", "2"); // after EXEC x is no longer watched
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+PONG\r\n");

            call(r, "WATCH", "x");
            other.set("x", "3");
            call(r, "MULTI");
            call(r, "DISCARD"); // also clears the dirty flag
            call(r, "MULTI");
            call(r, "PING");
            assertThat(call(r, "EXEC")).isEqualTo("*1\r\n+PONG\r\n");
            assertThat(ferrite.server().dispatcher().watchedKeys().registrations()).isZero();
        }
    }

    @Test
    void closedConnectionGivesUpItsWatches() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "WATCH", "a", "b");
            assertThat(ferrite.server().dispatcher().watchedKeys().registrations()).isEqualTo(2);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ferrite.server().dispatcher().watchedKeys().registrations() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ferrite.server().dispatcher().watchedKeys().registrations()).isZero();
    }

    @Test
    void blockingCommandInsideMultiAnswersAtOnce() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "MULTI");
            call(r, "BLPOP", "empty", "0");
            call(r, "RPUSH", "l", "a");
            call(r, "BLPOP", "l", "0");
            assertThat(call(r, "EXEC")).isEqualTo("*3\r\n*-1\r\n:1\r\n*2\r\n$1\r\nl\r\n$1\r\na\r\n");
            // The connection blocks normally again afterwards: a timeout still applies.
            assertThat(call(r, "BLPOP", "empty", "0.05")).isEqualTo("*-1\r\n");
        }
    }

    @Test
    void resp3RepliesUseResp3Shapes() throws Exception {
        try (RawConnection r = raw(); Jedis other = ferrite.jedis()) {
            call(r, "HELLO", "3");
            call(r, "MULTI");
            call(r, "HSET", "h", "f", "v");
            call(r, "HGETALL", "h");
            call(r, "BLPOP", "empty", "0");
            assertThat(call(r, "EXEC")).isEqualTo("*3\r\n:1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n");
            call(r, "WATCH", "h");
            other.del("h");
            call(r, "MULTI");
            assertThat(call(r, "EXEC")).isEqualTo("_\r\n");
        }
    }

    @Test
    void resetLeavesMultiAndUnwatches() throws Exception {
        try (RawConnection r = raw()) {
            call(r, "WATCH", "x");
            call(r, "MULTI");
            call(r, "SET", "k", "v");
            assertThat(call(r, "RESET")).isEqualTo("+RESET\r\n");
            assertThat(call(r, "EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
            assertThat(ferrite.server().dispatcher().watchedKeys().registrations()).isZero();
        }
    }

    @Test
    void execAndInnerCommandsCountInCommandstats() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
            Transaction t = j.multi();
            t.set("a", "1");
            t.incr("a");
            t.exec();
            String stats = j.info("commandstats");
            assertThat(stats).contains("cmdstat_exec:calls=1,").contains("cmdstat_set:calls=1,")
                    .contains("cmdstat_incr:calls=1,").contains("cmdstat_multi:calls=1,");
        }
    }

    @Test
    void jedisTransactionWorks() {
        try (Jedis j = ferrite.jedis(); Jedis other = ferrite.jedis()) {
            Transaction t = j.multi();
            Response<String> set = t.set("k", "v");
            Response<Long> push = t.rpush("l", "a", "b");
            Response<List<String>> range = t.lrange("l", 0, -1);
            List<Object> results = t.exec();
            assertThat(results).hasSize(3);
            assertThat(set.get()).isEqualTo("OK");
            assertThat(push.get()).isEqualTo(2L);
            assertThat(range.get()).containsExactly("a", "b");

            j.watch("k");
            other.set("k", "changed");
            Transaction t2 = j.multi();
            t2.set("k", "mine");
            assertThat(t2.exec()).isNull();
            assertThat(other.get("k")).isEqualTo("changed");
        }
    }

    @Test
    void lettuceMultiExecWorks() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce(); Jedis other = ferrite.jedis()) {
            RedisCommands<String, String> s = conn.sync();
            assertThat(s.multi()).isEqualTo("OK");
            s.set("k", "v");
            s.incr("n");
            TransactionResult r = s.exec();
            assertThat(r.wasDiscarded()).isFalse();
            assertThat(r.size()).isEqualTo(2);
            assertThat((Object) r.get(0)).isEqualTo("OK");
            assertThat((Object) r.get(1)).isEqualTo(1L);

            s.watch("k");
            other.set("k", "changed");
            s.multi();
            s.set("k", "mine");
            assertThat(s.exec().wasDiscarded()).isTrue();
            assertThat(other.get("k")).isEqualTo("changed");
        }
    }

    @Test
    void optimisticIncrementsFromFourThreadsAreExact() throws Exception {
        int threads = 4;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> retries = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                retries.add(pool.submit(() -> {
                    int conflicts = 0;
                    try (Jedis j = ferrite.jedis()) {
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                j.watch("counter");
                                String v = j.get("counter");
                                long next = (v == null ? 0 : Long.parseLong(v)) + 1;
                                Transaction tx = j.multi();
                                tx.set("counter", Long.toString(next));
                                if (tx.exec() != null) break;
                                conflicts++;
                            }
                        }
                    }
                    return conflicts;
                }));
            }
            int conflicts = 0;
            for (Future<Integer> f : retries) conflicts += f.get(60, TimeUnit.SECONDS);
            try (Jedis j = ferrite.jedis()) {
                assertThat(j.get("counter")).isEqualTo(Integer.toString(threads * perThread));
            }
            // Not asserted (timing-dependent), but a run without conflicts would prove little.
            System.out.println("optimistic counter: " + conflicts + " conflicting EXECs retried");
        } finally {
            pool.shutdownNow();
        }
    }
}
