package io.ferrite.server.protocol;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Number parsing and formatting with Redis's exact rules: string2ll (no spaces, no '+', no
 * leading zeros, fits in 64 bits), strtod-style doubles (rejecting NaN), and d2string
 * (Redis 7.2: integers printed as integers, otherwise the shortest round-trip digits laid out
 * the way fpconv_dtoa lays them out).
 */
public final class Numbers {
    private Numbers() {}

    /** True when b is a canonical 64-bit decimal integer (Redis string2ll). */
    public static boolean isLong(byte[] b) {
        return !failed(b, 0, b.length, scan0(b, 0, b.length));
    }

    /** Parses a canonical long or throws {@code onError}. */
    public static long parseLong(byte[] b, CommandError onError) {
        return parseLong(b, 0, b.length, onError);
    }

    public static long parseLong(byte[] b, int off, int len, CommandError onError) {
        long v = scan0(b, off, len);
        if (failed(b, off, len, v)) throw onError;
        return v;
    }

    /** Parses a canonical long with the generic "value is not an integer" error. */
    public static long parseLong(byte[] b) {
        return parseLong(b, 0, b.length, CommandError.NOT_INTEGER);
    }

    // scan0 signals failure with FAIL_MARK, which is also the value of exactly one valid input.
    private static final long FAIL_MARK = Long.MIN_VALUE + 1;
    private static final byte[] FAIL_MARK_TEXT = Long.toString(FAIL_MARK).getBytes(StandardCharsets.US_ASCII);

    private static boolean failed(byte[] b, int off, int len, long v) {
        return v == FAIL_MARK && !java.util.Arrays.equals(b, off, off + len, FAIL_MARK_TEXT, 0, FAIL_MARK_TEXT.length);
    }

