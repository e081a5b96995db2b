package io.ferrite.server.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The x87 80-bit {@code long double} arithmetic that Redis's INCRBYFLOAT uses on x86-64
 * (64-bit significand, exponents down to 2^-16445 with subnormals, up to 2^16384), emulated
 * exactly with {@link BigDecimal}: strtold-style parsing ({@code string2ld}), addition
 * rounded to nearest-even, and ld2string's human-friendly format ({@code "%.17Lf"} with
 * trailing zeros removed).
 *
 * <p>A plain {@code double} is not enough: Redis answers {@code INCRBYFLOAT k 0.2} on "0.1"
 * with "0.3", while double arithmetic gives 0.30000000000000004.
 *
 * <p>A value is a finite {@link BigDecimal} holding exactly a representable long double,
 * {@link #POSITIVE_INFINITY} or {@link #NEGATIVE_INFINITY}; the sign of zero is dropped, since
 * the output format never shows it.
 */
public final class LongDouble {
    private LongDouble() {}

    /** Markers for the infinities (identity-compared; their numeric values are unused). */
    static final BigDecimal POSITIVE_INFINITY = new BigDecimal("1e999999");
    static final BigDecimal NEGATIVE_INFINITY = new BigDecimal("-1e999999");

    /** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are rejected. */
    static final int MAX_CHARS = 5 * 1024;

    private static final int SIGNIFICAND_BITS = 64;
    /** Exponent of the least significant bit of the smallest subnormal: 2^-16445. */
    private static final int MIN_LSB_EXP = -16445;
    /** Largest LSB exponent of a finite value: (2^64 - 1) * 2^16320 is the maximum. */
    private static final int MAX_LSB_EXP = 16383 - 63;

    public static boolean isInfinite(BigDecimal v) {
        return v == POSITIVE_INFINITY || v == NEGATIVE_INFINITY;
    }

    /**
     * Parses like Redis's string2ld (strtold on the whole buffer): decimal or hex (0x...p...)
     * notation, "inf"/"infinity"; no leading space, nothing trailing, no NaN, no overflow to
     * infinity and no underflow to zero. Returns null when invalid.
     */
    public static BigDecimal parse(byte[] s) {
        int n = s.length;
        if (n == 0 || n >= MAX_CHARS) return null;
        int i = 0;
        boolean neg = false;
        if (s[i] == '+' || s[i] == '-') {
            neg = s[i] == '-';
            i++;
        }
        if (i == n) return null;
        BigDecimal v;
        if (isAlpha(s[i], 'i')) {
            if (!matchesIgnoreCase(s, i, "inf") && !matchesIgnoreCase(s, i, "infinity")) return null;
            return neg ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        }
        if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            v = parseHex(s, i + 2);
        } else {
            v = parseDecimal(s, i);
        }
        // null: malformed or underflow to zero; infinite: overflow (ERANGE with HUGE_VALL).
        if (v == null || isInfinite(v)) return null;
        return neg ? v.negate() : v;
    }

    private static boolean isAlpha(byte b, char lower) {
        return (b | 0x20) == lower;
    }

    private static boolean matchesIgnoreCase(byte[] s, int from, String word) {
        if (s.length - from != word.length()) return false;
        for (int k = 0; k < word.length(); k++) if ((s[from + k] | 0x20) != word.charAt(k)) return false;
        return true;
    }

    /** Decimal digits with an optional point and exponent, rounded; null when malformed or underflowing. */
    private static BigDecimal parseDecimal(byte[] s, int i) {
        int n = s.length;
        StringBuilder digits = new StringBuilder();
        int fracDigits = 0;
        boolean seenPoint = false, any = false;
        for (; i < n; i++) {
            byte b = s[i];
            if (b >= '0' && b <= '9') {
                any = true;
                if (digits.length() > 0 || b != '0') digits.append((char) b);
                if (seenPoint) fracDigits++;
            } else if (b == '.' && !seenPoint) {
                seenPoint = true;
            } else {
                break;
            }
        }
        if (!any) return null;
        long exp = 0;
        if (i < n) {
            if (s[i] != 'e' && s[i] != 'E') return null;
            i++;
            boolean eneg = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                eneg = s[i] == '-';
                i++;
            }
            if (i == n) return null;
            for (; i < n; i++) {
                byte b = s[i];
                if (b < '0' || b > '9') return null;
                if (exp < 1_000_000_000L) exp = exp * 10 + (b - '0');
            }
            if (eneg) exp = -exp;
        }
        if (digits.length() == 0) return BigDecimal.ZERO;
        // value = digits * 10^(exp - fracDigits); its leading digit sits at 10^(magnitude).
        long scaleExp = exp - fracDigits;
        long magnitude = scaleExp + digits.length() - 1;
        if (magnitude > 4940) return POSITIVE_INFINITY;   // above LDBL_MAX (~1.19e4932)
        if (magnitude < -4960) return null;                // below half the smallest subnormal (~3.6e-4951)
        BigDecimal exact = new BigDecimal(new BigInteger(digits.toString()), (int) -scaleExp);
        BigDecimal r = round(exact);
        if (r != null && r.signum() == 0) return null;     // underflow to zero: ERANGE
        return r;
    }

    /** Hex significand (after "0x") with an optional binary exponent "p[+-]digits". */
    private static BigDecimal parseHex(byte[] s, int i) {
        int n = s.length;
        BigInteger mant = BigInteger.ZERO;
        long fracDigits = 0;
        boolean seenPoint = false, any = false;
        StringBuilder hex = new StringBuilder();
        for (; i < n; i++) {
            byte b = s[i];
            int d = Character.digit(b, 16);
            if (d >= 0 && b < 128) {
                any = true;
                hex.append((char) b);
                if (seenPoint) fracDigits++;
            } else if (b == '.' && !seenPoint) {
                seenPoint = true;
            } else {
                break;
            }
        }
        // "0x" without hex digits: strtold reads "0" and stops at 'x'.
        if (!any) return null;
        if (hex.length() > 0) mant = new BigInteger(hex.toString(), 16);
        long exp = 0;
        if (i < n) {
            if (s[i] != 'p' && s[i] != 'P') return null;
            i++;
            boolean eneg = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                eneg = s[i] == '-';
                i++;
            }
            if (i == n) return null;
            for (; i < n; i++) {
                byte b = s[i];
                if (b < '0' || b > '9') return null;
                if (exp < 1_000_000_000L) exp = exp * 10 + (b - '0');
            }
            if (eneg) exp = -exp;
        }
        if (mant.signum() == 0) return BigDecimal.ZERO;
        long e2 = exp - 4 * fracDigits;
        long top = e2 + mant.bitLength() - 1;
        if (top > 16400) return POSITIVE_INFINITY;
        if (top < -16500) return null;
        BigDecimal r = roundBinary(mant, BigInteger.ONE, (int) e2);
        if (r != null && r.signum() == 0) return null;
        return r;
    }

    /** The sum rounded to long double, or an infinity on overflow (NaN never reaches here). */
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        if (isInfinite(a) || isInfinite(b)) {
            if (isInfinite(a) && isInfinite(b) && a != b) return null; // inf - inf = NaN
            return isInfinite(a) ? a : b;
        }
        return round(a.add(b));
    }

    /** Rounds an exact value to the nearest long double (ties to even); infinite on overflow. */
    public static BigDecimal round(BigDecimal x) {
        int sign = x.signum();
        if (sign == 0) return BigDecimal.ZERO;
        BigDecimal abs = x.abs();
        BigInteger num, den;
        if (abs.scale() <= 0) {
            num = abs.unscaledValue().multiply(BigInteger.TEN.pow(-abs.scale()));
            den = BigInteger.ONE;
        } else {
            num = abs.unscaledValue();
            den = BigInteger.TEN.pow(abs.scale());
        }
        BigDecimal r = roundBinary(num, den, 0);
        if (r == POSITIVE_INFINITY) return sign < 0 ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
        return sign < 0 ? r.negate() : r;
    }

    /** Rounds num/den * 2^e2 (positive) to a 64-bit significand within the x87 exponent range. */
    private static BigDecimal roundBinary(BigInteger num, BigInteger den, int e2) {
        // Pick the LSB exponent e so that q = num/den * 2^(e2 - e) has exactly 64 bits.
        long e = (long) num.bitLength() - den.bitLength() - SIGNIFICAND_BITS + e2;
        BigInteger[] qr;
        while (true) {
            if (e < MIN_LSB_EXP) e = MIN_LSB_EXP;
            qr = divide(num, den, e2 - e);
            int bl = qr[0].bitLength();
            if (bl > SIGNIFICAND_BITS) { e += bl - SIGNIFICAND_BITS; continue; }
            if (bl < SIGNIFICAND_BITS && e > MIN_LSB_EXP) { e -= SIGNIFICAND_BITS - bl; continue; }
            break;
        }
        BigInteger q = qr[0];
        int cmp = qr[1].shiftLeft(1).compareTo(qr[2]);
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
            if (q.bitLength() > SIGNIFICAND_BITS) {
                q = q.shiftRight(1);
                e++;
            }
        }
        if (e > MAX_LSB_EXP) return POSITIVE_INFINITY;
        if (q.signum() == 0) return BigDecimal.ZERO;
        if (e >= 0) return new BigDecimal(q.shiftLeft((int) e));
        // q * 2^e = q * 5^-e / 10^-e, exactly.
        return new BigDecimal(q.multiply(BigInteger.valueOf(5).pow((int) -e)), (int) -e);
    }

    /** {quotient, remainder, divisor} of num * 2^shift / den. */
    private static BigInteger[] divide(BigInteger num, BigInteger den, long shift) {
        BigInteger n = num, d = den;
        if (shift >= 0) n = n.shiftLeft((int) shift); else d = d.shiftLeft((int) -shift);
        BigInteger[] qr = n.divideAndRemainder(d);
        return new BigInteger[] {qr[0], qr[1], d};
    }

    /**
     * ld2string(LD_STR_HUMAN): {@code "%.17Lf"} (glibc rounds the exact binary value, ties to
     * even), trailing zeros and a bare point removed, "-0" printed as "0".
     */
    public static String formatHuman(BigDecimal v) {
        if (v == POSITIVE_INFINITY) return "inf";
        if (v == NEGATIVE_INFINITY) return "-inf";
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
        }
        s = s.substring(0, end);
        if (s.equals("-0")) return "0";
        return s;
    }
}
