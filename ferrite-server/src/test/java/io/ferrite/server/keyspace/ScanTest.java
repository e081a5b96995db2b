package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class ScanTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void populate(Jedis j, String prefix, int n) {
        Pipeline p = j.pipelined();
        for (int i = 0; i < n; i++) p.set(prefix + i, "v");
        p.sync();
    }

    /** One full iteration; every key returned, duplicates included. */
    private static List<String> scanAll(Jedis j, ScanParams params, String type) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = type == null ? j.scan(cursor, params) : j.scan(cursor, params, type);
            keys.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals("0"));
        return keys;
    }

    @Test
    void fullIterationReturnsEveryKey() {
        try (Jedis j = ferrite.jedis()) {
            populate(j, "key:", 1000);
            assertThat(new HashSet<>(scanAll(j, new ScanParams(), null))).hasSize(1000);
            assertThat(new HashSet<>(scanAll(j, new ScanParams().count(1), null))).hasSize(1000);
        }
    }

    @Test
    void countIsAMinimumNumberOfEntriesVisitedPerCall() {
        try (Jedis j = ferrite.jedis()) {
            populate(j, "key:", 1000);
            String cursor = "0";
            int calls = 0;
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().count(100));
                cursor = r.getCursor();
                if (!cursor.equals("0")) assertThat(r.getResult().size()).isGreaterThanOrEqualTo(100);
                calls++;
            } while (!cursor.equals("0"));
            assertThat(calls).isBetween(2, 11);
            ScanResult<String> all = j.scan("0", new ScanParams().count(5000));
            assertThat(all.getCursor()).isEqualTo("0");
            assertThat(all.getResult()).hasSize(1000);
        }
    }

    @Test
    void matchFiltersKeys() {
        try (Jedis j = ferrite.jedis()) {
            populate(j, "key:", 1000);
            List<String> keys = scanAll(j, new ScanParams().match("key:1??"), null);
            assertThat(new HashSet<>(keys)).hasSize(100).allMatch(k -> k.matches("key:1\\d\\d"));
        }
    }

    @Test
    void typeFiltersByTypeNameIgnoringCase() {
        try (Jedis j = ferrite.jedis()) {
            populate(j, "key:", 300);
            assertThat(new HashSet<>(scanAll(j, new ScanParams(), "string"))).hasSize(300);
            assertThat(new HashSet<>(scanAll(j, new ScanParams(), "STRING"))).hasSize(300);
            assertThat(scanAll(j, new ScanParams(), "list")).isEmpty();
            assertThat(scanAll(j, new ScanParams(), "nosuchtype")).isEmpty();
            assertThat(new HashSet<>(scanAll(j, new ScanParams().match("key:2*").count(10), "string"))).hasSize(111);
        }
    }

    @Test
    void expiredKeysAreNotReturnedAndAreReclaimed() throws InterruptedException {
        try (Jedis j = ferrite.jedis()) {
            populate(j, "live:", 50);
            Pipeline p = j.pipelined();
            for (int i = 0; i < 50; i++) p.psetex("dead:" + i, 30, "v");
            p.sync();
            Thread.sleep(60);
            List<String> keys = scanAll(j, new ScanParams().count(1000), null);
            assertThat(new HashSet<>(keys)).hasSize(50).allMatch(k -> k.startsWith("live:"));
            assertThat(scanAll(j, new ScanParams(), "string")).allMatch(k -> k.startsWith("live:"));
            assertThat(j.dbSize()).isEqualTo(50);
        }
    }

    @Test
    void invalidArgumentsAreRejected() {
        try (Jedis j = ferrite.jedis()) {
            String invalid = "ERR invalid cursor";
            for (String cursor : new String[] {"abc", " 1", "1 ", "18446744073709551616", "-", "1.5"}) {
                assertThatThrownBy(() -> j.sendCommand(Protocol.Command.SCAN, cursor))
                        .isInstanceOf(JedisDataException.class).hasMessage(invalid);
            }
            String[][] syntax = {{"0", "COUNT", "0"}, {"0", "COUNT", "-1"}, {"0", "COUNT"}, {"0", "MATCH"},
                {"0", "TYPE"}, {"0", "NOPE", "1"}};
            for (String[] args : syntax) {
                assertThatThrownBy(() -> j.sendCommand(Protocol.Command.SCAN, args))
                        .isInstanceOf(JedisDataException.class).hasMessage("ERR syntax error");
            }
            assertThatThrownBy(() -> j.sendCommand(Protocol.Command.SCAN, "0", "COUNT", "ten"))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR value is not an integer or out of range");
        }
    }

    @Test
    void cursorsParseAsUnsignedLikeStrtoul() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            for (String cursor : new String[] {"18446744073709551615", "-1", "+0", "007", ""}) {
                Object reply = j.sendCommand(Protocol.Command.SCAN, cursor);
                assertThat(reply).isInstanceOf(List.class);
            }
        }
    }

    @Test
    void replyIsCursorBulkAndKeyArrayInBothProtocols() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("SCAN", "0");
            assertThat(raw.readReply()).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
            raw.command("SET", "k", "v");
            raw.readReply();
            raw.command("HELLO", "3");
            raw.readReply();
            raw.command("SCAN", "0", "COUNT", "100");
            assertThat(raw.readReply()).isEqualTo("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
        }
    }

    @Test
    void scanWithLettuce() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            for (int i = 0; i < 200; i++) r.set("l:" + i, "v");
            Set<String> seen = new HashSet<>();
            KeyScanCursor<String> cur = r.scan(ScanArgs.Builder.matches("l:1*").limit(20));
            seen.addAll(cur.getKeys());
            while (!cur.isFinished()) {
                cur = r.scan(ScanCursor.of(cur.getCursor()), ScanArgs.Builder.matches("l:1*").limit(20));
                seen.addAll(cur.getKeys());
            }
            assertThat(seen).hasSize(111);
        }
    }

    /**
     * The SCAN guarantee under churn: while another client grows the keyspace sevenfold and shrinks
     * it back (so shard tables double and halve between calls), every key present for the whole
     * iteration is returned.
     */
    @Test
    void everyStableKeyIsReturnedWhileOthersAreAddedAndDeleted() throws Exception {
        int stable = 10_000;
        try (Jedis j = ferrite.jedis()) {
            populate(j, "stable:", stable);
            populate(j, "doomed:", 10_000);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
            try (Jedis w = ferrite.jedis()) {
                Pipeline p = w.pipelined();
                for (int i = 0; i < 10_000; i++) p.del("doomed:" + i);
                p.sync();
                while (!stop.get()) {
                    for (int i = 0; i < 60_000; i += 500) {
                        for (int k = i; k < i + 500; k++) p.set("new:" + k, "v");
                        p.sync();
                    }
                    for (int i = 0; i < 60_000; i += 500) {
                        for (int k = i; k < i + 500; k++) p.del("new:" + k);
                        p.sync();
                    }
                    rounds.incrementAndGet();
                }
            }
        });
        try (Jedis j = ferrite.jedis()) {
            int scans = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while ((scans < 3 || rounds.get() < 2) && System.currentTimeMillis() < deadline) {
                boolean doomedGone = rounds.get() > 0; // their deletion finished before this scan began
                Set<String> seen = new HashSet<>(scanAll(j, new ScanParams().count(scans % 2 == 0 ? 10 : 200), null));
                List<String> missing = new ArrayList<>();
                for (int i = 0; i < stable; i++) if (!seen.contains("stable:" + i)) missing.add("stable:" + i);
                assertThat(missing).as("stable keys missed by scan %d", scans).isEmpty();
                if (doomedGone) assertThat(seen).noneMatch(k -> k.startsWith("doomed:"));
                scans++;
            }
            assertThat(rounds.get()).as("churn rounds overlapping the scans").isGreaterThanOrEqualTo(2);
        } finally {
            stop.set(true);
            churn.get(60, TimeUnit.SECONDS);
        }
    }
}
