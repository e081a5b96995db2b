package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.FerriteServer;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    private RawConnection raw() throws IOException {
        return new RawConnection(ferrite.port());
    }

    @Test
    void timeRepliesUnixSecondsAndMicroseconds() throws IOException {
        try (RawConnection r = raw()) {
            long before = System.currentTimeMillis() / 1000;
            String[] parts = call(r, "TIME").split("\r\n");
            assertThat(parts[0]).isEqualTo("*2");
            long seconds = Long.parseLong(parts[2]);
            long micros = Long.parseLong(parts[4]);
            assertThat(seconds).isBetween(before, before + 2);
            assertThat(micros).isBetween(0L, 999_999L);
            assertThat(call(r, "TIME", "x")).isEqualTo("-ERR wrong number of arguments for 'time' command\r\n");
        }
    }

    @Test
    void lastsaveIsTheStartTime() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "LASTSAVE")).isEqualTo(":" + ferrite.server().startedAt() / 1000 + "\r\n");
        }
    }

    @Test
    void roleIsAMasterWithoutReplicas() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "ROLE")).isEqualTo("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
        }
    }

    @Test
    void dbsizeFlushdbAndFlushallWorkPerDatabase() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "SET", "a", "1");
            call(r, "SELECT", "1");
            call(r, "SET", "b", "1");
            call(r, "SET", "c", "1");
            assertThat(call(r, "DBSIZE")).isEqualTo(":2\r\n");
            assertThat(call(r, "FLUSHDB", "SYNC")).isEqualTo("+OK\r\n");
            assertThat(call(r, "DBSIZE")).isEqualTo(":0\r\n");
            call(r, "SELECT", "0");
            assertThat(call(r, "DBSIZE")).isEqualTo(":1\r\n");
            assertThat(call(r, "FLUSHALL", "lazy")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "FLUSHALL", "ASYNC")).isEqualTo("+OK\r\n");
            assertThat(call(r, "DBSIZE")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void swapdbExchangesDatabases() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "SET", "zero", "0");
            assertThat(call(r, "SWAPDB", "0", "5")).isEqualTo("+OK\r\n");
            assertThat(call(r, "DBSIZE")).isEqualTo(":0\r\n");
            call(r, "SELECT", "5");
            assertThat(call(r, "GET", "zero")).isEqualTo("$1\r\n0\r\n");
            assertThat(call(r, "SWAPDB", "x", "1")).isEqualTo("-ERR invalid first DB index\r\n");
            assertThat(call(r, "SWAPDB", "1", "x")).isEqualTo("-ERR invalid second DB index\r\n");
            assertThat(call(r, "SWAPDB", "0", "16")).isEqualTo("-ERR DB index is out of range\r\n");
        }
    }

    @Test
    void waitRepliesZeroReplicasAndChecksItsArguments() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "WAIT", "0", "0")).isEqualTo(":0\r\n");
            assertThat(call(r, "WAIT", "1", "100")).isEqualTo(":0\r\n");
            assertThat(call(r, "WAIT", "x", "0")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(call(r, "WAIT", "1", "soon")).isEqualTo("-ERR timeout is not an integer or out of range\r\n");
            assertThat(call(r, "WAIT", "1", "-1")).isEqualTo("-ERR timeout is negative\r\n");
        }
    }

    @Test
    void functionFlushAndScriptFlushAcceptTheirModesOnly() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "FUNCTION", "FLUSH")).isEqualTo("+OK\r\n");
            assertThat(call(r, "FUNCTION", "FLUSH", "async")).isEqualTo("+OK\r\n");
            assertThat(call(r, "FUNCTION", "FLUSH", "SYNC")).isEqualTo("+OK\r\n");
            assertThat(call(r, "FUNCTION", "FLUSH", "later")).isEqualTo("-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n");
            assertThat(call(r, "FUNCTION", "FLUSH", "a", "b"))
                    .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.\r\n");
            assertThat(call(r, "SCRIPT", "FLUSH")).isEqualTo("+OK\r\n");
            assertThat(call(r, "SCRIPT", "FLUSH", "ASYNC")).isEqualTo("+OK\r\n");
            assertThat(call(r, "SCRIPT", "FLUSH", "later")).isEqualTo("-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n");
        }
    }

    @Test
    void debugSleepBlocksTheCallerForTheGivenSeconds() throws IOException {
        try (RawConnection r = raw()) {
            long start = System.nanoTime();
            assertThat(call(r, "DEBUG", "SLEEP", "0.2")).isEqualTo("+OK\r\n");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(195);
            assertThat(call(r, "DEBUG", "SLEEP", "0")).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void debugObjectDescribesTheValueLikeRedis() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "SET", "n", "12345");
            call(r, "SET", "s", "hello");
            call(r, "SET", "l", "x".repeat(50));
            String line = "\\+Value at:0x[0-9a-f]+ refcount:1 encoding:%s serializedlength:%d lru:\\d+ lru_seconds_idle:\\d+\r\n";
            assertThat(call(r, "DEBUG", "OBJECT", "n")).matches(line.formatted("int", 3));
            assertThat(call(r, "DEBUG", "OBJECT", "s")).matches(line.formatted("embstr", 6));
            assertThat(call(r, "DEBUG", "OBJECT", "l")).matches(line.formatted("raw", 51));
            assertThat(call(r, "DEBUG", "OBJECT", "none")).isEqualTo("-ERR no such key\r\n");
        }
    }

    @Test
    void debugHelpAndUnknownSubcommands() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "DEBUG", "HELP")).isEqualTo("*10\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+OBJECT <key>\r\n+    Show low level info about `key` and associated value.\r\n"
                    + "+SLEEP <seconds>\r\n+    Stop the server for <seconds>. Decimals allowed.\r\n"
                    + "+RELOAD [MERGE] [NOFLUSH] [NOSAVE]\r\n"
                    + "+    Write the dataset to the RDB file and load it back: NOSAVE loads the file as it is,\r\n"
                    + "+    NOFLUSH keeps the current keys (a namesake in the file is an error), MERGE too (the file's wins).\r\n"
                    + "+HELP\r\n+    Print this help.\r\n");
            assertThat(call(r, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b")).isEqualTo("+OK\r\n");
            assertThat(call(r, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"))
                    .isEqualTo("-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n");
            assertThat(call(r, "DEBUG", "NOSUCH"))
                    .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.\r\n");
            assertThat(call(r, "DEBUG", "OBJECT"))
                    .isEqualTo("-ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.\r\n");
            assertThat(call(r, "DEBUG")).isEqualTo("-ERR wrong number of arguments for 'debug' command\r\n");
        }
    }

    @Test
    void debugIsRefusedWhenEnableDebugCommandIsNo() throws Exception {
        try (FerriteServer server = FerriteServer.builder().port(0).set("enable-debug-command", "no").start();
             RawConnection r = new RawConnection(server.port())) {
            assertThat(call(r, "DEBUG", "HELP")).isEqualTo("-ERR DEBUG command not allowed. If the enable-debug-command "
                    + "option is set to \"local\", you can run it from a local connection, otherwise you need to set this "
                    + "option in the configuration file, and then restart the server.\r\n");
        }
        try (FerriteServer server = FerriteServer.builder().port(0).set("enable-debug-command", "local").start();
             RawConnection r = new RawConnection(server.port())) {
            assertThat(call(r, "DEBUG", "SLEEP", "0")).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void shutdownClosesTheServerWithoutAReply() throws Exception {
        try (FerriteServer server = FerriteServer.builder().port(0).start();
             RawConnection r = new RawConnection(server.port())) {
            assertThat(call(r, "SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
            assertThat(call(r, "SHUTDOWN", "SAVE", "NOSAVE")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "SHUTDOWN", "NOW", "ABORT")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "SHUTDOWN", "soon")).isEqualTo("-ERR syntax error\r\n");
            r.command("SHUTDOWN", "NOSAVE", "NOW");
            assertThat(r.closedByServer()).isTrue();
            for (int i = 0; i < 100 && !server.isClosed(); i++) Thread.sleep(20);
            assertThat(server.isClosed()).isTrue();
        }
    }
}
