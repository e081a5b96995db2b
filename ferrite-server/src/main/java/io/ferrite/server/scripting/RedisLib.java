package io.ferrite.server.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code redis} table scripts see (Redis 7.2's script_lua.c surface): call, pcall,
 * error_reply, status_reply, sha1hex, log and the LOG_* constants, setresp, set_repl and
 * replicate_commands (accepted; Ferrite replicates nothing), REPL_* constants,
 * REDIS_VERSION and REDIS_VERSION_NUM.
 */
final class RedisLib {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.ferrite.server.scripting.user_script");

    private RedisLib() {}

    static LuaTable build(LuaEngine e) {
        LuaTable r = new LuaTable();
        r.rawset("call", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return e.call(a, true); }
        });
        r.rawset("pcall", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return e.call(a, false); }
        });
        r.rawset("error_reply", new OneArgFunction() {
            @Override public LuaValue call(LuaValue v) {
                if (!v.isstring()) throw new LuaError("wrong number or type of arguments");
                return errorTable(v.tojstring());
            }
        });
        r.rawset("status_reply", new OneArgFunction() {
            @Override public LuaValue call(LuaValue v) {
                if (!v.isstring()) throw new LuaError("wrong number or type of arguments");
                LuaTable t = new LuaTable();
                t.rawset("ok", v.checkstring());
                return t;
            }
        });
        r.rawset("sha1hex", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1) throw new LuaError("wrong number of arguments");
                return LuaValue.valueOf(LuaEngine.sha1hex(bytes(a.arg1().checkstring())));
            }
        });
        r.rawset("log", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() < 2) throw new LuaError("redis.log() requires two arguments or more.");
                if (!a.arg1().isnumber()) throw new LuaError("First argument must be a number (log level).");
                int level = a.arg1().toint();
                if (level < 0 || level > 3) throw new LuaError("Invalid debug level.");
                StringBuilder sb = new StringBuilder();
                for (int i = 2; i <= a.narg(); i++) {
                    if (i > 2) sb.append(' ');
                    sb.append(a.arg(i).tojstring());
                }
                switch (level) {
                    case 0 -> LOG.debug("{}", sb);
                    case 1, 2 -> LOG.info("{}", sb);
                    default -> LOG.warn("{}", sb);
                }
                return NONE;
            }
        });
        r.rawset("setresp", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1) throw new LuaError("redis.setresp() requires one argument.");
                int v = a.arg1().checkint();
                if (v != 2 && v != 3) throw new LuaError("RESP version must be 2 or 3.");
                e.resp = v;
                return NONE;
            }
        });
        VarArgFunction accepted = new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return NONE; }
        };
        r.rawset("set_repl", accepted);
        r.rawset("replicate_commands", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return TRUE; }
        });
        r.rawset("breakpoint", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return FALSE; }
        });
        r.rawset("debug", accepted);
        r.rawset("register_function", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                // At run time the function API has no register_function (Lua 5.1's text for calling it).
                throw new LuaError("attempt to call field 'register_function' (a nil value)");
            }
        });
        r.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        r.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        r.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        r.rawset("LOG_WARNING", LuaValue.valueOf(3));
        r.rawset("REPL_NONE", LuaValue.valueOf(0));
        r.rawset("REPL_AOF", LuaValue.valueOf(1));
        r.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        r.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        r.rawset("REPL_ALL", LuaValue.valueOf(3));
        r.rawset("REDIS_VERSION", LuaValue.valueOf(LuaEngine.REDIS_VERSION));
        r.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(LuaEngine.REDIS_VERSION_NUM));
        return r;
    }

    /**
     * redis.error_reply's table, as Redis's luaPushErrorBuff builds it: the text gets a leading
     * '-' if it has none; "-CODE msg" keeps its code, a text without a space gets the code ERR.
     */
    static LuaTable errorTable(String text) {
        String t = text.startsWith("-") ? text : "-" + text;
        int space = t.indexOf(' ');
        String code = space < 0 ? "ERR" : t.substring(1, space);
        String msg = (space < 0 ? t.substring(1) : t.substring(space + 1)).replaceAll("[\\r\\n]+$", "");
        LuaTable r = new LuaTable();
        r.rawset("err", LuaValue.valueOf(code + " " + msg));
        return r;
    }

    static byte[] bytes(org.luaj.vm2.LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }
}
