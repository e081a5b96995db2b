package io.ferrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.config.FerriteConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The server process and the embedded mode: startup, config sources, clean shutdown. */
class FerriteServerTest {

    @Test
    void embeddedServerStartsOnAnEphemeralPortAndReleasesItOnClose() throws Exception {
        int port;
        try (FerriteServer server = FerriteServer.builder().port(0).start()) {
            port = server.port();
            assertThat(port).isPositive();
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertThat(j.ping()).isEqualTo("PONG");
            }
        }
        try (ServerSocket again = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void configFileAndCommandLineAreReadLikeRedisServer(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("ferrite.conf");
        Files.writeString(conf, """
                # a comment
                port 6390
                maxclients 1234
                requirepass "pass word"
                   save ""
                slowlog-log-slower-than 5
                """);
        FerriteConfig c = FerriteConfig.fromArgs(new String[] {conf.toString(), "--port", "6391", "--save", "900", "1"});
        assertThat(c.get("port")).isEqualTo("6391");
        assertThat(c.get("maxclients")).isEqualTo("1234");
        assertThat(c.get("requirepass")).isEqualTo("pass word");
        assertThat(c.get("save")).isEqualTo("900 1");
        assertThat(c.get("slowlog-log-slower-than")).isEqualTo("5");
        assertThat(c.get("proto-max-bulk-len")).isEqualTo("536870912");
    }

    @Test
    void badConfigDirectivesAreRefused(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "no-such-option yes\n");
        assertThatThrownBy(() -> FerriteConfig.fromArgs(new String[] {conf.toString()}))
                .hasMessageContaining("Bad directive");
        assertThatThrownBy(() -> FerriteConfig.fromArgs(new String[] {"--maxclients", "many"}))
                .hasMessageContaining("maxclients");
    }

    @Test
    void processLogsStartupLineAndExitsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("ferrite.log");
        Process p = startProcess(log, "--port", "0", "--dir", dir.toString());
        try {
            Matcher m = awaitReady(log);
            assertThat(Long.parseLong(m.group(4))).isEqualTo(p.pid());
            int port = Integer.parseInt(m.group(3));
            // The JIT warm-up ran on a throwaway server first and left nothing behind.
            assertThat(Files.readString(log)).containsPattern("JIT warm-up: [1-9]\\d* commands in \\d+ ms");
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertThat(j.clientId()).isEqualTo(1);
                assertThat(j.dbSize()).isZero();
                assertThat(j.info("stats")).contains("total_commands_processed:2\r\n");
                assertThat(j.set("k", "v")).isEqualTo("OK");
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            // The default save points make SIGTERM write the final snapshot, as redis-server does.
            assertThat(Files.readString(log)).contains("shutting down").contains("ready to exit").contains("DB saved on disk");
        } finally {
            p.destroyForcibly();
        }
        // The next process loads it before it listens; with shutdown-on-sigterm nosave it exits without saving.
        Path log2 = dir.resolve("ferrite2.log");
        Process q = startProcess(log2, "--port", "0", "--dir", dir.toString(), "--warmup-ms", "0",
                "--shutdown-on-sigterm", "nosave");
        try {
            int port = Integer.parseInt(awaitReady(log2).group(3));
            assertThat(Files.readString(log2)).contains("DB loaded from disk: 1 keys");
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                assertThat(j.get("k")).isEqualTo("v");
                j.set("k2", "v2");
            }
            q.destroy();
            assertThat(q.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log2)).contains("ready to exit").doesNotContain("DB saved on disk");
        } finally {
            q.destroyForcibly();
        }
    }

    private static Process startProcess(Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.ferrite.server.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Matcher awaitReady(Path log) throws Exception {
        Pattern ready = Pattern.compile("Ferrite (\\S+) \\(Redis (\\S+) compatible\\) ready to accept connections on "
                + "127.0.0.1:(\\d+) pid=(\\d+)");
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            Matcher x = ready.matcher(Files.readString(log));
            if (x.find()) return x;
            Thread.sleep(50);
        }
        throw new AssertionError("no startup line in " + log + ":\n" + Files.readString(log));
    }
}
