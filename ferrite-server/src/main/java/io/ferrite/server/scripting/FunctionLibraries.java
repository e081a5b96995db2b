package io.ferrite.server.scripting;

import io.ferrite.server.keyspace.DumpFormat;
import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.keyspace.RdbOutput;
import io.ferrite.server.protocol.CommandError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis 7 functions (https://redis.io/docs/latest/develop/interactive/programmability/functions-intro/):
 * libraries loaded with FUNCTION LOAD, each a Lua chunk that registers named functions with
 * {@code redis.register_function}; FCALL finds a function by its name across all libraries.
 *
 * <p>As in Redis's function_lua.c, library code runs against one global table whose lookups
 * go to the load API while it loads (only {@code redis} with register_function, log and the
 * version constants: anything else is a "nonexistent global variable") and to the full
 * scripting environment when its functions run. Used only with every shard lock held.
 */
final class FunctionLibraries {
    static final String ENGINE = "LUA";
    private static final long LOAD_TIMEOUT_MS = 500;
    private static final int OPCODE_FUNCTION2 = 245; // RDB_OPCODE_FUNCTION2
    private static final int OPCODE_FUNCTION_PRE_GA = 246;

    record Function(String name, LuaFunction callback, String description, int flags, Library library) {}

    static final class Library {
        final String name;
        final byte[] code;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }
    }

    private final LuaEngine engine;
    private final LibraryGlobals globals = new LibraryGlobals();
    private final LuaEngine.SandboxTable loadApi = new LuaEngine.SandboxTable();
    private Map<String, Library> libraries = new LinkedHashMap<>();
    private Map<String, Function> functions = new HashMap<>();
    private Library loading; // the library whose code runs now, for register_function

    FunctionLibraries(LuaEngine engine, LuaEngine.Hook hook) {
        this.engine = engine;
        globals.debuglib = hook;
        globals.api = engine.env;
        LuaEngine.SandboxTable redis = new LuaEngine.SandboxTable();
        redis.rawset("register_function", registerFunction());
        LuaTable full = engine.env.rawget("redis").checktable();
        for (String k : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            redis.rawset(k, full.rawget(k));
        }
        redis.locked = true;
        loadApi.rawset("redis", redis);
        loadApi.locked = true;
    }

    /** Publishes the counts FUNCTION STATS reads from an I/O thread. */
    private void countsChanged() {
        engine.libraryCount = libraries.size();
        engine.functionCount = functions.size();
    }

    /** The function named name, or null. */
    Function function(String name) { return functions.get(name.toLowerCase(java.util.Locale.ROOT)); }

    Map<String, Library> libraries() { return libraries; }

    int functionCount() { return functions.size(); }

    // ---------------------------------------------------------------- FUNCTION LOAD

    /** Loads a library from its code (with its #! metadata line); returns the library's name. */
    String load(byte[] code, boolean replace) {
        String name = load(code, replace, libraries, functions, true);
        countsChanged();
        return name;
    }

    private String load(byte[] code, boolean replace, Map<String, Library> libs, Map<String, Function> fns,
            boolean timeout) {
        String text = new String(code, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("#!")) throw error("Missing library metadata");
        int nl = text.indexOf('\n');
        if (nl < 0) throw error("Invalid library metadata");
        byte[][] words = io.ferrite.server.protocol.InlineSplitter.split(
                text.substring(0, nl).getBytes(StandardCharsets.ISO_8859_1)); // sdssplitargs: quotes allowed
        if (words == null || words.length == 0) throw error("Invalid library metadata");
        String[] parts = new String[words.length];
        for (int i = 0; i < words.length; i++) parts[i] = new String(words[i], StandardCharsets.ISO_8859_1);
        String engineName = parts[0].substring(2);
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) throw error("Invalid metadata value, name argument was given multiple times");
                name = parts[i].substring(5);
                continue;
            }
            throw error("Invalid metadata value given: " + parts[i]);
        }
        if (name == null) throw error("Library name was not given");
        if (!validName(name)) {
            throw error("Library names can only contain letters, numbers, or underscores(_) and must be at least "
                    + "one character long");
        }
        if (!engineName.equalsIgnoreCase(ENGINE)) throw error("Engine '" + engineName + "' not found");
        Library old = libs.get(name);
        if (old != null && !replace) throw error("Library '" + name + "' already exists");

        Library lib = new Library(name, code);
        LuaValue chunk;
        try {
            // From the newline on, so that line numbers count the metadata line as Redis does.
            chunk = engine.globals.load(new java.io.StringReader(text.substring(nl)), "@user_function", globals);
        } catch (LuaError e) {
            throw error("Error compiling function: " + LuaEngine.luaMessage(e));
        }
        globals.api = loadApi;
        loading = lib;
        engine.hook.loadDeadline(timeout ? System.nanoTime() + LOAD_TIMEOUT_MS * 1_000_000 : 0);
        try {
            chunk.call();
        } catch (LuaError e) {
            throw error("Error registering functions: " + errorMessage(e));
        } catch (StackOverflowError e) {
            throw error("Error registering functions: stack overflow");
        } finally {
            engine.hook.loadDeadline(0);
            loading = null;
            globals.api = engine.env;
        }
        if (lib.functions.isEmpty()) throw error("No functions registered");
        for (Function f : lib.functions.values()) {
            Function other = fns.get(key(f.name()));
            if (other != null && other.library() != old) throw error("Function " + f.name() + " already exists");
        }
        if (old != null) unlink(old, libs, fns);
        libs.put(name, lib);
        for (Function f : lib.functions.values()) fns.put(key(f.name()), f);
        return name;
    }

    private static String errorMessage(LuaError e) {
        LuaValue o = e.getMessageObject();
        if (o != null && o.istable() && o.get("err").isstring()) return o.get("err").tojstring();
        return LuaEngine.luaMessage(e);
    }

    private static void unlink(Library lib, Map<String, Library> libs, Map<String, Function> fns) {
        libs.remove(lib.name);
        for (String f : lib.functions.keySet()) fns.remove(key(f));
    }

    /** Function names are case-insensitive, as in Redis. */
    private static String key(String functionName) { return functionName.toLowerCase(java.util.Locale.ROOT); }

    static boolean validName(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_')) return false;
        }
        return true;
    }

    private static CommandError error(String text) {
        return new CommandError("ERR " + text);
    }

    /** redis.register_function(name, callback) or redis.register_function{function_name=, callback=, flags=, description=}. */
    private VarArgFunction registerFunction() {
        return new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                Library lib = loading;
                if (lib == null) throw luaError("redis.register_function can only be called on FUNCTION LOAD command");
                if (a.narg() < 1 || a.narg() > 2) throw luaError("wrong number of arguments to redis.register_function");
                String name;
                LuaFunction callback;
                String description = null;
                int flags = 0;
                if (a.narg() == 1) {
                    if (!a.arg1().istable()) {
                        throw luaError("calling redis.register_function with a single argument is only applicable to "
                                + "Lua table (representing named arguments).");
                    }
                    LuaTable t = a.arg1().checktable();
                    name = null;
                    callback = null;
                    for (Varargs n = t.next(LuaValue.NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
                        LuaValue k = n.arg1();
                        LuaValue v = n.arg(2);
                        if (!k.isstring() || k.isnumber()) {
                            throw luaError("named argument key given to redis.register_function is not a string");
                        }
                        switch (k.tojstring().toLowerCase(java.util.Locale.ROOT)) {
                            case "function_name" -> {
                                if (!v.isstring()) {
                                    throw luaError("function_name argument given to redis.register_function must be a string");
                                }
                                name = v.tojstring();
                            }
                            case "description" -> {
                                if (!v.isstring()) {
                                    throw luaError("description argument given to redis.register_function must be a string");
                                }
                                description = v.tojstring();
                            }
                            case "callback" -> {
                                if (!v.isfunction()) {
                                    throw luaError("callback argument given to redis.register_function must be a function");
                                }
                                callback = (LuaFunction) v;
                            }
                            case "flags" -> {
                                if (!v.istable()) {
                                    throw luaError("flags argument to redis.register_function must be a table "
                                            + "representing function flags");
                                }
                                flags = readFlags(v.checktable());
                            }
                            default -> throw luaError("unknown argument given to redis.register_function");
                        }
                    }
                    if (name == null) throw luaError("redis.register_function must get a function name argument");
                    if (callback == null) throw luaError("redis.register_function must get a callback argument");
                } else {
                    if (!a.arg1().isstring()) throw luaError("first argument to redis.register_function must be a string");
                    if (!a.arg(2).isfunction()) {
                        throw luaError("second argument to redis.register_function must be a function");
                    }
                    name = a.arg1().tojstring();
                    callback = (LuaFunction) a.arg(2);
                }
                if (!validName(name)) {
                    throw luaError("Library names can only contain letters, numbers, or underscores(_) and must be at "
                            + "least one character long");
                }
                for (String other : lib.functions.keySet()) {
                    if (other.equalsIgnoreCase(name)) throw luaError("Function already exists in the library");
                }
                lib.functions.put(name, new Function(name, callback, description, flags, lib));
                return NONE;
            }
        };
    }

    private static int readFlags(LuaTable t) {
        int flags = 0;
        for (int i = 1; ; i++) {
            LuaValue v = t.rawget(i);
            if (v.isnil()) return flags;
            int f = v.isstring() ? ScriptFlags.bit(v.tojstring()) : 0;
            if (f == 0) throw luaError("unknown flag given");
            flags |= f;
        }
    }

    /** An error raised as Redis's luaPushError does: a table {err="ERR ..."}. */
    private static LuaError luaError(String text) {
        LuaTable t = new LuaTable();
        t.rawset("err", LuaValue.valueOf("ERR " + text));
        return new LuaError(t);
    }

    // ---------------------------------------------------------------- DELETE / FLUSH / DUMP / RESTORE

    void delete(String name) {
        Library lib = libraries.get(name);
        if (lib == null) throw error("Library not found");
        unlink(lib, libraries, functions);
        countsChanged();
    }

    void flush() {
        libraries = new LinkedHashMap<>();
        functions = new HashMap<>();
        countsChanged();
    }

    /** FUNCTION DUMP: each library's code after an RDB_OPCODE_FUNCTION2, then the RDB version and CRC64 footer. */
    byte[] dump() {
        RdbOutput out = new RdbOutput();
        for (Library lib : libraries.values()) {
            out.writeByte(OPCODE_FUNCTION2);
            out.writeString(lib.code);
        }
        return DumpFormat.withFooter(out);
    }

    enum RestorePolicy { APPEND, REPLACE, FLUSH }

    /** FUNCTION RESTORE: all or nothing, the current libraries unchanged on any error. */
    void restore(byte[] payload, RestorePolicy policy) {
        RdbInput in = DumpFormat.payloadBody(payload);
        Map<String, Library> libs = new LinkedHashMap<>();
        Map<String, Function> fns = new HashMap<>();
        List<Library> loaded = new ArrayList<>();
        try {
            while (!in.atEnd()) {
                int type = in.readByte();
                if (type == OPCODE_FUNCTION_PRE_GA) throw error("Pre-GA function format not supported");
                if (type != OPCODE_FUNCTION2) throw error("given type is not a function");
                String name = load(in.readString(), false, libs, fns, false);
                loaded.add(libs.get(name));
            }
        } catch (RdbInput.Malformed e) {
            throw error("failed loading the given functions payload");
        }
        if (policy == RestorePolicy.FLUSH) {
            libraries = libs;
            functions = fns;
            countsChanged();
            return;
        }
        // Join: check every collision first, then apply.
        for (Library lib : loaded) {
            Library old = libraries.get(lib.name);
            if (old != null && policy == RestorePolicy.APPEND) throw error("Library " + lib.name + " already exists");
            for (String f : lib.functions.keySet()) {
                Function other = functions.get(key(f));
                if (other != null && (policy == RestorePolicy.APPEND || other.library() != old)) {
                    throw error("Function " + f + " already exists");
                }
            }
        }
        for (Library lib : loaded) {
            Library old = libraries.get(lib.name);
            if (old != null) unlink(old, libraries, functions);
            libraries.put(lib.name, lib);
            for (Function f : lib.functions.values()) functions.put(key(f.name()), f);
        }
        countsChanged();
    }

    /**
     * The global table of library code: lookups go to {@link #api} (the load API while a
     * library loads, the scripting environment when its functions run); it is never written.
     * A Globals so that LuaJ reports its closures' instructions to the hook.
     */
    static final class LibraryGlobals extends Globals {
        LuaTable api;

        @Override public LuaValue get(LuaValue key) { return api.get(key); }

        @Override public void set(LuaValue key, LuaValue value) {
            throw new LuaError("Attempt to modify a readonly table");
        }

        @Override public void set(int key, LuaValue value) {
            throw new LuaError("Attempt to modify a readonly table");
        }

        @Override public LuaValue setmetatable(LuaValue mt) {
            throw new LuaError("Attempt to modify a readonly table");
        }
    }
}
