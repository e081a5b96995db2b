package io.ferrite.bench;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Command-table lookup by raw name bytes (case-insensitive, allocation-free).
 * Run: {@code java -jar ferrite-bench/target/ferrite-bench.jar CommandLookupBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CommandLookupBenchmark {
    private FerriteServer server;
    private CommandTable table;
    private final byte[] get = "GET".getBytes(StandardCharsets.US_ASCII);
    private final byte[] zincrby = "zincrby".getBytes(StandardCharsets.US_ASCII);

    @Setup(Level.Trial)
    public void setup() throws Exception {
        server = FerriteServer.builder().port(0).start();
        table = server.commandTable();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public CommandSpec lookupUpperCase() {
        return table.lookup(get);
    }

    @Benchmark
    public CommandSpec lookupLowerCase() {
        return table.lookup(zincrby);
    }
}
