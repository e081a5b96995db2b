package io.ferrite.server;

import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.protocol.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server process's JIT warm-up ({@code warmup-ms}, default 1.5 s, longer while the JIT is
 * still compiling; see {@link JitQuiet}): before the real server listens, throwaway servers on
 * loopback ephemeral ports, each with its own keyspace, serve a mix of common commands over real
 * connections (one command per read, pipelined, a few with idle gaps between them, and on
 * connections that come and go), then close.
 *
 * <p>Why: compiled code is shared by every server in the JVM, so the commands clients send
 * first then run compiled instead of interpreted, and the JIT's compiler threads are not busy
 * on the same CPUs as the event loops during the first seconds of real traffic. Measured on the
 * 2-core box: unpipelined PFADD served about 80k requests/s in the first 200k requests after a
 * cold start and 97k once warm (docs/benchmarks.md). Nothing the throwaway servers did is seen by
 * clients: no keys, no statistics, no client ids. Only the process entry point ({@link Main})
 * warms up; embedded servers (tests) start at once.
 */
final class Warmup {
    private static final int CONNECTIONS = 8;
    private static final int PIPELINE = 16;

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {}

    /** The warm-up as the server process runs it: for warmup-ms, logged; a failure only skips it. */
    static void atStartup(FerriteConfig config) {
        long millis = config.warmupMs.longValue();
        if (millis <= 0) return;
        long start = System.nanoTime();
        try {
            long sent = run(config, millis);
            log.info("JIT warm-up: {} commands in {} ms (warmup-ms {}, 0 turns it off)", sent,
                    (System.nanoTime() - start) / 1_000_000, millis);
        } catch (IOException | RuntimeException e) {
            log.warn("JIT warm-up skipped: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the warm-up for at least {@code millis} (see {@link JitQuiet}); returns the number of
     * commands it sent. Two throwaway servers, one after the other: the second, short round meets
     * a new server's first-use paths (its event loop thread's thread-locals, its lazily built
     * latency histograms) in code compiled during the first round, which never saw them. They
     * deoptimize it there, and the JIT recompiles it with both paths while still warming up. With
     * one round the real server's first requests did that: 10 to 14 uncommon traps after it was
     * ready, against 2 to 4 now, and its first 200k unpipelined PFADDs ran at 84-89k requests/s
     * (10.6-11.1 us of server CPU each) against 95-98k (9.5-9.8 us; warm: 9.3-9.6 us).
     */
    static long run(FerriteConfig real, long millis) throws InterruptedException, IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        long sent = round(real, new JitQuiet(millis), rnd);
        return sent + round(real, new JitQuiet(Math.max(250, millis / 4)), rnd);
    }

    /** One throwaway server, driven until {@code quiet} says stop, then closed. */
    private static long round(FerriteConfig real, JitQuiet quiet, SplittableRandom rnd)
            throws InterruptedException, IOException {
        FerriteConfig config = new FerriteConfig();
        config.setAtStartup("port", "0");
        config.setAtStartup("bind", "127.0.0.1");
        config.setAtStartup("io-threads", "1");
        config.setAtStartup("shards", real.shards.value());
        FerriteServer server = FerriteServer.startQuietly(config);
        long sent = 0;
        List<Socket> sockets = new ArrayList<>();
        try {
            List<OutputStream> outs = new ArrayList<>();
            List<InputStream> ins = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                s.setSoTimeout(10_000);
                sockets.add(s);
                outs.add(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                ins.add(new BufferedInputStream(s.getInputStream(), 1 << 16));
            }
            while (!quiet.done()) {
                for (int depth : new int[] {1, PIPELINE}) {
                    for (int c = 0; c < CONNECTIONS; c++) {
                        OutputStream out = outs.get(c);
                        for (int i = 0; i < depth; i++) out.write(command(rnd));
                        out.flush();
                    }
                    for (int c = 0; c < CONNECTIONS; c++) {
                        for (int i = 0; i < depth; i++) skipReply(ins.get(c));
                    }
                    sent += (long) depth * CONNECTIONS;
                }
                // Connections come and go: the accept path shares call sites with the read path
                // (Netty's allocator handles), and a first sight of it later deoptimizes both.
                for (int i = 0; i < 4; i++) {
                    try (Socket s = new Socket()) {
                        s.setTcpNoDelay(true);
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                        s.setSoTimeout(10_000);
                        s.getOutputStream().write(command(rnd));
                        skipReply(new BufferedInputStream(s.getInputStream()));
                        sent++;
                    }
                }
                // A few requests with gaps between them, so the loop's sleep and poll paths warm up too.
                for (int i = 0; i < 4; i++) {
                    outs.get(0).write(command(rnd));
                    outs.get(0).flush();
                    skipReply(ins.get(0));
                    sent++;
                    Thread.sleep(0, 100_000 * i);
                }
            }
        } finally {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a loopback socket of a server we are about to close anyway
                }
            }
            server.close();
        }
        return sent;
    }

    /**
     * When to stop: after {@code millis}, once the JIT has compiled nothing for a quarter of a
     * second (its queue is drained, so the hot paths are compiled at the top tier, which on two
     * cores took about as long again as the traffic that queued them), and in any case after three
     * times {@code millis}.
     */
    private static final class JitQuiet {
        private static final long QUIET_NANOS = 250_000_000L;
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final long minEnd, maxEnd;
        private long compileMillis = -1, changedAt;

        JitQuiet(long millis) {
            long now = System.nanoTime();
            minEnd = now + millis * 1_000_000L;
            maxEnd = now + 3 * millis * 1_000_000L;
            changedAt = now;
        }

        boolean done() {
            long now = System.nanoTime();
            if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
                long t = jit.getTotalCompilationTime();
                if (t != compileMillis) {
                    compileMillis = t;
                    changedAt = now;
                }
            } else {
                changedAt = minEnd - QUIET_NANOS; // cannot tell: stop at the minimum
            }
            return now >= maxEnd || (now >= minEnd && now - changedAt >= QUIET_NANOS);
        }
    }

    /** One command of the mix, RESP-encoded: the writes and reads users send most. */
    private static byte[] command(SplittableRandom rnd) {
        String key = "key:" + rnd.nextInt(10_000);
        String member = "m:" + rnd.nextInt(100_000);
        String n = Integer.toString(rnd.nextInt(1_000_000_000));
        String[] args = switch (rnd.nextInt(18)) {
            case 0 -> new String[] {"SET", key, "vvvvvvvvvvvvvvvv"};
            case 1 -> new String[] {"GET", key};
            case 2 -> new String[] {"INCR", "counter:" + rnd.nextInt(10_000)};
            case 3, 4 -> new String[] {"PFADD", "hll:" + rnd.nextInt(4), n};
            case 5 -> new String[] {"PFCOUNT", "hll:" + rnd.nextInt(4)};
            case 6 -> new String[] {"ZADD", "zadd", n, member};
            case 7 -> new String[] {"ZINCRBY", "zs", "1", member};
            case 8 -> new String[] {"ZREVRANGE", "zs", "0", "9", "WITHSCORES"};
            case 9 -> new String[] {"HSET", "h", "f:" + rnd.nextInt(100_000), "v"};
            case 10 -> new String[] {"LPUSH", "list", n};
            case 11 -> new String[] {"LPOP", "list"};
            case 12 -> new String[] {"SADD", "set", member};
            case 13 -> new String[] {"XADD", "s", "MAXLEN", "~", "10000", "*", "f", "v"};
            case 14 -> new String[] {"EVAL", "return redis.call('INCR',KEYS[1])", "1", "ev:" + rnd.nextInt(1_000)};
            case 15 -> new String[] {"TS.ADD", "ts:" + rnd.nextInt(100), "*", "42.5"};
            // What clients send when they connect (redis-benchmark, Jedis, Lettuce): rarer paths
            // of the dispatcher that would otherwise deoptimize it on the first real connection.
            case 16 -> switch (rnd.nextInt(4)) {
                case 0 -> new String[] {"CONFIG", "GET", "save"};
                case 1 -> new String[] {"CLIENT", "SETINFO", "LIB-NAME", "warmup"};
                case 2 -> new String[] {"SELECT", "0"};
                default -> new String[] {"INFO", "server"};
            };
            default -> new String[] {"PING"};
        };
        return encode(args);
    }

    /** A command as a client sends it: an array of bulk strings, written by the server's own RespWriter. */
    private static byte[] encode(String... args) {
        ByteBuf buf = Unpooled.buffer(64);
        RespWriter w = new RespWriter();
        w.target(buf);
        w.array(args.length);
        for (String a : args) w.bulk(a);
        return ByteBufUtil.getBytes(buf);
    }

    /** Reads past one RESP2 reply (errors included: a refused command warms up too). */
    private static void skipReply(InputStream in) throws IOException {
        int type = in.read();
        long n = switch (type) {
            case '+', '-', ':' -> {
                skipLine(in);
                yield -1;
            }
            case '$', '*' -> readLong(in);
            default -> throw new EOFException("warm-up: unexpected reply byte " + type);
        };
        if (type == '$' && n >= 0) {
            in.skipNBytes(n + 2);
        } else if (type == '*') {
            for (long i = 0; i < n; i++) skipReply(in);
        }
    }

    private static void skipLine(InputStream in) throws IOException {
        int c;
        while ((c = in.read()) != '\n') if (c < 0) throw new EOFException("warm-up: connection closed");
    }

    private static long readLong(InputStream in) throws IOException {
        long v = 0;
        boolean negative = false;
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) throw new EOFException("warm-up: connection closed");
            if (c == '-') negative = true; else v = v * 10 + (c - '0');
        }
        in.read(); // '\n'
        return negative ? -v : v;
    }
}
