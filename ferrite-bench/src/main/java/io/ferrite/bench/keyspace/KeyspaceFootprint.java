package io.ferrite.bench.keyspace;

import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.Keyspace;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Heap bytes per string key: 1,000,000 keys "key:N" holding "value:N" (the shape of
 * redis-benchmark's and most counters' data), with and without a TTL on every key, measured
 * as used heap after full GCs before and after loading.
 * Run: {@code java -XX:+UseCompactObjectHeaders -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.keyspace.KeyspaceFootprint}
 */
public final class KeyspaceFootprint {
    private KeyspaceFootprint() {}

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

    private static double load(int n, boolean ttl) {
        Keyspace ks = new Keyspace(16, 16);
        Database db = ks.database(0);
        long before = usedHeap();
        long at = System.currentTimeMillis() + 3_600_000;
        for (int k = 0; k < n; k++) {
            byte[] key = b("key:" + k);
            byte[] value = b("value:" + k);
            if (ttl) db.set(key, value, at); else db.set(key, value);
        }
        long after = usedHeap();
        if (db.size() != n) throw new IllegalStateException("lost keys");
        return (after - before) / (double) n;
    }

    public static void main(String[] args) {
        int n = 1_000_000;
        System.out.printf("strings: %d keys, %.1f bytes/key%n", n, load(n, false));
        System.out.printf("strings with TTL: %d keys, %.1f bytes/key%n", n, load(n, true));
    }
}
