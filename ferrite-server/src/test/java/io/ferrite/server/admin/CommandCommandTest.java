package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.CommandListFilterByParams;
import redis.clients.jedis.resps.CommandDocument;
import redis.clients.jedis.resps.CommandInfo;

class CommandCommandTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    private RawConnection raw() throws IOException {
        return new RawConnection(ferrite.port());
    }

    @Test
    void commandCountAndCommandAloneCoverTheWholeTable() throws IOException {
        int size = ferrite.server().commandTable().size();
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "COUNT")).isEqualTo(":" + size + "\r\n");
            assertThat(call(r, "COMMAND")).startsWith("*" + size + "\r\n*10\r\n");
            assertThat(call(r, "COMMAND", "INFO")).startsWith("*" + size + "\r\n*10\r\n");
        }
    }

    @Test
    void commandInfoGetHasTheRedis7Shape() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "INFO", "GET")).isEqualTo("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n"
                    + "*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
                    + "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
                    + "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n"
                    + "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n"
                    + "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
        }
    }

    @Test
    void commandInfoUsesSetsAndMapsInResp3() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "HELLO", "3");
            assertThat(call(r, "COMMAND", "INFO", "ping")).isEqualTo("*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n~1\r\n+fast\r\n"
                    + ":0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n");
            assertThat(call(r, "COMMAND", "INFO", "nosuch")).isEqualTo("*1\r\n_\r\n");
        }
    }

    @Test
    void commandInfoOfAnUnknownCommandIsANullBulk() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "INFO", "nosuch", "config|nosuch", "get|x")).isEqualTo("*3\r\n$-1\r\n$-1\r\n$-1\r\n");
        }
    }

    @Test
    void commandInfoOfAContainerListsItsSubcommands() throws IOException {
        try (RawConnection r = raw()) {
            String config = call(r, "COMMAND", "INFO", "config");
            assertThat(config).startsWith("*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n*5\r\n")
                    .contains("$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n");
            assertThat(call(r, "COMMAND", "INFO", "CONFIG|GET")).startsWith("*1\r\n*10\r\n$10\r\nconfig|get\r\n");
        }
    }

    @Test
    void getkeysFollowsTheKeySpec() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS", "get", "k")).isEqualTo("*1\r\n$1\r\nk\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS", "del", "x", "y", "z")).isEqualTo("*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n");
        }
    }

    @Test
    void getkeysRepliesRedisErrors() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "GETKEYS", "nosuch", "a")).isEqualTo("-ERR Invalid command specified\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS", "config", "nosuch")).isEqualTo("-ERR Invalid command specified\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS", "ping")).isEqualTo("-ERR The command has no key arguments\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS", "get")).isEqualTo("-ERR Invalid number of arguments specified for command\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS", "get", "a", "b")).isEqualTo("-ERR Invalid number of arguments specified for command\r\n");
            assertThat(call(r, "COMMAND", "GETKEYS")).isEqualTo("-ERR wrong number of arguments for 'command|getkeys' command\r\n");
        }
    }

    @Test
    void getkeysandflagsPairsEachKeyWithItsAccessFlags() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "GETKEYSANDFLAGS", "get", "k"))
                    .isEqualTo("*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n");
            assertThat(call(r, "COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"))
                    .isEqualTo("*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n");
        }
    }

    @Test
    void commandListNamesCommandsAndSubcommandsWithFilters() {
        try (Jedis j = ferrite.jedis()) {
            List<String> all = j.commandList();
            assertThat(all).contains("get", "config", "config|get", "command|docs", "client|kill").doesNotHaveDuplicates();
            assertThat(j.commandListFilterBy(CommandListFilterByParams.commandListFilterByParams().filterByPattern("config|*")))
                    .containsExactlyInAnyOrder("config|get", "config|set", "config|resetstat", "config|rewrite", "config|help");
            assertThat(j.commandListFilterBy(CommandListFilterByParams.commandListFilterByParams().filterByPattern("GET")))
                    .containsExactly("get");
            assertThat(j.commandListFilterBy(CommandListFilterByParams.commandListFilterByParams().filterByAclCat("connection")))
                    .contains("ping", "client|list", "command|info").doesNotContain("get", "config|get");
            assertThat(j.commandListFilterBy(CommandListFilterByParams.commandListFilterByParams().filterByAclCat("nocat"))).isEmpty();
            assertThat(j.commandListFilterBy(CommandListFilterByParams.commandListFilterByParams().filterByModule("x"))).isEmpty();
            assertThat(j.commandListFilterBy(CommandListFilterByParams.commandListFilterByParams().filterByModule("timeseries")))
                    .contains("ts.add", "ts.range", "ts.mrange", "ts.info").allMatch(n -> n.startsWith("ts."));
        }
    }

    @Test
    void commandListRejectsBadFilters() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "LIST", "FILTERBY", "color", "x")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "COMMAND", "LIST", "FILTERBY", "pattern")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "COMMAND", "LIST", "extra")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void commandDocsGivesSummaryAndGroupAndNestsSubcommands() throws IOException {
        String ping = ferrite.server().commandTable().lookup("ping").summary();
        String wait = ferrite.server().commandTable().lookup("wait").summary();
        assertThat(ping).isNotEmpty();
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "DOCS", "ping", "nosuch")).isEqualTo("*2\r\n$4\r\nping\r\n*4\r\n$7\r\nsummary\r\n$"
                    + ping.length() + "\r\n" + ping + "\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n");
            String config = call(r, "COMMAND", "DOCS", "config");
            assertThat(config).contains("$5\r\ngroup\r\n$6\r\nserver\r\n").contains("$11\r\nsubcommands\r\n*10\r\n$10\r\nconfig|get\r\n");
            call(r, "HELLO", "3");
            assertThat(call(r, "COMMAND", "DOCS", "wait")).isEqualTo("%1\r\n$4\r\nwait\r\n%2\r\n$7\r\nsummary\r\n$"
                    + wait.length() + "\r\n" + wait + "\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n");
        }
    }

    @Test
    void commandHelpListsTheSubcommands() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "COMMAND", "HELP")).startsWith("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+(no subcommand)\r\n")
                    .endsWith("+HELP\r\n+    Print this help.\r\n");
            assertThat(call(r, "COMMAND", "foo")).isEqualTo("-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
        }
    }

    @Test
    void jedisParsesCommandInfoAndDocs() {
        try (Jedis j = ferrite.jedis()) {
            Map<String, CommandInfo> info = j.commandInfo("get", "config");
            CommandInfo get = info.get("get");
            assertThat(get.getArity()).isEqualTo(2);
            assertThat(get.getFlags()).containsExactly("readonly", "fast");
            assertThat(get.getFirstKey()).isEqualTo(1);
            assertThat(get.getAclCategories()).containsExactly("@read", "@string", "@fast");
            assertThat(info.get("config").getSubcommands()).containsKeys("config|get", "config|set");
            assertThat(j.command()).hasSize(ferrite.server().commandTable().size());
            Map<String, CommandDocument> docs = j.commandDocs("get", "info");
            assertThat(docs.get("get").getGroup()).isEqualTo("string");
            assertThat(docs.get("info").getGroup()).isEqualTo("server");
            assertThat(j.commandGetKeys("mset", "a", "1", "b", "2")).containsExactly("a", "b");
            assertThat(j.commandCount()).isEqualTo(ferrite.server().commandTable().size());
        }
    }

    @Test
    void lettuceConnectsWithHello3AndReadsTheCommandTable() {
        try (StatefulRedisConnection<String, String> conn = ferrite.lettuce()) {
            RedisCommands<String, String> redis = conn.sync();
            assertThat(redis.set("k", "v")).isEqualTo("OK");
            assertThat(redis.get("k")).isEqualTo("v");
            assertThat(redis.commandCount()).isEqualTo(ferrite.server().commandTable().size());
            assertThat(redis.command()).hasSize(ferrite.server().commandTable().size());
            assertThat(redis.commandInfo("get")).hasSize(1);
            assertThat(redis.info("server")).contains("redis_version:");
            assertThat(redis.time()).hasSize(2);
        }
    }
}
