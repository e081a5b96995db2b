package io.ferrite.server.scripting;

import io.ferrite.server.protocol.RespWriter;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Lua↔RESP conversions as Redis 7.2 does them (script_lua.c). RESP to Lua: integer → number,
 * bulk → string, nil → false (RESP2) or nil (RESP3), status → {ok=}, error → {err=}, array →
 * table; under RESP3 map → {map=}, set → {set=}, double → {double=}, boolean → boolean,
 * big number → {big_number=}, verbatim → {verbatim_string={format=,string=}}. Lua to RESP:
 * number → integer (truncated), string → bulk, true → 1, false → nil (RESP3: boolean),
 * {err=} → error, {ok=} → status, other tables → array up to the first nil.
 */
final class LuaConvert {
    private LuaConvert() {}

    /** Parses the one reply written to buf between from and to. */
    static LuaValue parse(ByteBuf buf, int from, int to) {
        int[] pos = {from};
        return read(buf, pos);
    }

    private static String line(ByteBuf b, int[] pos) {
        int i = pos[0];
        int end = b.indexOf(i, b.writerIndex(), (byte) '\r');
        String s = b.toString(i, end - i, StandardCharsets.ISO_8859_1);
        pos[0] = end + 2;
        return s;
    }

    private static LuaValue read(ByteBuf b, int[] pos) {
        byte type = b.getByte(pos[0]++);
        switch (type) {
            case ':':
                return LuaValue.valueOf((double) Long.parseLong(line(b, pos)));
            case '+': {
                LuaTable t = new LuaTable();
                t.rawset("ok", LuaValue.valueOf(utf8(line(b, pos))));
                return t;
            }
            case '-': {
                LuaTable t = new LuaTable();
                t.rawset("err", LuaValue.valueOf(utf8(line(b, pos))));
                return t;
            }
            case '$':
            case '=': {
                long n = Long.parseLong(line(b, pos));
                if (n < 0) return LuaValue.FALSE;
                byte[] data = new byte[(int) n];
                b.getBytes(pos[0], data);
                pos[0] += (int) n + 2;
                if (type == '$') return LuaString.valueOf(data);
                LuaTable v = new LuaTable();
                v.rawset("format", LuaString.valueOf(java.util.Arrays.copyOf(data, 3)));
                v.rawset("string", LuaString.valueOf(java.util.Arrays.copyOfRange(data, 4, data.length)));
                LuaTable t = new LuaTable();
                t.rawset("verbatim_string", v);
                return t;
            }
            case '*':
            case '>': {
                long n = Long.parseLong(line(b, pos));
                if (n < 0) return LuaValue.FALSE;
                LuaTable t = new LuaTable((int) n, 0);
                for (int i = 1; i <= n; i++) t.rawset(i, read(b, pos));
                return t;
            }
            case '%':
            case '~': {
                long n = Long.parseLong(line(b, pos));
                LuaTable inner = new LuaTable();
                for (int i = 0; i < n; i++) {
                    LuaValue k = read(b, pos);
                    inner.rawset(k, type == '%' ? read(b, pos) : LuaValue.TRUE);
                }
                LuaTable t = new LuaTable();
                t.rawset(type == '%' ? "map" : "set", inner);
                return t;
            }
            case '_':
                line(b, pos);
                return LuaValue.NIL;
            case '#':
                return LuaValue.valueOf(line(b, pos).equals("t"));
            case ',': {
                String s = line(b, pos);
                LuaTable t = new LuaTable();
                t.rawset("double", LuaValue.valueOf(s.equals("inf") ? Double.POSITIVE_INFINITY
                        : s.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(s)));
                return t;
            }
            case '(': {
                LuaTable t = new LuaTable();
                t.rawset("big_number", LuaValue.valueOf(line(b, pos)));
                return t;
            }
            case '|': {
                long n = Long.parseLong(line(b, pos));
                for (int i = 0; i < 2 * n; i++) read(b, pos);
                return read(b, pos);
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    private static byte[] utf8(String latin1) { return latin1.getBytes(StandardCharsets.ISO_8859_1); }

    /** Writes a script's return value; resp is the script's redis.setresp version. */
    static void reply(RespWriter w, LuaValue v, int resp) {
        reply(w, v, resp, 0);
    }

    private static void reply(RespWriter w, LuaValue v, int resp, int depth) {
        switch (v.type()) {
            case LuaValue.TNUMBER -> w.integer((long) v.todouble());
            case LuaValue.TSTRING -> w.bulk(RedisLib.bytes(v.checkstring()));
            case LuaValue.TBOOLEAN -> {
                if (resp == 3 && w.resp3()) w.bool(v.toboolean());
                else if (v.toboolean()) w.integer(1);
                else w.nullBulk();
            }
            case LuaValue.TTABLE -> table(w, (LuaTable) v, resp, depth);
            default -> w.nullBulk();
        }
    }

    private static void table(RespWriter w, LuaTable t, int resp, int depth) {
        if (depth > 1000) {
            w.error("ERR reached lua stack limit");
            return;
        }
        LuaValue err = t.rawget("err");
        if (err.isstring()) {
            w.error(err.tojstring());
            return;
        }
        LuaValue ok = t.rawget("ok");
        if (ok.isstring()) {
            w.simple(ok.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        if (resp == 3) {
            LuaValue map = t.rawget("map");
            if (map.istable()) {
                LuaTable m = (LuaTable) map;
                int n = 0;
                for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) n++;
                w.map(n);
                for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                    reply(w, k, resp, depth + 1);
                    reply(w, m.rawget(k), resp, depth + 1);
                }
                return;
            }
            LuaValue set = t.rawget("set");
            if (set.istable()) {
                LuaTable m = (LuaTable) set;
                int n = 0;
                for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) n++;
                w.set(n);
                for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                    reply(w, k, resp, depth + 1);
                }
                return;
            }
            LuaValue d = t.rawget("double");
            if (d.isnumber()) {
                w.doubleValue(d.todouble());
                return;
            }
            LuaValue big = t.rawget("big_number");
            if (big.isstring()) {
                w.bigNumber(big.tojstring());
                return;
            }
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) n++;
        w.array(n);
        for (int i = 1; i <= n; i++) reply(w, t.rawget(i), resp, depth + 1);
    }
}
