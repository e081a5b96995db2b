package io.ferrite.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** The wire protocol over a real socket: pipelining, inline commands, errors, limits. */
class ProtocolTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @Test
    void pipelineOfTenThousandCommandsRepliesInOrder() {
        try (Jedis j = ferrite.jedis()) {
            Pipeline p = j.pipelined();
            Response<?>[] rs = new Response<?>[10_000];
            for (int i = 0; i < 10_000; i++) {
                rs[i] = (i % 2 == 0) ? p.set("k" + i, "v" + i) : p.get("k" + (i - 1));
            }
            p.sync();
            for (int i = 0; i < 10_000; i++) {
                assertThat(rs[i].get()).isEqualTo(i % 2 == 0 ? "OK" : "v" + (i - 1));
            }
        }
    }

    @Test
    void rawPipelineInOneWriteGetsAllRepliesInOrder() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 1000; i++) sb.append("*2\r\n$4\r\nECHO\r\n$").append(Integer.toString(i).length()).append("\r\n").append(i).append("\r\n");
            c.send(sb.toString());
            for (int i = 0; i < 1000; i++) assertThat(c.readReply()).isEqualTo("$" + Integer.toString(i).length() + "\r\n" + i + "\r\n");
        }
    }

    @Test
    void timeAdvancesBetweenTheCommandsOfOneReadBatch() throws IOException {
        // One write, so the three commands arrive in one read: the event loop takes the wall
        // clock once per batch and advances it per command (CommandClock). A key with a 50 ms
        // TTL must be gone for the GET after a 150 ms sleep in the same batch.
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("CONFIG", "RESETSTAT");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            c.command("DEBUG", "SET-ACTIVE-EXPIRE", "0"); // only the GET's own expiry check may remove k1
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            c.send("*5\r\n$3\r\nSET\r\n$2\r\nk1\r\n$1\r\nv\r\n$2\r\nPX\r\n$2\r\n50\r\n"
                    + "*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.15\r\n"
                    + "*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            assertThat(c.readReply()).isEqualTo("$-1\r\n");
            c.command("INFO", "commandstats");
            String info = c.readReply();
            long usec = Long.parseLong(info.replaceAll("(?s).*cmdstat_debug:calls=\\d+,usec=(\\d+),.*", "$1"));
            assertThat(usec).isBetween(150_000L, 5_000_000L);
            c.command("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
        }
    }

    @Test
    void inlineCommandsWork() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.send("PING\r\n");
            assertThat(c.readReply()).isEqualTo("+PONG\r\n");
            c.send("set greeting \"hello world\"\n");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            c.send("get greeting\r\n");
            assertThat(c.readReply()).isEqualTo("$11\r\nhello world\r\n");
            c.send("\r\n\r\nPING\r\n"); // empty lines are ignored
            assertThat(c.readReply()).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void commandSplitAcrossManyWritesIsDecoded() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ferrite.port()); RawConnection check = new RawConnection(ferrite.port())) {
            OutputStream out = s.getOutputStream();
            byte[] cmd = "*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$5\r\nvalue\r\n".getBytes(StandardCharsets.UTF_8);
            for (byte b : cmd) {
                out.write(b);
                out.flush();
                Thread.sleep(1);
            }
            byte[] reply = s.getInputStream().readNBytes(5);
            assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("+OK\r\n");
            check.command("GET", "split");
            assertThat(check.readReply()).isEqualTo("$5\r\nvalue\r\n");
        }
    }

    @Test
    void unknownCommandAndWrongArityGetRedisErrors() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("NOSUCH", "a", "b");
            assertThat(c.readReply()).isEqualTo("-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n");
            c.command("GET");
            assertThat(c.readReply()).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
            c.command("CONFIG", "NOPE");
            assertThat(c.readReply()).isEqualTo("-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n");
            c.command("get", "k"); // lower-case names work (Sidekiq's llen, Garnet #216)
            assertThat(c.readReply()).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void protocolErrorRepliesAndClosesOnlyThatConnection() throws IOException {
        try (RawConnection bad = new RawConnection(ferrite.port()); Jedis other = ferrite.jedis()) {
            other.set("survivor", "1");
            bad.send("*1\r\n$x\r\n");
            assertThat(bad.readReply()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            assertThat(bad.closedByServer()).isTrue();
            assertThat(other.get("survivor")).isEqualTo("1");
        }
    }

    @Test
    void twoGigabyteBulkLengthIsRefused() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.send("*2\r\n$3\r\nGET\r\n$2147483648\r\n");
            assertThat(c.readReply()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void randomBytesNeverTakeTheServerDown() throws Exception {
        Random rnd = new Random(7);
        for (int round = 0; round < 50; round++) {
            try (Socket s = new Socket("127.0.0.1", ferrite.port())) {
                byte[] junk = new byte[1 + rnd.nextInt(4096)];
                rnd.nextBytes(junk);
                if (round % 3 == 0) junk[0] = '*';
                if (round % 3 == 1) junk[0] = '$';
                s.getOutputStream().write(junk);
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // the server may close first; that is fine
            }
        }
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
            j.set("after", "junk");
            assertThat(j.get("after")).isEqualTo("junk");
        }
    }

    @Test
    void clientDisconnectingMidPipelineLeavesOthersUnaffected() throws Exception {
        try (Jedis other = ferrite.jedis()) {
            for (int round = 0; round < 20; round++) {
                Socket s = new Socket("127.0.0.1", ferrite.port());
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 500; i++) sb.append("*3\r\n$3\r\nSET\r\n$4\r\nmid").append(i % 10).append("\r\n$1\r\nx\r\n");
                sb.append("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$100\r\nonly-part"); // cut inside a bulk
                s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
                s.setSoLinger(true, 0);
                s.close();
            }
            assertThat(other.ping()).isEqualTo("PONG");
            assertThat(other.get("half")).isNull();
        }
    }

    @Test
    void repliesStayWholeWhenTheClientReadsSlowly() throws Exception {
        // The client sends 400 GETs of a 20 KB value, then thousands of small ECHOs one write at
        // a time, and reads nothing for a while: the socket fills, replies queue in Netty, and
        // the small batches are written behind them. Output buffers are reused between batches
        // only once Netty has written them; one reused too early would overwrite queued replies.
        String big = "b".repeat(20_000);
        int gets = 400, echoes = 3000;
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("SET", "big", big);
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    c.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(gets));
                    for (int i = 0; i < echoes; i++) {
                        String arg = echoArg(i);
                        c.send("*2\r\n$4\r\nECHO\r\n$" + arg.length() + "\r\n" + arg + "\r\n");
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(500);
            String wantBig = "$20000\r\n" + big + "\r\n";
            for (int i = 0; i < gets; i++) {
                String got = c.readReply();
                if (!got.equals(wantBig)) assertThat(got).as("GET reply %d", i).isEqualTo(wantBig);
            }
            for (int i = 0; i < echoes; i++) {
                assertThat(c.readReply()).as("ECHO reply %d", i).isEqualTo("$" + echoArg(i).length() + "\r\n" + echoArg(i) + "\r\n");
            }
            sender.join();
        }
    }

    private static String echoArg(int i) {
        return i + ":" + "e".repeat(20 + i % 97);
    }

    @Test
    void hundredThousandConnectionsOpenedAndClosed() throws Exception {
        int threads = 4, each = 25_000;
        List<Thread> ts = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    try (Socket s = new Socket("127.0.0.1", ferrite.port())) {
                        s.setSoLinger(true, 0); // RST on close: no TIME_WAIT pile-up on the client side
                        if (i % 100 == 0) {
                            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                            if (s.getInputStream().read() != '+') failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : ts) t.join();
        assertThat(failures.get()).isZero();
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
        }
        // connections are unregistered when they close
        long deadline = System.currentTimeMillis() + 10_000;
        while (ferrite.server().clients().size() > 1 && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(ferrite.server().clients().size()).isLessThanOrEqualTo(1);
    }

    @Test
    void largeValuesRoundTrip() {
        try (Jedis j = ferrite.jedis()) {
            byte[] big = new byte[20 * 1024 * 1024];
            new Random(1).nextBytes(big);
            j.set("big".getBytes(), big);
            assertThat(j.get("big".getBytes())).isEqualTo(big);
        }
    }

    @Test
    void resp3HelloSwitchesReplyTypes() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("HELLO", "3");
            String hello = c.readReply();
            assertThat(hello).startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n");
            assertThat(hello).contains("$5\r\nproto\r\n:3\r\n");
            c.command("GET", "missing");
            assertThat(c.readReply()).isEqualTo("_\r\n");
            c.command("CONFIG", "GET", "maxclients");
            assertThat(c.readReply()).isEqualTo("%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
            c.command("HELLO", "2");
            c.readReply();
            c.command("GET", "missing");
            assertThat(c.readReply()).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void debugProtocolEmitsEveryResp3Type() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("HELLO", "3");
            c.readReply();
            c.command("DEBUG", "PROTOCOL", "bignum");
            assertThat(c.readReply()).isEqualTo("(1234567999999999999999999999999999999\r\n");
            c.command("DEBUG", "PROTOCOL", "double");
            assertThat(c.readReply()).isEqualTo(",3.141\r\n");
            c.command("DEBUG", "PROTOCOL", "map");
            assertThat(c.readReply()).isEqualTo("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
            c.command("DEBUG", "PROTOCOL", "attrib");
            assertThat(c.readLine()).isEqualTo("|1");
            assertThat(c.readReply()).isEqualTo("$14\r\nkey-popularity\r\n");
            assertThat(c.readReply()).isEqualTo("*2\r\n$7\r\nkey:123\r\n:90\r\n");
            assertThat(c.readReply()).isEqualTo("$39\r\nSome real reply following the attribute\r\n");
            c.command("DEBUG", "PROTOCOL", "verbatim");
            assertThat(c.readReply()).isEqualTo("=29\r\ntxt:This is a verbatim\nstring\r\n");
        }
    }

    @Test
    void debugDigestValueMatchesForCopiesAndChangesWithContent() throws IOException {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("RPUSH", "l", "a", "b");
            c.readReply();
            c.command("COPY", "l", "l2");
            c.readReply();
            c.command("DEBUG", "DIGEST-VALUE", "l", "l2", "missing");
            String r = c.readReply();
            String[] lines = r.split("\r\n");
            assertThat(lines[0]).isEqualTo("*3");
            assertThat(lines[1]).isEqualTo(lines[2]).matches("\\+[0-9a-f]{40}");
            assertThat(lines[3]).isEqualTo("+" + "0".repeat(40));
            c.command("RPUSH", "l2", "c");
            c.readReply();
            c.command("DEBUG", "DIGEST-VALUE", "l", "l2");
            String[] after = c.readReply().split("\r\n");
            assertThat(after[1]).isNotEqualTo(after[2]);
        }
    }
}
