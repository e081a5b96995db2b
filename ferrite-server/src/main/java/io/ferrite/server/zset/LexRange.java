package io.ferrite.server.zset;

import io.ferrite.server.protocol.CommandError;
import java.util.Arrays;

/**
 * A member interval of ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX: each bound is {@code [member}
 * (inclusive), {@code (member} (exclusive), {@code -} (below every member) or {@code +} (above
 * every member). Members compare as unsigned bytes, shorter first on a common prefix (memcmp,
 * like Redis's sdscmp). Meaningful when all members share one score, as Redis documents. Immutable.
 */
public final class LexRange {
    static final CommandError NOT_VALID = new CommandError("ERR min or max not valid string range item");

    /** Bound kinds: a member, or one of the two infinities. */
    private static final int VALUE = 0, NEG_INF = 1, POS_INF = 2;

    final byte[] min, max;
    final int minKind, maxKind;
    final boolean minExclusive, maxExclusive;

    private LexRange(byte[] min, int minKind, boolean minEx, byte[] max, int maxKind, boolean maxEx) {
        this.min = min;
        this.minKind = minKind;
        this.minExclusive = minEx;
        this.max = max;
        this.maxKind = maxKind;
        this.maxExclusive = maxEx;
    }

    /** Parses min and max; "ERR min or max not valid string range item" otherwise. */
    public static LexRange parse(byte[] min, byte[] max) {
        int minKind = kind(min), maxKind = kind(max);
        return new LexRange(value(min, minKind), minKind, min[0] != '[', value(max, maxKind), maxKind, max[0] != '[');
    }

    private static int kind(byte[] b) {
        if (b.length == 0) throw NOT_VALID;
        return switch (b[0]) {
            case '+' -> { if (b.length != 1) throw NOT_VALID; yield POS_INF; }
            case '-' -> { if (b.length != 1) throw NOT_VALID; yield NEG_INF; }
            case '(', '[' -> VALUE;
            default -> throw NOT_VALID;
        };
    }

    private static byte[] value(byte[] b, int kind) {
        return kind == VALUE ? Arrays.copyOfRange(b, 1, b.length) : null;
    }

    /** Compares a bound with a member: negative when the bound sorts first. */
    private static int compare(int kind, byte[] bound, byte[] member) {
        if (kind == NEG_INF) return -1;
        if (kind == POS_INF) return 1;
        return Arrays.compareUnsigned(bound, member);
    }

    boolean gteMin(byte[] member) {
        int c = compare(minKind, min, member);
        return minExclusive ? c < 0 : c <= 0;
    }

    boolean lteMax(byte[] member) {
        int c = compare(maxKind, max, member);
        return maxExclusive ? c > 0 : c >= 0;
    }

    /** True when min sorts after max, or equals it with an open end. */
    boolean isEmpty() {
        int c;
        if (minKind == maxKind && minKind != VALUE) c = 0;
        else if (minKind == NEG_INF || maxKind == POS_INF) c = -1;
        else if (minKind == POS_INF || maxKind == NEG_INF) c = 1;
        else c = Arrays.compareUnsigned(min, max);
        return c > 0 || (c == 0 && (minExclusive || maxExclusive));
    }
}
