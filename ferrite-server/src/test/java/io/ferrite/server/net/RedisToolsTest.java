package io.ferrite.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrite.server.FerriteExtension;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * redis-cli and redis-benchmark against Ferrite. Skipped, with a message, where the Redis
 * tools are not installed (apt-get install redis-tools); CI installs them.
 */
class RedisToolsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) return true;
        }
        return false;
    }

    private static String run(String stdin, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private List<String> cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(ferrite.port())));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void redisCliRunsCommands() throws Exception {
        assumeTrue(onPath("redis-cli"), "redis-cli not installed: skipping (apt-get install redis-tools)");
        assertThat(run(null, cli("ping").toArray(String[]::new)).trim()).isEqualTo("PONG");
        assertThat(run(null, cli("set", "tool", "hello world").toArray(String[]::new)).trim()).isEqualTo("OK");
        assertThat(run(null, cli("get", "tool").toArray(String[]::new)).trim()).isEqualTo("hello world");
        assertThat(run(null, cli("-3", "incr", "n").toArray(String[]::new)).trim()).isEqualTo("1");
        assertThat(run(null, cli("nosuchcommand").toArray(String[]::new)))
                .contains("ERR unknown command 'nosuchcommand'");
    }

    @Test
    void redisCliPipeModeMassInsert() throws Exception {
        assumeTrue(onPath("redis-cli"), "redis-cli not installed: skipping (apt-get install redis-tools)");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            String k = "mass:" + i;
            sb.append("*3\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k).append("\r\n$1\r\nx\r\n");
        }
        String out = run(sb.toString(), cli("--pipe").toArray(String[]::new));
        assertThat(out).contains("errors: 0, replies: 5000");
        assertThat(run(null, cli("dbsize").toArray(String[]::new)).trim()).isEqualTo("5000");
    }

    @Test
    void redisBenchmarkRunsWithoutErrors() throws Exception {
        assumeTrue(onPath("redis-benchmark"), "redis-benchmark not installed: skipping (apt-get install redis-tools)");
        String out = run(null, "redis-benchmark", "-p", Integer.toString(ferrite.port()), "-n", "20000", "-c", "20",
                "-P", "8", "-t", "set,get,incr", "-q", "--csv");
        assertThat(out).contains("\"SET\"").contains("\"GET\"").contains("\"INCR\"");
        assertThat(out).doesNotContain("ERR");
    }
}