    private static long scan0(byte[] b, int off, int len) {
        if (len == 0 || len > 20) return FAIL_MARK;
        int i = off, end = off + len;
        boolean neg = false;
        if (b[i] == '-') {
            neg = true;
            i++;
            if (i == end) return FAIL_MARK;
        }
        if (len == 1 && b[off] == '0') return 0;
        if (b[i] < '1' || b[i] > '9') return FAIL_MARK;
        long v = 0; // accumulated negatively so Long.MIN_VALUE parses
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return FAIL_MARK;
            if (v < Long.MIN_VALUE / 10) return FAIL_MARK;
            long nv = v * 10 - d;
            if (nv > v) return FAIL_MARK;
            v = nv;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return FAIL_MARK;
            return -v;
        }
        return v;
    }

    /** Parses a double (strtod rules, no NaN) or throws {@code onError}. */
    public static double parseDouble(byte[] b, CommandError onError) {
        double d = parseDoubleOrNaN(b); // plain decimals without a String (ZADD scores, ...)
        if (d != d) throw onError;
        return d;
    }

    /**
     * Parses a double like {@link #parseDouble(byte[])}, without allocating: NaN when invalid (a
     * NaN input is invalid too). For the hot paths that parse a value per sample (TS.ADD, TS.MADD).
     */
    public static double parseDoubleOrNaN(byte[] b) {
        double d = plainDecimal(b);
        if (d == d) return d;
        Double slow = parseDouble(b);
        return slow == null ? Double.NaN : slow;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * The common case exactly, without a String: [+-]digits[.digits] with at most 15 significant
     * digits. The digits form an integer m < 2^53 and the value is m / 10^k with k ≤ 22, where
     * both m and 10^k are exact doubles, so one correctly rounded division gives the correctly
     * rounded result (Clinger's fast path, as strtod and Double.parseDouble give). NaN for
     * anything else (exponents, long mantissas, inf), which the general parser then handles.
     */
    private static double plainDecimal(byte[] b) {
        int n = b.length, i = 0;
        if (n == 0 || n > 24) return Double.NaN;
        boolean neg = false;
        if (b[0] == '-' || b[0] == '+') {
            neg = b[0] == '-';
            i++;
        }
        long m = 0;
        int digits = 0, fraction = -1;
        for (; i < n; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                if (m != 0 || c != '0') digits++; // leading zeros are not significant
                m = m * 10 + (c - '0');
                if (fraction >= 0) fraction++;
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        int k = Math.max(fraction, 0);
        // No digit at all ("", "-", ".") is invalid; leave it to the general parser to say so.
        if (digits > 15 || n - (neg || b[0] == '+' ? 1 : 0) - (fraction >= 0 ? 1 : 0) == 0 || k > 22) return Double.NaN;
        double v = k == 0 ? m : m / POW10[k];
        return neg ? -v : v;
    }

    /** Parses a double like strtod in Redis's getDoubleFromObject; null when invalid or NaN. */
    public static Double parseDouble(byte[] b) {
        if (b.length == 0 || b.length > 5000) return null;
        byte first = b[0], last = b[b.length - 1];
        if (isSpace(first) || isSpace(last)) return null;
        String s = new String(b, StandardCharsets.US_ASCII);
        double d;
        switch (s.toLowerCase()) {
            case "inf", "+inf", "infinity", "+infinity" -> d = Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> d = Double.NEGATIVE_INFINITY;
            default -> {
                // Java accepts suffixes like 'd'/'f' and hex floats strtod would treat differently.
                char c = Character.toLowerCase(s.charAt(s.length() - 1));
                if (c == 'd' || c == 'f') return null;
                if (s.contains("x") || s.contains("X") || s.toLowerCase().contains("n")) return null;
                try {
                    d = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        if (Double.isNaN(d)) return null;
        return d;
    }

    /**
     * What C's {@code strtod} reads from the whole of b, the way SORT reads a weight (sort.c:
     * strtod, then "nothing left, no ERANGE, not NaN"); NaN when that check fails. Accepted:
     * leading white space, a sign, decimal digits with an optional fraction and exponent,
     * hexadecimal ("0x1.8p1", the binary exponent optional), "inf" and "infinity" in any case.
     * Refused: anything after the number (trailing space included), "nan", and what glibc
     * reports as ERANGE: overflow, and underflow (a result below the smallest normal double
     * that is not exactly the value written). The text ends at its first NUL byte as a C
     * string does, so "" reads as 0: strtod converts nothing and stops on the terminator.
     */
    public static double strtod(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        if (n == 0) return 0;
        int i = 0;
        while (i < n && isSpace(b[i])) i++;
        int start = i;
        boolean negative = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) negative = b[i++] == '-';
        if (i < n && (b[i] | 0x20) == 'i') {
            if (matchesWord(b, i, n, "infinity") || matchesWord(b, i, n, "inf")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return Double.NaN;
        }
        boolean hex = i + 1 < n && b[i] == '0' && (b[i + 1] | 0x20) == 'x';
        int intFrom = hex ? i + 2 : i, j = intFrom;
        while (j < n && isDigit(b[j], hex)) j++;
        int intEnd = j, fracFrom = j;
        if (j < n && b[j] == '.') {
            fracFrom = ++j;
            while (j < n && isDigit(b[j], hex)) j++;
        }
        int fracEnd = j;
        if (intEnd == intFrom && fracEnd == fracFrom) return Double.NaN; // nothing converted: "-", ".", "0x"
        long exponent = 0;
        boolean hasExponent = false;
        if (j < n && (b[j] | 0x20) == (hex ? 'p' : 'e')) {
            int k = j + 1;
            boolean expNegative = k < n && b[k] == '-';
            if (k < n && (b[k] == '+' || b[k] == '-')) k++;
            int expFrom = k;
            for (; k < n && b[k] >= '0' && b[k] <= '9'; k++) exponent = Math.min(exponent * 10 + b[k] - '0', 1L << 40);
            if (k == expFrom) return Double.NaN; // "1e": strtod stops before the 'e'
            if (expNegative) exponent = -exponent;
            hasExponent = true;
            j = k;
        }
        if (j != n) return Double.NaN;
        String text = new String(b, start, n - start, StandardCharsets.US_ASCII);
        // Java's hexadecimal form needs the binary exponent that C makes optional.
        double d = Double.parseDouble(hex && !hasExponent ? text + "p0" : text);
        if (Double.isInfinite(d)) return Double.NaN;
        if (Math.abs(d) < Double.MIN_NORMAL) {
            int last = lastNonZeroDigit(b, intFrom, intEnd, fracFrom, fracEnd);
            if (last < 0) return d; // a zero written as zero
            if (d == 0) return Double.NaN; // a non-zero value lost entirely
            boolean exact = hex ? hexLowestBit(b, last, intEnd, fracFrom, exponent) >= -1074
                    : new BigDecimal(text.trim()).compareTo(new BigDecimal(d)) == 0;
            if (!exact) return Double.NaN;
        }
        return d;
    }

    /** The index of the last digit other than '0' among the mantissa digits, or -1. */
    private static int lastNonZeroDigit(byte[] b, int intFrom, int intEnd, int fracFrom, int fracEnd) {
        for (int k = fracEnd - 1; k >= fracFrom; k--) if (b[k] != '0') return k;
        for (int k = intEnd - 1; k >= intFrom; k--) if (b[k] != '0') return k;
        return -1;
    }

    /** The binary exponent of the lowest set bit of a hexadecimal mantissa whose last non-zero digit is b[last]. */
    private static long hexLowestBit(byte[] b, int last, int intEnd, int fracFrom, long exponent) {
        long weight = last < intEnd ? 4L * (intEnd - 1 - last) : -4L * (last - fracFrom + 1);
        return weight + Integer.numberOfTrailingZeros(Character.digit(b[last], 16)) + exponent;
    }

    private static boolean isDigit(byte c, boolean hex) {
        if (c >= '0' && c <= '9') return true;
        int l = c | 0x20;
        return hex && l >= 'a' && l <= 'f';
    }

    /** Whether b[from..end) is exactly word (lower case), ignoring case. */
    private static boolean matchesWord(byte[] b, int from, int end, String word) {
        if (end - from != word.length()) return false;
        for (int k = 0; k < word.length(); k++) if ((b[from + k] | 0x20) != word.charAt(k)) return false;
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    /** Decimal digits of v (no sign handling beyond '-'), as a count; 20 at most. */
    public static int digitCount(long v) {
        if (v == Long.MIN_VALUE) return 20;
        int n = v < 0 ? 2 : 1;
        long x = Math.abs(v);
        while (x >= 10) {
            x /= 10;
            n++;
        }
        return n;
    }

    /** Writes v's decimal text into dst, which must be exactly digitCount(v) long. */
    public static void formatLongInto(long v, byte[] dst) {
        if (v == Long.MIN_VALUE) {
            System.arraycopy(formatLong(v), 0, dst, 0, dst.length);
            return;
        }
        int pos = dst.length;
        boolean neg = v < 0;
        long x = Math.abs(v);
        do {
            dst[--pos] = (byte) ('0' + x % 10);
            x /= 10;
        } while (x != 0);
        if (neg) dst[0] = '-';
    }

    public static byte[] formatLong(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** Redis 7.2 d2string. */
    public static byte[] formatDouble(double value) {
        return formatDoubleString(value).getBytes(StandardCharsets.US_ASCII);
    }

    public static String formatDoubleString(double value) {
        if (Double.isNaN(value)) return "nan";
        if (Double.isInfinite(value)) return value < 0 ? "-inf" : "inf";
        if (value == 0) return (1.0 / value < 0) ? "-0" : "0";
        if (value >= -(double) (Long.MAX_VALUE / 2) && value <= (double) (Long.MAX_VALUE / 2)) {
            long l = (long) value;
            if (l == value) return Long.toString(l);
        }
        // Java's Double.toString yields the shortest round-trip digits (JDK 19+); re-lay them out.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int k = -bd.scale(); // value = digits * 10^k
        return emitDigits(digits, k, value < 0);
    }

    /** The layout rules of fpconv_dtoa's emit_digits (Redis deps/fpconv). */
    private static String emitDigits(String digits, int k, boolean neg) {
        int nd = digits.length();
        int exp = Math.abs(k + nd - 1);
        StringBuilder sb = new StringBuilder(32);
        if (neg) sb.append('-');
        if (k >= 0 && exp < nd + 7) {
            sb.append(digits);
            for (int i = 0; i < k; i++) sb.append('0');
            return sb.toString();
        }
        if (k < 0 && (k > -7 || exp < 4)) {
            int offset = nd - Math.abs(k);
            if (offset <= 0) {
                sb.append("0.");
                for (int i = 0; i < -offset; i++) sb.append('0');
                sb.append(digits);
            } else {
                sb.append(digits, 0, offset).append('.').append(digits, offset, nd);
            }
            return sb.toString();
        }
        int n = Math.min(nd, 18 - (neg ? 1 : 0));
        sb.append(digits.charAt(0));
        if (n > 1) sb.append('.').append(digits, 1, n);
        sb.append('e').append(k + nd - 1 < 0 ? '-' : '+');
        sb.append(exp);
        return sb.toString();
    }

}
