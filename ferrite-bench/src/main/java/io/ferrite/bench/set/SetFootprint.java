package io.ferrite.bench.set;

import io.ferrite.server.set.SetValue;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Heap bytes per member of one 1,000,000-member set of strings ("member:N", hashtable encoding),
 * one of 1,000,000 integers (hashtable too: past set-max-intset-entries), and of 100,000
 * ten-member intsets and listpacks, measured as used heap after full GCs.
 * Run: {@code java -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.set.SetFootprint}
 */
public final class SetFootprint {
    private SetFootprint() {}

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

    private static void big(String label, String prefix) {
        int n = 1_000_000;
        long before = usedHeap();
        SetValue s = SetValue.create(b(prefix + 0), 1, SetValue.Limits.DEFAULT);
        for (int k = 0; k < n; k++) s.add(b(prefix + k), SetValue.Limits.DEFAULT);
        long after = usedHeap();
        System.out.printf("%s: %d members, %s, %.1f bytes/member%n", label, s.size(), s.encoding(), (after - before) / (double) n);
    }

    private static void small(String label, String prefix) {
        int sets = 100_000, members = 10;
        long before = usedHeap();
        SetValue[] all = new SetValue[sets];
        for (int i = 0; i < sets; i++) {
            all[i] = SetValue.create(b(prefix + i), members, SetValue.Limits.DEFAULT);
            for (int k = 0; k < members; k++) all[i].add(b(prefix + (i + k)), SetValue.Limits.DEFAULT);
        }
        long after = usedHeap();
        System.out.printf("%s: %d sets x %d members, %s, %.1f bytes/member (value object included)%n", label, sets, members,
                all[0].encoding(), (after - before) / (double) (sets * members));
    }

    public static void main(String[] args) {
        big("strings", "member:");
        big("integers", "");
        small("small intsets", "");
        small("small listpacks", "member:");
    }
}
