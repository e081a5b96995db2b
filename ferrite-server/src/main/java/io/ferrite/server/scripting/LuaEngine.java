package io.ferrite.server.scripting;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.CommandFlags;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.Numbers;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua interpreter (LuaJ) per server, shared by every script: the sandboxed Redis 7.2
 * environment (Lua 5.1 surface over LuaJ's 5.2, the {@code redis} table, cjson, bit, struct,
 * cmsgpack), the script cache, the scripting thread, and the run state that SCRIPT KILL and the
 * BUSY gate read.
 *
 * <p>Scripts run one at a time, holding every shard lock (on their client's event loop, or on
 * the scripting thread once they ran long without side effects), so no other
 * command interleaves and no two scripts share the interpreter. {@code redis.call} runs the command
 * handler directly on the caller's {@link Client}, with the call's arguments swapped in and its
 * reply captured from the client's output buffer, then parsed into Lua values. Differences
 * from Redis: tables are not read-only beyond the global table and the library tables
 * ({@code rawset} on them still works), {@code setfenv} is accepted but does nothing. See
 * docs/adr/0004-lua-engine.md.
 */
public final class LuaEngine implements Dispatcher.ScriptGate, AutoCloseable {
    /** The server's engine, created on first use. */
    public static LuaEngine of(FerriteServer server) {
        return server.scripting();
    }

    /** Redis's version as scripts see it. */
    static final String REDIS_VERSION = "7.2.6";
    static final int REDIS_VERSION_NUM = 0x070206;

    final FerriteServer server;
    final Globals globals = new Globals();
    final SandboxTable env = new SandboxTable();
    // The script cache and the interpreter state: used only with every shard lock held (scripts,
    // SCRIPT and FUNCTION management are lock_all), which is what makes them single-threaded.
    private final Map<String, LuaFunction> cache = new HashMap<>();
    private final Map<String, byte[]> bodies = new HashMap<>();
    // EVAL sends the body every time: finding its SHA1 by content (a hash of the bytes and one
    // compare) instead of digesting it again took MessageDigest's provider lookup, the digest and
    // the hex string off every call.
    private final Map<ByteBuffer, String> shaOfBody = new HashMap<>();
    final Hook hook = new Hook();
    private final Lrand48 rand = new Lrand48();

    // Run state: written by the script's loop, read by SCRIPT KILL and the BUSY gate elsewhere.
    private volatile Client runningClient;
    private volatile long startedAt;
    volatile boolean killRequested;
    volatile boolean wrote;
    // Per run, only the script's thread.
    boolean readOnly;
    boolean allowOom;
    private CommandSpec rejecting; // the command a failing redis.call names, once resolved

    /** Marks an error table already counted in the error statistics (Redis's field of that name). */
    static final LuaValue STATS_COUNTED = LuaValue.valueOf("ignore_error_stats_update");
    int resp = 2;
    String runningName;      // the script's sha or the function's name
    volatile boolean runningFunction; // FCALL rather than EVAL
    volatile byte[][] runningArgv;    // the caller's command, for FUNCTION STATS
    private FunctionLibraries functions;
    volatile int libraryCount;  // FUNCTION STATS and INFO, read on I/O threads
    volatile int functionCount;
    private volatile int cachedScripts;

    public int cachedScriptCount() { return cachedScripts; }
    public int functionCount() { return functionCount; }

    /** The function libraries (created with the engine's environment on first use). */
    FunctionLibraries functions() {
        if (functions == null) functions = new FunctionLibraries(this, hook);
        return functions;
    }

    /**
     * How long a script may run inline on its client's event loop before it moves to the
     * scripting thread (if it has had no side effects yet): long enough for almost every
     * script to finish without a thread hand-off, short enough that the loop's other clients
     * barely notice.
     */
    static final long MIGRATE_AFTER_NANOS = 1_000_000;
    /** Commands after which a script cannot be run again from the start: writes, PUBLISH, admin. */
    private static final long SIDE_EFFECTS = CommandFlags.WRITE | CommandFlags.PUBSUB | CommandFlags.MAY_REPLICATE
            | CommandFlags.ADMIN;

