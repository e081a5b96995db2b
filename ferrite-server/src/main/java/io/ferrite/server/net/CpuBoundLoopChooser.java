package io.ferrite.server.net;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.function.IntSupplier;

/**
 * Picks the event loop of each new connection: round robin over the first loops, as many as
 * the process may run on CPUs right now.
 *
 * <p>With {@code io-threads 0} the loops are sized to the CPUs at start, but the CPU set can
 * shrink while the server runs (taskset, a cgroup cpuset, a resized container). Two busy loops
 * time-slicing one CPU serve less than one loop alone (measured in docs/benchmarks.md), so new
 * connections then go to fewer loops; when CPUs come back, so do the loops. Connections already
 * open stay on their loop. The CPU count is asked per connection (a sched_getaffinity call,
 * about 0.3 µs), never per command.
 */
final class CpuBoundLoopChooser implements EventExecutorChooserFactory {
    private final IntSupplier cpus;

    CpuBoundLoopChooser(IntSupplier cpus) { this.cpus = cpus; }

    @Override
    public EventExecutorChooser newChooser(EventExecutor[] loops) {
        return new EventExecutorChooser() {
            // The acceptor thread registers connections; a rare other caller (a timer set up
            // at start) may race it, which only skews the round robin: the index read is local.
            private int next;

            @Override
            public EventExecutor next() {
                int active = Math.clamp(cpus.getAsInt(), 1, loops.length);
                int i = next;
                if (i >= active) i = 0;
                next = i + 1;
                return loops[i];
            }
        };
    }
}
