package io.ferrite.server.config;

import io.ferrite.server.protocol.InlineSplitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's configuration: Redis's parameter names, kinds and defaults (redis.conf of
 * 7.2), readable with CONFIG GET and changeable with CONFIG SET. Parameters the server does
 * not act on yet are still accepted and remembered, because clients and Redis's own test
 * suite set them (and restore them) freely.
 *
 * <p>Thread-safety: values are volatile; CONFIG SET of several parameters is applied under
 * this object's monitor (a rare admin path, never on the command hot path).
 */
public final class FerriteConfig {
    private static final long MB = 1024L * 1024;
    private final Map<String, ConfigParam> params = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    // Parameters read on hot paths, held directly.
    public final ConfigParam port, bind, protoMaxBulkLen, clientQueryBufferLimit, maxclients, requirepass,
            databases, hz, slowlogLogSlowerThan, slowlogMaxLen, protectedMode, dir, shards, ioThreads, timeout,
            maxmemoryPolicy, maxmemory, enableDebugCommand;

    public FerriteConfig() {
        port = intParam("port", 6379, 0, 65535, true);
        bind = str("bind", "127.0.0.1", true);
        dir = str("dir", System.getProperty("user.dir"), true);
        protectedMode = bool("protected-mode", true, true);
        requirepass = str("requirepass", "", true);
        maxclients = intParam("maxclients", 10000, 1, Integer.MAX_VALUE, true);
        timeout = intParam("timeout", 0, 0, Integer.MAX_VALUE, true);
        databases = intParam("databases", 16, 1, Integer.MAX_VALUE, false);
        hz = intParam("hz", 10, 1, 500, true);
        protoMaxBulkLen = memory("proto-max-bulk-len", 512 * MB, 1024 * 1024, Long.MAX_VALUE);
        clientQueryBufferLimit = memory("client-query-buffer-limit", 1024 * MB, 1024 * 1024, Long.MAX_VALUE);
        slowlogLogSlowerThan = intParam("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true);
        slowlogMaxLen = intParam("slowlog-max-len", 128, 0, Long.MAX_VALUE, true);
        maxmemory = memory("maxmemory", 0, 0, Long.MAX_VALUE);
        maxmemoryPolicy = enumParam("maxmemory-policy", "noeviction", ConfigParam.list("volatile-lru", "allkeys-lru",
                "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"));
        enableDebugCommand = str("enable-debug-command", "yes", true);
        // Ferrite's own: keyspace shards and event-loop threads (0 = one per core).
        shards = intParam("shards", 16, 1, 64, false);
        ioThreads = intParam("io-threads", 0, 0, 128, false);

        // Accepted and reported like Redis; acted on by later subsystems.
        intParam("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true);
        intParam("tcp-backlog", 511, 0, Integer.MAX_VALUE, false);
        str("unixsocket", "", false);
        str("unixsocketperm", "0", false);
        bool("daemonize", false, false);
        str("pidfile", "", false);
        enumParam("loglevel", "notice", ConfigParam.list("debug", "verbose", "notice", "warning", "nothing"));
        str("logfile", "", false);
        str("dbfilename", "dump.rdb", true);
        str("save", "3600 1 300 100 60 10000", true);
        bool("appendonly", false, true);
        str("appendfilename", "appendonly.aof", false);
        str("appenddirname", "appendonlydir", false);
        enumParam("appendfsync", "everysec", ConfigParam.list("always", "everysec", "no"));
        bool("no-appendfsync-on-rewrite", false, true);
        intParam("auto-aof-rewrite-percentage", 100, 0, Integer.MAX_VALUE, true);
        memory("auto-aof-rewrite-min-size", 64 * MB, 0, Long.MAX_VALUE);
        bool("aof-use-rdb-preamble", true, true);
        bool("aof-load-truncated", true, true);
        bool("aof-timestamp-enabled", false, true);
        bool("rdbcompression", true, true);
        bool("rdbchecksum", true, true);
        bool("stop-writes-on-bgsave-error", true, true);
        intParam("rdb-key-save-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
        intParam("key-load-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
        intParam("maxmemory-samples", 5, 1, 64, true);
        intParam("maxmemory-eviction-tenacity", 10, 0, 100, true);
        intParam("lfu-log-factor", 10, 0, Integer.MAX_VALUE, true);
        intParam("lfu-decay-time", 1, 0, Integer.MAX_VALUE, true);
        memory("maxmemory-clients", 0, 0, Long.MAX_VALUE);
        bool("lazyfree-lazy-eviction", false, true);
        bool("lazyfree-lazy-expire", false, true);
        bool("lazyfree-lazy-server-del", false, true);
        bool("lazyfree-lazy-user-del", false, true);
        bool("lazyfree-lazy-user-flush", false, true);
        bool("replica-lazy-flush", false, true);
        intParam("active-expire-effort", 1, 1, 10, true);
        bool("activerehashing", true, true);
        bool("activedefrag", false, true);
        bool("dynamic-hz", true, true);
        bool("jemalloc-bg-thread", true, true);
        str("notify-keyspace-events", "", true);
        intParam("hash-max-listpack-entries", 128, 0, Long.MAX_VALUE, true);
        intParam("hash-max-listpack-value", 64, 0, Long.MAX_VALUE, true);
        intParam("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
        intParam("list-compress-depth", 0, 0, Integer.MAX_VALUE, true);
        intParam("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true);
        intParam("set-max-listpack-entries", 128, 0, Long.MAX_VALUE, true);
        intParam("set-max-listpack-value", 64, 0, Long.MAX_VALUE, true);
        intParam("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true);
        intParam("zset-max-listpack-value", 64, 0, Long.MAX_VALUE, true);
        memory("hll-sparse-max-bytes", 3000, 0, Long.MAX_VALUE);
        memory("stream-node-max-bytes", 4096, 0, Long.MAX_VALUE);
        intParam("stream-node-max-entries", 100, 0, Long.MAX_VALUE, true);
        alias("hash-max-ziplist-entries", "hash-max-listpack-entries");
        alias("hash-max-ziplist-value", "hash-max-listpack-value");
        alias("list-max-ziplist-size", "list-max-listpack-size");
        alias("zset-max-ziplist-entries", "zset-max-listpack-entries");
        alias("zset-max-ziplist-value", "zset-max-listpack-value");
        intParam("busy-reply-threshold", 5000, 0, Long.MAX_VALUE, true);
        alias("lua-time-limit", "busy-reply-threshold");
        intParam("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true);
        bool("latency-tracking", true, true);
        str("latency-tracking-info-percentiles", "50 99 99.9", true);
        intParam("tracking-table-max-keys", 1000000, 0, Long.MAX_VALUE, true);
        str("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", true);
        intParam("acllog-max-len", 128, 0, Long.MAX_VALUE, true);
        str("aclfile", "", false);
        str("masterauth", "", true);
        str("masteruser", "", true);
        str("replicaof", "", false);
        bool("replica-read-only", true, true);
        bool("replica-serve-stale-data", true, true);
        intParam("repl-backlog-size", 1024 * 1024, 1, Long.MAX_VALUE, true);
        intParam("repl-timeout", 60, 1, Integer.MAX_VALUE, true);
        intParam("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true);
        bool("repl-diskless-sync", true, true);
        intParam("repl-diskless-sync-delay", 5, 0, Integer.MAX_VALUE, true);
        intParam("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true);
        intParam("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true);
        intParam("replica-priority", 100, 0, Integer.MAX_VALUE, true);
        bool("cluster-enabled", false, false);
        bool("set-proc-title", true, false);
        enumParam("sanitize-dump-payload", "no", ConfigParam.list("no", "yes", "clients"));
        str("enable-protected-configs", "no", false);
        str("enable-module-command", "no", false);
        bool("io-threads-do-reads", false, false);
        bool("close-on-oom", false, true);
        bool("crash-log-enabled", true, true);
        bool("crash-memcheck-enabled", true, true);
        bool("disable-thp", true, false);
        intParam("loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, Integer.MAX_VALUE, true);
        intParam("active-defrag-cycle-min", 1, 1, 99, true);
        intParam("active-defrag-cycle-max", 25, 1, 99, true);
        intParam("active-defrag-threshold-lower", 10, 0, 1000, true);
        intParam("active-defrag-threshold-upper", 100, 0, 1000, true);
        memory("active-defrag-ignore-bytes", 100 * MB, 1, Long.MAX_VALUE);
        intParam("active-defrag-max-scan-fields", 1000, 1, Long.MAX_VALUE, true);
        bool("lazyfree-lazy-user-flush", false, true);
        intParam("shutdown-timeout", 10, 0, Integer.MAX_VALUE, true);
        str("shutdown-on-sigint", "default", true);
        str("shutdown-on-sigterm", "default", true);
        str("oom-score-adj", "no", true);
        str("oom-score-adj-values", "0 200 800", true);
        str("locale-collate", "", true);
        intParam("max-new-connections-per-cycle", 10, 1, 1000, true);
    }

    private ConfigParam add(ConfigParam p) {
        params.put(p.name, p);
        return p;
    }

    private ConfigParam bool(String name, boolean def, boolean mutable) {
        return add(new ConfigParam(name, ConfigParam.Kind.BOOL, def ? "yes" : "no", 0, 0, null, mutable));
    }

    private ConfigParam intParam(String name, long def, long min, long max, boolean mutable) {
        return add(new ConfigParam(name, ConfigParam.Kind.INT, Long.toString(def), min, max, null, mutable));
    }

    private ConfigParam memory(String name, long def, long min, long max) {
        return add(new ConfigParam(name, ConfigParam.Kind.MEMORY, Long.toString(def), min, max, null, true));
    }

    private ConfigParam str(String name, String def, boolean mutable) {
        return add(new ConfigParam(name, ConfigParam.Kind.STRING, def, 0, 0, null, mutable));
    }

    private ConfigParam enumParam(String name, String def, List<String> choices) {
        return add(new ConfigParam(name, ConfigParam.Kind.ENUM, def, 0, 0, choices, true));
    }

    private void alias(String alias, String target) {
        aliases.put(alias, target);
    }

    /** The parameter called name (aliases resolved), or null. */
    public ConfigParam param(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return params.get(aliases.getOrDefault(n, n));
    }

    public String get(String name) {
        ConfigParam p = param(name);
        return p == null ? null : p.value();
    }

    /** All parameters, in declaration order, aliases included (as CONFIG GET * lists them). */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (ConfigParam p : params.values()) out.add(Map.entry(p.name, p.value()));
        for (Map.Entry<String, String> a : aliases.entrySet()) out.add(Map.entry(a.getKey(), params.get(a.getValue()).value()));
        return out;
    }

    /** Sets at startup (file or command line): immutable parameters allowed. */
    public void setAtStartup(String name, String value) {
        ConfigParam p = param(name);
        if (p == null) throw new IllegalArgumentException("Bad directive or wrong number of arguments: '" + name + "'");
        String err = p.set(value);
        if (err != null) throw new IllegalArgumentException("Invalid argument for '" + name + "': " + err);
    }

    /**
     * CONFIG SET of name/value pairs, all or nothing. Returns null on success or the error
     * text (without "ERR ").
     */
    public synchronized String setAll(List<String[]> pairs) {
        List<String> seen = new ArrayList<>();
        for (String[] kv : pairs) {
            ConfigParam p = param(kv[0]);
            if (p == null) return "Unknown option or number of arguments for CONFIG SET - '" + kv[0] + "'";
            if (seen.contains(p.name)) return "CONFIG SET failed (possibly related to argument '" + kv[0] + "') - duplicate parameter";
            seen.add(p.name);
            if (!p.mutable) return "CONFIG SET failed (possibly related to argument '" + kv[0] + "') - can't set immutable config";
        }
        Map<ConfigParam, String> previous = new LinkedHashMap<>();
        for (String[] kv : pairs) {
            ConfigParam p = param(kv[0]);
            previous.put(p, p.value());
            String err = p.set(kv[1]);
            if (err != null) {
                previous.forEach(ConfigParam::set);
                return "CONFIG SET failed (possibly related to argument '" + kv[0] + "') - " + err;
            }
        }
        return null;
    }

    /** Loads a redis.conf-style file: "name value ...", '#' comments, quoted values. */
    public void loadFile(Path file) throws IOException {
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            byte[][] words = InlineSplitter.split(t.getBytes(StandardCharsets.UTF_8));
            if (words == null) throw new IllegalArgumentException(file + ":" + lineNo + ": unbalanced quotes");
            if (words.length == 0) continue;
            String name = new String(words[0], StandardCharsets.UTF_8);
            StringBuilder v = new StringBuilder();
            for (int i = 1; i < words.length; i++) {
                if (i > 1) v.append(' ');
                v.append(new String(words[i], StandardCharsets.UTF_8));
            }
            try {
                setAtStartup(name, v.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
    }

    /** Parses {@code [config-file] [--name value ...]} as redis-server does. */
    public static FerriteConfig fromArgs(String[] args) throws IOException {
        FerriteConfig c = new FerriteConfig();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            c.loadFile(Path.of(args[0]));
            i = 1;
        }
        while (i < args.length) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) throw new IllegalArgumentException("Unexpected argument '" + a + "'");
            String name = a.substring(2);
            StringBuilder v = new StringBuilder();
            i++;
            while (i < args.length && !args[i].startsWith("--")) {
                if (!v.isEmpty()) v.append(' ');
                v.append(args[i]);
                i++;
            }
            c.setAtStartup(name, v.toString());
        }
        return c;
    }
}
