package io.ferrite.server.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cmsgpack} library Redis bundles (lua-cmsgpack 0.4.0, Redis's
 * deps/lua/src/lua_cmsgpack.c): pack(...) encodes each argument and concatenates them;
 * unpack(s) decodes every value in s; unpack_one(s [, offset]) and unpack_limit(s, n [, offset])
 * decode at most 1 or n values and return first the offset to continue from (-1 at the end).
 * Bytes, values and error texts are those of Redis 7.2 on x86-64.
 *
 * <p>Encoding (MessagePack, the smallest form the C code picks):
 * <pre>
 *   number, integral, |n| &lt; 2^63   positive fixint 00-7f, uint8 cc, uint16 cd, uint32 ce,
 *                                   uint64 cf; negative fixint e0-ff, int8 d0 ... int64 d3
 *   other numbers                   float32 ca when the float equals the double, else float64 cb
 *   string (binary safe)            fixstr a0-bf (&lt; 32 bytes), str8 d9, str16 da, str32 db
 *   boolean                         c2 / c3
 *   table with keys exactly 1..n    fixarray 90-9f, array16 dc, array32 dd (an empty table too)
 *   other tables                    fixmap 80-8f, map16 de, map32 df, pairs in next() order
 *   anything else, and a table      nil c0
 *   nested 16 tables deep
 * </pre>
 * The nesting cap is what makes a table that contains itself encodable (16 copies deep).
 * Decoding takes every form above in any size (str16 for a short string too); bin, ext and c1
 * are "Bad data format". All numbers decode to Lua numbers (doubles); uint64 past 2^63 goes
 * through a signed long, as in Redis, so it comes back negative.
 *
 * <p>Where we differ: a map's pairs come in LuaJ's table order, which is Lua 5.1's order
 * only when the keys land in distinct hash slots (true for small tables of short keys).
 *
 * <p>Lua's C stack: Redis's functions run inside Lua's 8000-slot limit for a C function, so
 * very many arguments, results or nesting levels fail with "stack overflow (...)". We count
 * the slots the C code would use and fail at the same points, which also bounds the recursion.
 *
 * <p>Ref: Redis 7.2.6 deps/lua/src/lua_cmsgpack.c; https://github.com/msgpack/msgpack/blob/master/spec.md.
 */
final class LuaCmsgpack {
    private LuaCmsgpack() {}

    static final int MAX_NESTING = 16;

