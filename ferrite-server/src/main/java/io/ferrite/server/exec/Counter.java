package io.ferrite.server.exec;

/**
 * One statistics counter of a {@link CounterBlock}: cheap to add to from a command thread,
 * summed on read. Reset keeps the sum at the time of the reset as a base (the threads' cells
 * are only ever written by their own threads), so a reset never races with an add.
 */
public final class Counter {
    private final CounterBlock block;
    private final int index;
    private volatile long base;

    Counter(CounterBlock block, int index) {
        this.block = block;
        this.index = index;
    }

    public void increment() { block.add(index, 1); }

    public void add(long delta) { block.add(index, delta); }

    public long sum() { return block.sum(index) - base; }

    public void reset() { base = block.sum(index); }
}
