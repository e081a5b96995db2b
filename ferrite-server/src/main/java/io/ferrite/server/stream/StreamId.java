package io.ferrite.server.stream;

import io.ferrite.server.protocol.CommandError;
import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID {@code ms-seq}: two unsigned 64-bit numbers, compared as (ms, seq).
 * Stored entries never hold one of these (blocks keep deltas); instances key the pending
 * entry lists and the block map, and carry parsed arguments.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    static final CommandError INVALID = new CommandError("ERR Invalid stream ID specified as stream command argument");

    @Override
    public int compareTo(StreamId o) { return compare(ms, seq, o.ms, o.seq); }

    static int compare(long ams, long aseq, long bms, long bseq) {
        int c = Long.compareUnsigned(ams, bms);
        return c != 0 ? c : Long.compareUnsigned(aseq, bseq);
    }

    boolean isZero() { return ms == 0 && seq == 0; }

    /** The next ID, or null past the last possible one (Redis streamIncrID fails). */
    StreamId next() {
        if (seq != -1L) return new StreamId(ms, seq + 1);
        if (ms != -1L) return new StreamId(ms + 1, 0);
        return null;
    }

    /** The previous ID, or null before 0-0. */
    StreamId previous() {
        if (seq != 0) return new StreamId(ms, seq - 1);
        if (ms != 0) return new StreamId(ms - 1, -1L);
        return null;
    }

    byte[] toBytes() { return toString().getBytes(StandardCharsets.US_ASCII); }

    @Override
    public String toString() { return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq); }

    /**
     * Parses {@code ms[-seq]} (a missing seq becomes missingSeq), "-" and "+" unless strict.
     * With {@code allowStarSeq}, {@code ms-*} parses and returns seq = -1 with {@link #seqGiven}
     * false: see {@link Parsed}.
     */
    static StreamId parse(byte[] b, long missingSeq, boolean strict) {
        Parsed p = parseFull(b, missingSeq, strict, false);
        return p.id;
    }

    /** A parsed XADD ID: seqGiven false for {@code ms-*}. */
    record Parsed(StreamId id, boolean seqGiven) {}

    static Parsed parseFull(byte[] b, long missingSeq, boolean strict, boolean allowStarSeq) {
        int n = b.length;
        if (n > 127 || n == 0) throw INVALID;
        if (n == 1 && (b[0] == '-' || b[0] == '+')) {
            if (strict) throw INVALID;
            return new Parsed(b[0] == '-' ? MIN : MAX, true);
        }
        int dash = -1;
        for (int i = 0; i < n; i++) if (b[i] == '-') { dash = i; break; }
        long ms = parseUnsigned(b, 0, dash < 0 ? n : dash);
        if (dash < 0) return new Parsed(new StreamId(ms, missingSeq), true);
        if (allowStarSeq && n - dash - 1 == 1 && b[dash + 1] == '*') return new Parsed(new StreamId(ms, 0), false);
        return new Parsed(new StreamId(ms, parseUnsigned(b, dash + 1, n)), true);
    }

    /** Redis string2ull: decimal digits, up to 2^64-1. */
    private static long parseUnsigned(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0) throw INVALID;
        // Redis falls back to strtoull, so leading zeros are accepted ("01-1" is 1-1).
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) throw INVALID;
            // unsigned overflow check: v*10 + d must fit in 64 bits
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) throw INVALID;
            long nv = v * 10 + d;
            if (Long.compareUnsigned(nv, v * 10) < 0) throw INVALID;
            v = nv;
        }
        return v;
    }
}
