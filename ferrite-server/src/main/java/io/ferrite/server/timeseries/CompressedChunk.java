package io.ferrite.server.timeseries;

import java.util.Arrays;

/**
 * ENCODING COMPRESSED: the Gorilla scheme (Pelkonen et al., VLDB 2015, section 4.1) in a bit
 * stream held in a {@code long[]}, most significant bit first.
 *
 * <p>The first sample is stored raw (64-bit timestamp, 64-bit value). After it, each timestamp is
 * written as the delta of its delta: 0 costs one bit {@code 0}; otherwise a unary prefix of 2 to
 * 6 bits selects a two's-complement payload of 5, 8, 11, 15 or 32 bits, and prefix {@code 111111}
 * a raw 64-bit value. Each value is XORed with the previous one: equal costs one bit {@code 0};
 * otherwise {@code 1}, then {@code 0} plus the meaningful bits when they fit the previous
 * leading/trailing-zero window, or {@code 1}, 5 bits of leading zeros, 6 bits of (length - 1) and
 * the meaningful bits. NaNs are canonicalised so that every NaN costs the same.
 *
 * <p>A regular-interval gauge costs 2 bits a sample when the value repeats and about 1 + 2 + the
 * changed mantissa bits otherwise. The chunk is full once its stream reaches chunkSize bytes
 * (the last sample may overrun by at most 77 bits, like RedisTimeSeries' own check).
 */
final class CompressedChunk implements Chunk {
    private static final int[] DOD_BITS = {5, 8, 11, 15, 32};

    private final int chunkSize;
    private long[] words;
    private int capacityBits; // words.length * 64, kept here so that appends do not read the array header
    private int bitLen;
    private int count;
    private long firstTs;
    private long lastTs;
    private long prevDelta;
    private long prevBits;
    private int prevLead;
    private int prevTrail;
    // The encoder state before the last sample, so that it can be re-encoded in place.
    private int undoBitLen;
    private long undoDelta;
    private long undoBits;
    private int undoLead;
    private int undoTrail;
    private long undoLastTs;

    CompressedChunk(int chunkSize) {
        this.chunkSize = chunkSize;
        this.words = new long[4];
        this.capacityBits = 4 * 64;
    }

    @Override
    public boolean append(long ts, double v) {
        if (bitLen >= chunkSize * 8) return false;
        appendUnchecked(ts, v);
        return true;
    }

    private void appendUnchecked(long ts, double v) {
        long bits = Double.isNaN(v) ? 0x7ff8000000000000L : Double.doubleToRawLongBits(v);
        ensure(bitLen + 64 + 64 + 16);
        undoBitLen = bitLen;
        undoDelta = prevDelta;
        undoBits = prevBits;
        undoLead = prevLead;
        undoTrail = prevTrail;
        undoLastTs = lastTs;
        if (count == 0) {
            write(ts, 64);
            write(bits, 64);
            firstTs = ts;
            prevLead = 65; // forces a fresh window on the first non-zero XOR
        } else {
            long delta = ts - lastTs;
            long dod = delta - prevDelta;
            writeDod(dod);
            writeXor(bits ^ prevBits);
            prevDelta = delta;
        }
        lastTs = ts;
        prevBits = bits;
        count++;
    }

    private void writeDod(long dod) {
        if (dod == 0) {
            write(0, 1);
            return;
        }
        for (int i = 0; i < DOD_BITS.length; i++) {
            int b = DOD_BITS[i];
            if (dod >= -(1L << (b - 1)) && dod < (1L << (b - 1))) {
                // prefix: i+1 ones then a zero
                write(((1L << (i + 1)) - 1) << 1, i + 2);
                write(dod, b);
                return;
            }
        }
        write(0x3f, 6);
        write(dod, 64);
    }

    private void writeXor(long x) {
        if (x == 0) {
            write(0, 1);
            return;
        }
        int lead = Math.min(31, Long.numberOfLeadingZeros(x));
        int trail = Long.numberOfTrailingZeros(x);
        if (prevLead <= 64 && lead >= prevLead && trail >= prevTrail) {
            write(0b10, 2);
            int len = 64 - prevLead - prevTrail;
            write(x >>> prevTrail, len);
        } else {
            int len = 64 - lead - trail;
            write(0b11, 2);
            write(lead, 5);
            write(len - 1, 6);
            write(x >>> trail, len);
            prevLead = lead;
            prevTrail = trail;
        }
    }

    private void ensure(int bits) {
        if (bits <= capacityBits) return;
        words = Arrays.copyOf(words, Math.max((bits + 63) >>> 6, words.length * 2));
        capacityBits = words.length * 64;
    }

    /** Appends the low {@code n} bits of {@code v} (1..64). */
    private void write(long v, int n) {
        if (n < 64) v &= (1L << n) - 1;
        int idx = bitLen >>> 6;
        int used = bitLen & 63;
        int free = 64 - used;
        if (n <= free) {
            words[idx] |= v << (free - n);
        } else {
            words[idx] |= v >>> (n - free);
            words[idx + 1] |= v << (64 - (n - free));
        }
        bitLen += n;
    }

    @Override public int count() { return count; }

    @Override public long touch() { return words[Math.min(bitLen >>> 6, words.length - 1)]; }

