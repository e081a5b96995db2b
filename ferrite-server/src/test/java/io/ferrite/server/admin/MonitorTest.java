package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MonitorTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final String PREFIX = "\\+\\d{10}\\.\\d{6} \\[";

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    @Test
    void monitorRepliesOkThenStreamsEveryCommand() throws IOException {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection client = new RawConnection(ferrite.port())) {
            assertThat(call(monitor, "MONITOR")).isEqualTo("+OK\r\n");
            call(client, "SET", "foo", "bar");
            call(client, "GET", "foo");
            String port = "\\d+";
            assertThat(monitor.readLine()).matches(PREFIX + "0 127\\.0\\.0\\.1:" + port + "\\] \"SET\" \"foo\" \"bar\"");
            assertThat(monitor.readLine()).matches(PREFIX + "0 127\\.0\\.0\\.1:" + port + "\\] \"GET\" \"foo\"");
        }
    }

    @Test
    void linesShowTheDatabaseAndEscapeBinaryArguments() throws IOException {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection client = new RawConnection(ferrite.port())) {
            call(monitor, "MONITOR");
            call(client, "SELECT", "2");
            call(client, "SET", "a b", "x\ny\"\u0001");
            assertThat(monitor.readLine()).matches(PREFIX + "2 [^\\]]+\\] \"SELECT\" \"2\"");
            assertThat(monitor.readLine()).matches(PREFIX + "2 [^\\]]+\\] \"SET\" \"a b\" \"x\\\\ny\\\\\"\\\\x01\"");
        }
    }

    @Test
    void adminCommandsAreNotShownAndSecretsAreRedacted() throws IOException {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection client = new RawConnection(ferrite.port())) {
            call(monitor, "MONITOR");
            call(client, "CONFIG", "GET", "maxmemory");
            call(client, "AUTH", "not-real");
            call(client, "HELLO", "2", "AUTH", "default", "pw");
            call(client, "PING");
            assertThat(monitor.readLine()).matches(PREFIX + "0 [^\\]]+\\] \"AUTH\" \"\\(redacted\\)\"");
            assertThat(monitor.readLine())
                    .matches(PREFIX + "0 [^\\]]+\\] \"HELLO\" \"2\" \"AUTH\" \"\\(redacted\\)\" \"\\(redacted\\)\"");
            assertThat(monitor.readLine()).matches(PREFIX + "0 [^\\]]+\\] \"PING\"");
        }
    }

    @Test
    void scriptsAreShownBeforeTheCommandsTheyRunWhichShowLuaAsTheirClient() throws IOException {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection client = new RawConnection(ferrite.port())) {
            call(client, "FUNCTION", "LOAD", "REPLACE",
                    "#!lua name=mon\nredis.register_function('setit', function(keys, args) return redis.call('set', keys[1], args[1]) end)");
            call(monitor, "MONITOR");
            call(client, "EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "foo", "bar");
            call(client, "FCALL", "setit", "1", "k2", "v2");
            assertThat(monitor.readLine()).matches(PREFIX + "0 127\\.0\\.0\\.1:\\d+\\] \"EVAL\" .*");
            assertThat(monitor.readLine()).matches(PREFIX + "0 lua\\] \"set\" \"foo\" \"bar\"");
            assertThat(monitor.readLine()).matches(PREFIX + "0 127\\.0\\.0\\.1:\\d+\\] \"FCALL\" \"setit\" \"1\" \"k2\" \"v2\"");
            assertThat(monitor.readLine()).matches(PREFIX + "0 lua\\] \"set\" \"k2\" \"v2\"");
        }
    }

    @Test
    void aBlockedCommandIsShownOnceWhenItBlocks() throws Exception {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection blocked = new RawConnection(ferrite.port());
                RawConnection client = new RawConnection(ferrite.port())) {
            call(monitor, "MONITOR");
            blocked.command("BLPOP", "mylist", "0");
            // Shown as soon as it blocked, before anything serves it.
            assertThat(monitor.readLine()).matches(PREFIX + "0 [^\\]]+\\] \"BLPOP\" \"mylist\" \"0\"");
            call(client, "LPUSH", "mylist", "1");
            assertThat(blocked.readReply()).isEqualTo("*2\r\n$6\r\nmylist\r\n$1\r\n1\r\n");
            call(client, "LPUSH", "mylist", "2");
            // Serving it did not show it again: the two pushes follow each other.
            assertThat(monitor.readLine()).matches(PREFIX + "0 [^\\]]+\\] \"LPUSH\" \"mylist\" \"1\"");
            assertThat(monitor.readLine()).matches(PREFIX + "0 [^\\]]+\\] \"LPUSH\" \"mylist\" \"2\"");
        }
    }

    @Test
    void resetEndsMonitoring() throws IOException {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection client = new RawConnection(ferrite.port())) {
            call(monitor, "MONITOR");
            assertThat(call(monitor, "RESET")).isEqualTo("+RESET\r\n");
            call(client, "SET", "k", "v");
            // Had the feed continued, the SET line would arrive before this reply.
            assertThat(call(monitor, "PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void aSecondMonitorIsIgnoredWithoutAReply() throws IOException {
        try (RawConnection monitor = new RawConnection(ferrite.port()); RawConnection client = new RawConnection(ferrite.port())) {
            call(monitor, "MONITOR");
            monitor.command("MONITOR");
            // Had the second MONITOR replied, its +OK would come before this +PONG.
            assertThat(call(monitor, "PING")).isEqualTo("+PONG\r\n");
            call(client, "ECHO", "after");
            assertThat(monitor.readLine()).matches(PREFIX + "0 [^\\]]+\\] \"ECHO\" \"after\"");
        }
    }
}
