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
