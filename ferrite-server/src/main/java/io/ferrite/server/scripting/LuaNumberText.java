package io.ferrite.server.scripting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A Lua number as Lua 5.1 (and so Redis's scripting) writes it: C's printf("%.14g"). It is
 * what tostring, the .. operator and string.format's %s give, through LuaJ's
 * LuaDouble.tojstring(), which the build patches to call {@link #of} (LuaJ writes through a float:
 * see ferrite-server/src/build/java/LuaDoublePatch.java; public for that patched class).
 * string.format's %e %E %f %g %G go through {@link #printf} ({@link LuaStringFormat}).
 */
public final class LuaNumberText {
    private LuaNumberText() {}

    public static String of(double d) {
        if (d == 0) return 1 / d < 0 ? "-0" : "0";
        if (d == Math.rint(d) && Math.abs(d) < 1e14) return Long.toString((long) d);
        if (Double.isNaN(d)) return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        BigDecimal r = new BigDecimal(d).round(new MathContext(14, RoundingMode.HALF_EVEN));
        int exp = r.precision() - r.scale() - 1;
        if (exp < -4 || exp >= 14) {
            String mantissa = r.movePointLeft(exp).stripTrailingZeros().toPlainString();
            int e = Math.abs(exp);
            return mantissa + (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e;
        }
        return r.stripTrailingZeros().toPlainString();
    }

    /**
     * C's printf of one double, as glibc writes it: conversion e, E, f, g or G; flags '-', '0',
     * '+', ' ' and '#'; width; precision (-1: none, so 6). Exact decimal rounding, half to even,
     * as glibc rounds the binary value it is given.
     */
    public static String printf(double x, boolean left, boolean zero, boolean plus, boolean space, boolean alt,
                                int width, int precision, int conversion) {
        boolean upper = conversion == 'E' || conversion == 'G';
        boolean negative = Double.doubleToRawLongBits(x) < 0;
        String body;
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            body = Double.isNaN(x) ? "nan" : "inf";
            zero = false; // glibc pads inf and nan with spaces
        } else {
            int p = precision < 0 ? 6 : precision;
            BigDecimal v = new BigDecimal(x).abs();
            body = switch (conversion) {
                case 'f', 'F' -> fixed(v, p, alt);
                case 'e', 'E' -> scientific(v, p, alt);
                default -> general(v, p == 0 ? 1 : p, alt);
            };
        }
        if (upper) body = body.toUpperCase(java.util.Locale.ROOT);
        String sign = negative ? "-" : plus ? "+" : space ? " " : "";
        int pad = width - sign.length() - body.length();
        if (pad <= 0) return sign + body;
        if (left) return sign + body + " ".repeat(pad);
        if (zero) return sign + "0".repeat(pad) + body;
        return " ".repeat(pad) + sign + body;
    }

    private static String fixed(BigDecimal v, int precision, boolean alt) {
        String s = v.setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return precision == 0 && alt ? s + "." : s;
    }

    private static String scientific(BigDecimal v, int precision, boolean alt) {
        int exp = 0;
        BigDecimal m = BigDecimal.ZERO.setScale(precision);
        if (v.signum() != 0) {
            BigDecimal r = v.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            exp = r.precision() - r.scale() - 1;
            m = r.movePointLeft(exp).setScale(precision, RoundingMode.HALF_EVEN);
        }
        String mantissa = m.toPlainString();
        if (precision == 0 && alt) mantissa += ".";
        int e = Math.abs(exp);
        return mantissa + (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e;
    }

    /** %g: %e or %f by the exponent the value has at P significant digits, trailing zeros removed unless '#'. */
    private static String general(BigDecimal v, int p, boolean alt) {
        int exp = 0;
        if (v.signum() != 0) {
            BigDecimal r = v.round(new MathContext(p, RoundingMode.HALF_EVEN));
            exp = r.precision() - r.scale() - 1;
        }
        String s = exp < -4 || exp >= p ? scientific(v, p - 1, alt) : fixed(v, p - 1 - exp, alt);
        if (alt) return s;
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e), tail = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) mantissa = mantissa.substring(0, mantissa.length() - 1);
        }
        return mantissa + tail;
    }
}