    static LuaTable build() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return pack(a); }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                LuaString s = LuaArgs.checkString(a, 1, "unpack");
                return unpack(s, 0, 0, a.narg());
            }
        });
        t.rawset("unpack_one", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                long offset = LuaArgs.optInteger(a, 2, "unpack_one", 0);
                LuaString s = LuaArgs.checkString(a, 1, "unpack_one");
                return unpack(s, 1, offset, 1);
            }
        });
        t.rawset("unpack_limit", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                long limit = LuaArgs.checkInteger(a, 2, "unpack_limit");
                long offset = LuaArgs.optInteger(a, 3, "unpack_limit", 0);
                LuaString s = LuaArgs.checkString(a, 1, "unpack_limit");
                return unpack(s, limit, offset, 1);
            }
        });
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    /** Fails as luaL_checkstack does when n more slots would pass the C stack limit. */
    private static void needStack(int top, int n, String what) {
        if (top + n > LuaArgs.MAX_C_STACK) throw new LuaError("stack overflow (" + what + ")");
    }

    // ---------------------------------------------------------------- encoding

    private static Varargs pack(Varargs a) {
        int nargs = a.narg();
        if (nargs == 0) throw LuaArgs.argError(0, "pack", "MessagePack pack needs input.");
        if (nargs + nargs > LuaArgs.MAX_C_STACK) throw LuaArgs.argError(0, "pack", "Too many arguments for MessagePack pack.");
        Encoder e = new Encoder();
        e.top = nargs;
        for (int i = 1; i <= nargs; i++) {
            needStack(e.top, 1, "in function mp_check");
            e.top++; // the argument's copy, which the encoder pops
            e.value(a.arg(i), 0);
            e.top--;
            e.top++; // each argument's encoding stays on the stack until the final concat
        }
        return LuaString.valueUsing(e.out.toByteArray()); // a fresh array: no copy needed
    }

    private static final class Encoder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int top; // Lua stack slots the C encoder would hold; the value being encoded is on top

        void value(LuaValue v, int level) {
            int type = v.type();
            if (type == LuaValue.TTABLE && level == MAX_NESTING) type = LuaValue.TNIL;
            switch (type) {
                case LuaValue.TSTRING -> {
                    LuaString s = v.checkstring();
                    bytes(s.m_bytes, s.m_offset, s.m_length);
                }
                case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
                case LuaValue.TNUMBER -> number(v.todouble());
                case LuaValue.TTABLE -> table((LuaTable) v, level);
                default -> out.write(0xc0);
            }
        }

        void bytes(byte[] b, int off, int len) {
            if (len < 32) {
                out.write(0xa0 | len);
            } else if (len <= 0xff) {
                out.write(0xd9);
                out.write(len);
            } else if (len <= 0xffff) {
                out.write(0xda);
                be(len, 2);
            } else {
                out.write(0xdb);
                be(len, 4);
            }
            out.write(b, off, len);
        }

        /** Integral values that fit an int64 are integers; C's (int64_t) cast rejects 2^63 and up. */
        void number(double n) {
            if (n >= -0x1p63 && n < 0x1p63 && (double) (long) n == n) {
                integer((long) n);
                return;
            }
            float f = (float) n;
            if (n == (double) f) { // NaN never equals itself: it is written as a double
                out.write(0xca);
                be(Float.floatToRawIntBits(f), 4);
            } else {
                out.write(0xcb);
                be(Double.doubleToRawLongBits(n), 8);
            }
        }

        void integer(long n) {
            if (n >= 0) {
                if (n <= 127) {
                    out.write((int) n);
                } else if (n <= 0xff) {
                    out.write(0xcc);
                    out.write((int) n);
                } else if (n <= 0xffff) {
                    out.write(0xcd);
                    be(n, 2);
                } else if (n <= 0xffffffffL) {
                    out.write(0xce);
                    be(n, 4);
                } else {
                    out.write(0xcf);
                    be(n, 8);
                }
            } else if (n >= -32) {
                out.write((int) n); // negative fixint: the low byte
            } else if (n >= -128) {
                out.write(0xd0);
                out.write((int) n);
            } else if (n >= -32768) {
                out.write(0xd1);
                be(n, 2);
            } else if (n >= -2147483648L) {
                out.write(0xd2);
                be(n, 4);
            } else {
                out.write(0xd3);
                be(n, 8);
            }
        }

        /** The low size bytes of v, big endian. */
        void be(long v, int size) {
            for (int k = size - 1; k >= 0; k--) out.write((int) (v >>> (8 * k)));
        }

        void table(LuaTable t, int level) {
            needStack(top, 2, "in function table_is_an_array");
            int n = arrayLength(t);
            if (n >= 0) {
                header(n, 0x90, 0xdc, 0xdd);
                needStack(top, 1, "in function mp_encode_lua_table_as_array");
                for (int j = 1; j <= n; j++) {
                    top++;
                    value(t.rawget(j), level + 1); // keys 1..n all exist: lua_gettable's metamethods never run
                    top--;
                }
                return;
            }
            needStack(top, 3, "in function mp_encode_lua_table_as_map");
            int count = 0;
            for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) count++;
            header(count, 0x80, 0xde, 0xdf);
            top++; // the iteration key
            for (Varargs kv = t.next(LuaValue.NIL); !kv.arg1().isnil(); kv = t.next(kv.arg1())) {
                top += 2; // the value, and the copy of the key being encoded
                value(kv.arg1(), level + 1);
                top--;
                value(kv.arg(2), level + 1);
                top--;
            }
            top--;
        }

        /**
         * n when the keys are exactly 1..n (n may be 0), else -1 (table_is_an_array: every key
         * a positive integral number that fits an int, and the largest equals the count).
         */
        static int arrayLength(LuaTable t) {
            int count = 0;
            int max = 0;
            for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
                if (k.type() != LuaValue.TNUMBER) return -1;
                double n = k.todouble();
                if (n <= 0 || n > Integer.MAX_VALUE || (int) n != n) return -1;
                max = Math.max(max, (int) n);
                count++;
            }
            return max == count ? count : -1;
        }

        /** An array or map header: fix form up to 15, then 16-bit, then 32-bit length. */
        void header(long n, int fix, int b16, int b32) {
            if (n <= 15) {
                out.write(fix | (int) n);
            } else if (n <= 65535) {
                out.write(b16);
                be(n, 2);
            } else {
                out.write(b32);
                be(n, 4);
            }
        }
    }

    // ---------------------------------------------------------------- decoding

    private static final int EOF = 1;
    private static final int BAD_FORMAT = 2;

    /**
     * mp_unpack_full: limit 0 with offset 0 decodes everything and returns only the values;
     * otherwise at most limit values, preceded by the next offset (-1 when all was read).
     */
    private static Varargs unpack(LuaString s, long limit, long offset, int top) {
        int len = s.m_length;
        if (offset < 0 || limit < 0) {
            // Redis prints the input length where it means the limit.
            throw new LuaError("Invalid request to unpack with offset of " + (int) offset + " and limit of " + len + ".");
        }
        if (offset > len) throw new LuaError("Start offset " + (int) offset + " greater than input length " + len + ".");
        boolean all = limit == 0 && offset == 0;
        if (all) limit = Integer.MAX_VALUE;
        Decoder d = new Decoder(s.m_bytes, s.m_offset + (int) offset, s.m_offset + len, top);
        List<LuaValue> values = new ArrayList<>();
        for (long cnt = 0; d.left() > 0 && cnt < limit; cnt++) {
            LuaValue v = d.value();
            if (d.err == EOF) throw new LuaError("Missing bytes in input.");
            if (d.err == BAD_FORMAT) throw new LuaError("Bad data format in input.");
            values.add(v);
        }
        if (!all) {
            needStack(d.top, 1, "in function mp_unpack_full");
            values.addFirst(LuaValue.valueOf(d.left() == 0 ? -1 : d.p - s.m_offset));
        }
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    /** A cursor over the input; err is set (and null returned) when the data is short or bad. */
    private static final class Decoder {
        final byte[] b;
        final int end;
        int p;
        int err;
        int top; // Lua stack slots the C decoder would hold: arguments, results, open tables

        Decoder(byte[] b, int p, int end, int top) {
            this.b = b;
            this.p = p;
            this.end = end;
            this.top = top;
        }

        int left() { return end - p; }

        boolean need(long n) {
            if (left() < n) {
                err = EOF;
                return false;
            }
            return true;
        }

        int u8(int at) { return b[p + at] & 0xff; }

        long be(int at, int size) {
            long v = 0;
            for (int k = 0; k < size; k++) v = (v << 8) | u8(at + k);
            return v;
        }

        /** Pushes a scalar: one more slot. */
        LuaValue push(LuaValue v, int consumed) {
            p += consumed;
            top++;
            return v;
        }

        LuaValue value() {
            if (!need(1)) return null;
            needStack(top, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
            int tag = u8(0);
            switch (tag) {
                case 0xcc: return need(2) ? push(LuaValue.valueOf(u8(1)), 2) : null;
                case 0xd0: return need(2) ? push(LuaValue.valueOf((byte) u8(1)), 2) : null;
                case 0xcd: return need(3) ? push(LuaValue.valueOf((int) be(1, 2)), 3) : null;
                case 0xd1: return need(3) ? push(LuaValue.valueOf((short) be(1, 2)), 3) : null;
                case 0xce: return need(5) ? push(LuaValue.valueOf((double) be(1, 4)), 5) : null;
                case 0xd2: return need(5) ? push(LuaValue.valueOf((int) be(1, 4)), 5) : null;
                // Both 64-bit forms reach Lua through a signed long.
                case 0xcf, 0xd3: return need(9) ? push(LuaValue.valueOf((double) be(1, 8)), 9) : null;
                case 0xc0: return push(LuaValue.NIL, 1);
                case 0xc3: return push(LuaValue.TRUE, 1);
                case 0xc2: return push(LuaValue.FALSE, 1);
                case 0xca: return need(5) ? push(LuaValue.valueOf(Float.intBitsToFloat((int) be(1, 4))), 5) : null;
                case 0xcb: return need(9) ? push(LuaValue.valueOf(Double.longBitsToDouble(be(1, 8))), 9) : null;
                case 0xd9: return need(2) ? string(2, u8(1)) : null;
                case 0xda: return need(3) ? string(3, be(1, 2)) : null;
                case 0xdb: return need(5) ? string(5, be(1, 4)) : null;
                case 0xdc: return need(3) ? array(3, be(1, 2)) : null;
                case 0xdd: return need(5) ? array(5, be(1, 4)) : null;
                case 0xde: return need(3) ? map(3, be(1, 2)) : null;
                case 0xdf: return need(5) ? map(5, be(1, 4)) : null;
                default:
                    if ((tag & 0x80) == 0) return push(LuaValue.valueOf(tag), 1);
                    if ((tag & 0xe0) == 0xe0) return push(LuaValue.valueOf((byte) tag), 1);
                    if ((tag & 0xe0) == 0xa0) return string(1, tag & 0x1f);
                    if ((tag & 0xf0) == 0x90) return array(1, tag & 0xf);
                    if ((tag & 0xf0) == 0x80) return map(1, tag & 0xf);
                    err = BAD_FORMAT;
                    return null;
            }
        }

        LuaValue string(int header, long len) {
            if (!need(header + len)) return null;
            return push(LuaString.valueOf(b, p + header, (int) len), header + (int) len);
        }

        LuaValue array(int header, long len) {
            p += header;
            // Every element takes a byte at least: a length past what is left is not presized.
            LuaTable t = new LuaTable(len <= left() ? (int) len : 0, 0);
            top++;
            needStack(top, 1, "in function mp_decode_to_lua_array");
            for (long i = 1; i <= len; i++) {
                top++; // the index
                LuaValue v = value();
                if (err != 0) return null;
                t.rawset((int) i, v);
                top -= 2;
            }
            return t;
        }

        LuaValue map(int header, long len) {
            p += header;
            LuaTable t = new LuaTable();
            top++;
            for (long i = 0; i < len; i++) {
                LuaValue k = value();
                if (err != 0) return null;
                LuaValue v = value();
                if (err != 0) return null;
                // lua_settable raises these from inside the C function: no script position.
                if (k.isnil()) throw new LuaError(LuaValue.valueOf("table index is nil"));
                if (k.type() == LuaValue.TNUMBER && Double.isNaN(k.todouble())) {
                    throw new LuaError(LuaValue.valueOf("table index is NaN"));
                }
                t.rawset(k, v);
                top -= 2;
            }
            return t;
        }
    }
}
