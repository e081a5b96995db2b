package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.Version;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class InfoCommandTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static List<String> headers(String info) {
        List<String> out = new ArrayList<>();
        for (String line : info.split("\r\n")) if (line.startsWith("# ")) out.add(line.substring(2));
        return out;
    }

    private static Map<String, String> fields(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) out.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return out;
    }

    @Test
    void defaultInfoHasRedisDefaultSectionsInOrder() {
        try (Jedis j = ferrite.jedis()) {
            List<String> expected = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
                    "CPU", "Modules", "Errorstats", "Cluster", "Keyspace");
            assertThat(headers(j.info())).containsExactlyElementsOf(expected);
            assertThat(headers(j.info("default"))).containsExactlyElementsOf(expected);
            assertThat(j.info()).doesNotContain("rejected_calls");
        }
    }

    @Test
    void allAndEverythingAddCommandstatsAndLatencystats() {
        try (Jedis j = ferrite.jedis()) {
            j.set("k", "v");
            for (String arg : List.of("all", "everything")) {
                String info = j.info(arg);
                assertThat(headers(info)).contains("Commandstats", "Latencystats", "Keyspace");
                assertThat(info).contains("rejected_calls").contains("cmdstat_set:calls=");
            }
        }
    }

    @Test
    void serverSectionReportsTheRedisAndFerriteVersions() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> f = fields(j.info("server"));
            assertThat(f).containsEntry("redis_version", Version.REDIS).containsEntry("ferrite_version", Version.FERRITE)
                    .containsEntry("redis_mode", "standalone").containsEntry("arch_bits", "64")
                    .containsEntry("tcp_port", Integer.toString(ferrite.port()))
                    .containsEntry("run_id", ferrite.server().runId())
                    .containsEntry("process_id", Long.toString(ProcessHandle.current().pid()))
                    .containsEntry("hz", "10").containsEntry("config_file", "");
            assertThat(f.get("os")).isNotBlank();
            assertThat(Long.parseLong(f.get("uptime_in_seconds"))).isGreaterThanOrEqualTo(0);
            assertThat(f).containsKeys("uptime_in_days", "executable", "server_time_usec");
        }
    }

    @Test
    void linesEndWithCrlfAndSectionsAreSeparatedByAnEmptyLine() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            String reply = r.command("INFO", "server", "clients").readReply();
            String body = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
            assertThat(body).startsWith("# Server\r\nredis_version:" + Version.REDIS + "\r\n")
                    .contains("\r\n\r\n# Clients\r\n").endsWith("\r\n");
            assertThat(body.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
            assertThat(Integer.parseInt(reply.substring(1, reply.indexOf("\r\n")))).isEqualTo(body.length());
        }
    }

    @Test
    void resp3RepliesAVerbatimTxtString() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            r.command("HELLO", "3").readReply();
            String reply = r.command("INFO", "cluster").readReply();
            String text = "# Cluster\r\ncluster_enabled:0\r\n";
            assertThat(reply).isEqualTo("=" + (text.length() + 4) + "\r\ntxt:" + text + "\r\n");
        }
    }

    @Test
    void sectionNamesAreCaseInsensitiveAndReportedOnce() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(headers(j.info("CPU"))).containsExactly("CPU");
            assertThat(headers(j.info("commandSTATS"))).containsExactly("Commandstats");
            String twice = new String((byte[]) j.sendCommand(() -> "INFO".getBytes(), "cpu", "all", "cpu"));
            assertThat(twice.split("used_cpu_user_children", -1)).hasSize(2);
            assertThat(headers(j.info("cpu"))).containsExactly("CPU");
            assertThat(j.info("nosuchsection")).isEmpty();
        }
    }

    @Test
    void keyspaceCountsKeysAndExpiresOfNonEmptyDatabases() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.info("keyspace")).isEqualTo("# Keyspace\r\n");
            j.set("a", "1");
            j.setex("b", 100, "2");
            j.select(3);
            j.set("c", "3");
            assertThat(j.info("keyspace")).isEqualTo("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"
                    + "db3:keys=1,expires=0,avg_ttl=0\r\n");
        }
    }

    @Test
    void commandstatsCountCallsFailuresAndRejections() {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
            j.set("n", "x");
            j.set("m", "1");
            try {
                j.incr("n");
            } catch (JedisDataException expected) {
                // counted as a failed call
            }
            try {
                j.sendCommand(() -> "GET".getBytes());
            } catch (JedisDataException expected) {
                // arity: counted as a rejected call
            }
            Map<String, String> f = fields(j.info("commandstats"));
            assertThat(f.get("cmdstat_set")).matches("calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0");
            assertThat(f.get("cmdstat_incr")).matches("calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=1");
            assertThat(f.get("cmdstat_get")).isEqualTo("calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
            assertThat(f).containsKey("cmdstat_config|resetstat");
        }
    }

    @Test
    void errorstatsCountErrorsByPrefix() {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
            j.set("s", "text");
            for (int i = 0; i < 2; i++) {
                try {
                    j.incr("s");
                } catch (JedisDataException expected) {
                    // ERR value is not an integer
                }
            }
            try {
                j.sendCommand(() -> "HELLO".getBytes(), "9");
            } catch (JedisDataException expected) {
                // NOPROTO
            }
            assertThat(j.info("errorstats")).isEqualTo("# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOPROTO:count=1\r\n");
            assertThat(fields(j.info("stats"))).containsEntry("total_error_replies", "3");
        }
    }

    @Test
    void statsCountCommandsHitsMissesAndConnections() {
        try (Jedis j = ferrite.jedis()) {
            j.configResetStat();
            j.set("a", "1");
            j.get("a");
            j.get("missing");
            Map<String, String> f = fields(j.info("stats"));
            assertThat(f).containsEntry("keyspace_hits", "1").containsEntry("keyspace_misses", "1")
                    .containsEntry("evicted_keys", "0").containsEntry("unexpected_error_replies", "0");
            // resetstat, set, get, get (INFO itself counts after it replies)
            assertThat(f).containsEntry("total_commands_processed", "4");
            assertThat(Long.parseLong(f.get("total_net_input_bytes"))).isPositive();
            assertThat(f).containsKeys("instantaneous_ops_per_sec", "total_connections_received", "rejected_connections",
                    "expired_keys", "total_net_output_bytes");
        }
    }

    @Test
    void clientsMemoryPersistenceReplicationAndCpuHaveTheirKeyFields() {
        try (Jedis j = ferrite.jedis(); Jedis other = ferrite.jedis()) {
            other.ping();
            Map<String, String> f = fields(j.info("everything"));
            assertThat(Long.parseLong(f.get("connected_clients"))).isGreaterThanOrEqualTo(2);
            assertThat(f).containsEntry("blocked_clients", "0").containsEntry("maxclients", "10000");
            assertThat(Long.parseLong(f.get("used_memory"))).isPositive();
            assertThat(Long.parseLong(f.get("used_memory_peak"))).isGreaterThanOrEqualTo(Long.parseLong(f.get("used_memory")));
            assertThat(f.get("used_memory_human")).matches("\\d+(\\.\\d\\d[KMGTP]|B)");
            assertThat(f).containsEntry("maxmemory", "0").containsEntry("maxmemory_policy", "noeviction");
            assertThat(f.get("mem_fragmentation_ratio")).matches("\\d+\\.\\d\\d");
            assertThat(f).containsEntry("loading", "0").containsEntry("rdb_bgsave_in_progress", "0")
                    .containsEntry("aof_enabled", "0").containsEntry("rdb_last_save_time",
                            Long.toString(ferrite.server().startedAt() / 1000));
            assertThat(f).containsEntry("role", "master").containsEntry("connected_slaves", "0");
            assertThat(f.get("master_replid")).matches("[0-9a-f]{40}");
            assertThat(Double.parseDouble(f.get("used_cpu_user"))).isPositive();
            assertThat(f.get("used_cpu_sys")).matches("\\d+\\.\\d{6}");
        }
    }

    @Test
    void rdbChangesSinceLastSaveFollowsWrites() {
        try (Jedis j = ferrite.jedis()) {
            long before = Long.parseLong(fields(j.info("persistence")).get("rdb_changes_since_last_save"));
            j.set("a", "1");
            j.set("b", "2");
            long after = Long.parseLong(fields(j.info("persistence")).get("rdb_changes_since_last_save"));
            assertThat(after - before).isEqualTo(2);
        }
    }
}
