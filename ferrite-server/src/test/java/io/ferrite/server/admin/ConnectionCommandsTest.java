package io.ferrite.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.Version;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PING ECHO HELLO SELECT QUIT RESET and CLIENT *, checked byte for byte over a raw socket. */
class ConnectionCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String call(RawConnection r, String... args) throws IOException {
        return r.command(args).readReply();
    }

    private RawConnection raw() throws IOException {
        return new RawConnection(ferrite.port());
    }

    private static long clientId(RawConnection r) throws IOException {
        String reply = call(r, "CLIENT", "ID");
        return Long.parseLong(reply.substring(1).trim());
    }

    /** A field of the CLIENT INFO line of this connection. */
    private static String clientField(RawConnection r, String field) throws IOException {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(field) + "=(\\S*)").matcher(call(r, "CLIENT", "INFO"));
        assertThat(m.find()).as(field).isTrue();
        return m.group(1);
    }

    @Test
    void pingRepliesPongOrItsArgument() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "PING")).isEqualTo("+PONG\r\n");
            assertThat(call(r, "PING", "hello")).isEqualTo("$5\r\nhello\r\n");
            assertThat(call(r, "PING", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
        }
    }

    @Test
    void echoRepliesItsArgumentAndChecksArity() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "ECHO", "")).isEqualTo("$0\r\n\r\n");
            assertThat(call(r, "ECHO", "a b")).isEqualTo("$3\r\na b\r\n");
            assertThat(call(r, "ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command\r\n");
        }
    }

    @Test
    void hello3RepliesTheServerMapAndSwitchesToResp3() throws IOException {
        try (RawConnection r = raw()) {
            long id = clientId(r);
            assertThat(call(r, "HELLO", "3")).isEqualTo("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$"
                    + Version.REDIS.length() + "\r\n" + Version.REDIS + "\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:" + id
                    + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*1\r\n"
                    + "%4\r\n$4\r\nname\r\n$10\r\ntimeseries\r\n$3\r\nver\r\n:11200\r\n$4\r\npath\r\n$7\r\nbuiltin\r\n"
                    + "$4\r\nargs\r\n*0\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("_\r\n");
            assertThat(clientField(r, "resp")).isEqualTo("3");
        }
    }

    @Test
    void hello2RepliesAFlatArrayAndBackToResp2() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "HELLO", "3");
            String reply = call(r, "HELLO", "2");
            assertThat(reply).startsWith("*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n").contains("$5\r\nproto\r\n:2\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void helloWithoutVersionKeepsTheProtocol() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "HELLO")).contains("$5\r\nproto\r\n:2\r\n");
            call(r, "HELLO", "3");
            assertThat(call(r, "HELLO")).startsWith("%7\r\n").contains("$5\r\nproto\r\n:3\r\n");
        }
    }

    @Test
    void helloRejectsBadVersionsAndOptions() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(call(r, "HELLO", "1")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(call(r, "HELLO", "three")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            assertThat(call(r, "HELLO", "3", "Foo")).isEqualTo("-ERR Syntax error in HELLO option 'Foo'\r\n");
            assertThat(call(r, "HELLO", "3", "SETNAME")).isEqualTo("-ERR Syntax error in HELLO option 'SETNAME'\r\n");
            assertThat(call(r, "HELLO", "3", "AUTH", "default")).isEqualTo("-ERR Syntax error in HELLO option 'AUTH'\r\n");
            // Nothing changed: still RESP2.
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void helloSetnameNamesTheConnectionOnlyWhenValid() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "HELLO", "2", "SETNAME", "bad name"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(call(r, "HELLO", "2", "SETNAME", "worker-1")).startsWith("*14\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$8\r\nworker-1\r\n");
        }
    }

    @Test
    void helloAuthWithoutRequirepassAcceptsTheDefaultUserOnly() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "HELLO", "3", "AUTH", "default", "anything")).startsWith("%7\r\n");
            assertThat(call(r, "HELLO", "3", "AUTH", "bob", "anything"))
                    .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        }
    }

    @Test
    void authWithoutRequirepassExplainsTheConfiguration() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "AUTH", "pw")).isEqualTo("-ERR AUTH <password> called without any password configured "
                    + "for the default user. Are you sure your configuration is correct?\r\n");
            assertThat(call(r, "AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void selectAcceptsOnlyExistingDatabases() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "SELECT", "15")).isEqualTo("+OK\r\n");
            assertThat(clientField(r, "db")).isEqualTo("15");
            assertThat(call(r, "SELECT", "16")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(call(r, "SELECT", "-1")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(call(r, "SELECT", "one")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(clientField(r, "db")).isEqualTo("15");
        }
    }

    @Test
    void quitRepliesOkAndCloses() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "QUIT")).isEqualTo("+OK\r\n");
            assertThat(r.closedByServer()).isTrue();
        }
    }

    @Test
    void resetRestoresTheConnectionDefaultsButKeepsTheLibraryName() throws IOException {
        try (RawConnection r = raw()) {
            call(r, "HELLO", "3", "SETNAME", "named");
            call(r, "SELECT", "4");
            call(r, "CLIENT", "NO-EVICT", "on");
            call(r, "CLIENT", "SETINFO", "lib-name", "mylib");
            assertThat(call(r, "RESET")).isEqualTo("+RESET\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(clientField(r, "db")).isEqualTo("0");
            assertThat(clientField(r, "flags")).isEqualTo("N");
            assertThat(clientField(r, "resp")).isEqualTo("2");
            assertThat(clientField(r, "lib-name")).isEqualTo("mylib");
        }
    }

    @Test
    void clientIdIsStablePerConnectionAndUnique() throws IOException {
        try (RawConnection a = raw(); RawConnection b = raw()) {
            long id = clientId(a);
            assertThat(clientId(a)).isEqualTo(id);
            assertThat(clientId(b)).isNotEqualTo(id);
            assertThat(clientField(a, "id")).isEqualTo(Long.toString(id));
        }
    }

    @Test
    void clientSetnameAndGetname() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(call(r, "CLIENT", "SETNAME", "a b"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(call(r, "CLIENT", "SETNAME", "app")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$3\r\napp\r\n");
            assertThat(clientField(r, "name")).isEqualTo("app");
            assertThat(call(r, "CLIENT", "SETNAME", "")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void clientInfoDescribesTheCallerWhileItRuns() throws IOException {
        try (RawConnection r = raw()) {
            String info = call(r, "CLIENT", "INFO");
            // The running command is still in the query buffer: *2 $6 client $4 info = 26 bytes.
            assertThat(info).matches("(?s)\\$\\d+\r\nid=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=\\d+ "
                    + "name= age=\\d+ idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=\\d+ "
                    + "argv-mem=10 multi-mem=0 rbs=\\d+ rbp=\\d+ obl=0 oll=0 omem=0 tot-mem=\\d+ events=r "
                    + "cmd=client\\|info user=default redir=-1 resp=2 lib-name= lib-ver= io-thread=\\d+\n\r\n");
        }
    }

    @Test
    void clientListShowsEveryConnectionWithItsLastCommand() throws IOException {
        try (RawConnection a = raw(); RawConnection b = raw()) {
            call(a, "CLIENT", "SETNAME", "listed");
            long ida = clientId(a);
            call(a, "PING");
            String list = call(b, "CLIENT", "LIST");
            assertThat(list).contains("id=" + ida + " ").contains("name=listed").contains("cmd=ping")
                    .contains("cmd=client|list");
            assertThat(call(b, "CLIENT", "LIST", "TYPE", "normal")).contains("id=" + ida + " ");
            assertThat(call(b, "CLIENT", "LIST", "TYPE", "pubsub")).isEqualTo("$0\r\n\r\n");
            assertThat(call(b, "CLIENT", "LIST", "TYPE", "bogus")).isEqualTo("-ERR Unknown client type 'bogus'\r\n");
            String twice = call(b, "CLIENT", "LIST", "ID", Long.toString(ida), Long.toString(ida), "999999");
            assertThat(twice.split("\n")).filteredOn(l -> l.startsWith("id=")).hasSize(2);
            assertThat(call(b, "CLIENT", "LIST", "ID", "x")).isEqualTo("-ERR Invalid client ID\r\n");
            assertThat(call(b, "CLIENT", "LIST", "foo")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void clientKillByIdClosesThatConnection() throws IOException {
        try (RawConnection victim = raw(); RawConnection killer = raw()) {
            long id = clientId(victim);
            assertThat(call(killer, "CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(":1\r\n");
            assertThat(victim.closedByServer()).isTrue();
            assertThat(call(killer, "CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(":0\r\n");
        }
    }

    @Test
    void clientKillByAddressOldFormRepliesOk() throws IOException {
        try (RawConnection victim = raw(); RawConnection killer = raw()) {
            String addr = clientField(victim, "addr");
            assertThat(call(killer, "CLIENT", "KILL", addr)).isEqualTo("+OK\r\n");
            assertThat(victim.closedByServer()).isTrue();
            assertThat(call(killer, "CLIENT", "KILL", addr)).isEqualTo("-ERR No such client\r\n");
        }
    }

    @Test
    void clientKillNewFormFiltersAndSkipsTheCallerByDefault() throws IOException {
        try (RawConnection victim = raw(); RawConnection killer = raw()) {
            String addr = clientField(victim, "addr");
            String myAddr = clientField(killer, "addr");
            assertThat(call(killer, "CLIENT", "KILL", "ADDR", myAddr)).isEqualTo(":0\r\n");
            assertThat(call(killer, "CLIENT", "KILL", "ADDR", addr, "USER", "default")).isEqualTo(":1\r\n");
            assertThat(victim.closedByServer()).isTrue();
            assertThat(call(killer, "CLIENT", "KILL", "ID", Long.toString(clientId(killer)), "SKIPME", "no"))
                    .isEqualTo(":1\r\n");
            assertThat(killer.closedByServer()).isTrue();
        }
    }

    @Test
    void clientKillRejectsBadArgumentsWithRedisErrors() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CLIENT", "KILL")).isEqualTo("-ERR wrong number of arguments for 'client|kill' command\r\n");
            assertThat(call(r, "CLIENT", "KILL", "ID", "10", "extra")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "CLIENT", "KILL", "ID", "str")).isEqualTo("-ERR client-id should be greater than 0\r\n");
            assertThat(call(r, "CLIENT", "KILL", "ID", "0")).isEqualTo("-ERR client-id should be greater than 0\r\n");
            assertThat(call(r, "CLIENT", "KILL", "TYPE", "wrong")).isEqualTo("-ERR Unknown client type 'wrong'\r\n");
            assertThat(call(r, "CLIENT", "KILL", "USER", "nobody")).isEqualTo("-ERR No such user 'nobody'\r\n");
            assertThat(call(r, "CLIENT", "KILL", "SKIPME", "maybe")).isEqualTo("-ERR syntax error\r\n");
            assertThat(call(r, "CLIENT", "KILL", "MAXAGE", "1")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void clientReplyOffSilencesEveryReplyUntilOn() throws IOException {
        try (RawConnection r = raw()) {
            r.command("CLIENT", "REPLY", "OFF").command("PING", "a").command("PING", "b").command("CLIENT", "REPLY", "ON");
            assertThat(r.readReply()).isEqualTo("+OK\r\n");
            assertThat(call(r, "PING", "c")).isEqualTo("$1\r\nc\r\n");
        }
    }

    @Test
    void clientReplySkipSilencesOnlyTheNextCommand() throws IOException {
        try (RawConnection r = raw()) {
            r.command("CLIENT", "REPLY", "SKIP").command("PING", "a").command("PING", "b");
            assertThat(r.readReply()).isEqualTo("$1\r\nb\r\n");
        }
    }

    @Test
    void clientReplyOnRightAfterSkipStillRepliesOk() throws IOException {
        try (RawConnection r = raw()) {
            r.command("CLIENT", "REPLY", "SKIP").command("CLIENT", "REPLY", "ON");
            assertThat(r.readReply()).isEqualTo("+OK\r\n");
            assertThat(call(r, "PING")).isEqualTo("+PONG\r\n");
            assertThat(call(r, "CLIENT", "REPLY", "maybe")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void clientSetinfoSetsTheLibraryAndRejectsBadValues() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CLIENT", "SETINFO", "LIB-NAME", "redis.py")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CLIENT", "SETINFO", "lib-ver", "1.2.3")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CLIENT", "SETINFO", "lib-name", "redis py"))
                    .isEqualTo("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
            assertThat(call(r, "CLIENT", "SETINFO", "badger", "x")).isEqualTo("-ERR Unrecognized option 'badger'\r\n");
            assertThat(clientField(r, "lib-name")).isEqualTo("redis.py");
            assertThat(clientField(r, "lib-ver")).isEqualTo("1.2.3");
        }
    }

    @Test
    void clientNoEvictAndNoTouchShowAsFlags() throws IOException {
        try (RawConnection r = raw()) {
            assertThat(call(r, "CLIENT", "NO-EVICT", "on")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CLIENT", "NO-TOUCH", "on")).isEqualTo("+OK\r\n");
            assertThat(clientField(r, "flags")).isEqualTo("eT");
            assertThat(call(r, "CLIENT", "NO-EVICT", "off")).isEqualTo("+OK\r\n");
            assertThat(call(r, "CLIENT", "NO-TOUCH", "maybe")).isEqualTo("-ERR syntax error\r\n");
            assertThat(clientField(r, "flags")).isEqualTo("T");
        }
    }

    @Test
    void clientHelpAndUnknownSubcommands() throws IOException {
        try (RawConnection r = raw()) {
            String help = call(r, "CLIENT", "HELP");
            assertThat(help).startsWith("*").contains("+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
                    .contains("+KILL <ip:port>\r\n").endsWith("+HELP\r\n+    Print this help.\r\n");
            assertThat(call(r, "CLIENT", "TRACKING", "on")).isEqualTo("-ERR unknown subcommand 'TRACKING'. Try CLIENT HELP.\r\n");
        }
    }
}
