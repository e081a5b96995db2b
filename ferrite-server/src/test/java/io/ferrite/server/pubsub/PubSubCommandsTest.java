package io.ferrite.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

class PubSubCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String push(String kind, String... parts) {
        StringBuilder sb = new StringBuilder(kind).append(parts.length).append("\r\n");
        for (String p : parts) {
            if (p == null) sb.append("$-1\r\n");
            else if (p.startsWith(":")) sb.append(p).append("\r\n");
            else sb.append('$').append(p.length()).append("\r\n").append(p).append("\r\n");
        }
        return sb.toString();
    }

    /** Polls until the server has n subscribers on channel (subscription is asynchronous for clients). */
    private static void awaitNumsub(String channel, long n) throws InterruptedException {
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 200; i++) {
                if (j.pubsubNumSub(channel).get(channel) == n) return;
                Thread.sleep(10);
            }
        }
        throw new AssertionError("no " + n + " subscribers on " + channel);
    }

    @Test
    void resp2SubscribeRepliesArraysAndDeliversMessagesInOrder() throws Exception {
        try (RawConnection sub = new RawConnection(ferrite.port()); Jedis pub = ferrite.jedis()) {
            sub.command("SUBSCRIBE", "a", "b", "a");
            assertThat(sub.readReply()).isEqualTo(push("*", "subscribe", "a", ":1"));
            assertThat(sub.readReply()).isEqualTo(push("*", "subscribe", "b", ":2"));
            assertThat(sub.readReply()).isEqualTo(push("*", "subscribe", "a", ":2"));
            for (int i = 0; i < 50; i++) assertThat(pub.publish("a", "m" + i)).isEqualTo(1);
            assertThat(pub.publish("nobody", "x")).isZero();
            for (int i = 0; i < 50; i++) assertThat(sub.readReply()).isEqualTo(push("*", "message", "a", "m" + i));
            sub.command("UNSUBSCRIBE");
            String r1 = sub.readReply(), r2 = sub.readReply();
            assertThat(List.of(r1, r2)).containsExactly(push("*", "unsubscribe", "a", ":1"), push("*", "unsubscribe", "b", ":0"));
            sub.command("UNSUBSCRIBE");
            assertThat(sub.readReply()).isEqualTo(push("*", "unsubscribe", null, ":0"));
            sub.command("PUNSUBSCRIBE", "x*", "y*");
            assertThat(sub.readReply()).isEqualTo(push("*", "punsubscribe", "x*", ":0"));
            assertThat(sub.readReply()).isEqualTo(push("*", "punsubscribe", "y*", ":0"));
            sub.command("GET", "k"); // no longer in subscriber mode
            assertThat(sub.readReply()).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void resp2SubscriberModeAllowsOnlySubscriptionCommandsAndPingArray() throws Exception {
        try (RawConnection sub = new RawConnection(ferrite.port())) {
            sub.command("PSUBSCRIBE", "p*");
            assertThat(sub.readReply()).isEqualTo(push("*", "psubscribe", "p*", ":1"));
            sub.command("GET", "k");
            assertThat(sub.readReply()).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
            sub.command("CONFIG", "GET", "port");
            assertThat(sub.readReply()).startsWith("-ERR Can't execute 'config|get'");
            sub.command("PING");
            assertThat(sub.readReply()).isEqualTo(push("*", "pong", ""));
            sub.command("PING", "hi");
            assertThat(sub.readReply()).isEqualTo(push("*", "pong", "hi"));
            sub.command("RESET");
            assertThat(sub.readReply()).isEqualTo("+RESET\r\n");
            sub.command("PING");
            assertThat(sub.readReply()).isEqualTo("+PONG\r\n");
            try (Jedis j = ferrite.jedis()) {
                assertThat(j.pubsubNumPat()).isZero(); // RESET dropped the pattern
            }
        }
    }

    @Test
    void resp3PushesAndNormalCommandsWhileSubscribed() throws Exception {
        try (RawConnection sub = new RawConnection(ferrite.port()); Jedis pub = ferrite.jedis()) {
            sub.command("HELLO", "3");
            sub.readReply();
            sub.command("SUBSCRIBE", "ch");
            assertThat(sub.readReply()).isEqualTo(push(">", "subscribe", "ch", ":1"));
            sub.command("PSUBSCRIBE", "c*");
            assertThat(sub.readReply()).isEqualTo(push(">", "psubscribe", "c*", ":2"));
            sub.command("SET", "k", "v");
            assertThat(sub.readReply()).isEqualTo("+OK\r\n");
            sub.command("PING");
            assertThat(sub.readReply()).isEqualTo("+PONG\r\n");
            assertThat(pub.publish("ch", "hello")).isEqualTo(2);
            assertThat(sub.readReply()).isEqualTo(push(">", "message", "ch", "hello"));
            assertThat(sub.readReply()).isEqualTo(push(">", "pmessage", "c*", "ch", "hello"));
            // Publishing to itself: the push follows the command's reply (Redis 7.2).
            sub.command("PUBLISH", "ch", "self");
            assertThat(sub.readReply()).isEqualTo(":2\r\n");
            assertThat(sub.readReply()).isEqualTo(push(">", "message", "ch", "self"));
            assertThat(sub.readReply()).isEqualTo(push(">", "pmessage", "c*", "ch", "self"));
        }
    }

    @Test
    void resp3ConfirmationsSurviveClientReplyOff() throws Exception {
        try (RawConnection sub = new RawConnection(ferrite.port())) {
            sub.command("HELLO", "3");
            sub.readReply();
            sub.command("CLIENT", "REPLY", "OFF");
            sub.command("SUBSCRIBE", "q");
            assertThat(sub.readReply()).isEqualTo(push(">", "subscribe", "q", ":1"));
        }
    }

    @Test
    void pubsubIntrospection() throws Exception {
        try (RawConnection s1 = new RawConnection(ferrite.port()); RawConnection s2 = new RawConnection(ferrite.port());
             Jedis j = ferrite.jedis()) {
            s1.command("SUBSCRIBE", "news.a", "news.b");
            s1.readReply();
            s1.readReply();
            s2.command("SUBSCRIBE", "news.a", "other");
            s2.readReply();
            s2.readReply();
            s2.command("PSUBSCRIBE", "n*", "n*", "x*");
            for (int i = 0; i < 3; i++) s2.readReply();
            s1.command("PSUBSCRIBE", "n*");
            s1.readReply();
            assertThat(j.pubsubChannels()).containsExactlyInAnyOrder("news.a", "news.b", "other");
            assertThat(j.pubsubChannels("news.*")).containsExactlyInAnyOrder("news.a", "news.b");
            assertThat(j.pubsubNumSub("news.a", "news.b", "none")).containsEntry("news.a", 2L)
                    .containsEntry("news.b", 1L).containsEntry("none", 0L);
            assertThat(j.pubsubNumPat()).isEqualTo(2); // unique patterns
            assertThat(j.publish("news.a", "x")).isEqualTo(4); // 2 direct + 2 pattern
            assertThat(j.sendCommand(() -> "PUBSUB".getBytes(), "NUMSUB").toString()).isEqualTo("[]");
        }
        // Disconnected subscribers leave the registry.
        for (int i = 0; i < 200; i++) {
            try (Jedis j = ferrite.jedis()) {
                if (j.pubsubChannels().isEmpty() && j.pubsubNumPat() == 0) return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("subscriptions of closed clients remain");
    }

    @Test
    void shardedChannelsAreSeparateFromClassicOnes() throws Exception {
        try (RawConnection sub = new RawConnection(ferrite.port()); Jedis pub = ferrite.jedis()) {
            sub.command("SSUBSCRIBE", "s1", "s2");
            assertThat(sub.readReply()).isEqualTo(push("*", "ssubscribe", "s1", ":1"));
            assertThat(sub.readReply()).isEqualTo(push("*", "ssubscribe", "s2", ":2"));
            sub.command("SUBSCRIBE", "s1");
            assertThat(sub.readReply()).isEqualTo(push("*", "subscribe", "s1", ":1")); // classic count only
            sub.command("PSUBSCRIBE", "s*");
            assertThat(sub.readReply()).isEqualTo(push("*", "psubscribe", "s*", ":2"));
            assertThat(pub.sendCommand(() -> "SPUBLISH".getBytes(), "s1", "hi")).isEqualTo(1L); // patterns ignored
            assertThat(sub.readReply()).isEqualTo(push("*", "smessage", "s1", "hi"));
            assertThat(pub.publish("s2", "x")).isEqualTo(1); // only the pattern
            assertThat(sub.readReply()).isEqualTo(push("*", "pmessage", "s*", "s2", "x"));
            try (RawConnection raw = new RawConnection(ferrite.port())) {
                raw.command("PUBSUB", "SHARDCHANNELS", "s1*");
                assertThat(raw.readReply()).isEqualTo("*1\r\n$2\r\ns1\r\n");
                raw.command("PUBSUB", "SHARDNUMSUB", "s1", "zz");
                assertThat(raw.readReply()).isEqualTo("*4\r\n$2\r\ns1\r\n:1\r\n$2\r\nzz\r\n:0\r\n");
                raw.command("PUBSUB", "CHANNELS");
                assertThat(raw.readReply()).isEqualTo("*1\r\n$2\r\ns1\r\n"); // the classic s1 only
            }
            sub.command("SUNSUBSCRIBE", "s1", "nope");
            assertThat(sub.readReply()).isEqualTo(push("*", "sunsubscribe", "s1", ":1"));
            assertThat(sub.readReply()).isEqualTo(push("*", "sunsubscribe", "nope", ":1"));
            sub.command("SUNSUBSCRIBE");
            assertThat(sub.readReply()).isEqualTo(push("*", "sunsubscribe", "s2", ":0"));
            sub.command("SUNSUBSCRIBE");
            assertThat(sub.readReply()).isEqualTo(push("*", "sunsubscribe", null, ":0"));
        }
    }

    @Test
    void ssubscribeInsideMultiIsRefused() throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("MULTI");
            c.readReply();
            c.command("SSUBSCRIBE", "x");
            c.readReply();
            c.command("EXEC");
            assertThat(c.readReply()).isEqualTo("*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
        }
    }

    @Test
    void jedisPubSubReceivesChannelAndPatternMessages() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        JedisPubSub listener = new JedisPubSub() {
            @Override public void onMessage(String channel, String message) { got.add(channel + "=" + message); done.countDown(); }
            @Override public void onPMessage(String pattern, String channel, String message) {
                got.add(pattern + ":" + channel + "=" + message);
                done.countDown();
            }
        };
        Thread t = Thread.ofPlatform().start(() -> {
            try (Jedis j = ferrite.jedis()) {
                j.subscribe(listener, "orders");
            }
        });
        awaitNumsub("orders", 1);
        listener.psubscribe("ord*");
        try (Jedis pub = ferrite.jedis()) {
            for (int i = 0; i < 200 && pub.pubsubNumPat() == 0; i++) Thread.sleep(10);
            assertThat(pub.publish("orders", "1")).isEqualTo(2);
            assertThat(pub.publish("ordinal", "2")).isEqualTo(1);
        }
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(got).containsExactlyInAnyOrder("orders=1", "ord*:orders=1", "ord*:ordinal=2");
        listener.punsubscribe();
        listener.unsubscribe();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void lettucePubSubOverResp3() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = ferrite.lettuceClient().connectPubSub(
                io.lettuce.core.RedisURI.create("redis://127.0.0.1:" + ferrite.port()))) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override public void message(String channel, String message) { got.add(channel + "=" + message); }
                @Override public void message(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("events");
            sub.sync().psubscribe("ev*");
            assertThat(sub.sync().get("nokey")).isNull(); // RESP3: ordinary commands while subscribed
            try (Jedis pub = ferrite.jedis()) {
                assertThat(pub.publish("events", "e1")).isEqualTo(2);
            }
            assertThat(List.of(got.poll(5, TimeUnit.SECONDS), got.poll(5, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("events=e1", "ev*:events=e1");
        }
    }

    @Test
    void slowSubscriberIsDisconnectedAtTheHardLimit() throws Exception {
        try (Jedis admin = ferrite.jedis(); RawConnection slow = new RawConnection(ferrite.port())) {
            admin.configSet("client-output-buffer-limit", "pubsub 262144 0 0");
            try {
                slow.command("SUBSCRIBE", "firehose");
                slow.readReply();
                String payload = "x".repeat(64 * 1024);
                long before = admin.clientList().lines().count();
                // The slow client never reads: kernel buffers fill, then Netty's pending output grows.
                for (int i = 0; i < 2000 && admin.pubsubNumSub("firehose").get("firehose") > 0; i++) {
                    admin.publish("firehose", payload);
                }
                assertThat(admin.pubsubNumSub("firehose").get("firehose")).isZero();
                assertThat(admin.clientList().lines().count()).isLessThan(before);
            } finally {
                admin.configSet("client-output-buffer-limit", "pubsub 33554432 8388608 60");
            }
        }
    }
}
