package io.ferrite.server.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/** CLIENT PAUSE / UNPAUSE: which commands wait, for how long, in which order, and paused expiry. */
class ClientPauseTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @AfterEach
    void unpause() throws Exception {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            r.command("CLIENT", "UNPAUSE").readReply();
        }
    }

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    private static long blockedClients(Jedis j) {
        String info = j.info("clients");
        return Long.parseLong(info.replaceAll("(?s).*blocked_clients:(\\d+).*", "$1"));
    }

    private static void waitForBlocked(Jedis j, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (blockedClients(j) != n && System.currentTimeMillis() < deadline) Thread.sleep(5);
        assertThat(blockedClients(j)).isEqualTo(n);
    }

    @Test
    void writePauseLetsReadsThroughAndHoldsWritesInOrderUntilUnpause() throws Exception {
        try (Jedis admin = ferrite.jedis(); RawConnection a = new RawConnection(ferrite.port());
                RawConnection b = new RawConnection(ferrite.port())) {
            admin.set("k", "0");
            assertThat(admin.clientPause(60_000, ClientPauseMode.WRITE)).isEqualTo("OK");
            assertThat(call(a, "GET", "k")).isEqualTo("$1\r\n0\r\n");
            assertThat(call(a, "PING")).isEqualTo("+PONG\r\n");
            a.command("SET", "k", "1");
            waitForBlocked(admin, 1);
            b.command("SET", "k", "2");
            b.command("GET", "k"); // pipelined behind the postponed SET: waits with it
            waitForBlocked(admin, 2);
            assertThat(admin.get("k")).isEqualTo("0");
            assertThat(admin.clientUnpause()).isEqualTo("OK");
            assertThat(a.readReply()).isEqualTo("+OK\r\n");
            assertThat(b.readReply()).isEqualTo("+OK\r\n");
            assertThat(b.readReply()).isEqualTo("$1\r\n2\r\n"); // a's SET ran first, then b's
            waitForBlocked(admin, 0);
        }
    }

    @Test
    void aPauseEndsByItselfAndTheMoreRestrictiveOfTwoPausesWins() throws Exception {
        try (RawConnection admin = new RawConnection(ferrite.port()); RawConnection a = new RawConnection(ferrite.port())) {
            long start = System.nanoTime();
            assertThat(call(admin, "CLIENT", "PAUSE", "300", "ALL")).isEqualTo("+OK\r\n");
            // Under ALL even this waits, so it cannot shorten the pause or make it WRITE only.
            admin.command("CLIENT", "PAUSE", "10", "WRITE");
            assertThat(call(a, "GET", "nothing")).isEqualTo("$-1\r\n"); // waited for the ALL pause
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMs).isGreaterThanOrEqualTo(250);
            assertThat(admin.readReply()).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void execWaitsWhenItsQueueWritesAndReadOnlyScriptsDoNot() throws Exception {
        try (Jedis admin = ferrite.jedis(); RawConnection a = new RawConnection(ferrite.port());
                RawConnection b = new RawConnection(ferrite.port())) {
            assertThat(call(a, "MULTI")).isEqualTo("+OK\r\n");
            assertThat(call(a, "SET", "x", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(call(b, "MULTI")).isEqualTo("+OK\r\n");
            assertThat(call(b, "GET", "x")).isEqualTo("+QUEUED\r\n");
            admin.clientPause(60_000, ClientPauseMode.WRITE);
            assertThat(call(b, "EXEC")).isEqualTo("*1\r\n$-1\r\n"); // reads only: runs now
            assertThat(call(b, "EVAL_RO", "return 1", "0")).isEqualTo(":1\r\n");
            a.command("EXEC");
            b.command("EVAL", "return 2", "0"); // EVAL may write: it waits
            waitForBlocked(admin, 2);
            admin.clientUnpause();
            assertThat(a.readReply()).isEqualTo("*1\r\n+OK\r\n");
            assertThat(b.readReply()).isEqualTo(":2\r\n");
        }
    }

    @Test
    void scriptsDeclaringNoWritesRunDuringAWritePause() throws Exception {
        try (Jedis admin = ferrite.jedis(); RawConnection a = new RawConnection(ferrite.port())) {
            admin.functionLoadReplace("#!lua name=ro\nredis.register_function{function_name='ro', "
                    + "callback=function() return 'hello' end, flags={'no-writes'}}");
            String noWrites = "#!lua flags=no-writes\nreturn 'fine'";
            String sha = admin.scriptLoad(noWrites);
            admin.clientPause(60_000, ClientPauseMode.WRITE);
            assertThat(call(a, "EVAL", noWrites, "0")).isEqualTo("$4\r\nfine\r\n");
            assertThat(call(a, "EVALSHA", sha, "0")).isEqualTo("$4\r\nfine\r\n");
            assertThat(call(a, "FCALL", "ro", "0")).isEqualTo("$5\r\nhello\r\n");
            assertThat(call(a, "MULTI")).isEqualTo("+OK\r\n");
            assertThat(call(a, "EVAL", noWrites, "0")).isEqualTo("+QUEUED\r\n");
            assertThat(call(a, "EXEC")).isEqualTo("*1\r\n$4\r\nfine\r\n");
            assertThat(blockedClients(admin)).isZero();
        }
    }

    @Test
    void expiryWaitsForThePauseToEnd() throws Exception {
        try (Jedis admin = ferrite.jedis()) {
            admin.psetex("soon", 50, "v");
            admin.clientPause(60_000, ClientPauseMode.WRITE);
            Thread.sleep(150);
            assertThat(admin.get("soon")).isNull();   // reads as missing ...
            assertThat(admin.dbSize()).isEqualTo(1);  // ... but is not deleted while paused
            admin.clientUnpause();
            assertThat(admin.get("soon")).isNull();
            assertThat(admin.dbSize()).isZero();
        }
    }

    @Test
    void aPostponedClientThatDisconnectsIsForgotten() throws Exception {
        try (Jedis admin = ferrite.jedis()) {
            admin.clientPause(60_000, ClientPauseMode.WRITE);
            RawConnection a = new RawConnection(ferrite.port());
            a.command("SET", "gone", "1");
            waitForBlocked(admin, 1);
            a.close();
            waitForBlocked(admin, 0);
            admin.clientUnpause();
            assertThat(admin.exists("gone")).isFalse();
        }
    }

    @Test
    void badArgumentsGetRedisErrors() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            assertThat(call(r, "CLIENT", "PAUSE", "abc")).isEqualTo("-ERR timeout is not an integer or out of range\r\n");
            assertThat(call(r, "CLIENT", "PAUSE", "-1")).isEqualTo("-ERR timeout is negative\r\n");
            assertThat(call(r, "CLIENT", "PAUSE", "10", "READ")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        }
    }
}
