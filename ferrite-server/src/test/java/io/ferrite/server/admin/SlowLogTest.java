package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Slowlog;

/** SLOWLOG on a server that logs every command (slowlog-log-slower-than 0). */
class SlowLogTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("slowlog-log-slower-than", "0");

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    @Test
    void everyCommandIsLoggedNewestFirstWithRedisEntryShape() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            call(r, "CLIENT", "SETNAME", "logger");
            call(r, "SLOWLOG", "RESET");
            call(r, "SET", "key", "value");
            String addr = r.command("CLIENT", "INFO").readReply().replaceAll("(?s).* addr=(\\S+) .*", "$1");
            String reply = call(r, "SLOWLOG", "GET", "2");
            long now = System.currentTimeMillis() / 1000;
            // [id, unix time, micros, [args], client address, client name], newest first.
            assertThat(reply).matches("(?s)\\*2\r\n\\*6\r\n:\\d+\r\n:\\d+\r\n:\\d+\r\n\\*2\r\n\\$6\r\nCLIENT\r\n\\$4\r\nINFO\r\n"
                    + "\\$\\d+\r\n" + addr.replace(".", "\\.") + "\r\n\\$6\r\nlogger\r\n"
                    + "\\*6\r\n:\\d+\r\n:\\d+\r\n:\\d+\r\n\\*3\r\n\\$3\r\nSET\r\n\\$3\r\nkey\r\n\\$5\r\nvalue\r\n.*");
            long time = Long.parseLong(reply.split("\r\n")[3].substring(1));
            assertThat(time).isBetween(now - 5, now + 1);
        }
    }

    @Test
    void entryIdsGrowAndGetDefaultsToTen() {
        try (Jedis j = ferrite.jedis()) {
            j.slowlogReset();
            for (int i = 0; i < 15; i++) j.ping();
            List<Slowlog> ten = j.slowlogGet();
            assertThat(ten).hasSize(10);
            assertThat(ten.get(0).getId()).isGreaterThan(ten.get(1).getId());
            assertThat(j.slowlogGet(3)).hasSize(3);
            assertThat(j.slowlogGet(-1).size()).isGreaterThanOrEqualTo(16);
            assertThat(j.slowlogLen()).isGreaterThanOrEqualTo(16);
        }
    }

    @Test
    void getRejectsBadCountsAndExtraArguments() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            assertThat(call(r, "SLOWLOG", "GET", "-2")).isEqualTo("-ERR count should be greater than or equal to -1\r\n");
            assertThat(call(r, "SLOWLOG", "GET", "ten")).isEqualTo("-ERR count should be greater than or equal to -1\r\n");
            assertThat(call(r, "SLOWLOG", "get", "1", "2"))
                    .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n");
            assertThat(call(r, "SLOWLOG", "LEN", "x")).isEqualTo("-ERR wrong number of arguments for 'slowlog|len' command\r\n");
            assertThat(call(r, "SLOWLOG", "nope")).isEqualTo("-ERR unknown subcommand 'nope'. Try SLOWLOG HELP.\r\n");
        }
    }

    @Test
    void maxLenTrimsTheOldestEntriesAtRunTime() {
        try (Jedis j = ferrite.jedis()) {
            try {
                j.configSet("slowlog-max-len", "5");
                for (int i = 0; i < 10; i++) j.ping();
                assertThat(j.slowlogLen()).isEqualTo(5);
            } finally {
                j.configSet("slowlog-max-len", "128");
            }
        }
    }

    @Test
    void aNegativeThresholdDisablesTheLogAndAHighOneSkipsFastCommands() {
        try (Jedis j = ferrite.jedis()) {
            try {
                j.configSet("slowlog-log-slower-than", "-1");
                j.slowlogReset();
                j.ping();
                assertThat(j.slowlogLen()).isZero();
                j.configSet("slowlog-log-slower-than", "100000");
                j.ping();
                assertThat(j.slowlogLen()).isZero();
                j.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.15");
                assertThat(j.slowlogLen()).isEqualTo(1);
                assertThat(j.slowlogGet(1).get(0).getArgs()).containsExactly("DEBUG", "SLEEP", "0.15");
                assertThat(j.slowlogGet(1).get(0).getExecutionTime()).isGreaterThanOrEqualTo(150_000);
            } finally {
                j.configSet("slowlog-log-slower-than", "0");
            }
        }
    }

    @Test
    void passwordsAndSensitiveConfigValuesAreRedacted() {
        try (Jedis j = ferrite.jedis()) {
            j.slowlogReset();
            j.configSet("masterauth", "hunter2");
            j.configSet("masterauth", "");
            try {
                j.auth("guess");
            } catch (RuntimeException expected) {
                // no password is configured: the attempt is refused but still logged
            }
            List<Slowlog> log = j.slowlogGet(3);
            assertThat(log.get(0).getArgs()).containsExactly("AUTH", "(redacted)");
            assertThat(log.get(1).getArgs()).containsExactly("CONFIG", "SET", "masterauth", "(redacted)");
            assertThat(log.get(2).getArgs()).containsExactly("CONFIG", "SET", "masterauth", "(redacted)");
        }
    }

    @Test
    void longArgumentsAndLongArgumentListsAreTrimmed() {
        try (Jedis j = ferrite.jedis()) {
            j.slowlogReset();
            String arg = "A".repeat(129);
            j.echo(arg);
            String[] many = new String[40];
            for (int i = 0; i < 40; i++) many[i] = Integer.toString(i);
            j.del(many);
            List<Slowlog> log = j.slowlogGet(2);
            List<String> del = log.get(0).getArgs();
            assertThat(del).hasSize(32).startsWith("DEL", "0", "1");
            assertThat(del.get(31)).isEqualTo("... (10 more arguments)");
            assertThat(log.get(1).getArgs()).containsExactly("ECHO", "A".repeat(128) + "... (1 more bytes)");
        }
    }

    @Test
    void helpListsTheSubcommands() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            assertThat(call(r, "SLOWLOG", "HELP")).isEqualTo("*12\r\n"
                    + "+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+GET [<count>]\r\n+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n"
                    + "+    Entries are made of:\r\n"
                    + "+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n"
                    + "+    client name\r\n+LEN\r\n+    Return the length of the slowlog.\r\n+RESET\r\n"
                    + "+    Reset the slowlog.\r\n+HELP\r\n+    Print this help.\r\n");
        }
    }
}
