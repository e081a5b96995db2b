package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;

class ExpireCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void assertError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(JedisDataException.class).hasMessage(message);
    }

    @Test
    void expireFamilySetsTheSameAbsoluteTime() {
        try (Jedis j = ferrite.jedis()) {
            j.mset("a", "1", "b", "2", "c", "3", "d", "4");
            long now = System.currentTimeMillis();
            assertThat(j.expire("a", 100)).isEqualTo(1);
            assertThat(j.pexpire("b", 100_000)).isEqualTo(1);
            assertThat(j.expireAt("c", now / 1000 + 100)).isEqualTo(1);
            assertThat(j.pexpireAt("d", now + 100_000)).isEqualTo(1);
            for (String k : new String[] {"a", "b"}) {
                assertThat(j.pexpireTime(k)).isBetween(now + 99_000, System.currentTimeMillis() + 100_000);
            }
            assertThat(j.expireTime("c")).isEqualTo(now / 1000 + 100);
            assertThat(j.pexpireTime("c")).isEqualTo((now / 1000 + 100) * 1000);
            assertThat(j.pexpireTime("d")).isEqualTo(now + 100_000);
            assertThat(j.expireTime("d")).isEqualTo((now + 100_000 + 500) / 1000);
        }
    }

    @Test
    void expireOnMissingKeyRepliesZero() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.expire("missing", 100)).isZero();
            assertThat(j.pexpireAt("missing", 1)).isZero();
            assertThat(j.exists("missing")).isFalse();
        }
    }

    @Test
    void aTimeInThePastDeletesTheKey() {
        try (Jedis j = ferrite.jedis()) {
            j.mset("a", "1", "b", "2", "c", "3", "d", "4");
            assertThat(j.expire("a", 0)).isEqualTo(1);
            assertThat(j.pexpire("b", -5)).isEqualTo(1);
            assertThat(j.expireAt("c", 1)).isEqualTo(1);
            assertThat(j.pexpireAt("d", System.currentTimeMillis() - 1)).isEqualTo(1);
            assertThat(j.exists("a", "b", "c", "d")).isZero();
            assertThat(j.dbSize()).isZero();
        }
    }

    @Test
    void nxAndXxLookAtWhetherATtlExists() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.expire("k", 100, ExpiryOption.XX)).isZero();
            assertThat(j.ttl("k")).isEqualTo(-1);
            assertThat(j.expire("k", 100, ExpiryOption.NX)).isEqualTo(1);
            assertThat(j.expire("k", 200, ExpiryOption.NX)).isZero();
            assertThat(j.expire("k", 200, ExpiryOption.XX)).isEqualTo(1);
            assertThat(j.ttl("k")).isBetween(199L, 200L);
        }
    }

    @Test
    void gtAndLtTreatNoTtlAsInfinite() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.expire("k", 100, ExpiryOption.GT)).isZero();
            assertThat(j.expire("k", 100, ExpiryOption.LT)).isEqualTo(1);
            assertThat(j.expire("k", 90, ExpiryOption.GT)).isZero();
            assertThat(j.expire("k", 200, ExpiryOption.GT)).isEqualTo(1);
            assertThat(j.expire("k", 300, ExpiryOption.LT)).isZero();
            assertThat(j.expire("k", 50, ExpiryOption.LT)).isEqualTo(1);
            assertThat(j.ttl("k")).isBetween(49L, 50L);
            assertThat(j.expire("k", -1, ExpiryOption.LT)).isEqualTo(1);
            assertThat(j.exists("k")).isFalse();
        }
    }

    @Test
    void incompatibleOrUnknownOptionsAreRejected() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            String nx = "ERR NX and XX, GT or LT options at the same time are not compatible";
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", "100", "NX", "XX"), nx);
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", "100", "gt", "nx"), nx);
            assertError(() -> j.sendCommand(Protocol.Command.PEXPIRE, "k", "100", "NX", "LT"), nx);
            assertError(() -> j.sendCommand(Protocol.Command.EXPIREAT, "k", "100", "GT", "LT"),
                    "ERR GT and LT options at the same time are not compatible");
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", "100", "FOO"), "ERR Unsupported option FOO");
            // options are checked before the time
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", "abc", "GT", "LT"),
                    "ERR GT and LT options at the same time are not compatible");
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", "abc"),
                    "ERR value is not an integer or out of range");
            assertThat(j.sendCommand(Protocol.Command.EXPIRE, "k", "100", "XX", "GT")).isEqualTo(0L);
            assertThat(j.ttl("k")).isEqualTo(-1);
        }
    }

    @Test
    void overflowingTimesNameTheCommand() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            String max = Long.toString(Long.MAX_VALUE);
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", max), "ERR invalid expire time in 'expire' command");
            assertError(() -> j.sendCommand(Protocol.Command.EXPIRE, "k", Long.toString(Long.MIN_VALUE)),
                    "ERR invalid expire time in 'expire' command");
            assertError(() -> j.sendCommand(Protocol.Command.PEXPIRE, "k", max),
                    "ERR invalid expire time in 'pexpire' command");
            assertError(() -> j.sendCommand(Protocol.Command.EXPIREAT, "k", max),
                    "ERR invalid expire time in 'expireat' command");
            // PEXPIREAT needs no conversion: any value is a valid time
            assertThat(j.sendCommand(Protocol.Command.PEXPIREAT, "k", max)).isEqualTo(1L);
            assertThat(j.pexpireTime("k")).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void ttlRoundsToTheNearestSecondAndReportsMissingAndPersistentKeys() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            assertThat(j.ttl("missing")).isEqualTo(-2);
            assertThat(j.pttl("missing")).isEqualTo(-2);
            assertThat(j.expireTime("missing")).isEqualTo(-2);
            assertThat(j.pexpireTime("missing")).isEqualTo(-2);
            assertThat(j.ttl("k")).isEqualTo(-1);
            assertThat(j.pttl("k")).isEqualTo(-1);
            assertThat(j.expireTime("k")).isEqualTo(-1);
            assertThat(j.pexpireTime("k")).isEqualTo(-1);
            j.pexpire("k", 2_700);
            assertThat(j.ttl("k")).isEqualTo(3);
            assertThat(j.pttl("k")).isBetween(2_500L, 2_700L);
            j.pexpire("k", 2_300);
            assertThat(j.ttl("k")).isEqualTo(2);
        }
    }

    @Test
    void persistRemovesTheTtlOnce() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("k", 100, "v");
            assertThat(j.persist("k")).isEqualTo(1);
            assertThat(j.persist("k")).isZero();
            assertThat(j.persist("missing")).isZero();
            assertThat(j.ttl("k")).isEqualTo(-1);
        }
    }

    @Test
    void expiredKeysVanishOnAccess() throws InterruptedException {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            j.pexpire("k", 30);
            Thread.sleep(60);
            assertThat(j.get("k")).isNull();
            assertThat(j.ttl("k")).isEqualTo(-2);
            assertThat(j.exists("k")).isFalse();
            assertThat(j.expire("k", 100)).isZero();
        }
    }

    @Test
    void ttlSurvivesRenameAndMoveButNotSet() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("k", 100, "v");
            j.rename("k", "k2");
            j.move("k2", 1);
            j.select(1);
            assertThat(j.ttl("k2")).isBetween(99L, 100L);
            j.set("k2", "again");
            assertThat(j.ttl("k2")).isEqualTo(-1);
        }
    }

    @Test
    void activeExpiryReclaimsHundredThousandKeysWithoutAccess() throws InterruptedException {
        long expiredBefore = ferrite.server().keyspace().stats().expiredKeys.sum();
        try (Jedis j = ferrite.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 100_000; i++) {
                String k = "ttl:" + i;
                p.set(k, "v");
                p.pexpire(k, 50);
            }
            p.sync();
            long deadline = System.currentTimeMillis() + 5_000;
            long size;
            while ((size = j.dbSize()) > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertThat(size).isZero();
        }
        assertThat(ferrite.server().keyspace().stats().expiredKeys.sum() - expiredBefore).isEqualTo(100_000);
    }

    @Test
    void expireOptionsThroughLettuce() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> r = conn.sync();
            r.set("k", "v");
            assertThat(r.expire("k", 100, ExpireArgs.Builder.xx())).isFalse();
            assertThat(r.expire("k", 100, ExpireArgs.Builder.nx())).isTrue();
            assertThat(r.pexpire("k", 200_000, ExpireArgs.Builder.gt())).isTrue();
            assertThat(r.ttl("k")).isBetween(199L, 200L);
            assertThat(r.persist("k")).isTrue();
            assertThat(r.pttl("k")).isEqualTo(-1);
        }
    }
}
