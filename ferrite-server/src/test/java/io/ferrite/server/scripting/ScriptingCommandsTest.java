package io.ferrite.server.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScriptingCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("busy-reply-threshold", "200");

    private static String eval(String script, String... rest) throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            String[] args = new String[2 + rest.length];
            args[0] = "EVAL";
            args[1] = script;
            System.arraycopy(rest, 0, args, 2, rest.length);
            return c.command(args).readReply();
        }
    }

    private static String cmd(String... args) throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            return c.command(args).readReply();
        }
    }

    private static String sha(String s) { return LuaEngine.sha1hex(s.getBytes()); }

    @Test
    void luaValuesConvertLikeRedis() throws Exception {
        assertThat(eval("return {1,3.99,'x',false,true,nil,5}", "0"))
                .isEqualTo("*5\r\n:1\r\n:3\r\n$1\r\nx\r\n$-1\r\n:1\r\n");
        assertThat(eval("return 3.99", "0")).isEqualTo(":3\r\n");
        assertThat(eval("return {ok='FINE'}", "0")).isEqualTo("+FINE\r\n");
        assertThat(eval("return redis.status_reply('FINE')", "0")).isEqualTo("+FINE\r\n");
        assertThat(eval("return redis.error_reply('MYERR x')", "0")).isEqualTo("-MYERR x\r\n");
        assertThat(eval("return {err='ERR this is an error'}", "0")).isEqualTo("-ERR this is an error\r\n");
        assertThat(eval("return nil", "0")).isEqualTo("$-1\r\n");
    }

    @Test
    void redisRepliesConvertToLua() throws Exception {
        assertThat(eval("return type(redis.call('get','nokey'))", "0")).isEqualTo("$7\r\nboolean\r\n");
        assertThat(eval("return redis.call('set','k','v').ok", "0")).isEqualTo("$2\r\nOK\r\n");
        assertThat(eval("return redis.pcall('incr','k').err", "0"))
                .isEqualTo("$43\r\nERR value is not an integer or out of range\r\n");
        assertThat(eval("return redis.call('incrby',KEYS[1],ARGV[1])", "1", "n", "5")).isEqualTo(":5\r\n");
    }

    @Test
    void errorsCarryTheScriptShaAndLine() throws Exception {
        String s = "redis.call('set','k','v')\nreturn redis.call('incr','k')";
        assertThat(eval(s, "0")).isEqualTo("-ERR value is not an integer or out of range script: " + sha(s)
                + ", on @user_script:2.\r\n");
        s = "return redis.call('nosuchcmd')";
        assertThat(eval(s, "0")).isEqualTo("-ERR Unknown Redis command called from script script: " + sha(s)
                + ", on @user_script:1.\r\n");
        s = "error('boom')";
        assertThat(eval(s, "0")).isEqualTo("-ERR user_script:1: boom script: " + sha(s) + ", on @user_script:1.\r\n");
        assertThat(eval("return 1", "2", "a")).isEqualTo("-ERR Number of keys can't be greater than number of args\r\n");
        assertThat(eval("return 1", "-1")).isEqualTo("-ERR Number of keys can't be negative\r\n");
        assertThat(eval("return (", "0")).startsWith("-ERR Error compiling script (new function): user_script:1:");
    }

    @Test
    void globalsAreLockedAndUnsafeLibrariesAbsent() throws Exception {
        assertThat(eval("return x", "0")).contains("Script attempted to access nonexistent global variable 'x'");
        assertThat(eval("a = 5", "0")).contains("Attempt to modify a readonly table");
        assertThat(eval("redis.call = nil", "0")).contains("Attempt to modify a readonly table");
        for (String lib : new String[] {"os", "io", "package", "dofile", "loadfile", "print"}) {
            assertThat(eval("return " + lib, "0")).contains("nonexistent global variable '" + lib + "'");
        }
        assertThat(eval("return {unpack({1,2})}", "0")).isEqualTo("*2\r\n:1\r\n:2\r\n");
        assertThat(eval("return loadstring('return 7')()", "0")).isEqualTo(":7\r\n");
        assertThat(eval("return _VERSION", "0")).isEqualTo("$7\r\nLua 5.1\r\n");
    }

    @Test
    void scriptCacheServesEvalShaUntilFlushed() throws Exception {
        String body = "return ARGV[1]";
        assertThat(cmd("SCRIPT", "LOAD", body)).isEqualTo("$40\r\n" + sha(body) + "\r\n");
        assertThat(cmd("EVALSHA", sha(body), "0", "hi")).isEqualTo("$2\r\nhi\r\n");
        assertThat(cmd("EVALSHA", sha(body).toUpperCase(), "0", "hi")).isEqualTo("$2\r\nhi\r\n");
        assertThat(cmd("SCRIPT", "EXISTS", sha(body), "ffff")).isEqualTo("*2\r\n:1\r\n:0\r\n");
        assertThat(cmd("SCRIPT", "FLUSH")).isEqualTo("+OK\r\n");
        assertThat(cmd("EVALSHA", sha(body), "0")).isEqualTo("-NOSCRIPT No matching script. Please use EVAL.\r\n");
        assertThat(cmd("SCRIPT", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
    }

    @Test
    void readOnlyScriptsRefuseWrites() throws Exception {
        String s = "return redis.call('set','k','v')";
        assertThat(cmd("EVAL_RO", s, "0")).isEqualTo("-ERR Write commands are not allowed from read-only scripts. script: "
                + sha(s) + ", on @user_script:1.\r\n");
        String flagged = "#!lua flags=no-writes\nreturn redis.call('set','k','v')";
        assertThat(eval(flagged, "0")).startsWith("-ERR Write commands are not allowed from read-only scripts.");
        assertThat(cmd("EVAL_RO", "return redis.call('get','k')", "0")).isEqualTo("$-1\r\n");
        // May-replicate commands count as writes there, as in Redis 7.2 (so CLIENT PAUSE WRITE lets RO scripts run).
        assertThat(cmd("EVAL_RO", "return redis.call('publish','ch','msg')", "0"))
                .startsWith("-ERR Write commands are not allowed from read-only scripts.");
        assertThat(cmd("EVAL_RO", "return redis.call('pfcount','h')", "0"))
                .startsWith("-ERR Write commands are not allowed from read-only scripts.");
        assertThat(eval("#!lua flags=bogus\nreturn 1", "0")).isEqualTo("-ERR Unexpected flag in script shebang: bogus\r\n");
    }

    @Test
    void cjsonRoundTripsNestedTables() throws Exception {
        assertThat(eval("return cjson.encode({a={1,2,3},b='x'})", "0"))
                .isIn("$21\r\n{\"a\":[1,2,3],\"b\":\"x\"}\r\n", "$21\r\n{\"b\":\"x\",\"a\":[1,2,3]}\r\n");
        assertThat(eval("local t = cjson.decode(ARGV[1]) return {t.a[2], t.b.c, tostring(t.n == cjson.null), t.f * 10}",
                "0", "{\"a\":[1,22],\"b\":{\"c\":\"deep\"},\"n\":null,\"f\":1.5}"))
                .isEqualTo("*4\r\n:22\r\n$4\r\ndeep\r\n$4\r\ntrue\r\n:15\r\n");
        assertThat(eval("return cjson.encode(cjson.decode('[0.5,\"a\\\\nb\",true,{}]'))", "0"))
                .isEqualTo("$20\r\n[0.5,\"a\\nb\",true,{}]\r\n");
    }

    @Test
    void bitLibraryIs32BitSigned() throws Exception {
        assertThat(eval("return {bit.band(7,3), bit.bor(1,2), bit.bxor(3,1), bit.bnot(0), bit.lshift(1,4), "
                + "bit.rshift(-1,28), bit.arshift(-16,2), bit.tobit(4294967297), bit.tohex(255)}", "0"))
                .isEqualTo("*9\r\n:3\r\n:3\r\n:2\r\n:-1\r\n:16\r\n:15\r\n:-4\r\n:1\r\n$8\r\n000000ff\r\n");
    }

    @Test
    void redisTableHasTheRedis72Surface() throws Exception {
        assertThat(eval("return redis.sha1hex('')", "0")).isEqualTo("$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n");
        assertThat(eval("redis.log(redis.LOG_WARNING, 'hello') redis.set_repl(redis.REPL_ALL) "
                + "redis.replicate_commands() return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "0"))
                .isEqualTo("*2\r\n$5\r\n7.2.6\r\n:459270\r\n");
        try (RawConnection c = new RawConnection(ferrite.port())) {
            c.command("HELLO", "3").readReply();
            assertThat(c.command("EVAL", "redis.setresp(3) return redis.call('hgetall', KEYS[1])", "1", "nokey").readReply())
                    .isEqualTo("%0\r\n");
            assertThat(c.command("EVAL", "redis.setresp(3) return {double=1.5}", "0").readReply()).isEqualTo(",1.5\r\n");
        }
    }

    @Test
    void scriptCallsManyCommandFamilies() throws Exception {
        String s = "redis.call('set','s','1') redis.call('incr','s') redis.call('lpush','l','a','b') "
                + "redis.call('zadd','z',2,'m') redis.call('hset','h','f','v') redis.call('sadd','st','x') "
                + "redis.call('xadd','x','1-1','f','v') redis.call('pfadd','hll','a','b') "
                + "return {redis.call('get','s'), redis.call('llen','l'), redis.call('zscore','z','m'), "
                + "redis.call('hget','h','f'), redis.call('scard','st'), #redis.call('xrange','x','-','+'), "
                + "redis.call('pfcount','hll')}";
        assertThat(eval(s, "0")).isEqualTo("*7\r\n$1\r\n2\r\n:2\r\n$1\r\n2\r\n$1\r\nv\r\n:1\r\n:1\r\n:2\r\n");
    }

    @Test
    void scriptIsAtomicAgainstAConcurrentClient() throws Exception {
        CompletableFuture<String> script = CompletableFuture.supplyAsync(() -> {
            try {
                return eval("redis.call('set','atom','0') for i=1,20000 do redis.call('incr','atom') end "
                        + "return redis.call('get','atom')", "0");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        List<String> seen = new ArrayList<>();
        while (!script.isDone()) {
            String r = cmd("GET", "atom");
            seen.add(r);
        }
        assertThat(script.get()).isEqualTo("$5\r\n20000\r\n");
        // Another client sees the key absent or finished, never halfway.
        assertThat(seen).allMatch(r -> r.equals("$-1\r\n") || r.equals("$5\r\n20000\r\n")
                || r.startsWith("-BUSY")); // past busy-reply-threshold (200 ms in this class)
    }

    @Test
    void scriptKillStopsAnInfiniteLoopAndOthersSeeBusy() throws Exception {
        CompletableFuture<String> loop = CompletableFuture.supplyAsync(() -> {
            try {
                return eval("while true do end", "0");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(400);
        // Every other connection is served while the script runs (it has its own thread): keyless
        // and keyed commands alike get BUSY after busy-reply-threshold, on every I/O thread.
        List<RawConnection> conns = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RawConnection c = new RawConnection(ferrite.port());
            conns.add(c);
            assertThat(c.command("PING").readReply()).startsWith("-BUSY Redis is busy running a script.");
            assertThat(c.command("GET", "k" + i).readReply()).startsWith("-BUSY Redis is busy running a script.");
        }
        assertThat(loop).isNotDone();
        assertThat(conns.get(3).command("SCRIPT", "KILL").readReply()).isEqualTo("+OK\r\n");
        assertThat(loop.get(10, TimeUnit.SECONDS)).startsWith("-ERR Script killed by user with SCRIPT KILL...");
        for (RawConnection c : conns) {
            assertThat(c.command("PING").readReply()).isEqualTo("+PONG\r\n");
            c.close();
        }
    }

    @Test
    void aCommandWaitingForTheScriptsLocksGetsBusyOnceTheThresholdPasses() throws Exception {
        RawConnection script = new RawConnection(ferrite.port());
        RawConnection other = new RawConnection(ferrite.port());
        script.command("EVAL", "while true do end", "0");
        Thread.sleep(50); // the script runs; the GET below waits for its locks, then gets BUSY
        long start = System.nanoTime();
        assertThat(other.command("GET", "k").readReply()).startsWith("-BUSY");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        assertThat(other.command("SCRIPT", "KILL").readReply()).isEqualTo("+OK\r\n");
        assertThat(script.readReply()).startsWith("-ERR Script killed by user");
        assertThat(script.command("PING").readReply()).isEqualTo("+PONG\r\n");
        script.close();
        other.close();
    }

    @Test
    void scriptKillRefusesAScriptThatWrote() throws Exception {
        CompletableFuture<String> loop = CompletableFuture.supplyAsync(() -> {
            try {
                return eval("redis.call('set','w','1') local t = redis.call('time') "
                        + "while true do local n = redis.call('time') if n[1] - t[1] >= 2 then break end end return 1", "0");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(400);
        // A script that wrote cannot move off its event loop (it could not be run again), so
        // only connections on the other loops are served meanwhile: find one that answers.
        List<RawConnection> conns = new ArrayList<>();
        RawConnection other = null;
        // Own threads: the common pool may have a single thread, busy with the script's caller.
        var probes = java.util.concurrent.Executors.newCachedThreadPool();
        for (int i = 0; i < 8 && other == null; i++) {
            RawConnection c = new RawConnection(ferrite.port());
            conns.add(c);
            CompletableFuture<String> pong = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.command("PING").readReply();
                } catch (Exception e) {
                    return e.toString();
                }
            }, probes);
            try {
                if (pong.get(300, TimeUnit.MILLISECONDS).startsWith("-BUSY")) other = c;
            } catch (java.util.concurrent.TimeoutException sameLoop) {
                // shares the script's event loop: waits for the script's end
            }
        }
        assertThat(other).isNotNull();
        assertThat(other.command("SCRIPT", "KILL").readReply())
                .startsWith("-UNKILLABLE Sorry the script already executed write commands");
        assertThat(loop.get(10, TimeUnit.SECONDS)).isEqualTo(":1\r\n");
        for (RawConnection c : conns) c.close();
        probes.shutdownNow();
    }

    @Test
    void aLongReadOnlyScriptLeavesItsEventLoopFree() throws Exception {
        // Starts inline, runs past the hand-off point without side effects, so it continues on
        // the scripting thread: a client on every event loop is answered while it runs.
        String script = "local t = redis.call('time') local n = 0 "
                + "while true do n = n + 1 local x = redis.call('time') "
                + "if (x[1] - t[1]) * 1000000 + (x[2] - t[2]) >= 150000 then break end end "
                + "return redis.call('get', 'k') or 'none'";
        try (RawConnection runner = new RawConnection(ferrite.port())) {
            runner.command("EVAL", script, "0");
            Thread.sleep(30);
            for (int i = 0; i < 6; i++) {
                try (RawConnection c = new RawConnection(ferrite.port())) {
                    long start = System.nanoTime();
                    assertThat(c.command("PING").readReply()).isEqualTo("+PONG\r\n");
                    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(100);
                }
            }
            assertThat(runner.readReply()).isEqualTo("$4\r\nnone\r\n");
        }
    }

    @Test
    void pipelinedCommandsAroundAScriptKeepTheirOrder() throws Exception {
        try (RawConnection c = new RawConnection(ferrite.port())) {
            StringBuilder expected = new StringBuilder();
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                pipeline.append(resp("SET", "p" + i, "v" + i))
                        .append(resp("EVAL", "return redis.call('get', KEYS[1])", "1", "p" + i))
                        .append(resp("INCR", "pc"));
                expected.append("+OK\r\n$").append(("v" + i).length()).append("\r\nv").append(i).append("\r\n:")
                        .append(i + 1).append("\r\n");
            }
            c.send(pipeline.toString()); // one write: the three commands arrive in one read batch
            StringBuilder got = new StringBuilder();
            for (int i = 0; i < 600; i++) got.append(c.readReply());
            assertThat(got.toString()).isEqualTo(expected.toString());
        }
    }

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return sb.toString();
    }

    @Test
    void errorsInsideScriptsAreCountedOnceAsRedisDoes() throws Exception {
        try (redis.clients.jedis.Jedis j = ferrite.jedis()) {
            j.configResetStat();
            assertThat(eval("return redis.call('select', 99)", "0")).startsWith("-ERR DB index is out of range");
            assertThat(j.info("errorstats")).contains("errorstat_ERR:count=1");
            assertThat(j.info("stats")).contains("total_error_replies:1");
            assertThat(j.info("commandstats")).containsPattern("cmdstat_select:calls=1,.*rejected_calls=0,failed_calls=1")
                    .containsPattern("cmdstat_eval:calls=1,.*rejected_calls=0,failed_calls=1");
            j.configResetStat();
            // Refused by the scripting rules: the command's rejected_calls; pcall keeps the script going.
            assertThat(cmd("EVAL_RO", "local t = redis.pcall('set','x','y') return t['err']", "1", "x"))
                    .isEqualTo("$58\r\nERR Write commands are not allowed from read-only scripts.\r\n");
            assertThat(j.info("stats")).contains("total_error_replies:1");
            assertThat(j.info("commandstats")).containsPattern("cmdstat_set:calls=0,.*rejected_calls=1,failed_calls=0")
                    .containsPattern("cmdstat_eval_ro:calls=1,.*rejected_calls=0,failed_calls=0");
        }
    }

    @Test
    void scriptAndFunctionHelpListTheirSubcommands() throws Exception {
        String script = cmd("SCRIPT", "HELP");
        assertThat(script).startsWith("*11\r\n+SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
                .contains("+LOAD <script>\r\n").endsWith("+HELP\r\n+    Print this help.\r\n");
        assertThat(cmd("FUNCTION", "HELP")).startsWith("*20\r\n+FUNCTION <subcommand>").contains("+RESTORE <payload>");
    }

    @Test
    void unboundedRecursionIsAStackOverflowErrorNotACrash() throws Exception {
        String s = "local function f(n) return f(n + 1) + 1 end return f(1)";
        assertThat(eval(s, "0")).isEqualTo("-ERR user_script:1: stack overflow script: " + sha(s) + ", on @user_script:1.\r\n");
        assertThat(eval("return 'still here'", "0")).isEqualTo("$10\r\nstill here\r\n");
    }
}
