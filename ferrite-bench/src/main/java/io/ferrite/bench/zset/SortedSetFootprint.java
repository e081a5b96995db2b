package io.ferrite.bench.zset;

import io.ferrite.server.zset.SortedSet;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Heap bytes per member of a 1M-member sorted set (skiplist encoding) and of 100k small
 * (listpack) sets of 10 members, measured as used heap after full GCs, with and without the
 * set; member names "player:N" (8-14 bytes).
 * Run: {@code java -Xmx4g -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.zset.SortedSetFootprint}
 */
public final class SortedSetFootprint {
    private SortedSetFootprint() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        SplittableRandom rnd = new SplittableRandom(1);
        // The member arrays are what any representation must store; count them separately.
        byte[][] names = new byte[n][];
        for (int i = 0; i < n; i++) names[i] = ("player:" + i).getBytes(StandardCharsets.US_ASCII);
        long base = used();
        SortedSet big = SortedSet.skiplist(16);
        for (int i = 0; i < n; i++) big.insertNew(rnd.nextInt(1_000_000), names[i]);
        long withSet = used();
        long namesOnly = 0;
        for (byte[] b : names) namesOnly += 16 + ((b.length + 7) & ~7);
        double structure = (withSet - base) / (double) n;
        System.out.printf("skiplist %,d members: %.1f bytes/member of structure + %.1f bytes/member of member arrays"
                + " = %.1f bytes/member%n", n, structure, namesOnly / (double) n, structure + namesOnly / (double) n);

        int sets = 100_000;
        SortedSet[] small = new SortedSet[sets];
        long before = used();
        for (int s = 0; s < sets; s++) {
            small[s] = SortedSet.listpack(1); // as ZADDs of one pair each grow it
            for (int i = 0; i < 10; i++) small[s].add(i, names[(s * 10 + i) % n], 0, 128, 64);
        }
        long after = used();
        System.out.printf("listpack %,d sets of 10: %.1f bytes/member of structure (arrays shared)%n", sets,
                (after - before) / (sets * 10.0));
        if (big.size() + small.length == 0) System.out.println(); // keep both reachable
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
