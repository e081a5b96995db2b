package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** AUTH, HELLO AUTH and a requirepass changed at run time, on a server started with a password. */
class RequirePassTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("requirepass", "secret");

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    private RawConnection raw() throws IOException {
        return new RawConnection(ferrite.port());
    }

    @Test
    void commandsBeforeAuthAreRefused() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(call(r, "CONFIG", "GET", "requirepass")).isEqualTo("-NOAUTH Authentication required.\r\n");
        }
    }

    @Test
    void authWithTheRightPasswordUnlocksTheConnection() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "AUTH", "wrong")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(call(r, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(call(r, "AUTH", "secret")).isEqualTo("+OK\r\n");
            assertThat(call(r, "PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void authWithAUsernameAcceptsOnlyTheDefaultUser() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "AUTH", "bob", "secret"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(call(r, "AUTH", "default", "secret")).isEqualTo("+OK\r\n");
            assertThat(call(r, "AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void helloNeedsAuthenticationOrItsAuthOption() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "HELLO", "3")).isEqualTo("-NOAUTH HELLO must be called with the client already "
                    + "authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate "
                    + "the client and select the RESP protocol version at the same time\r\n");
            assertThat(call(r, "HELLO", "3", "AUTH", "default", "wrong", "SETNAME", "x"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(call(r, "HELLO", "3", "AUTH", "default", "secret", "SETNAME", "ok")).startsWith("%7\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$2\r\nok\r\n");
        }
    }

    @Test
    void resetLeavesTheConnectionUnauthenticated() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "AUTH", "secret");
            assertThat(call(r, "RESET")).isEqualTo("+RESET\r\n");
            assertThat(call(r, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
        }
    }

    @Test
    void requirepassSetAtRunTimeKeepsExistingConnectionsAuthenticated() throws IOException {
        try (RawConnection admin = raw()) {
            call(admin, "AUTH", "secret");
            try {
                assertThat(call(admin, "CONFIG", "SET", "requirepass", "other")).isEqualTo("+OK\r\n");
                assertThat(call(admin, "PING")).isEqualTo("+PONG\r\n");
                try (RawConnection fresh = raw()) {
                    assertThat(call(fresh, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                    assertThat(call(fresh, "AUTH", "secret"))
                            .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
                    assertThat(call(fresh, "AUTH", "other")).isEqualTo("+OK\r\n");
                }
                assertThat(call(admin, "CONFIG", "SET", "requirepass", "")).isEqualTo("+OK\r\n");
                try (RawConnection open = raw()) {
                    assertThat(call(open, "PING")).isEqualTo("+PONG\r\n");
                }
            } finally {
                call(admin, "CONFIG", "SET", "requirepass", "secret");
            }
        }
    }
}
