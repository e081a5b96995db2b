package io.ferrite.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrite.server.FerriteExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory.EventExecutorChooser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which event loop a new connection gets: with io-threads 0, round robin over as many loops as
 * the process has CPUs at that moment (CLIENT LIST io-thread shows the loop).
 */
class EventLoopChoiceTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @Test
    void chooserUsesAsManyLoopsAsThereAreCpus() {
        EventExecutor[] loops = new EventExecutor[4];
        for (int i = 0; i < loops.length; i++) loops[i] = new DefaultEventExecutor();
        try {
            AtomicInteger cpus = new AtomicInteger(4);
            EventExecutorChooser chooser = new CpuBoundLoopChooser(cpus::get).newChooser(loops);
            assertThat(picks(chooser, loops, 6)).containsExactly(0, 1, 2, 3, 0, 1);
            cpus.set(1);
            assertThat(picks(chooser, loops, 3)).containsExactly(0, 0, 0);
            cpus.set(2);
            assertThat(picks(chooser, loops, 4)).containsExactly(1, 0, 1, 0);
            cpus.set(64); // more CPUs than loops: every loop, no further
            assertThat(picks(chooser, loops, 5)).containsExactly(1, 2, 3, 0, 1);
        } finally {
            for (EventExecutor e : loops) e.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    private static List<Integer> picks(EventExecutorChooser chooser, EventExecutor[] loops, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(List.of(loops).indexOf(chooser.next()));
        return out;
    }

    @Test
    void newConnectionsFollowTheCpusTheServerMayRunOn() throws Exception {
        int loops = ferrite.server().eventLoopThreads();
        assumeTrue(loops >= 2, "needs at least two CPUs (the default io-threads is one loop per CPU)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")), "needs taskset (util-linux)");
        long pid = ProcessHandle.current().pid();
        String mask = taskset("-p", Long.toString(pid)).replaceAll("(?s).*: *", "").trim();
        assertThat(loopsOfNewConnections(2 * loops)).hasSize(loops);
        try {
            // This whole JVM (every thread) on one CPU, as `taskset -a -p` on a running server does.
            int cpu = Integer.parseInt(taskset("-c", "-p", Long.toString(pid)).replaceAll("(?s).*: *", "").trim().split("[-,]")[0]);
            taskset("-a", "-c", "-p", Integer.toString(cpu), Long.toString(pid));
            assertThat(Runtime.getRuntime().availableProcessors()).isEqualTo(1);
            assertThat(loopsOfNewConnections(2 * loops)).containsExactly(0);
        } finally {
            taskset("-a", "-p", mask, Long.toString(pid));
        }
        assertThat(loopsOfNewConnections(2 * loops)).hasSize(loops);
    }

    /** Opens n connections at once and returns the set of io-thread values CLIENT LIST shows for them. */
    private static Set<Integer> loopsOfNewConnections(int n) throws IOException {
        List<RawConnection> conns = new ArrayList<>();
        try {
            Set<Long> ids = new HashSet<>();
            for (int i = 0; i < n; i++) {
                RawConnection c = new RawConnection(ferrite.port());
                conns.add(c);
                c.command("CLIENT", "ID");
                ids.add(Long.parseLong(c.readReply().substring(1).trim()));
            }
            conns.get(0).command("CLIENT", "LIST");
            Set<Integer> loops = new HashSet<>();
            Matcher m = Pattern.compile("id=(\\d+) .* io-thread=(\\d+)").matcher(conns.get(0).readReply());
            while (m.find()) if (ids.contains(Long.parseLong(m.group(1)))) loops.add(Integer.parseInt(m.group(2)));
            return loops;
        } finally {
            for (RawConnection c : conns) c.close();
        }
    }

    private static String taskset(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/taskset"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("taskset %s: %s", cmd, out).isZero();
        return out;
    }
}
