package io.ferrite.bench;

import java.lang.management.ManagementFactory;

/** Heap measurement for the footprint mains: used heap after a few full GCs. */
public final class Heap {
    private Heap() {}

    public static long usedAfterGc() {
        for (int k = 0; k < 4; k++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
