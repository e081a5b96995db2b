package io.ferrite.server.scripting;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The LuaBitOp {@code bit} library Redis bundles: 32-bit signed results (tobit, bnot, band,
 * bor, bxor, lshift, rshift, arshift, rol, ror, bswap, tohex).
 */
final class LuaBit {
    private LuaBit() {}

    private interface Op { Varargs apply(Varargs a); }

    private static VarArgFunction f(Op op) {
        return new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return op.apply(a); }
        };
    }

    /** LuaBitOp's normalisation: the number modulo 2^32, as a signed 32-bit integer. */
    static int tobit(LuaValue v) {
        double d = v.checkdouble();
        return (int) (long) Math.floor(d % 4294967296.0);
    }

    static LuaTable build() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", f(a -> LuaValue.valueOf(tobit(a.arg1()))));
        t.rawset("bnot", f(a -> LuaValue.valueOf(~tobit(a.arg1()))));
        t.rawset("band", f(a -> {
            int r = tobit(a.arg1());
            for (int i = 2; i <= a.narg(); i++) r &= tobit(a.arg(i));
            return LuaValue.valueOf(r);
        }));
        t.rawset("bor", f(a -> {
            int r = tobit(a.arg1());
            for (int i = 2; i <= a.narg(); i++) r |= tobit(a.arg(i));
            return LuaValue.valueOf(r);
        }));
        t.rawset("bxor", f(a -> {
            int r = tobit(a.arg1());
            for (int i = 2; i <= a.narg(); i++) r ^= tobit(a.arg(i));
            return LuaValue.valueOf(r);
        }));
        t.rawset("lshift", f(a -> LuaValue.valueOf(tobit(a.arg1()) << (tobit(a.arg(2)) & 31))));
        t.rawset("rshift", f(a -> LuaValue.valueOf(tobit(a.arg1()) >>> (tobit(a.arg(2)) & 31))));
        t.rawset("arshift", f(a -> LuaValue.valueOf(tobit(a.arg1()) >> (tobit(a.arg(2)) & 31))));
        t.rawset("rol", f(a -> LuaValue.valueOf(Integer.rotateLeft(tobit(a.arg1()), tobit(a.arg(2)) & 31))));
        t.rawset("ror", f(a -> LuaValue.valueOf(Integer.rotateRight(tobit(a.arg1()), tobit(a.arg(2)) & 31))));
        t.rawset("bswap", f(a -> LuaValue.valueOf(Integer.reverseBytes(tobit(a.arg1())))));
        t.rawset("tohex", f(a -> {
            int x = tobit(a.arg1());
            int n = a.narg() >= 2 ? tobit(a.arg(2)) : 8;
            boolean upper = n < 0;
            if (n < 0) n = n == Integer.MIN_VALUE ? 8 : -n; // LuaBitOp: -(-2^31) overflows, so 8 digits
            if (n > 8) n = 8;
            String h = String.format(upper ? "%08X" : "%08x", x);
            return LuaValue.valueOf(h.substring(8 - n));
        }));
        return t;
    }
}
