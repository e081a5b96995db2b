package io.ferrite.server.scripting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Argument checks of Lua 5.1's lauxlib (luaL_checknumber, luaL_checklstring, luaL_checkinteger,
 * luaL_optinteger, luaL_argerror) with its exact messages, for the libraries Redis links in C
 * ({@link LuaStruct}, {@link LuaCmsgpack}); plus the C number conversions those libraries
 * depend on, as gcc compiles them for x86-64, so out-of-range values give Redis's bytes.
 */
final class LuaArgs {
    private LuaArgs() {}

    /** Lua's stack limit for a C function (LUAI_MAXCSTACK); lua_checkstack fails beyond it. */
    static final int MAX_C_STACK = 8000;

    /** luaL_argerror: "bad argument #n to 'f' (msg)". */
    static LuaError argError(int narg, String fname, String msg) {
        return new LuaError("bad argument #" + narg + " to '" + fname + "' (" + msg + ")");
    }

    static LuaError typeError(Varargs a, int narg, String fname, String expected) {
        String got = narg > a.narg() ? "no value" : a.arg(narg).typename();
        return argError(narg, fname, expected + " expected, got " + got);
    }

    /** luaL_checknumber: numbers, and strings that convert to one. */
    static double checkNumber(Varargs a, int narg, String fname) {
        LuaValue n = a.arg(narg).tonumber();
        if (n.isnil()) throw typeError(a, narg, fname, "number");
        return n.todouble();
    }

    /** luaL_checklstring: strings, and numbers converted as Lua prints them (%.14g). */
    static LuaString checkString(Varargs a, int narg, String fname) {
        LuaValue v = a.arg(narg);
        if (v.type() == LuaValue.TSTRING) return v.checkstring();
        if (v.type() == LuaValue.TNUMBER) return LuaValue.valueOf(LuaNumberText.of(v.todouble()));
        throw typeError(a, narg, fname, "string");
    }

    /** luaL_checkinteger: the number truncated as C's (lua_Integer) cast does. */
    static long checkInteger(Varargs a, int narg, String fname) {
        LuaValue n = a.arg(narg).tonumber();
        if (n.isnil()) throw typeError(a, narg, fname, "number");
        return toInteger(n.todouble());
    }

    /** luaL_optinteger: absent or nil gives the default. */
    static long optInteger(Varargs a, int narg, String fname, long def) {
        return a.arg(narg).isnil() ? def : checkInteger(a, narg, fname);
    }

    /** (int64_t) d on x86-64: NaN and out-of-range values give the "integer indefinite" 2^63. */
    static long toInteger(double d) {
        if (Double.isNaN(d) || d >= 0x1p63) return Long.MIN_VALUE;
        return (long) d; // below -2^63 Java saturates to MIN_VALUE, as x86 does
    }

    /**
     * (uint64_t) d as gcc emits it for x86-64: below 2^63 a signed conversion, else one of
     * d - 2^63 with the top bit flipped; so NaN gives 2^63 and 2^64 or more gives 0.
     */
    static long toUnsigned(double d) {
        if (d >= 0x1p63) {
            double low = d - 0x1p63;
            return (low >= 0x1p63 ? Long.MIN_VALUE : (long) low) ^ Long.MIN_VALUE;
        }
        return toInteger(d);
    }

    /** (double) of a uint64_t, rounded to nearest as the C conversion does. */
    static double unsignedToDouble(long u) {
        if (u >= 0) return u;
        return ((double) ((u >>> 1) | (u & 1))) * 2.0;
    }
}
