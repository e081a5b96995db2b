package io.ferrite.bench.timeseries;

import io.ferrite.server.timeseries.TimeSeries;

/**
 * Bytes per sample (issue 6 goal: at most 2 for a regular-interval gauge): encoded chunk bytes
 * and heap growth after a full GC, for 1M samples at 1 s intervals of a gauge that moves by
 * ±1 a quarter of the time, and of random doubles.
 * Run: {@code java -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.timeseries.TimeSeriesMemory}
 */
public final class TimeSeriesMemory {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long before = usedAfterGc();
        TimeSeries gauge = TimeSeriesRangeBenchmark.gauge(n);
        long after = usedAfterGc();
        System.out.printf("gauge:  samples=%d chunkBytes/sample=%.3f heapBytes/sample=%.3f%n", gauge.sampleCount(),
                gauge.dataBytes() / (double) n, (after - before) / (double) n);
        java.util.Random rnd = new java.util.Random(2);
        before = usedAfterGc();
        TimeSeries random = new TimeSeries();
        for (int i = 0; i < n; i++) random.append(TimeSeriesRangeBenchmark.START + 1000L * i, rnd.nextDouble() * 100);
        after = usedAfterGc();
        System.out.printf("random: samples=%d chunkBytes/sample=%.3f heapBytes/sample=%.3f%n", random.sampleCount(),
                random.dataBytes() / (double) n, (after - before) / (double) n);
        if (gauge.hashCode() == random.hashCode()) System.out.print("");
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
