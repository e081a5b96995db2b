package io.ferrite.server;

import java.io.File;
import java.net.ServerSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real redis-server for differential tests, one per test class on a free port, flushed before
 * each test. The binary is {@code -Dredis.server=PATH} when given (to test against another
 * release, e.g. a 7.2 build), else {@code redis-server} on the PATH; when there is none the
 * class is skipped with a message, not failed.
 * Register with {@code @RegisterExtension static RealRedis redis = new RealRedis();}.
 */
public final class RealRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private Process process;
    private int port;
    private int version; // major * 100 + minor

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String path = System.getProperty("redis.server");
        if (path == null) path = findOnPath("redis-server");
        Assumptions.assumeTrue(path != null && new File(path).canExecute(),
                "redis-server is not installed: skipping the comparison with Redis");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        process = new ProcessBuilder(path, "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
                "--daemonize", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (Jedis probe = new Jedis("127.0.0.1", port, 1000)) {
                String v = probe.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                        .orElseThrow().substring("redis_version:".length()).trim();
                String[] parts = v.split("\\.");
                version = Integer.parseInt(parts[0]) * 100 + Integer.parseInt(parts[1]);
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (Jedis j = jedis()) {
            j.flushAll();
        }
    }

    public int port() { return port; }

    /** A new connection; close it (try-with-resources). */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port, 20_000);
    }

    /**
     * The reply of a command as text, for comparing two servers' replies: bulk strings as
     * Strings, arrays as nested lists, an error as "ERR: message".
     */
    public static Object call(Jedis j, String... args) {
        try {
            return Replies.send(j, args);
        } catch (JedisDataException e) {
            return "ERR: " + e.getMessage();
        }
    }

    /** The release, major * 100 + minor: 700 for 7.0.x, 702 for 7.2.x. */
    public int version() { return version; }

    private static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }
}
