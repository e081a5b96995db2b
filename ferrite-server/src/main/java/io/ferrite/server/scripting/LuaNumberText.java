package io.ferrite.server.scripting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A Lua number as Lua 5.1 (and so Redis's scripting) writes it: C's printf("%.14g"). It is
 * what tostring, the .. operator and string.format's %s give, through LuaJ's
 * LuaDouble.tojstring(), which the build patches to call {@link #of} (LuaJ writes through a float:
 * see ferrite-server/src/build/java/LuaDoublePatch.java). Public for that patched class.
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
}
