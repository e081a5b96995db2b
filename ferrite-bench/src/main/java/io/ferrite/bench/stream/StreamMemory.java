package io.ferrite.bench.stream;

import io.ferrite.server.stream.Stream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes per entry of a stream of 1M entries {@code * a 1 b 2 c 3} (issue 5), measured as the
 * heap growth after a full GC, next to Redis's used_memory growth for the same load.
 * Run: {@code java -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.stream.StreamMemory}
 */
public final class StreamMemory {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        byte[][] argv = new byte[6][];
        String[] kv = {"a", "1", "b", "2", "c", "3"};
        for (int i = 0; i < 6; i++) argv[i] = kv[i].getBytes(StandardCharsets.US_ASCII);
        long before = usedAfterGc();
        Stream s = new Stream();
        long ms = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            // as XADD * at ~100k entries per ms-tick: a new ms every 100 entries
            if (i % 100 == 0) ms++;
            s.append(ms, i % 100, argv, 0, 6, 100, 4096);
        }
        s.compactTail();
        long after = usedAfterGc();
        System.out.printf("entries=%d heapBytes=%d bytesPerEntry=%.2f blockDataBytes=%d (%.2f/entry)%n",
                s.length(), after - before, (after - before) / (double) n, s.dataBytes(), s.dataBytes() / (double) n);
        if (s.length() != n) throw new AssertionError();
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
