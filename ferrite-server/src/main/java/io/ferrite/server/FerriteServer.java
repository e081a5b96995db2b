package io.ferrite.server;

import io.ferrite.server.admin.LatencyMonitor;
import io.ferrite.server.blocking.ClientPause;
import io.ferrite.server.scripting.ScriptWrites;
import io.ferrite.server.admin.Monitors;
import io.ferrite.server.blocking.BlockedClients;
import io.ferrite.server.admin.ServerCommands;
import io.ferrite.server.admin.ConnectionCommands;
import io.ferrite.server.admin.ServerStats;
import io.ferrite.server.admin.SlowLog;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.config.ConfigCommands;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.hash.HashCommands;
import io.ferrite.server.geo.GeoCommands;
import io.ferrite.server.hyperloglog.HyperLogLogCommands;
import io.ferrite.server.keyspace.ActiveExpiry;
import io.ferrite.server.keyspace.KeyCommands;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.exec.CounterBlock;
import io.ferrite.server.persistence.Persistence;
import io.ferrite.server.list.ListCommands;
import io.ferrite.server.net.Client;
import io.ferrite.server.net.ClientRegistry;
import io.ferrite.server.net.NetServer;
import io.ferrite.server.pubsub.PubSub;
import io.ferrite.server.pubsub.PubSubCommands;
import io.ferrite.server.set.SetCommands;
import io.ferrite.server.sort.SortCommands;
import io.ferrite.server.string.BitmapCommands;
import io.ferrite.server.stream.StreamCommands;
import io.ferrite.server.timeseries.TimeSeriesCommands;
import io.ferrite.server.transaction.TransactionCommands;
import io.ferrite.server.zset.SortedSetCommands;
import io.ferrite.server.string.StringCommands;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ferrite server: one entry point for {@code main()} and for tests that embed it.
 *
 * <pre>{@code
 * try (FerriteServer server = FerriteServer.builder().port(0).start()) {
 *     int port = server.port();   // the ephemeral port it bound
 * }
 * }</pre>
 *
 * Owns the configuration, the keyspace, the command table, the network listener and the
 * background cycles; {@link #close()} stops them all and releases the port.
 */
public final class FerriteServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FerriteServer.class);

    private final FerriteConfig config;
    private final Keyspace keyspace;
    private final LatencyMonitor latencyMonitor;
    private final ClientPause clientPause;
    private final CommandTable commandTable;
    private final ClientRegistry clients = new ClientRegistry();
    // INFO's hot counters, bumped per command without atomics (see CounterBlock).
    private final CounterBlock counters = new CounterBlock();
    private final ServerStats stats = new ServerStats(counters);
    private final SlowLog slowLog;
    private final Monitors monitors = new Monitors();
    private final ActiveExpiry activeExpiry;
    private final long startedAt = System.currentTimeMillis();
    private final String runId;
    private final Dispatcher dispatcher;
    private final BlockedClients blockedClients;
    private final PubSub pubSub;
    private final NetServer net;
    private final Persistence persistence;
    private volatile Runnable shutdownHook = () -> {};
    private volatile boolean closed;
    private boolean quiet;

    private FerriteServer(FerriteConfig config, boolean persistent) {
        this.config = config;
        this.persistence = new Persistence(this, persistent);
        this.keyspace = new Keyspace(Integer.highestOneBit(config.shards.intValue()), config.databases.intValue(), counters);
        keyspace.config(config); // LRU or LFU access tracking follows maxmemory-policy
        this.clientPause = new ClientPause(keyspace,
                (argv, argc) -> ScriptWrites.mayWrite(this, argv, argc));
        this.commandTable = buildCommandTable();
        commandTable.countInto(counters);
        this.slowLog = new SlowLog(config);
        this.latencyMonitor = new LatencyMonitor(config);
        byte[] id = new byte[20];
        ThreadLocalRandom.current().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
        this.dispatcher = new Dispatcher(this);
        this.blockedClients = new BlockedClients(keyspace, dispatcher);
        dispatcher.blocking(blockedClients);
        this.pubSub = new PubSub(this); // also installs the keyspace-notification hooks
        this.activeExpiry = new ActiveExpiry(keyspace, config.hz::intValue);
        activeExpiry.cycleMillis(ms -> latencyMonitor.sample("expire-cycle", ms));
        this.net = new NetServer(this, dispatcher);
    }

    static CommandTable buildCommandTable() {
        CommandTable.Builder t = new CommandTable.Builder();
        StringCommands.register(t.group("string"));
        BitmapCommands.register(t.group("bitmap"));
        KeyCommands.register(t.group("generic"));
        SortCommands.register(t.group("generic"));
        ListCommands.register(t.group("list"));
        ConnectionCommands.register(t.group("connection"));
        ServerCommands.register(t.group("server"));
        ConfigCommands.register(t.group("server"));
        io.ferrite.server.persistence.SnapshotTransfer.register(t.group("server"));
        HashCommands.register(t.group("hash"));
        SetCommands.register(t.group("set"));
        SortedSetCommands.register(t.group("sorted-set"));
        HyperLogLogCommands.register(t.group("hyperloglog"));
        GeoCommands.register(t.group("geo"));
        StreamCommands.register(t.group("stream"));
        TransactionCommands.register(t.group("transaction"));
        TimeSeriesCommands.register(t.group("timeseries"));
        io.ferrite.server.scripting.ScriptingCommands.register(t.group("scripting"));
        io.ferrite.server.scripting.FunctionCommands.register(t.group("scripting"));
        PubSubCommands.register(t.group("pubsub"));
        return t.build();
    }

    public static Builder builder() { return new Builder(); }

    /**
     * Starts an embedded server with this configuration: binds, starts the event loops and
     * cycles. It persists only when asked (SAVE, BGSAVE): see {@link #startProcess}.
     */
    public static FerriteServer start(FerriteConfig config) throws InterruptedException, IOException {
        return start(config, false, false);
    }

    /**
     * Starts the server as the process runs it: loads dir/dbfilename first if it exists, then
     * saves by the `save` points and before it exits (see {@link Persistence}).
     */
    public static FerriteServer startProcess(FerriteConfig config) throws InterruptedException, IOException {
        return start(config, false, true);
    }

    /** A server that logs neither its start nor its shutdown (the startup warm-up's throwaway server). */
    static FerriteServer startQuietly(FerriteConfig config) throws InterruptedException, IOException {
        return start(config, true, false);
    }

    private static FerriteServer start(FerriteConfig config, boolean quiet, boolean persistent)
            throws InterruptedException, IOException {
        FerriteServer s = new FerriteServer(config, persistent);
        s.quiet = quiet;
        if (persistent) s.persistence.loadAtStart();
        s.net.start();
        s.activeExpiry.start();
        s.net.scheduleEverySecondFraction(() -> {
            s.stats.opsSampler().sample();
            s.closeIdleClients();
            s.persistence.cron();
        });
        if (!quiet) log.info("Ferrite {} (Redis {} compatible) ready to accept connections on {}:{} pid={} transport={}",
                Version.FERRITE, Version.REDIS, config.bind.value(), s.port(), ProcessHandle.current().pid(),
                s.net.transportName());
        return s;
    }

    public int port() { return net.port(); }
    public FerriteConfig config() { return config; }
    public Keyspace keyspace() { return keyspace; }
    /** RDB snapshots: SAVE, BGSAVE, save points, loading at start. */
    public Persistence persistence() { return persistence; }

    private io.ferrite.server.keyspace.Evictor evictor;

    /** maxmemory accounting and eviction. */
    public synchronized io.ferrite.server.keyspace.Evictor evictor() {
        if (evictor == null) evictor = new io.ferrite.server.keyspace.Evictor(keyspace, config);
        return evictor;
    }
    public CommandTable commandTable() { return commandTable; }
    public ClientRegistry clients() { return clients; }
    public ServerStats stats() { return stats; }
    public SlowLog slowLog() { return slowLog; }
    public Monitors monitors() { return monitors; }
    public Dispatcher dispatcher() { return dispatcher; }
    public BlockedClients blockedClients() { return blockedClients; }
    public ActiveExpiry activeExpiry() { return activeExpiry; }
    /** The Pub/Sub registry (channels, patterns, shard channels) shared by all event loops. */
    public PubSub pubSub() { return pubSub; }
    public long startedAt() { return startedAt; }
    public String runId() { return runId; }
    public String transportName() { return net.transportName(); }
    public int eventLoopThreads() { return net.threads(); }
    public NetServer.LoopWaits eventLoopWaits() { return net.loopWaits(); }

    /** INFO's hot counters; the event loops are bound to it when they are created. */
    public CounterBlock counters() { return counters; }
    /** CLIENT PAUSE state and the clients it postponed. */
    public ClientPause clientPause() { return clientPause; }
    /** Latency events of commands slower than latency-monitor-threshold (LATENCY LATEST/HISTORY). */
    public LatencyMonitor latencyMonitor() { return latencyMonitor; }
    /** Which event loop (from 0) runs the connections registered on loop; -1 if none of ours. */
    public int eventLoopIndex(io.netty.util.concurrent.EventExecutor loop) { return net.loopIndex(loop); }

    /** Redis's clientsCron part for `timeout`: close connections idle for longer than it. */
    private void closeIdleClients() {
        long timeoutSeconds = config.timeout.longValue();
        if (timeoutSeconds <= 0) return;
        long now = System.currentTimeMillis();
        for (Client c : clients.live()) {
            if (!c.monitor() && now - c.lastInteraction() > timeoutSeconds * 1000) c.kill();
        }
    }

    /** CONFIG RESETSTAT: zero the INFO stats, commandstats, errorstats and the slow log. */
    public void resetStats() {
        stats.reset();
        keyspace.stats().reset();
        for (var cmd : commandTable.all()) {
            cmd.resetStats();
            for (var sub : cmd.subcommands().values()) sub.resetStats();
        }
    }

    /** Called on the connection's event loop after it closed. */
    public void onDisconnect(Client c) {}

    /** What SHUTDOWN does after closing the server (the launcher exits the process). */
    public void onShutdown(Runnable hook) { this.shutdownHook = hook; }

    /**
     * What must happen before the server may exit (SHUTDOWN, SIGTERM): the final save when asked
     * (save) or, unless nosave, when the process persists and has save points. False when that
     * save failed and force was not given: the server then keeps running, as Redis does.
     */
    public boolean prepareShutdown(boolean save, boolean nosave, boolean force) {
        if (nosave || !(save || (persistence.automatic() && persistence.hasSavePoints()))) return true;
        // New writes wait unrun; taking every shard lock once lets writes already running finish.
        clientPause.holdWritesForShutdown();
        keyspace.lockAll();
        keyspace.unlockAll();
        if (persistence.saveForShutdown() || force) return true;
        clientPause.unpause();
        return false;
    }

    /** SHUTDOWN: close, then run the shutdown hook, off the event loop that asked. */
    public void shutdownAsync() {
        Thread.ofPlatform().name("ferrite-shutdown").start(() -> {
            close();
            shutdownHook.run();
        });
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        if (!quiet) log.info("Ferrite is shutting down");
        activeExpiry.stop();
        synchronized (this) {
            if (scripting != null) scripting.close();
        }
        for (Client c : clients.all()) c.kill();
        net.close();
        if (!quiet) log.info("Ferrite is now ready to exit, bye bye...");
    }

    public boolean isClosed() { return closed; }

    private io.ferrite.server.scripting.LuaEngine scripting;

    /** The Lua engine if a script or function has run, else null (INFO must not start it). */
    public synchronized io.ferrite.server.scripting.LuaEngine scriptingIfStarted() { return scripting; }

    /** The Lua engine and its scripting thread, started on first use. */
    public synchronized io.ferrite.server.scripting.LuaEngine scripting() {
        if (scripting == null) scripting = new io.ferrite.server.scripting.LuaEngine(this);
        return scripting;
    }

    /** Configures and starts an embedded server. */
    public static final class Builder {
        private final FerriteConfig config = new FerriteConfig();

        public Builder port(int port) { return set("port", Integer.toString(port)); }
        public Builder bind(String address) { return set("bind", address); }
        public Builder shards(int n) { return set("shards", Integer.toString(n)); }
        public Builder ioThreads(int n) { return set("io-threads", Integer.toString(n)); }

        /** Any configuration parameter, by its redis.conf name. */
        public Builder set(String name, String value) {
            config.setAtStartup(name, value);
            return this;
        }

        public FerriteConfig config() { return config; }

        public FerriteServer start() throws InterruptedException, IOException { return FerriteServer.start(config); }

        /** Starts it as the process would: loads dbfilename, saves by save points and at shutdown. */
        public FerriteServer startPersistent() throws InterruptedException, IOException {
            return FerriteServer.startProcess(config);
        }
    }
}
