package io.ferrite.bench.timeseries;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.net.ClientHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Server CPU per ingested sample, without the network: raw RESP pushed through the real pipeline
 * (ClientHandler → decoder → dispatcher → TS.MADD / TS.ADD → reply encoding) on an embedded
 * channel, the way redis-benchmark drives it: {@code keys} series created with DUPLICATE_POLICY
 * LAST, a pipeline of 16 commands per read, {@code *} timestamps, keys drawn at random (with
 * 1000 keys most samples land on their key's newest millisecond, with 100000 most append).
 * One operation is one read batch: 16 TS.MADD of 10 samples (160 samples) or 16 TS.ADD.
 * Run: {@code java -jar ferrite-bench/target/ferrite-bench.jar TimeSeriesIngestBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-XX:+UseCompactObjectHeaders", "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=disabled"})
public class TimeSeriesIngestBenchmark {
    @Param({"1000", "100000"})
    public int keys;

    private FerriteServer server;
    private EmbeddedChannel channel;
    private static final int BATCHES = 1024; // distinct request batches, cycled: keys spread over all series
    private final byte[][] madd16 = new byte[BATCHES][];
    private final byte[][] add16 = new byte[BATCHES][];
    private int next;

    private static void command(ByteArrayOutputStream out, String... args) {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        out.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private String key(Random rnd) {
        return String.format("ts:%012d", rnd.nextInt(keys));
    }

    @Setup
    public void setup() throws Exception {
        server = FerriteServer.builder().port(0).ioThreads(1).start();
        channel = new EmbeddedChannel(new ClientHandler(server, server.dispatcher()));
        for (int from = 0; from < keys; from += 1000) {
            ByteArrayOutputStream create = new ByteArrayOutputStream();
            for (int i = from; i < from + 1000; i++) {
                command(create, "TS.CREATE", String.format("ts:%012d", i), "DUPLICATE_POLICY", "LAST");
            }
            run(create.toByteArray());
        }
        Random rnd = new Random(7);
        for (int b = 0; b < BATCHES; b++) {
            ByteArrayOutputStream madd = new ByteArrayOutputStream(), add = new ByteArrayOutputStream();
            for (int c = 0; c < 16; c++) {
                String[] args = new String[31];
                args[0] = "TS.MADD";
                for (int s = 0; s < 10; s++) {
                    args[1 + 3 * s] = key(rnd);
                    args[2 + 3 * s] = "*";
                    args[3 + 3 * s] = Integer.toString(s + 1);
                }
                command(madd, args);
                command(add, "TS.ADD", key(rnd), "*", "42.5");
            }
            madd16[b] = madd.toByteArray();
            add16[b] = add.toByteArray();
        }
    }

    private int run(byte[] request) {
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        int n = 0;
        for (ByteBuf reply; (reply = channel.readOutbound()) != null; ) {
            n += reply.readableBytes();
            reply.release();
        }
        return n;
    }

    @Benchmark
    public int madd16x10() {
        return run(madd16[next++ & (BATCHES - 1)]);
    }

    @Benchmark
    public int add16() {
        return run(add16[next++ & (BATCHES - 1)]);
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        server.close();
    }
}
