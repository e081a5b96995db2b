package io.ferrite.server.zset;

import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;

/**
 * A score interval of ZRANGEBYSCORE, ZCOUNT, ZREMRANGEBYSCORE ...: {@code min} and {@code max},
 * each inclusive, or exclusive when written with a leading {@code (}; {@code -inf} and
 * {@code +inf} are ordinary doubles here. Immutable.
 */
public final class ScoreRange {
    static final CommandError NOT_FLOAT = new CommandError("ERR min or max is not a float");

    final double min, max;
    final boolean minExclusive, maxExclusive;

    ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
        this.min = min;
        this.max = max;
        this.minExclusive = minExclusive;
        this.maxExclusive = maxExclusive;
    }

    /** A range from its bounds (GEO searches: min inclusive, max exclusive). */
    public static ScoreRange of(double min, boolean minExclusive, double max, boolean maxExclusive) {
        return new ScoreRange(min, minExclusive, max, maxExclusive);
    }

    /** Parses min and max as Redis's zslParseRange does; "ERR min or max is not a float" otherwise. */
    public static ScoreRange parse(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        return new ScoreRange(bound(min, minEx), minEx, bound(max, maxEx), maxEx);
    }

    private static double bound(byte[] b, boolean exclusive) {
        int off = exclusive ? 1 : 0;
        // Redis runs strtod over the rest and only checks that it ended at the terminator, so an
        // empty bound ("" or "(") reads as 0. A quirk, kept because scripts may rely on it.
        if (b.length == off) return 0;
        byte[] s = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, b.length);
        // strtod skips leading white space; Numbers.parseDouble (getDoubleFromObject) does not.
        int lead = 0;
        while (lead < s.length && isSpace(s[lead])) lead++;
        if (lead > 0) {
            if (lead == s.length) throw NOT_FLOAT;
            s = java.util.Arrays.copyOfRange(s, lead, s.length);
        }
        Double d = Numbers.parseDouble(s);
        if (d == null) throw NOT_FLOAT;
        return d;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    /** True when score is not below the lower bound. */
    boolean gteMin(double score) {
        return minExclusive ? score > min : score >= min;
    }

    /** True when score is not above the upper bound. */
    boolean lteMax(double score) {
        return maxExclusive ? score < max : score <= max;
    }

    /** True when no score can fall in the range (min above max, or equal with an open end). */
    boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }
}