    @Override
    public void replaceLast(double v) {
        long ts = lastTs;
        // clear the bits of the last sample, restore the encoder state and append it again
        int w = undoBitLen >>> 6;
        int used = undoBitLen & 63;
        words[w] &= used == 0 ? 0 : -1L << (64 - used);
        // Bits past bitLen are always zero (writes OR into the words), so only the words the
        // last sample reached need clearing: at most three, not the rest of the array.
        for (int i = w + 1, end = (bitLen + 63) >>> 6; i < end; i++) words[i] = 0;
        bitLen = undoBitLen;
        prevDelta = undoDelta;
        prevBits = undoBits;
        prevLead = undoLead;
        prevTrail = undoTrail;
        lastTs = undoLastTs;
        count--;
        appendUnchecked(ts, v); // the sample was accepted once: no size check
    }

    @Override public long first() { return firstTs; }
    @Override public long last() { return lastTs; }
    @Override public double lastValue() { return Double.longBitsToDouble(prevBits); }
    @Override public int bytes() { return (bitLen + 7) >>> 3; }

    @Override
    public void decode(long[] ts, double[] vs, int off) {
        Reader r = new Reader();
        int i = off;
        while (r.next()) {
            ts[i] = r.ts;
            vs[i] = Double.longBitsToDouble(r.bits);
            i++;
        }
    }

    @Override
    public void trim() {
        words = Arrays.copyOf(words, (bitLen + 63) >>> 6);
        capacityBits = words.length * 64;
    }

    @Override
    public Chunk copy() {
        CompressedChunk c = new CompressedChunk(chunkSize);
        c.words = words.clone();
        c.capacityBits = capacityBits;
        c.bitLen = bitLen;
        c.count = count;
        c.firstTs = firstTs;
        c.lastTs = lastTs;
        c.prevDelta = prevDelta;
        c.prevBits = prevBits;
        c.prevLead = prevLead;
        c.prevTrail = prevTrail;
        c.undoBitLen = undoBitLen;
        c.undoDelta = undoDelta;
        c.undoBits = undoBits;
        c.undoLead = undoLead;
        c.undoTrail = undoTrail;
        c.undoLastTs = undoLastTs;
        return c;
    }

    @Override
    public Cursor cursor() {
        return new Reader();
    }

    // ---- the stream as DUMP carries it (SeriesDump)

    int bitLength() { return bitLen; }

    /** The stream's bytes, most significant bit first: ceil(bitLength / 8) of them. */
    byte[] streamBytes() {
        byte[] out = new byte[(bitLen + 7) >>> 3];
        for (int i = 0; i < out.length; i++) out[i] = (byte) (words[i >>> 3] >>> (56 - 8 * (i & 7)));
        return out;
    }

    /**
     * A cursor over a stream read back from a payload ({@link #streamBytes}): count samples in
     * bitLength bits. Malformed input may make it throw an index error, or yield timestamps out of
     * order; the caller checks both.
     */
    static Cursor streamCursor(byte[] stream, int bitLength, int count) {
        CompressedChunk c = new CompressedChunk(0);
        c.words = new long[(bitLength + 63) >>> 6];
        c.capacityBits = c.words.length * 64;
        for (int i = 0; i < stream.length && (i >>> 3) < c.words.length; i++) {
            c.words[i >>> 3] |= (stream[i] & 0xffL) << (56 - 8 * (i & 7));
        }
        c.bitLen = bitLength;
        c.count = count;
        return c.new Reader();
    }

    /** Streams the samples without materialising them. */
    private final class Reader implements Cursor {
        private int pos;
        private int i;
        long ts;
        long bits;
        private long delta;
        private int lead = 65;
        private int trail;

        private long read(int n) {
            int idx = pos >>> 6;
            int used = pos & 63;
            int avail = 64 - used;
            long v;
            if (n <= avail) {
                v = (words[idx] << used) >>> (64 - n);
                if (n == 64) v = words[idx];
            } else {
                long hi = (words[idx] << used) >>> (64 - avail);
                int rest = n - avail;
                long lo = words[idx + 1] >>> (64 - rest);
                v = (hi << rest) | lo;
            }
            pos += n;
            return v;
        }

        private boolean bit() {
            boolean b = ((words[pos >>> 6] >>> (63 - (pos & 63))) & 1) != 0;
            pos++;
            return b;
        }

        @Override
        public boolean next() {
            if (i >= count) return false;
            if (i == 0) {
                ts = read(64);
                bits = read(64);
            } else {
                long dod;
                if (!bit()) {
                    dod = 0;
                } else {
                    int ones = 1;
                    while (ones < 6 && bit()) ones++;
                    if (ones == 6) {
                        dod = read(64);
                    } else {
                        int b = DOD_BITS[ones - 1];
                        dod = (read(b) << (64 - b)) >> (64 - b);
                    }
                }
                delta += dod;
                ts += delta;
                if (bit()) {
                    if (bit()) {
                        lead = (int) read(5);
                        int len = (int) read(6) + 1;
                        trail = 64 - lead - len;
                    }
                    int len = 64 - lead - trail;
                    bits ^= read(len) << trail;
                }
            }
            i++;
            return true;
        }

        @Override public long ts() { return ts; }
        @Override public double value() { return Double.longBitsToDouble(bits); }
    }
}
