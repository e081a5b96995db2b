package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** MODULE: the built-in time-series engine reported as RedisTimeSeries is; nothing loads. */
class ModuleCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final String NOT_ALLOWED = "-ERR MODULE command not allowed. If the enable-module-command option "
            + "is set to \"local\", you can run it from a local connection, otherwise you need to set this option in "
            + "the configuration file, and then restart the server.\r\n";

    @Test
    void moduleListShowsTimeseriesAsRedisWithTheModuleDoes() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            assertThat(r.command("MODULE", "LIST").readReply()).isEqualTo("*1\r\n*8\r\n$4\r\nname\r\n$10\r\ntimeseries\r\n"
                    + "$3\r\nver\r\n:11200\r\n$4\r\npath\r\n$7\r\nbuiltin\r\n$4\r\nargs\r\n*0\r\n");
            r.command("HELLO", "3").readReply();
            assertThat(r.command("MODULE", "LIST").readReply()).startsWith("*1\r\n%4\r\n$4\r\nname\r\n$10\r\ntimeseries\r\n");
        }
        try (Jedis j = ferrite.jedis()) {
            // The client library's own parsing of the reply.
            var modules = j.moduleList();
            assertThat(modules).hasSize(1);
            assertThat(modules.get(0).getName()).isEqualTo("timeseries");
            assertThat(modules.get(0).getVersion()).isEqualTo(11200);
            assertThat(j.info("modules")).contains("module:name=timeseries,ver=11200,api=1,filters=0,usedby=[],using=[],options=[]");
        }
    }

    @Test
    void loadingAndUnloadingAreRefusedAsRedisRefusesThem() throws IOException {
        try (RawConnection r = new RawConnection(ferrite.port())) {
            // enable-module-command is "no" by default, as in Redis.
            assertThat(r.command("MODULE", "LOAD", "/tmp/x.so").readReply()).isEqualTo(NOT_ALLOWED);
            assertThat(r.command("MODULE", "LOADEX", "/tmp/x.so", "ARGS", "a").readReply()).isEqualTo(NOT_ALLOWED);
            assertThat(r.command("MODULE", "UNLOAD", "timeseries").readReply()).isEqualTo(NOT_ALLOWED);
            assertThat(r.command("MODULE", "LOAD").readReply())
                    .isEqualTo("-ERR wrong number of arguments for 'module|load' command\r\n");
            assertThat(r.command("MODULE", "NOPE").readReply()).startsWith("-ERR unknown subcommand 'NOPE'. Try MODULE HELP.");
            String help = r.command("MODULE", "HELP").readReply();
            assertThat(help).startsWith("*11\r\n+MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
        }
    }
}