    // The scripting thread: scripts that run long without side effects continue here. A platform
    // thread with a deep stack, because LuaJ's interpreter recurses on the Java stack.
    private final java.util.concurrent.LinkedBlockingQueue<Runnable> tasks = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    volatile boolean aborting; // server shutdown: stop the running script even if it wrote

    public LuaEngine(FerriteServer server) {
        this.server = server;
        this.thread = new Thread(null, this::loop, "ferrite-script", 256L << 20);
        thread.setDaemon(true);
        thread.start();
        globals.load(new BaseLib());
        globals.load(new org.luaj.vm2.lib.PackageLib()); // the other libraries register in package.loaded; scripts never see it
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        globals.load(hook); // sets globals.debuglib: LuaJ then reports every instruction to it
        LoadState.install(globals);
        LuaC.install(globals);
        buildEnvironment();
        server.dispatcher().scriptGate(this);
    }

    // ---------------------------------------------------------------- environment

    private void buildEnvironment() {
        String[] base = {"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
                "rawget", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
                "collectgarbage"};
        for (String n : base) env.rawset(n, globals.get(n));
        env.rawset("_G", env);
        // Lua 5.1 message texts for caught errors (LuaJ's carry a traceback and another format).
        env.rawset("pcall", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                LuaValue f = a.checkvalue(1);
                try {
                    return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(a.subargs(2)));
                } catch (LuaError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, caughtError(e));
                } catch (StackOverflowError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
                }
            }
        });
        env.rawset("xpcall", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                LuaValue f = a.checkvalue(1);
                LuaValue handler = a.checkvalue(2);
                try {
                    return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(a.subargs(3)));
                } catch (LuaError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, handler.call(caughtError(e)));
                } catch (StackOverflowError e) {
                    return LuaValue.varargsOf(LuaValue.FALSE, handler.call(LuaValue.valueOf("stack overflow")));
                }
            }
        });
        env.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        LuaTable table = globals.get("table").checktable();
        env.rawset("unpack", table.get("unpack"));
        // Lua 5.1 names LuaJ lacks.
        table.rawset("getn", new OneArgFunction() {
            @Override public LuaValue call(LuaValue t) { return LuaValue.valueOf(t.checktable().length()); }
        });
        env.rawset("loadstring", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) {
                String chunk = a.checkjstring(1);
                String name = a.optjstring(2, chunk);
                if (chunk.startsWith("\033")) { // precompiled bytecode could break the sandbox: refused
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("attempt to load a binary chunk"));
                }
                try {
                    return globals.load(chunk, name, env);
                } catch (LuaError e) {
                    return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
                }
            }
        });
        env.rawset("getfenv", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return env; }
        });
        env.rawset("setfenv", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return a.arg1(); }
        });
        env.rawset("gcinfo", new ZeroArgFunction() {
            @Override public LuaValue call() {
                Runtime r = Runtime.getRuntime();
                return LuaValue.valueOf((int) ((r.totalMemory() - r.freeMemory()) / 1024));
            }
        });
        LuaTable math = globals.get("math").checktable();
        // Redis replaces math.random/randomseed with its lrand48 so scripts are reproducible.
        math.rawset("random", new VarArgFunction() {
            @Override public Varargs invoke(Varargs a) { return rand.random(a); }
        });
        math.rawset("randomseed", new OneArgFunction() {
            @Override public LuaValue call(LuaValue s) {
                rand.seed(s.checkint());
                return NONE.arg1();
            }
        });
        LuaTable string = globals.get("string").checktable();
        string.rawset("format", new LuaStringFormat()); // LuaJ's ignores widths, precisions and '#'
        env.rawset("string", lock(string));
        env.rawset("table", lock(table));
        env.rawset("math", lock(math));
        env.rawset("redis", lock(RedisLib.build(this)));
        env.rawset("cjson", lock(LuaCjson.build()));
        env.rawset("bit", lock(LuaBit.build()));
        env.rawset("struct", lock(LuaStruct.build()));
        env.rawset("cmsgpack", lock(LuaCmsgpack.build()));
        env.debuglib = hook;
        SandboxTable meta = new SandboxTable(); // getmetatable(_G) gives a table that cannot be changed
        meta.readOnlyOnly = true;
        meta.locked = true;
        env.setmetatable(meta);
        env.locked = true;
    }

    private static SandboxTable lock(LuaTable t) {
        SandboxTable s = new SandboxTable();
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) s.rawset(k, t.get(k));
        s.readOnlyOnly = true;
        s.locked = true;
        return s;
    }

    /**
     * The global table and library tables: once locked, reads of missing globals and any
     * assignment fail with Redis's texts.
     */
    // A Globals, not a plain table: LuaJ reports instructions to the debug hook only for
    // closures whose environment is a Globals (the hook is what makes SCRIPT KILL possible).
    static final class SandboxTable extends Globals {
        boolean locked;
        boolean readOnlyOnly;

        @Override public LuaValue get(LuaValue key) {
            LuaValue v = rawget(key);
            if (v.isnil() && locked && !readOnlyOnly) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
            return v;
        }

        @Override public void set(LuaValue key, LuaValue value) {
            if (locked) throw new LuaError("Attempt to modify a readonly table");
            super.set(key, value);
        }

        @Override public void set(int key, LuaValue value) {
            if (locked) throw new LuaError("Attempt to modify a readonly table");
            super.set(key, value);
        }

        @Override public LuaValue setmetatable(LuaValue mt) {
            if (locked) throw new LuaError("Attempt to modify a readonly table");
            return super.setmetatable(mt);
        }

        void setGlobal(String name, LuaValue v) { super.rawset(LuaValue.valueOf(name), v); }
    }

    // ---------------------------------------------------------------- cache

    static String sha1hex(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(body);
            StringBuilder sb = new StringBuilder(40);
            for (byte b : d) sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compiles and caches body (once per SHA1); returns its SHA1. */
    String load(byte[] body) {
        String known = shaOfBody.get(ByteBuffer.wrap(body));
        if (known != null) return known;
        String sha = sha1hex(body);
        if (cache.containsKey(sha)) {
            shaOfBody.put(ByteBuffer.wrap(body.clone()), sha);
            return sha;
        }
        ScriptFlags.parse(body); // shebang errors are compile errors
        String src = new String(body, StandardCharsets.ISO_8859_1);
        if (src.startsWith("#!")) {
            int nl = src.indexOf('\n');
            src = nl < 0 ? "" : src.substring(nl); // keep the newline so line numbers stay right
        }
        LuaValue f;
        try {
            f = globals.load(new java.io.StringReader(src), "@user_script", env);
        } catch (LuaError e) {
            throw new io.ferrite.server.protocol.CommandError("ERR Error compiling script (new function): "
                    + stripAt(e.getMessage()));
        }
        cache.put(sha, (LuaFunction) f);
        bodies.put(sha, body);
        shaOfBody.put(ByteBuffer.wrap(body), sha);
        cachedScripts = cache.size();
        return sha;
    }

    private static String stripAt(String m) {
        return m == null ? "" : m.startsWith("@") ? m.substring(1) : m;
    }

    boolean exists(String sha) { return cache.containsKey(sha.toLowerCase(java.util.Locale.ROOT)); }

    byte[] body(String sha) { return bodies.get(sha.toLowerCase(java.util.Locale.ROOT)); }

    void flush() {
        cache.clear();
        bodies.clear();
        shaOfBody.clear();
        cachedScripts = 0;
    }

    int cachedScripts() { return cache.size(); }

    // ---------------------------------------------------------------- running

    /**
     * Runs a cached script for c (all shard locks held) and writes its reply. Errors become
     * Redis's texts with the " script: sha, on @user_script:N." suffix.
     */
    void run(Client c, String sha, byte[][] keys, byte[][] args, boolean readOnly, int flags) {
        checkOom(flags);
        this.allowOom = (flags & (ScriptFlags.ALLOW_OOM | ScriptFlags.NO_WRITES)) != 0;
        env.setGlobal("KEYS", strings(keys));
        env.setGlobal("ARGV", strings(args));
        invoke(c, cache.get(sha), LuaValue.NONE, sha, "user_script", readOnly);
    }

    /** FCALL: runs a library function with (KEYS, ARGV) as its two arguments. */
    void runFunction(Client c, FunctionLibraries.Function f, byte[][] keys, byte[][] args, boolean readOnly) {
        checkOom(f.flags() | ScriptFlags.DECLARED);
        this.allowOom = (f.flags() & (ScriptFlags.ALLOW_OOM | ScriptFlags.NO_WRITES)) != 0;
        invoke(c, f.callback(), LuaValue.varargsOf(strings(keys), strings(args)), f.name(), "user_function", readOnly);
    }

    /** A script declaring flags (shebang, or any function) may write: refused over maxmemory unless allow-oom. */
    private void checkOom(int flags) {
        if ((flags & ScriptFlags.DECLARED) != 0 && (flags & (ScriptFlags.ALLOW_OOM | ScriptFlags.NO_WRITES)) == 0
                && server.dispatcher().overMaxmemory()) {
            throw new io.ferrite.server.protocol.CommandError(
                    "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
        }
    }

    private void invoke(Client c, LuaFunction f, Varargs args, String name, String source, boolean readOnly) {
        this.readOnly = readOnly;
        this.resp = 2;
        this.runningName = name;
        this.runningFunction = source.equals("user_function");
        this.killRequested = false;
        this.wrote = false;
        hook.reset();
        io.ferrite.server.keyspace.Database db = c.db();
        runningArgv = java.util.Arrays.copyOf(c.argv(), c.argc());
        startedAt = System.currentTimeMillis();
        runningClient = c;
        // Inline on an event loop: may still move to the scripting thread while it has no side effects.
        hook.migrateAt(c.scriptMayMigrate() ? System.nanoTime() + MIGRATE_AFTER_NANOS : 0);
        long randState = rand.state();
        LuaValue result;
        try {
            result = f.invoke(args).arg1();
        } catch (Dispatcher.ScriptMigration moved) {
            rand.state(randState); // the run on the scripting thread starts from the same state
            throw moved;
        } catch (ScriptKilled k) {
            throw new io.ferrite.server.protocol.CommandError("ERR Script killed by user with SCRIPT KILL... script: "
                    + name + ", on @" + source + ":" + hook.line() + ".");
        } catch (LuaError e) {
            LuaValue o = e.getMessageObject();
            boolean counted = o != null && o.istable() && o.rawget(STATS_COUNTED).toboolean();
            throw new io.ferrite.server.protocol.CommandError(errorText(e, name, source), counted);
        } catch (StackOverflowError e) {
            // Lua 5.1's own text for a call chain too deep ("user_script:N: stack overflow").
            throw new io.ferrite.server.protocol.CommandError("ERR " + source + ":" + hook.line() + ": stack overflow script: "
                    + name + ", on @" + source + ":" + hook.line() + ".");
        } finally {
            hook.migrateAt(0);
            runningClient = null;
            killRequested = false;
            c.select(db.index());
        }
        if (result.istable() && result.rawget("err").isstring()) {
            // An error reply from the script is the command's error, counted once, as in Redis.
            throw new io.ferrite.server.protocol.CommandError(result.rawget("err").tojstring(),
                    result.rawget(STATS_COUNTED).toboolean());
        }
        LuaConvert.reply(c.reply(), result, resp);
    }

    private String errorText(LuaError e, String name, String source) {
        LuaValue o = e.getMessageObject();
        String msg;
        String line;
        if (o != null && o.istable() && o.get("err").isstring()) {
            msg = o.get("err").tojstring();
            line = o.get("line").isnil() ? String.valueOf(hook.line()) : o.get("line").tojstring();
        } else {
            msg = "ERR " + luaMessage(e);
            line = String.valueOf(hook.line());
        }
        return msg + " script: " + name + ", on @" + source + ":" + line + ".";
    }

    /** A LuaJ error's text as Lua 5.1 writes it: "chunk:line: message", without a traceback. */
    static String luaMessage(LuaError e) {
        LuaValue o = e.getMessageObject();
        String m = o != null && o.isstring() ? o.tojstring() : e.getMessage();
        if (m == null) return "";
        if (m.startsWith("@")) m = m.substring(1);
        int tb = m.indexOf("stack traceback:"); // LuaJ appends one when a debug library is installed
        if (tb >= 0) m = m.substring(0, tb).stripTrailing();
        // LuaJ writes "user_script:1 msg" where Lua 5.1 writes "user_script:1: msg", and
        // "attempt to call nil" where Lua 5.1 writes "attempt to call a nil value".
        m = m.replaceFirst("^(user_script:\\d+|user_function:\\d+) ", "$1: ");
        return m.replaceAll("attempt to (call|perform arithmetic on|concatenate) "
                + "(nil|boolean|number|string|table|function|userdata|thread)$", "attempt to $1 a $2 value");
    }

    /** The value pcall hands to Lua for a caught error: a string in Lua 5.1's form, or the error's table. */
    static LuaValue caughtError(LuaError e) {
        LuaValue o = e.getMessageObject();
        if (o != null && !o.isstring()) return o;
        return LuaValue.valueOf(luaMessage(e));
    }

    private static LuaTable strings(byte[][] a) {
        LuaTable t = new LuaTable(a.length, 0);
        for (int i = 0; i < a.length; i++) t.rawset(i + 1, LuaString.valueOf(a[i]));
        return t;
    }

    // ---------------------------------------------------------------- redis.call

    /** redis.call / redis.pcall: runs one command on the script's client and returns its reply as Lua. */
    LuaValue call(Varargs a, boolean raise) {
        Client c = runningClient;
        rejecting = null;
        int n = a.narg();
        if (n == 0) return fail("Please specify at least one argument for this redis lib call", raise);
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = a.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                double d = v.todouble();
                argv[i] = (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15)
                        ? Long.toString((long) d).getBytes(StandardCharsets.US_ASCII)
                        : Numbers.formatDouble(d);
            } else if (v.type() == LuaValue.TSTRING) {
                LuaString s = v.checkstring();
                argv[i] = new byte[s.m_length];
                System.arraycopy(s.m_bytes, s.m_offset, argv[i], 0, s.m_length);
            } else {
                return fail("Lua redis lib command arguments must be strings or integers", raise);
            }
        }
        CommandTable table = server.commandTable();
        CommandSpec cmd = table.lookup(argv[0]);
        if (cmd != null && cmd.isContainer() && n >= 2) {
            CommandSpec sub = CommandTable.subcommand(cmd, argv[1]);
            if (sub != null) cmd = sub;
        }
        if (cmd == null || (cmd.isContainer() && n < 2)) {
            return fail("Unknown Redis command called from script", raise);
        }
        rejecting = cmd;
        if (!cmd.arityOk(n)) return fail("Wrong number of args calling Redis command from script", raise);
        if (cmd.has(CommandFlags.NOSCRIPT)) return fail("This Redis command is not allowed from script", raise);
        if (cmd.has(CommandFlags.DENYOOM) && !allowOom && server.dispatcher().overMaxmemory()) {
            return failWith(Dispatcher.OOM.getMessage(), raise);
        }
        if ((cmd.flags() & SIDE_EFFECTS) != 0) hook.migrateAt(0); // from here on it can only run to its end
        // As Redis 7.2, a read-only script may not run may-replicate commands (PUBLISH, PFCOUNT)
        // either: so it may run during CLIENT PAUSE WRITE.
        if (readOnly && (cmd.has(CommandFlags.WRITE) || cmd.has(CommandFlags.MAY_REPLICATE))) {
            return fail("Write commands are not allowed from read-only scripts.", raise);
        }
        if (cmd.has(CommandFlags.WRITE)) wrote = true;
        ByteBuf out = c.reply().target();
        int mark = out.writerIndex();
        int proto = c.protocol();
        boolean neverBlock = c.neverBlock();
        c.protocol(resp);
        c.neverBlock(true);
        c.inScript(true);
        c.queuedArgv(argv);
        try {
            server.dispatcher().callFromScript(c, cmd);
        } finally {
            c.inScript(false);
            c.queuedArgv(null);
            c.neverBlock(neverBlock);
            c.protocol(proto);
        }
        LuaValue v = LuaConvert.parse(out, mark, out.writerIndex());
        out.writerIndex(mark);
        if (v.istable() && v.rawget("err").isstring()) v.rawset(STATS_COUNTED, LuaValue.TRUE); // counted by the dispatcher
        if (raise && v.istable() && v.get("err").isstring()) {
            v.rawset("line", LuaValue.valueOf(hook.line()));
            throw new LuaError(v);
        }
        return v;
    }

    private LuaValue fail(String text, boolean raise) {
        return failWith("ERR " + text, raise);
    }

    /**
     * A redis.call refused before it ran: counted as Redis counts a rejected command (its
     * rejected_calls, if known, and the error statistics) once, here; the table carries the
     * mark that keeps the script's own error reply from counting it again.
     */
    private LuaValue failWith(String error, boolean raise) {
        server.stats().countError(error);
        if (rejecting != null) rejecting.countRejected();
        LuaTable t = new LuaTable();
        t.rawset("err", LuaValue.valueOf(error));
        t.rawset(STATS_COUNTED, LuaValue.TRUE);
        if (raise) {
            t.rawset("line", LuaValue.valueOf(hook.line()));
            throw new LuaError(t);
        }
        return t;
    }

    // ---------------------------------------------------------------- busy scripts

    @Override
    public void submit(Runnable task) {
        tasks.add(task);
    }

    private void loop() {
        while (!closed) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                continue;
            }
            try {
                task.run();
            } catch (Throwable t) {
                org.slf4j.LoggerFactory.getLogger(LuaEngine.class).error("scripting task failed", t);
            }
        }
    }

    /** Server shutdown: stops a running script (written or not) and the scripting thread. */
    @Override
    public void close() {
        closed = true;
        aborting = true;
        killRequested = true;
        thread.interrupt();
    }

    static final io.ferrite.server.protocol.CommandError BUSY_EVAL = new io.ferrite.server.protocol.CommandError(
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
    static final io.ferrite.server.protocol.CommandError BUSY_FUNCTION = new io.ferrite.server.protocol.CommandError(
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");

    @Override
    public io.ferrite.server.protocol.CommandError busy() {
        if (runningClient == null
                || System.currentTimeMillis() - startedAt < server.config().param("busy-reply-threshold").longValue()) {
            return null;
        }
        return runningFunction ? BUSY_FUNCTION : BUSY_EVAL;
    }

    /** SCRIPT KILL (function = false) and FUNCTION KILL: Redis's scriptKill. */
    void kill(boolean function) {
        if (runningClient == null) throw new io.ferrite.server.protocol.CommandError("NOTBUSY No scripts in execution right now.");
        if (wrote) {
            throw new io.ferrite.server.protocol.CommandError("UNKILLABLE Sorry the script already executed write "
                    + "commands against the dataset. You can either wait the script termination or kill the server "
                    + "in a hard way using the SHUTDOWN NOSAVE command.");
        }
        if (function != runningFunction) throw function ? BUSY_EVAL : BUSY_FUNCTION;
        killRequested = true;
    }

    /** FUNCTION STATS' running_script: [name, command argv, duration ms], or null. */
    Object[] runningScript() {
        Client c = runningClient;
        if (c == null) return null;
        return new Object[] {runningName, runningArgv, System.currentTimeMillis() - startedAt, runningFunction};
    }

    boolean running() { return runningClient != null; }

    /** Thrown from the instruction hook: an Error, so a script's pcall cannot catch it. */
    static final class ScriptKilled extends Error {
        ScriptKilled() { super("killed", null, false, false); }
    }

    /**
     * LuaJ calls onInstruction for every VM instruction once a debug library is installed: it
     * remembers where the script is (for error lines) and stops it when SCRIPT KILL asked.
     */
    final class Hook extends DebugLib {
        // The prototypes of the running Lua closures (LuaJ reports calls and returns of closures
        // only), and where the last instruction ran: that is where an error came from.
        private Prototype[] stack = new Prototype[16];
        private int depth;
        private Prototype proto;
        private int pc;
        private long loadDeadline; // FUNCTION LOAD: nanoTime after which the library code is stopped
        private int countdown;
        private long migrateAt;    // nanoTime after which an inline script moves to the scripting thread, 0: never
        private int migrateCountdown;

        void migrateAt(long at) {
            migrateAt = at;
            migrateCountdown = 0;
        }

        void loadDeadline(long deadline) {
            loadDeadline = deadline;
            countdown = 0;
        }

        void reset() {
            depth = 0;
            proto = null;
        }

        @Override public LuaValue call(LuaValue modname, LuaValue env) {
            super.call(modname, env);
            return NIL; // installed for the hooks only: scripts get no debug table
        }

        @Override public void onInstruction(int pc, Varargs v, int top) {
            this.pc = pc;
            if (depth > 0) proto = stack[depth - 1];
            if (killRequested) throw new ScriptKilled();
            if (migrateAt != 0 && --migrateCountdown <= 0) {
                migrateCountdown = 1_000;
                if (System.nanoTime() > migrateAt) {
                    migrateAt = 0;
                    throw Dispatcher.ScriptMigration.INSTANCE;
                }
            }
            if (loadDeadline != 0 && --countdown <= 0) {
                countdown = 10_000;
                if (System.nanoTime() > loadDeadline) {
                    loadDeadline = 0;
                    throw new LuaError("FUNCTION LOAD timeout");
                }
            }
        }

        @Override public void onCall(LuaClosure c, Varargs varargs, LuaValue[] st) {
            if (depth == stack.length) stack = java.util.Arrays.copyOf(stack, depth * 2);
            stack[depth++] = c.p;
        }

        @Override public void onReturn() {
            if (depth > 0) depth--;
        }

        int line() {
            Prototype p = proto;
            if (p == null || p.lineinfo == null || pc < 0 || pc >= p.lineinfo.length) return 1;
            return p.lineinfo[pc];
        }
    }

    /** Redis's rand.c generator (the 48-bit lrand48 recurrence), so scripts see Redis's sequence. */
    static final class Lrand48 {
        private long x = 0x330EL;

        long state() { return x; }
        void state(long s) { x = s; }

        void seed(int s) { x = (((long) s & 0xffffffffL) << 16 | 0x330EL) & 0xffffffffffffL; }

        int next() {
            x = (x * 0x5DEECE66DL + 0xBL) & 0xffffffffffffL;
            return (int) (x >>> 17);
        }

        Varargs random(Varargs a) {
            double r = (next() % 2147483647) / 2147483647.0;
            switch (a.narg()) {
                case 0:
                    return LuaValue.valueOf(r);
                case 1: {
                    int u = a.checkint(1);
                    if (u < 1) throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                    return LuaValue.valueOf((int) Math.floor(r * u) + 1);
                }
                default: {
                    int l = a.checkint(1);
                    int u = a.checkint(2);
                    if (l > u) throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                    return LuaValue.valueOf((int) Math.floor(r * (u - l + 1)) + l);
                }
            }
        }
    }
}
