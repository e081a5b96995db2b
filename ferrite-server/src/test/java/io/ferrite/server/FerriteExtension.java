package io.ferrite.server;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * Starts one embedded Ferrite per test class on an ephemeral port and flushes it before each
 * test. Register with {@code @RegisterExtension static FerriteExtension ferrite = new FerriteExtension();}
 * and talk to it over a real socket with {@link #jedis()} or {@link #lettuce()}.
 */
public final class FerriteExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final FerriteServer.Builder builder = FerriteServer.builder().port(0);
    private FerriteServer server;
    private RedisClient lettuceClient;

    /** Sets a configuration parameter before the server starts. */
    public FerriteExtension with(String name, String value) {
        builder.set(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (lettuceClient != null) lettuceClient.shutdown();
        if (server != null) server.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (Jedis j = jedis()) {
            // A server started with requirepass needs AUTH before it flushes.
            String pass = server.config().requirepass.value();
            if (!pass.isEmpty()) j.auth(pass);
            j.flushAll();
        }
    }

    public FerriteServer server() { return server; }

    public int port() { return server.port(); }

    /** A new Jedis connection; close it (try-with-resources). */
    public Jedis jedis() {
        return new Jedis("127.0.0.1", port(), 10_000);
    }

    /** A new Lettuce connection (RESP3 by default, as Lettuce negotiates with HELLO 3). */
    public StatefulRedisConnection<String, String> lettuce() {
        if (lettuceClient == null) lettuceClient = RedisClient.create();
        return lettuceClient.connect(RedisURI.create("redis://127.0.0.1:" + port()));
    }

    public RedisClient lettuceClient() {
        if (lettuceClient == null) lettuceClient = RedisClient.create();
        return lettuceClient;
    }
}
