package io.ferrite.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class ConfigCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    private RawConnection raw() throws IOException {
        return new RawConnection(ferrite.port());
    }

    private static List<String> names(String flatReply) {
        String[] lines = flatReply.split("\r\n");
        List<String> out = new ArrayList<>();
        for (int i = 2; i < lines.length; i += 4) out.add(lines[i]);
        return out;
    }

    @Test
    void getWithSeveralPatternsReturnsEachParameterOnce() throws IOException {
        try (RawConnection r = raw()) {
            List<String> names = names(call(r, "CONFIG", "GET", "maxmemory", "maxmemory*", "bind", "*of", "MAXMEMORY"));
            assertThat(names).doesNotHaveDuplicates()
                    .contains("maxmemory", "maxmemory-samples", "maxmemory-clients", "maxmemory-policy", "bind",
                            "replicaof", "slaveof", "MAXMEMORY");
        }
    }

    @Test
    void getOfAPlainNameEchoesItAsTyped() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CONFIG", "GET", "MaxMemory")).isEqualTo("*2\r\n$9\r\nMaxMemory\r\n$1\r\n0\r\n");
            assertThat(call(r, "CONFIG", "GET", "nosuch")).isEqualTo("*0\r\n");
            assertThat(call(r, "CONFIG", "GET", "hash-max-ziplist-entries"))
                    .isEqualTo("*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n");
        }
    }

    @Test
    void hiddenParametersAnswerOnlyTheirExactName() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(names(call(r, "CONFIG", "GET", "*"))).doesNotContain("key-load-delay", "shards")
                    .contains("port", "hz", "save", "appendonly", "slowlog-max-len");
            assertThat(call(r, "CONFIG", "GET", "key-load-delay")).isEqualTo("*2\r\n$14\r\nkey-load-delay\r\n$1\r\n0\r\n");
            assertThat(call(r, "CONFIG", "GET", "shards")).isEqualTo("*2\r\n$6\r\nshards\r\n$2\r\n16\r\n");
        }
    }

    @Test
    void getRepliesAMapInResp3() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "HELLO", "3");
            assertThat(call(r, "CONFIG", "GET", "maxmemory")).isEqualTo("%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
        }
    }

    @Test
    void everyListedParameterCanBeSetToItsOwnValue() {
        // Redis's "CONFIG sanity" test, with its list of parameters that cannot be set at run time.
        List<String> skip = List.of("rdbchecksum", "daemonize", "io-threads-do-reads", "tcp-backlog", "always-show-logo",
                "syslog-enabled", "cluster-enabled", "disable-thp", "aclfile", "unixsocket", "pidfile", "syslog-ident",
                "appendfilename", "appenddirname", "supervised", "syslog-facility", "databases", "io-threads", "logfile",
                "unixsocketperm", "replicaof", "slaveof", "requirepass", "server_cpulist", "bio_cpulist",
                "aof_rewrite_cpulist", "bgsave_cpulist", "set-proc-title", "cluster-config-file", "cluster-port",
                "oom-score-adj", "oom-score-adj-values", "enable-protected-configs", "enable-debug-command",
                "enable-module-command", "dbfilename", "dir", "socket-mark-id");
        try (Jedis j = ferrite.jedis()) {
            Map<String, String> before = j.configGet("*");
            assertThat(before).hasSizeGreaterThan(150);
            for (Map.Entry<String, String> e : before.entrySet()) {
                if (skip.contains(e.getKey())) continue;
                assertThat(j.configSet(e.getKey(), e.getValue())).as(e.getKey()).isEqualTo("OK");
            }
            assertThat(j.configGet("*")).isEqualTo(before);
        }
    }

    @Test
    void setOfSeveralParametersIsAllOrNothing() throws IOException {
        try (RawConnection r = raw()) {
            try {
                assertThat(call(r, "CONFIG", "SET", "maxmemory", "10mb", "slowlog-max-len", "5")).isEqualTo("+OK\r\n");
                assertThat(call(r, "CONFIG", "GET", "maxmemory")).endsWith("$8\r\n10485760\r\n");
                assertThat(call(r, "CONFIG", "SET", "maxmemory", "1", "maxmemory-clients", "200%", "client-query-buffer-limit", "x"))
                        .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
                                + "percentage argument must be less or equal to 100\r\n");
                assertThat(call(r, "CONFIG", "GET", "maxmemory")).endsWith("$8\r\n10485760\r\n");
                assertThat(call(r, "CONFIG", "SET", "maxmemory", "2mb", "port", "1")).isEqualTo("-ERR CONFIG SET failed "
                        + "(possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n");
                assertThat(call(r, "CONFIG", "GET", "maxmemory")).endsWith("$8\r\n10485760\r\n");
                assertThat(call(r, "CONFIG", "GET", "port")).endsWith("$1\r\n0\r\n");
            } finally {
                call(r, "CONFIG", "SET", "maxmemory", "0", "slowlog-max-len", "128");
            }
        }
    }

    @Test
    void setRejectsNamesWithRedisErrors() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CONFIG", "SET", "foo", "1", "daemonize", "yes"))
                    .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
            assertThat(call(r, "CONFIG", "SET", "daemonize", "yes", "foo", "1"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n");
            assertThat(call(r, "CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter\r\n");
            assertThat(call(r, "CONFIG", "SET", "dir", "/tmp"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n");
            assertThat(call(r, "CONFIG", "SET", "maxmemory", "1", "hz")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "CONFIG", "SET", "maxmemory"))
                    .isEqualTo("-ERR wrong number of arguments for 'config|set' command\r\n");
            assertThat(call(r, "CONFIG", "GET", "maxmemory")).endsWith("$1\r\n0\r\n");
        }
    }

    @Test
    void setRejectsValuesWithRedisReasons() throws IOException {
        String prefix = "-ERR CONFIG SET failed (possibly related to argument ";
        try (RawConnection r = raw()) {
            assertThat(call(r, "CONFIG", "SET", "appendonly", "maybe")).isEqualTo(prefix + "'appendonly') - argument must be 'yes' or 'no'\r\n");
            assertThat(call(r, "CONFIG", "SET", "appendonly", "yes")).isEqualTo(prefix + "'appendonly') - Ferrite has no "
                    + "append-only file yet: only RDB snapshots (save, SAVE, BGSAVE) persist the data\r\n");
            assertThat(call(r, "CONFIG", "SET", "appendonly", "no")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CONFIG", "SET", "maxmemory", "lots")).isEqualTo(prefix + "'maxmemory') - argument must be a memory value\r\n");
            assertThat(call(r, "CONFIG", "SET", "maxmemory-clients", "x")).isEqualTo(prefix + "'maxmemory-clients') - argument must be a memory or percent value\r\n");
            assertThat(call(r, "CONFIG", "SET", "port", "70000")).isEqualTo(prefix + "'port') - argument must be between 0 and 65535 inclusive\r\n");
            assertThat(call(r, "CONFIG", "SET", "timeout", "1.5")).isEqualTo(prefix + "'timeout') - argument couldn't be parsed into an integer\r\n");
            assertThat(call(r, "CONFIG", "SET", "hash-max-ziplist-entries", "x")).isEqualTo(prefix + "'hash-max-ziplist-entries') - argument couldn't be parsed into an integer\r\n");
            assertThat(call(r, "CONFIG", "SET", "maxmemory-policy", "lru")).isEqualTo(prefix + "'maxmemory-policy') - argument(s) must be one of the following: "
                    + "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n");
            assertThat(call(r, "CONFIG", "SET", "save", "100")).isEqualTo(prefix + "'save') - Invalid save parameters\r\n");
            assertThat(call(r, "CONFIG", "SET", "notify-keyspace-events", "Q")).isEqualTo(prefix + "'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
            assertThat(call(r, "CONFIG", "SET", "shutdown-on-sigint", "save nosave")).isEqualTo(prefix + "'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously\r\n");
            assertThat(call(r, "CONFIG", "SET", "client-output-buffer-limit", "master 1 1 1")).isEqualTo(prefix + "'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.\r\n");
            assertThat(call(r, "CONFIG", "SET", "activedefrag", "yes")).startsWith(prefix + "'activedefrag') - Active defragmentation cannot be enabled");
        }
    }

    @Test
    void specialValuesAreStoredInRedisCanonicalForm() throws IOException {
        try (RawConnection r = raw()) {
            try {
                call(r, "CONFIG", "SET", "notify-keyspace-events", "KExg", "maxmemory-clients", "10%",
                        "shutdown-on-sigint", "nosave force now", "latency-tracking-info-percentiles", "50.0 99.90",
                        "client-output-buffer-limit", "replica 1mb 2mb 10", "save", "100 10 200 20", "maxmemory", "1gb");
                assertThat(call(r, "CONFIG", "GET", "notify-keyspace-events")).endsWith("$4\r\ngxKE\r\n");
                assertThat(call(r, "CONFIG", "GET", "maxmemory-clients")).endsWith("$3\r\n10%\r\n");
                assertThat(call(r, "CONFIG", "GET", "shutdown-on-sigint")).endsWith("$16\r\nnosave now force\r\n");
                assertThat(call(r, "CONFIG", "GET", "latency-tracking-info-percentiles")).endsWith("$7\r\n50 99.9\r\n");
                assertThat(call(r, "CONFIG", "GET", "client-output-buffer-limit"))
                        .endsWith("normal 0 0 0 slave 1048576 2097152 10 pubsub 33554432 8388608 60\r\n");
                assertThat(call(r, "CONFIG", "GET", "save")).endsWith("$13\r\n100 10 200 20\r\n");
                assertThat(call(r, "CONFIG", "GET", "maxmemory")).endsWith("$10\r\n1073741824\r\n");
                assertThat(ferrite.server().config().notifyKeyspaceEvents.longValue())
                        .isEqualTo(FerriteConfig.NOTIFY_KEYSPACE | FerriteConfig.NOTIFY_KEYEVENT
                                | FerriteConfig.NOTIFY_EXPIRED | FerriteConfig.NOTIFY_GENERIC);
            } finally {
                call(r, "CONFIG", "SET", "notify-keyspace-events", "", "maxmemory-clients", "0", "shutdown-on-sigint",
                        "default", "latency-tracking-info-percentiles", "50 99 99.9", "client-output-buffer-limit",
                        "slave 268435456 67108864 60", "save", "3600 1 300 100 60 10000", "maxmemory", "0");
            }
        }
    }

    @Test
    void hzIsKeptWithinOneAndFiveHundred() throws IOException {
        try (RawConnection r = raw()) {
            try {
                call(r, "CONFIG", "SET", "hz", "0");
                assertThat(call(r, "CONFIG", "GET", "hz")).endsWith("$1\r\n1\r\n");
                call(r, "CONFIG", "SET", "hz", "100000");
                assertThat(call(r, "CONFIG", "GET", "hz")).endsWith("$3\r\n500\r\n");
                assertThat(ferrite.server().config().hz.intValue()).isEqualTo(500);
            } finally {
                call(r, "CONFIG", "SET", "hz", "10");
            }
        }
    }

    @Test
    void maxclientsAppliesToNewConnections() throws IOException {
        try (RawConnection r = raw()) {
            try {
                // This connection alone fills a limit of one.
                assertThat(call(r, "CONFIG", "SET", "maxclients", "1")).isEqualTo("+OK\r\n");
                try (RawConnection refused = raw()) {
                    assertThat(refused.readReply()).isEqualTo("-ERR max number of clients reached\r\n");
                    assertThat(refused.closedByServer()).isTrue();
                }
            } finally {
                call(r, "CONFIG", "SET", "maxclients", "10000");
            }
            try (RawConnection accepted = raw()) {
                assertThat(call(accepted, "PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void protoMaxBulkLenAppliesAtRunTime() throws IOException {
        try (RawConnection r = raw()) {
            try {
                call(r, "CONFIG", "SET", "proto-max-bulk-len", "1mb");
                try (RawConnection big = raw()) {
                    big.send("*2\r\n$4\r\nECHO\r\n$2000000\r\n");
                    assertThat(big.readReply()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
                }
            } finally {
                call(r, "CONFIG", "SET", "proto-max-bulk-len", "512mb");
            }
            assertThat(call(r, "CONFIG", "GET", "proto-max-bulk-len")).endsWith("$9\r\n536870912\r\n");
        }
    }

    @Test
    void slowlogThresholdAppliesAtRunTime() throws IOException {
        try (RawConnection r = raw()) {
            try {
                call(r, "CONFIG", "SET", "slowlog-log-slower-than", "0");
                call(r, "SLOWLOG", "RESET");
                call(r, "PING");
                assertThat(call(r, "SLOWLOG", "LEN")).isEqualTo(":2\r\n");
            } finally {
                call(r, "CONFIG", "SET", "slowlog-log-slower-than", "10000");
            }
        }
    }

    @Test
    void resetstatZeroesTheCounters() {
        try (Jedis j = ferrite.jedis()) {
            j.set("a", "1");
            j.get("a");
            assertThat(j.configResetStat()).isEqualTo("OK");
            String stats = j.info("stats");
            assertThat(stats).contains("keyspace_hits:0\r\n").contains("total_commands_processed:1\r\n");
            assertThat(j.info("commandstats")).doesNotContain("cmdstat_get");
        }
    }

    @Test
    void rewriteWithoutAConfigFileIsAnError() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CONFIG", "REWRITE")).isEqualTo("-ERR The server is running without a config file\r\n");
        }
    }

    @Test
    void helpListsTheSubcommands() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CONFIG", "HELP")).isEqualTo("*11\r\n"
                    + "+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+GET <pattern>\r\n+    Return parameters matching the glob-like <pattern> and their values.\r\n"
                    + "+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n"
                    + "+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n"
                    + "+REWRITE\r\n+    Rewrite the configuration file.\r\n+HELP\r\n+    Print this help.\r\n");
        }
    }
}
