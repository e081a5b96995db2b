package io.ferrite.bench.hash;

import io.ferrite.server.hash.HashValue;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Heap bytes per field of one 1,000,000-field hash (hashtable encoding) and of 100,000 ten-field
 * hashes (listpack encoding), measured as used heap after full GCs, before and after building.
 * Fields are "field:N", values "value:N" (11 to 13 bytes each).
 * Run: {@code java -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.hash.HashFootprint}
 */
public final class HashFootprint {
    private HashFootprint() {}

    static long usedHeap() {
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

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    public static void main(String[] args) {
        int n = 1_000_000;
        long before = usedHeap();
        HashValue big = new HashValue();
        for (int k = 0; k < n; k++) big.set(b("field:" + k), b("value:" + k), 128, 64);
        long after = usedHeap();
        System.out.printf("hashtable: %d fields, %s, %.1f bytes/field%n", big.size(), big.encoding(),
                (after - before) / (double) n);

        int hashes = 100_000, fields = 10;
        before = usedHeap();
        HashValue[] small = new HashValue[hashes];
        for (int h = 0; h < hashes; h++) {
            small[h] = new HashValue();
            for (int k = 0; k < fields; k++) small[h].set(b("field:" + k), b("value:" + (h + k)), 128, 64);
        }
        after = usedHeap();
        System.out.printf("listpack: %d hashes x %d fields, %s, %.1f bytes/field (value object included)%n",
                hashes, fields, small[0].encoding(), (after - before) / (double) (hashes * fields));
        if (big.size() + small.length == 0) System.out.println(); // keep both reachable until here
    }
}
