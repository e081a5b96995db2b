package io.ferrite.bench.hyperloglog;

import io.ferrite.server.hyperloglog.DenseRegisters;
import io.ferrite.server.hyperloglog.HyperLogLog;

/**
 * Accuracy table of the HLL estimator: mean relative error and its standard deviation at 1e3 ..
 * 1e7 distinct elements over several seeds (elements are distinct 8-byte values). Run:
 * {@code java -cp ferrite-bench/target/ferrite-bench.jar io.ferrite.bench.hyperloglog.HllAccuracy [seeds]}
 */
public final class HllAccuracy {
    private HllAccuracy() {}

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long[] points = {1_000, 10_000, 100_000, 1_000_000, 10_000_000};
        double[][] err = new double[points.length][seeds];
        byte[] e = new byte[8];
        for (int s = 0; s < seeds; s++) {
            byte[] h = DenseRegisters.empty();
            long base = (s + 1) * 0x9E3779B97F4A7C15L;
            int p = 0;
            for (long i = 1; i <= points[points.length - 1]; i++) {
                long v = mix(base + i); // a bijection: distinct inputs stay distinct
                for (int j = 0; j < 8; j++) e[j] = (byte) (v >>> (8 * j));
                DenseRegisters.add(h, e);
                if (i == points[p]) {
                    err[p][s] = (HyperLogLog.count(h) - (double) i) / i;
                    p++;
                }
            }
        }
        System.out.printf("| distinct | seeds | mean rel. error | mean abs. rel. error | stddev of rel. error |%n");
        System.out.printf("|---:|---:|---:|---:|---:|%n");
        for (int p = 0; p < points.length; p++) {
            double mean = 0, abs = 0;
            for (double x : err[p]) {
                mean += x;
                abs += Math.abs(x);
            }
            mean /= seeds;
            abs /= seeds;
            double var = 0;
            for (double x : err[p]) var += (x - mean) * (x - mean);
            double sd = Math.sqrt(var / Math.max(1, seeds - 1));
            System.out.printf("| %,d | %d | %+.3f%% | %.3f%% | %.3f%% |%n", points[p], seeds, 100 * mean, 100 * abs, 100 * sd);
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
