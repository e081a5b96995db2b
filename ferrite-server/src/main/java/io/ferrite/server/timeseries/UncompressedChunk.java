package io.ferrite.server.timeseries;

import java.util.Arrays;

/** ENCODING UNCOMPRESSED: parallel long/double arrays, 16 bytes a sample, full at chunkSize bytes. */
final class UncompressedChunk implements Chunk {
    private final int capacity;
    private long[] ts;
    private double[] vs;
    private int n;

    UncompressedChunk(int chunkSize) {
        this.capacity = Math.max(1, chunkSize / 16);
        int initial = Math.min(capacity, 16);
        ts = new long[initial];
        vs = new double[initial];
    }

    @Override
    public boolean append(long t, double v) {
        if (n == capacity) return false;
        if (n == ts.length) {
            int cap = Math.min(capacity, n * 2);
            ts = Arrays.copyOf(ts, cap);
            vs = Arrays.copyOf(vs, cap);
        }
        ts[n] = t;
        vs[n] = v;
        n++;
        return true;
    }

    @Override public int count() { return n; }

    @Override public long touch() { return n == 0 ? 0 : ts[n - 1]; }
    @Override public void replaceLast(double v) { vs[n - 1] = v; }
    @Override public long first() { return ts[0]; }
    @Override public long last() { return ts[n - 1]; }
    @Override public double lastValue() { return vs[n - 1]; }
    @Override public int bytes() { return n * 16; }

    @Override
    public void decode(long[] t, double[] v, int off) {
        System.arraycopy(ts, 0, t, off, n);
        System.arraycopy(vs, 0, v, off, n);
    }

    @Override
    public void trim() {
        ts = Arrays.copyOf(ts, n);
        vs = Arrays.copyOf(vs, n);
    }

    @Override
    public Chunk copy() {
        UncompressedChunk c = new UncompressedChunk(capacity * 16);
        c.ts = ts.clone();
        c.vs = vs.clone();
        c.n = n;
        return c;
    }

    @Override
    public Cursor cursor() {
        return new Cursor() {
            int i = -1;

            @Override public boolean next() { return ++i < n; }
            @Override public long ts() { return ts[i]; }
            @Override public double value() { return vs[i]; }
        };
    }
}
