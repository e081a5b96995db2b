package io.ferrite.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** XREAD / XREADGROUP BLOCK over real sockets: woken by XADD, and by the key going away. */
class BlockingStreamReadTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void awaitBlocked(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (ferrite.server().blockedClients().blockedCount() != n) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("blocked: " + ferrite.server().blockedClients().blockedCount());
            Thread.sleep(5);
        }
    }

    @AfterEach
    void nobodyStaysBlocked() throws InterruptedException {
        awaitBlocked(0);
    }

    @Test
    void xreadBlockDollarIsWokenByTheNextXadd() throws Exception {
        try (RawConnection reader = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "1-1", "f", "old");
            reader.command("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            awaitBlocked(1);
            j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "2-1", "f", "new");
            assertThat(reader.readReply()).isEqualTo(
                    "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$3\r\nnew\r\n");
        }
    }

    @Test
    void xreadBlockTimesOutWithANullReply() throws Exception {
        try (RawConnection reader = new RawConnection(ferrite.port())) {
            long start = System.nanoTime();
            reader.command("XREAD", "BLOCK", "150", "STREAMS", "nostream", "$");
            assertThat(reader.readReply()).isEqualTo("*-1\r\n");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(140L, 1500L);
        }
    }

    @Test
    void xreadgroupBlockedOnADeletedKeyGetsNogroup() throws Exception {
        try (RawConnection reader = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "666", "f", "v");
            j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "CREATE", "s", "g", "$");
            reader.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
            awaitBlocked(1);
            j.del("s");
            assertThat(reader.readReply()).startsWith("-NOGROUP");
        }
    }

    @Test
    void xreadgroupBlockedOnAKeyReplacedBySetGetsWrongtype() throws Exception {
        try (RawConnection reader = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "666", "f", "v");
            j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "CREATE", "s", "g", "$");
            reader.command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
            awaitBlocked(1);
            j.set("s", "val1");
            assertThat(reader.readReply()).startsWith("-WRONGTYPE");
        }
    }

    @Test
    void xreadBlockedOnADeletedKeyWaitsForItToComeBack() throws Exception {
        try (RawConnection reader = new RawConnection(ferrite.port()); Jedis j = ferrite.jedis()) {
            j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "666", "f", "v");
            reader.command("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            awaitBlocked(1);
            j.del("s");
            Thread.sleep(50);
            assertThat(ferrite.server().blockedClients().blockedCount()).isEqualTo(1);
            j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "s", "667", "f", "v");
            assertThat(reader.readReply()).contains("667-0");
        }
    }
}
