package io.ferrite.server.admin;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.Version;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.KeyspaceStats;
import io.ferrite.server.net.Client;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * INFO [section ...] (Redis 7.2 server.c genRedisInfoString): the sections server, clients,
 * memory, persistence, stats, replication, cpu, modules, commandstats, errorstats,
 * latencystats, cluster and keyspace, plus "default", "all" and "everything".
 * Spec: https://redis.io/docs/latest/commands/info/
 *
 * <p>The reply is one bulk string (RESP3: verbatim "txt") of {@code field:value} lines ending
 * in CRLF, each section headed {@code # Name} and separated from the next by an empty line.
 * Field names and order follow Redis, so tools that scrape INFO find what they expect; fields
 * of subsystems Ferrite does not have (forks, replication links, defragmentation) report the
 * value Redis reports when they are idle. Memory figures are the JVM's: used_memory is the
 * heap in use, used_memory_rss the resident set of the process.
 *
 * <p>Registered with lock_all: the keyspace section reads every database's counts (O(shards)).
 */
public final class InfoCommand {
    private InfoCommand() {}

    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace");

    static void register(CommandTable.Builder t) {
        t.add("info", -1, "loading stale lock_all", "@dangerous", 0, 0, 0, InfoCommand::info,
                "Server information and statistics, by section.");
    }

    static void info(Client c) {
        Set<String> wanted = new LinkedHashSet<>();
        boolean all = false;
        if (c.argc() == 1) wanted.addAll(DEFAULT_SECTIONS);
        for (int i = 1; i < c.argc(); i++) {
            String s = new String(c.arg(i), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> wanted.addAll(DEFAULT_SECTIONS);
                case "all", "everything" -> all = true; // no modules: everything adds nothing to all
                default -> wanted.add(s);
            }
        }
        c.reply().verbatim("txt", generate(c, wanted, all));
    }

    /** The INFO text for the wanted sections (all of them when {@code all}). */
    static String generate(Client c, Set<String> wanted, boolean all) {
        FerriteServer server = c.server();
        Sections out = new Sections(wanted, all);
        if (out.begin("Server", "server")) server(out, server);
        if (out.begin("Clients", "clients")) clients(out, server);
        if (out.begin("Memory", "memory")) memory(out, server);
        if (out.begin("Persistence", "persistence")) persistence(out, server);
        if (out.begin("Stats", "stats")) stats(out, server);
        if (out.begin("Replication", "replication")) replication(out, server);
        if (out.begin("CPU", "cpu")) cpu(out);
        if (out.begin("Modules", "module_list", "modules")) {
            out.field("module", ModuleCommands.infoLine()); // TS.* is built in: see ModuleCommands
        }
        if (out.begin("Commandstats", "commandstats")) commandStats(out, server);
        if (out.begin("Errorstats", "errorstats")) errorStats(out, server);
        if (out.begin("Latencystats", "latencystats")) LatencyCommands.info(out, server);
        if (out.begin("Cluster", "cluster")) out.field("cluster_enabled", 0);
        if (out.begin("Keyspace", "keyspace")) keyspace(out, server);
        return out.text();
    }

    // ---------------------------------------------------------------- sections

    private static void server(Sections o, FerriteServer s) {
        FerriteConfig config = s.config();
        long now = System.currentTimeMillis();
        long uptime = (now - s.startedAt()) / 1000;
        o.field("redis_version", Version.REDIS);
        o.field("ferrite_version", Version.FERRITE);
        o.field("redis_git_sha1", "00000000");
        o.field("redis_git_dirty", 0);
        o.field("redis_build_id", buildId());
        o.field("redis_mode", "standalone");
        o.field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        o.field("arch_bits", 64);
        o.field("monotonic_clock", "JVM System.nanoTime");
        o.field("multiplexing_api", s.transportName());
        o.field("atomicvar_api", "java.util.concurrent");
        o.field("gcc_version", "0.0.0");
        o.field("java_version", System.getProperty("java.version"));
        o.field("process_id", ProcessHandle.current().pid());
        o.field("process_supervised", "no");
        o.field("run_id", s.runId());
        o.field("tcp_port", s.port());
        o.field("server_time_usec", now * 1000);
        o.field("uptime_in_seconds", uptime);
        o.field("uptime_in_days", uptime / 86400);
        o.field("hz", config.hz.longValue());
        o.field("configured_hz", config.hz.longValue());
        o.field("lru_clock", (now / 1000) & ((1 << 24) - 1));
        o.field("executable", ProcessHandle.current().info().command().orElse(""));
        o.field("config_file", config.configFile() == null ? "" : config.configFile().toString());
        o.field("io_threads_active", 0);
        o.field("event_loop_threads", s.eventLoopThreads());
        o.field("keyspace_shards", s.keyspace().shardCount());
        StringBuilder listener = new StringBuilder("name=tcp");
        for (String addr : config.bind.value().split(" ")) if (!addr.isEmpty()) listener.append(",bind=").append(addr);
        o.field("listener0", listener.append(",port=").append(s.port()).toString());
    }

    private static void clients(Sections o, FerriteServer s) {
        o.field("connected_clients", s.clients().size());
        o.field("cluster_connections", 0);
        o.field("maxclients", s.config().maxclients.longValue());
        o.field("client_recent_max_input_buffer", 0);
        o.field("client_recent_max_output_buffer", 0);
        o.field("blocked_clients", s.blockedClients().blockedCount() + s.clientPause().postponedCount());
        o.field("tracking_clients", 0);
        o.field("clients_in_timeout_table", 0);
        o.field("total_blocking_keys", s.blockedClients().blockingKeys());
        o.field("total_blocking_keys_on_nokey", s.blockedClients().blockingKeysOnNoKey());
    }

    private static void memory(Sections o, FerriteServer s) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long peak = s.stats().peakMemory(used);
        long rss = residentSetSize(rt.totalMemory());
        long system = systemMemory();
        long maxmemory = s.config().maxmemory.longValue();
        o.field("used_memory", used);
        o.field("used_memory_human", human(used));
        o.field("used_memory_rss", rss);
        o.field("used_memory_rss_human", human(rss));
        o.field("used_memory_peak", peak);
        o.field("used_memory_peak_human", human(peak));
        o.field("used_memory_peak_perc", percent(used, peak) + "%");
        o.field("used_memory_overhead", 0);
        o.field("used_memory_startup", 0);
        o.field("used_memory_dataset", used);
        o.field("used_memory_dataset_perc", "100.00%");
        o.field("allocator_allocated", used);
        o.field("allocator_active", rt.totalMemory());
        o.field("allocator_resident", rss);
        o.field("total_system_memory", system);
        o.field("total_system_memory_human", human(system));
        o.field("used_memory_lua", 0);
        o.field("used_memory_vm_eval", 0);
        o.field("used_memory_lua_human", "0B");
        o.field("used_memory_scripts_eval", 0);
        var lua = s.scriptingIfStarted();
        o.field("number_of_cached_scripts", lua == null ? 0 : lua.cachedScriptCount());
        o.field("number_of_functions", lua == null ? 0 : lua.functionCount());
        o.field("number_of_libraries", 0);
        o.field("used_memory_vm_functions", 0);
        o.field("used_memory_vm_total", 0);
        o.field("used_memory_vm_total_human", "0B");
        o.field("used_memory_functions", 0);
        o.field("used_memory_scripts", 0);
        o.field("used_memory_scripts_human", "0B");
        o.field("maxmemory", maxmemory);
        o.field("maxmemory_human", human(maxmemory));
        o.field("maxmemory_policy", s.config().maxmemoryPolicy.value());
        o.field("allocator_frag_ratio", ratio(rt.totalMemory(), used));
        o.field("allocator_frag_bytes", Math.max(0, rt.totalMemory() - used));
        o.field("allocator_rss_ratio", ratio(rss, rt.totalMemory()));
        o.field("allocator_rss_bytes", rss - rt.totalMemory());
        o.field("rss_overhead_ratio", "1.00");
        o.field("rss_overhead_bytes", 0);
        o.field("mem_fragmentation_ratio", ratio(rss, used));
        o.field("mem_fragmentation_bytes", rss - used);
        o.field("mem_not_counted_for_evict", 0);
        o.field("mem_replication_backlog", 0);
        o.field("mem_total_replication_buffers", 0);
        o.field("mem_clients_slaves", 0);
        o.field("mem_clients_normal", 0);
        o.field("mem_cluster_links", 0);
        o.field("mem_aof_buffer", 0);
        o.field("mem_allocator", "jvm-" + System.getProperty("java.vm.name", "").replace(' ', '_'));
        o.field("active_defrag_running", 0);
        o.field("lazyfree_pending_objects", 0);
        o.field("lazyfreed_objects", 0);
    }

    private static void persistence(Sections o, FerriteServer s) {
        o.field("loading", 0);
        o.field("async_loading", 0);
        o.field("current_cow_peak", 0);
        o.field("current_cow_size", 0);
        o.field("current_cow_size_age", 0);
        o.field("current_fork_perc", "0.00");
        o.field("current_save_keys_processed", 0);
        o.field("current_save_keys_total", 0);
        var p = s.persistence();
        o.field("rdb_changes_since_last_save", p.changesSinceLastSave());
        o.field("rdb_bgsave_in_progress", p.bgsaveInProgress() ? 1 : 0);
        o.field("rdb_last_save_time", p.lastSaveSeconds());
        o.field("rdb_last_bgsave_status", p.lastBgsaveOk() ? "ok" : "err");
        o.field("rdb_last_bgsave_time_sec", p.lastBgsaveSeconds());
        o.field("rdb_current_bgsave_time_sec", p.currentBgsaveSeconds());
        o.field("rdb_saves", p.saves());
        o.field("rdb_last_cow_size", 0);
        o.field("rdb_last_load_keys_expired", p.lastLoadExpired());
        o.field("rdb_last_load_keys_loaded", p.lastLoadKeys());
        o.field("aof_enabled", 0);
        o.field("aof_rewrite_in_progress", 0);
        o.field("aof_rewrite_scheduled", 0);
        o.field("aof_last_rewrite_time_sec", -1);
        o.field("aof_current_rewrite_time_sec", -1);
        o.field("aof_last_bgrewrite_status", "ok");
        o.field("aof_rewrites", 0);
        o.field("aof_rewrites_consecutive_failures", 0);
        o.field("aof_last_write_status", "ok");
        o.field("aof_last_cow_size", 0);
        o.field("module_fork_in_progress", 0);
        o.field("module_fork_last_cow_size", 0);
    }

    private static void stats(Sections o, FerriteServer s) {
        ServerStats st = s.stats();
        KeyspaceStats ks = s.keyspace().stats();
        ServerStats.OpsSampler sampler = st.opsSampler();
        o.field("total_connections_received", st.connectionsReceived.sum());
        o.field("total_commands_processed", st.commandsProcessed.sum());
        o.field("instantaneous_ops_per_sec", sampler.perSecond());
        o.field("total_net_input_bytes", st.netInputBytes.sum());
        o.field("total_net_output_bytes", st.netOutputBytes.sum());
        o.field("total_net_repl_input_bytes", 0);
        o.field("total_net_repl_output_bytes", 0);
        o.field("instantaneous_input_kbps", twoDecimals(sampler.inputPerSecond() / 1024.0));
        o.field("instantaneous_output_kbps", twoDecimals(sampler.outputPerSecond() / 1024.0));
        o.field("instantaneous_input_repl_kbps", "0.00");
        o.field("instantaneous_output_repl_kbps", "0.00");
        o.field("rejected_connections", st.rejectedConnections.sum());
        o.field("sync_full", 0);
        o.field("sync_partial_ok", 0);
        o.field("sync_partial_err", 0);
        o.field("expired_keys", ks.expiredKeys.sum());
        o.field("expired_stale_perc", "0.00");
        o.field("expired_time_cap_reached_count", 0);
        o.field("expire_cycle_cpu_milliseconds", 0);
        o.field("evicted_keys", ks.evictedKeys.sum());
        o.field("evicted_clients", 0);
        o.field("total_eviction_exceeded_time", 0);
        o.field("current_eviction_exceeded_time", 0);
        o.field("keyspace_hits", ks.hits.sum());
        o.field("keyspace_misses", ks.misses.sum());
        o.field("pubsub_channels", 0);
        o.field("pubsub_patterns", 0);
        o.field("pubsubshard_channels", 0);
        o.field("latest_fork_usec", 0);
        o.field("total_forks", 0);
        o.field("migrate_cached_sockets", 0);
        o.field("slave_expires_tracked_keys", 0);
        o.field("active_defrag_hits", 0);
        o.field("active_defrag_misses", 0);
        o.field("active_defrag_key_hits", 0);
        o.field("active_defrag_key_misses", 0);
        o.field("total_active_defrag_time", 0);
        o.field("current_active_defrag_time", 0);
        o.field("tracking_total_keys", 0);
        o.field("tracking_total_items", 0);
        o.field("tracking_total_prefixes", 0);
        o.field("unexpected_error_replies", 0);
        o.field("total_error_replies", st.totalErrorReplies.sum());
        o.field("dump_payload_sanitizations", 0);
        o.field("total_reads_processed", 0);
        o.field("total_writes_processed", 0);
        o.field("io_threaded_reads_processed", 0);
        o.field("io_threaded_writes_processed", 0);
        o.field("reply_buffer_shrinks", 0);
        o.field("reply_buffer_expands", 0);
        o.field("eventloop_cycles", 0);
        o.field("eventloop_duration_sum", 0);
        o.field("eventloop_duration_cmd_sum", 0);
        o.field("instantaneous_eventloop_cycles_per_sec", 0);
        o.field("instantaneous_eventloop_duration_usec", 0);
        o.field("acl_access_denied_auth", 0);
        o.field("acl_access_denied_cmd", 0);
        o.field("acl_access_denied_key", 0);
        o.field("acl_access_denied_channel", 0);
    }

    private static void replication(Sections o, FerriteServer s) {
        o.field("role", "master");
        o.field("connected_slaves", 0);
        o.field("master_failover_state", "no-failover");
        o.field("master_replid", replicationId(s.runId()));
        o.field("master_replid2", "0000000000000000000000000000000000000000");
        o.field("master_repl_offset", 0);
        o.field("second_repl_offset", -1);
        o.field("repl_backlog_active", 0);
        o.field("repl_backlog_size", s.config().param("repl-backlog-size").longValue());
        o.field("repl_backlog_first_byte_offset", 0);
        o.field("repl_backlog_histlen", 0);
    }

    /**
     * Process CPU time split into user and system: the user part is the sum over live threads
     * (ThreadMXBean), the rest of the process total (OperatingSystemMXBean) counts as system.
     */
    private static void cpu(Sections o) {
        long total = processCpuNanos();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long user = 0;
        boolean threadTimes = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        if (threadTimes) {
            for (long id : threads.getAllThreadIds()) user += Math.max(0, threads.getThreadUserTime(id));
        }
        if (total < 0) total = user;
        user = Math.min(user, total);
        o.field("used_cpu_sys", seconds(total - user));
        o.field("used_cpu_user", seconds(user));
        o.field("used_cpu_sys_children", "0.000000");
        o.field("used_cpu_user_children", "0.000000");
        long mainCpu = threadTimes ? threads.getCurrentThreadCpuTime() : 0;
        long mainUser = threadTimes ? threads.getCurrentThreadUserTime() : 0;
        o.field("used_cpu_sys_main_thread", seconds(Math.max(0, mainCpu - mainUser)));
        o.field("used_cpu_user_main_thread", seconds(mainUser));
    }

    private static void commandStats(Sections o, FerriteServer s) {
        for (CommandSpec cmd : s.commandTable().all()) {
            commandStat(o, cmd);
            for (CommandSpec sub : cmd.subcommands().values()) commandStat(o, sub);
        }
    }

    private static void commandStat(Sections o, CommandSpec cmd) {
        long calls = cmd.calls(), failed = cmd.failedCalls(), rejected = cmd.rejectedCalls();
        if (calls == 0 && failed == 0 && rejected == 0) return;
        long usec = cmd.microseconds();
        o.field("cmdstat_" + safe(cmd.fullName()), "calls=" + calls + ",usec=" + usec + ",usec_per_call="
                + twoDecimals(calls == 0 ? 0 : (double) usec / calls) + ",rejected_calls=" + rejected
                + ",failed_calls=" + failed);
    }

    private static void errorStats(Sections o, FerriteServer s) {
        // Sorted by name, as Redis's radix tree yields them.
        Map<String, LongAdder> sorted = new TreeMap<>(s.stats().errorsByPrefix());
        for (Map.Entry<String, LongAdder> e : sorted.entrySet()) {
            o.field("errorstat_" + safe(e.getKey()), "count=" + e.getValue().sum());
        }
    }

    private static void keyspace(Sections o, FerriteServer s) {
        Keyspace ks = s.keyspace();
        for (int i = 0; i < ks.databaseCount(); i++) {
            Database db = ks.database(i);
            long keys = db.size(), expires = db.expiringCount();
            if (keys > 0 || expires > 0) o.field("db" + i, "keys=" + keys + ",expires=" + expires + ",avg_ttl=0");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Builds the text: a header per section, a blank line between sections. */
    static final class Sections {
        private final StringBuilder sb = new StringBuilder(4096);
        private final Set<String> wanted;
        private final boolean all;
        private int count;

        Sections(Set<String> wanted, boolean all) {
            this.wanted = wanted;
            this.all = all;
        }

        /** Starts section {@code title} if asked for by any of {@code keys}; false to skip it. */
        boolean begin(String title, String... keys) {
            boolean asked = all;
            for (String k : keys) asked |= wanted.contains(k);
            if (!asked) return false;
            if (count++ > 0) sb.append("\r\n");
            sb.append("# ").append(title).append("\r\n");
            return true;
        }

        void field(String name, Object value) {
            sb.append(name).append(':').append(value).append("\r\n");
        }

        String text() { return sb.toString(); }
    }

    /** INFO values must not contain the characters that delimit it. */
    static String safe(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '#' || ch == ':' || ch == '\n' || ch == '\r') {
                if (sb == null) sb = new StringBuilder(s);
                sb.setCharAt(i, '_');
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Redis's bytesToHuman: 100B, 1.50K, 2.00M, 3.25G ... */
    static String human(long n) {
        if (n < 1024) return n + "B";
        String[] units = {"K", "M", "G", "T", "P"};
        double d = n;
        for (String unit : units) {
            d /= 1024;
            if (d < 1024 || unit.equals("P")) return twoDecimals(d) + unit;
        }
        return n + "B";
    }

    private static String twoDecimals(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static String ratio(long a, long b) {
        return twoDecimals(b == 0 ? 0 : (double) a / b);
    }

    private static String percent(long part, long whole) {
        return twoDecimals(whole == 0 ? 0 : part * 100.0 / whole);
    }

    private static String seconds(long nanos) {
        long micros = nanos / 1000;
        return (micros / 1_000_000) + "." + String.format(Locale.ROOT, "%06d", micros % 1_000_000);
    }

    private static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }

    private static long systemMemory() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize();
        return 0;
    }

    /** VmRSS from /proc/self/status where there is one, else the committed heap. */
    private static long residentSetSize(long fallback) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return fallback;
    }

    private static volatile String buildId;

    private static String buildId() {
        String id = buildId;
        if (id == null) buildId = id = sha1Hex(Version.FERRITE + Version.REDIS).substring(0, 16);
        return id;
    }

    /**
     * master_replid: Redis draws a random 40-hex-digit id at startup; Ferrite derives one from
     * the run id, so it is as random as the run id and stable for the life of the process.
     */
    static String replicationId(String runId) {
        return sha1Hex("replid:" + runId);
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
