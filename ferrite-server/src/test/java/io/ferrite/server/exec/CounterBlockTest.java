package io.ferrite.server.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CounterBlockTest {
    private static final int ADDS = 200_000;

    @Test
    void concurrentAddsFromCommandAndOtherThreadsAreAllCounted() throws Exception {
        CounterBlock block = new CounterBlock();
        Counter a = block.counter();
        Counter b = block.counter();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        Counter[] late = new Counter[1];
        for (int i = 0; i < 6; i++) {
            boolean commandThread = i < 4;
            Runnable task = () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                for (int n = 0; n < ADDS; n++) {
                    a.increment();
                    b.add(3);
                    // A counter made after the threads bound: their cell arrays must grow.
                    if (n == ADDS / 2) synchronized (late) { if (late[0] == null) late[0] = block.counter(); }
                    Counter l;
                    synchronized (late) { l = late[0]; }
                    if (l != null) l.increment();
                }
            };
            Thread t = commandThread ? new CommandThread(null, task, "cmd-" + i, 0) : new Thread(task, "other-" + i);
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertThat(a.sum()).isEqualTo(6L * ADDS);
        assertThat(b.sum()).isEqualTo(18L * ADDS);
        assertThat(late[0].sum()).isBetween(6L * ADDS / 2 - 6, 6L * ADDS);
    }

    @Test
    void resetStartsFromZeroAndCountsOnward() throws Exception {
        CounterBlock block = new CounterBlock();
        Counter c = block.counter();
        Thread t = new CommandThread(null, () -> { for (int i = 0; i < 1000; i++) c.increment(); }, "cmd", 0);
        t.start();
        t.join();
        assertThat(c.sum()).isEqualTo(1000);
        c.reset();
        assertThat(c.sum()).isZero();
        c.add(7); // from this (non-command) thread
        assertThat(c.sum()).isEqualTo(7);
    }

    @Test
    void aThreadBoundToOneBlockStillCountsIntoAnother() throws Exception {
        CounterBlock first = new CounterBlock(), second = new CounterBlock();
        Counter x = first.counter(), y = second.counter();
        Thread t = new CommandThread(null, () -> {
            for (int i = 0; i < 500; i++) {
                x.increment();
                y.increment();
            }
        }, "cmd", 0);
        t.start();
        t.join();
        assertThat(x.sum()).isEqualTo(500);
        assertThat(y.sum()).isEqualTo(500);
    }

    @Test
    void aThreadBoundAtCreationCountsIntoItsOwnCellsAndCannotBeBoundTwice() throws Exception {
        CounterBlock block = new CounterBlock(), other = new CounterBlock();
        Counter early = block.counter();
        Counter[] late = new Counter[1];
        CountDownLatch made = new CountDownLatch(1);
        CommandThread t = new CommandThread(null, () -> {
            try {
                made.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            for (int i = 0; i < 1000; i++) {
                early.increment();
                late[0].add(2); // made after the thread was bound: its cells grow
            }
        }, "cmd", 0);
        block.bind(t);
        assertThat(t.counterBlock).isSameAs(block);
        assertThat(t.counterCells.length).isGreaterThan(0);
        late[0] = block.counter();
        made.countDown();
        t.start();
        t.join();
        assertThat(early.sum()).isEqualTo(1000);
        assertThat(late[0].sum()).isEqualTo(2000);
        assertThatThrownBy(() -> other.bind(t)).isInstanceOf(IllegalStateException.class);
    }
}
