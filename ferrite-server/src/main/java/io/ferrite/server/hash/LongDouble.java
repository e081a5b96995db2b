package io.ferrite.server.hash;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The x86-64 {@code long double} (80-bit extended: 64-bit mantissa, 15-bit exponent) that Redis
 * computes HINCRBYFLOAT (and INCRBYFLOAT) in, emulated exactly with {@link BigDecimal}, so results
 * print digit for digit as Redis prints them. With plain doubles 0.1 + 0.1 + 0.1 would print
 * "0.30000000000000004" where Redis prints "0.3", and 1e308 + 1e308 would overflow.
 *
 * <p>A value is held as the exact decimal of a long double: m x 2^e with m below 2^64. Every
 * operation computes exactly, then rounds to 64 significant bits, half to even (the x87 default).
 * Parsing follows Redis's string2ld (strtold: no leading space, nothing after the number,
 * overflow and underflow to zero rejected, NaN rejected, hex floats such as 0x1.8p3 accepted).
 * Printing follows ld2string's human mode ("%.17Lf", trailing zeros and dot removed, "-0" → "0").
 * Each operation costs a few microseconds: fine for a command that also parses and prints.
 */
public final class LongDouble {
    private static final int MANTISSA_BITS = 64;
    private static final int MAX_EXPONENT = 16383;    // largest finite: just under 2^16384
    private static final int MIN_QUANTUM = 16445;     // smallest subnormal: 2^-16445
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(MANTISSA_BITS - 1);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(MANTISSA_BITS);
    private static final double LOG2_10 = 3.321928094887362;

    static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);
    static final LongDouble POSITIVE_INFINITY = new LongDouble(null, 1);
    static final LongDouble NEGATIVE_INFINITY = new LongDouble(null, -1);

    private final BigDecimal exact; // null when infinite
    private final int infinity;     // +1 / -1 when infinite, else 0

    private LongDouble(BigDecimal exact, int infinity) {
        this.exact = exact;
        this.infinity = infinity;
    }

    public boolean isInfinite() { return infinity != 0; }

    /** The long double nearest to s, or null when Redis's string2ld would reject s. */
    public static LongDouble parse(byte[] s) {
        if (s.length == 0 || s.length >= 5 * 1024) return null;
        byte first = s[0];
        if (first == ' ' || (first >= '\t' && first <= '\r')) return null;
        String text = new String(s, StandardCharsets.ISO_8859_1);
        String body = text;
        int sign = 1;
        if (body.startsWith("+") || body.startsWith("-")) {
            sign = body.charAt(0) == '-' ? -1 : 1;
            body = body.substring(1);
        }
        if (body.equalsIgnoreCase("inf") || body.equalsIgnoreCase("infinity")) {
            return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        }
        if (body.startsWith("0x") || body.startsWith("0X")) {
            BigDecimal hex = parseHex(body.substring(2));
            if (hex == null) return null;
            return checkRange(sign < 0 ? hex.negate() : hex);
        }
        // BigDecimal accepts exactly the decimal forms strtold does, minus hex, inf and nan.
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (!(ch >= '0' && ch <= '9') && ch != '.' && ch != 'e' && ch != 'E' && ch != '+' && ch != '-') return null;
        }
        BigDecimal d;
        try {
            d = new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        return checkRange(d);
    }

    private static LongDouble checkRange(BigDecimal d) {
        LongDouble r = round(d);
        // strtold reports ERANGE for overflow and for underflow to zero; string2ld rejects both.
        if (r.isInfinite() || (r.exact.signum() == 0 && d.signum() != 0)) return null;
        return r;
    }

    /** strtold's hex form after "0x": hex digits, an optional hex fraction, an optional p-exponent. */
    private static BigDecimal parseHex(String s) {
        BigInteger mantissa = BigInteger.ZERO;
        int i = 0, digits = 0, fractionDigits = 0;
        boolean point = false;
        for (; i < s.length(); i++) {
            char ch = s.charAt(i);
            int d = Character.digit(ch, 16);
            if (d >= 0) {
                mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(d));
                digits++;
                if (point) fractionDigits++;
            } else if (ch == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) return null;
        long exponent = 0;
        if (i < s.length()) {
            if (s.charAt(i) != 'p' && s.charAt(i) != 'P') return null;
            String e = s.substring(i + 1);
            if (e.startsWith("+")) e = e.substring(1);
            if (e.isEmpty() || e.equals("-") || !e.substring(e.startsWith("-") ? 1 : 0).chars().allMatch(Character::isDigit)) return null;
            try {
                exponent = Long.parseLong(e);
            } catch (NumberFormatException tooLong) {
                return null;
            }
        }
        long shift = exponent - 4L * fractionDigits;
        if (shift > 20000 || shift < -20000 - 4L * digits) return null;
        BigDecimal m = new BigDecimal(mantissa);
        return shift >= 0 ? m.multiply(new BigDecimal(BigInteger.ONE.shiftLeft((int) shift)))
                : m.multiply(new BigDecimal(BigInteger.valueOf(5).pow((int) -shift))).scaleByPowerOfTen((int) shift);
    }

    public static LongDouble of(long v) {
        return new LongDouble(new BigDecimal(v), 0);
    }

    /** this + other, rounded once, as the FPU does. */
    public LongDouble add(LongDouble other) {
        if (isInfinite() || other.isInfinite()) {
            if (isInfinite() && other.isInfinite() && infinity != other.infinity) return null; // NaN
            return isInfinite() ? this : other;
        }
        return round(exact.add(other.exact));
    }

    /** The nearest long double to x (ties to even), infinity past the largest finite one. */
    static LongDouble round(BigDecimal x) {
        int sign = x.signum();
        if (sign == 0) return ZERO;
        BigDecimal a = x.abs();
        long log10 = (long) a.precision() - a.scale() - 1; // floor(log10 a)
        if (log10 > 4940) return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        if (log10 < -4960) return ZERO;
        int s = (int) Math.min(MIN_QUANTUM, MANTISSA_BITS - 1 - (long) Math.floor(log10 * LOG2_10));
        // Find s with 2^63 <= a * 2^s < 2^64, or the subnormal limit.
        BigDecimal t = scaleByPowerOfTwo(a, s);
        while (t.compareTo(new BigDecimal(TWO_64)) >= 0) t = scaleByPowerOfTwo(a, --s);
        while (t.compareTo(new BigDecimal(TWO_63)) < 0 && s < MIN_QUANTUM) t = scaleByPowerOfTwo(a, ++s);
        BigInteger m = t.setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
        if (m.signum() == 0) return ZERO;
        if (m.bitLength() > MANTISSA_BITS) { // rounding carried into a 65th bit: m is 2^64
            m = m.shiftRight(1);
            s--;
        }
        if (m.bitLength() - 1 - s > MAX_EXPONENT) return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        BigDecimal v = scaleByPowerOfTwo(new BigDecimal(m), -s);
        return new LongDouble(sign < 0 ? v.negate() : v, 0);
    }

    /** a x 2^s, exactly (dividing by 2^n is multiplying by 5^n and moving the point n places). */
    private static BigDecimal scaleByPowerOfTwo(BigDecimal a, int s) {
        if (s >= 0) return a.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(s)));
        return a.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-s))).scaleByPowerOfTen(s);
    }

    /** Redis's ld2string(LD_STR_HUMAN): "%.17Lf" without trailing zeros or a trailing dot. */
    public String toHumanString() {
        if (isInfinite()) return infinity > 0 ? "inf" : "-inf";
        String s = exact.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    @Override
    public String toString() {
        return toHumanString();
    }
}
