package io.ferrite.server.scripting;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cjson} library (lua-cjson 2.1 as bundled in Redis): encode and decode, with
 * cjson.null. Encoding: a table whose keys are exactly 1..n is an array (an empty table is
 * {@code {}}), otherwise an object whose keys must be strings or numbers; numbers print with
 * %.14g; strings are escaped byte-wise. Decoding: objects and arrays become tables, numbers
 * Lua numbers, null cjson.null. Nesting is limited to 1000 levels like cjson's default.
 */
final class LuaCjson {
    private LuaCjson() {}

    static final LuaValue NULL = new LuaUserdata(new Object());

    /** cjson's per-interpreter settings (encode_max_depth ...), which persist across scripts as in Redis. */
    static final class Settings {
        int encodeMaxDepth = 1000;
        int decodeMaxDepth = 1000;
        boolean encodeInvalidNumbers;
    }

    static LuaTable build() {
        Settings cfg = new Settings();
        LuaTable t = new LuaTable();
        t.rawset("encode", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1) throw new LuaError("bad argument #1 to '?' (expected 1 argument)");
                StringBuilder sb = new StringBuilder();
                encode(cfg, sb, a.arg1(), 0);
                return LuaString.valueOf(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
        });
        t.rawset("decode", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                LuaString s = a.checkstring(1);
                Parser p = new Parser(RedisLib.bytes(s), cfg.decodeMaxDepth);
                p.ws();
                LuaValue v = p.value(0);
                p.ws();
                if (p.i != p.b.length) p.error("the end");
                return v;
            }
        });
        t.rawset("null", NULL);
        VarArgFunction config = new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return NONE; }
        };
        t.rawset("encode_keep_buffer", config);
        t.rawset("encode_max_depth", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!a.isnoneornil(1)) cfg.encodeMaxDepth = depthArg(a);
                return LuaValue.valueOf(cfg.encodeMaxDepth);
            }
        });
        t.rawset("decode_max_depth", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!a.isnoneornil(1)) cfg.decodeMaxDepth = depthArg(a);
                return LuaValue.valueOf(cfg.decodeMaxDepth);
            }
        });
        t.rawset("encode_number_precision", config);
        t.rawset("encode_sparse_array", config);
        t.rawset("encode_invalid_numbers", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (!a.isnoneornil(1)) cfg.encodeInvalidNumbers = a.arg1().toboolean();
                return LuaValue.valueOf(cfg.encodeInvalidNumbers);
            }
        });
        t.rawset("decode_invalid_numbers", config);
        return t;
    }

    private static int depthArg(Varargs a) {
        int d = a.checkint(1);
        if (d < 1 || d > Integer.MAX_VALUE - 1) throw new LuaError("bad argument #1 to '?' (expected integer between 1 and 2147483647)");
        return d;
    }

    private static void encode(Settings cfg, StringBuilder sb, LuaValue v, int depth) {
        if (depth >= cfg.encodeMaxDepth && v.istable()) {
            throw new LuaError("Cannot serialise, excessive nesting (" + (depth + 1) + ")");
        }
        switch (v.type()) {
            case LuaValue.TNIL -> sb.append("null");
            case LuaValue.TBOOLEAN -> sb.append(v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> number(cfg, sb, v.todouble());
            case LuaValue.TSTRING -> string(sb, RedisLib.bytes(v.checkstring()));
            case LuaValue.TTABLE -> table(cfg, sb, (LuaTable) v, depth);
            case LuaValue.TUSERDATA -> {
                if (v == NULL) sb.append("null");
                else throw new LuaError("Cannot serialise userdata: type not supported");
            }
            default -> throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
    }

    private static void number(Settings cfg, StringBuilder sb, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            if (!cfg.encodeInvalidNumbers) throw new LuaError("Cannot serialise number: must not be NaN or Inf");
            sb.append(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
            return;
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e14) {
            sb.append((long) d);
            return;
        }
        // %.14g: trim C's trailing zeros the way printf's %g does.
        String s = String.format(java.util.Locale.ROOT, "%.14g", d);
        int e = s.indexOf('e');
        String mant = e < 0 ? s : s.substring(0, e);
        String exp = e < 0 ? "" : s.substring(e);
        if (mant.indexOf('.') >= 0) {
            mant = mant.replaceAll("0+$", "");
            if (mant.endsWith(".")) mant = mant.substring(0, mant.length() - 1);
        }
        sb.append(mant).append(exp);
    }

    private static void string(StringBuilder sb, byte[] b) {
        sb.append('"');
        for (byte x : b) {
            int ch = x & 0xff;
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '/' -> sb.append("\\/");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) sb.append(String.format("\\u%04x", ch));
                    else sb.append((char) ch); // bytes pass through (the builder is Latin-1)
                }
            }
        }
        sb.append('"');
    }

    private static void table(Settings cfg, StringBuilder sb, LuaTable t, int depth) {
        // An array when every key is a positive integer; cjson also rejects very sparse ones.
        int max = 0;
        int count = 0;
        boolean array = true;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            count++;
            if (k.type() == LuaValue.TNUMBER && k.todouble() == Math.rint(k.todouble()) && k.todouble() >= 1) {
                max = Math.max(max, (int) k.todouble());
            } else {
                array = false;
            }
        }
        if (array && max > 10 && max > count * 2) throw new LuaError("Cannot serialise table: excessively sparse array");
        if (array && count > 0) {
            sb.append('[');
            for (int i = 1; i <= max; i++) {
                if (i > 1) sb.append(',');
                encode(cfg, sb, t.rawget(i), depth + 1);
            }
            sb.append(']');
            return;
        }
        sb.append('{');
        boolean first = true;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            if (!first) sb.append(',');
            first = false;
            if (k.type() == LuaValue.TSTRING) {
                string(sb, RedisLib.bytes(k.checkstring()));
            } else if (k.type() == LuaValue.TNUMBER) {
                sb.append('"');
                number(cfg, sb, k.todouble());
                sb.append('"');
            } else {
                throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
            }
            sb.append(':');
            encode(cfg, sb, t.rawget(k), depth + 1);
        }
        sb.append('}');
    }

    private static final class Parser {
        final byte[] b;
        int i;

        final int maxDepth;

        Parser(byte[] b, int maxDepth) {
            this.b = b;
            this.maxDepth = maxDepth;
        }

        void error(String expected) {
            String found = i >= b.length ? "T_END" : "'" + (char) b[i] + "'";
            throw new LuaError("Expected " + expected + " but found invalid token at character " + (i + 1));
        }

        void ws() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) i++;
        }

        LuaValue value(int depth) {
            if (depth >= maxDepth && i < b.length && (b[i] == '{' || b[i] == '[')) {
                throw new LuaError("Found too many nested data structures (" + (depth + 1) + ") at character " + (i + 1));
            }
            if (i >= b.length) error("value");
            switch (b[i]) {
                case '{': {
                    i++;
                    LuaTable t = new LuaTable();
                    ws();
                    if (i < b.length && b[i] == '}') {
                        i++;
                        return t;
                    }
                    while (true) {
                        ws();
                        if (i >= b.length || b[i] != '"') error("object key string");
                        LuaValue k = str();
                        ws();
                        if (i >= b.length || b[i] != ':') error("colon");
                        i++;
                        ws();
                        t.rawset(k, value(depth + 1));
                        ws();
                        if (i < b.length && b[i] == ',') {
                            i++;
                            continue;
                        }
                        if (i < b.length && b[i] == '}') {
                            i++;
                            return t;
                        }
                        error("comma or object end");
                    }
                }
                case '[': {
                    i++;
                    LuaTable t = new LuaTable();
                    ws();
                    if (i < b.length && b[i] == ']') {
                        i++;
                        return t;
                    }
                    for (int n = 1; ; n++) {
                        ws();
                        t.rawset(n, value(depth + 1));
                        ws();
                        if (i < b.length && b[i] == ',') {
                            i++;
                            continue;
                        }
                        if (i < b.length && b[i] == ']') {
                            i++;
                            return t;
                        }
                        error("comma or array end");
                    }
                }
                case '"':
                    return str();
                case 't':
                    return word("true", LuaValue.TRUE);
                case 'f':
                    return word("false", LuaValue.FALSE);
                case 'n':
                    return word("null", NULL);
                default:
                    return num();
            }
        }

        LuaValue word(String w, LuaValue v) {
            for (int k = 0; k < w.length(); k++) {
                if (i + k >= b.length || b[i + k] != w.charAt(k)) error("value");
            }
            i += w.length();
            return v;
        }

        LuaValue num() {
            int s = i;
            while (i < b.length && "+-0123456789.eExX".indexOf(b[i]) >= 0 || (i < b.length && i > s
                    && Character.isLetterOrDigit(b[i]))) i++;
            String t = new String(b, s, i - s, StandardCharsets.ISO_8859_1);
            try {
                return LuaValue.valueOf(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                i = s;
                error("value");
                return LuaValue.NIL;
            }
        }

        LuaValue str() {
            i++; // opening quote
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (true) {
                if (i >= b.length) error("string end");
                byte c = b[i++];
                if (c == '"') break;
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                if (i >= b.length) error("string end");
                byte e = b[i++];
                switch (e) {
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'u' -> {
                        int cp = hex4();
                        if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < b.length && b[i] == '\\' && b[i + 1] == 'u') {
                            i += 2;
                            int lo = hex4();
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        }
                        byte[] u = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                        out.write(u, 0, u.length);
                    }
                    default -> out.write(e);
                }
            }
            return LuaString.valueOf(out.toByteArray());
        }

        int hex4() {
            if (i + 4 > b.length) error("unicode escape");
            int v = Integer.parseInt(new String(b, i, 4, StandardCharsets.ISO_8859_1), 16);
            i += 4;
            return v;
        }
    }
}
