package io.ferrite.server.scripting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.FunctionRestorePolicy;
import redis.clients.jedis.resps.LibraryInfo;

class FunctionCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension().with("busy-reply-threshold", "200");

    static final String LIB = """
            #!lua name=mylib
            local function set(keys, args)
              return redis.call('SET', keys[1], args[1])
            end
            redis.register_function('myset', set)
            redis.register_function{function_name='myget', description='reads one key',
              callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}
            """;

    @BeforeEach
    void flushFunctions() {
        try (Jedis j = ferrite.jedis()) {
            j.functionFlush();
        }
    }

    @Test
    void loadCallAndList() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.functionLoad(LIB)).isEqualTo("mylib");
            assertThat(j.fcall("myset", List.of("k"), List.of("v1"))).isEqualTo("OK");
            assertThat(j.fcallReadonly("myget", List.of("k"), List.of())).isEqualTo("v1");
            assertThat(j.get("k")).isEqualTo("v1");
            assertThatThrownBy(() -> j.fcallReadonly("myset", List.of("k"), List.of("v2")))
                    .hasMessage("ERR Can not execute a script with write flag using *_ro command.");
            assertThatThrownBy(() -> j.fcall("nosuch", List.of(), List.of())).hasMessage("ERR Function not found");
            assertThatThrownBy(() -> j.functionLoad(LIB)).hasMessage("ERR Library 'mylib' already exists");
            assertThat(j.functionLoadReplace(LIB)).isEqualTo("mylib");

            List<LibraryInfo> libs = j.functionList();
            assertThat(libs).hasSize(1);
            assertThat(libs.get(0).getLibraryName()).isEqualTo("mylib");
            assertThat(libs.get(0).getEngine()).isEqualTo("LUA");
            assertThat(libs.get(0).getFunctions()).hasSize(2);
            assertThat(libs.get(0).getFunctions().get(1)).containsEntry("name", "myget")
                    .containsEntry("description", "reads one key").containsEntry("flags", List.of("no-writes"));
            assertThat(j.functionListWithCode().get(0).getLibraryCode()).isEqualTo(LIB);
            assertThat(j.functionList("other*")).isEmpty();

            assertThat(j.functionDelete("mylib")).isEqualTo("OK");
            assertThatThrownBy(() -> j.functionDelete("mylib")).hasMessage("ERR Library not found");
            assertThatThrownBy(() -> j.fcall("myset", List.of("k"), List.of("v"))).hasMessage("ERR Function not found");
        }
    }

    @Test
    void loadErrorsAreRedisTexts() {
        try (Jedis j = ferrite.jedis()) {
            assertThatThrownBy(() -> j.functionLoad("return 1")).hasMessage("ERR Missing library metadata");
            assertThatThrownBy(() -> j.functionLoad("#!lua\nreturn 1")).hasMessage("ERR Library name was not given");
            assertThatThrownBy(() -> j.functionLoad("#!js name=x\nreturn 1")).hasMessage("ERR Engine 'js' not found");
            assertThatThrownBy(() -> j.functionLoad("#!lua name=a-b\nreturn 1"))
                    .hasMessageStartingWith("ERR Library names can only contain letters");
            assertThatThrownBy(() -> j.functionLoad("#!lua name=x\nlocal a = 1"))
                    .hasMessage("ERR No functions registered");
            assertThatThrownBy(() -> j.functionLoad("#!lua name=x\nredis.call('ping')"))
                    .hasMessageContaining("Script attempted to access nonexistent global variable 'call'");
            assertThatThrownBy(() -> j.functionLoad("#!lua name=x\nlocal r = math.random()"))
                    .hasMessageContaining("Script attempted to access nonexistent global variable 'math'");
            assertThatThrownBy(() -> j.functionLoad("#!lua name=x\nbad code here"))
                    .hasMessageStartingWith("ERR Error compiling function:");
            assertThatThrownBy(() -> j.functionLoad("#!lua name=x\nwhile true do end"))
                    .hasMessageContaining("FUNCTION LOAD timeout");
            j.functionLoad(LIB);
            // A function name is global across libraries; the failed load leaves nothing behind.
            assertThatThrownBy(() -> j.functionLoad("#!lua name=other\nredis.register_function('myset', function() end)"))
                    .hasMessage("ERR Function myset already exists");
            assertThat(j.functionList()).hasSize(1);
        }
    }

    @Test
    void functionsSeeTheFullApiAtRunTimeButCannotRegister() {
        try (Jedis j = ferrite.jedis()) {
            j.functionLoad("""
                    #!lua name=rt
                    redis.register_function('rnd', function() return math.floor(1.5) + #string.rep('x', 3) end)
                    redis.register_function('reg', function() redis.register_function('z', function() end) end)
                    redis.register_function('glob', function() x = 1 end)
                    """);
            assertThat(j.fcall("rnd", List.of(), List.of())).isEqualTo(4L);
            // The run-time API has no register_function (Redis: a call of a nil field).
            assertThatThrownBy(() -> j.fcall("reg", List.of(), List.of()))
                    .hasMessageContaining("attempt to call field 'register_function' (a nil value)");
            assertThatThrownBy(() -> j.fcall("glob", List.of(), List.of()))
                    .hasMessageContaining("Attempt to modify a readonly table");
        }
    }

    @Test
    void dumpAndRestoreWithEachPolicy() {
        try (Jedis j = ferrite.jedis()) {
            j.functionLoad(LIB);
            byte[] payload = j.functionDump();
            assertThatThrownBy(() -> j.functionRestore(payload)).hasMessage("ERR Library mylib already exists");
            j.functionFlush();
            assertThat(j.functionRestore(payload)).isEqualTo("OK");
            assertThat(j.fcall("myset", List.of("a"), List.of("1"))).isEqualTo("OK");
            assertThat(j.functionRestore(payload, FunctionRestorePolicy.REPLACE)).isEqualTo("OK");
            j.functionLoad("#!lua name=second\nredis.register_function('two', function() return 2 end)");
            assertThat(j.functionRestore(payload, FunctionRestorePolicy.FLUSH)).isEqualTo("OK");
            assertThat(j.functionList()).extracting(LibraryInfo::getLibraryName).containsExactly("mylib");
            byte[] corrupt = payload.clone();
            corrupt[corrupt.length - 1] ^= 1;
            assertThatThrownBy(() -> j.functionRestore(corrupt))
                    .hasMessage("ERR DUMP payload version or checksum are wrong");
            assertThat(j.functionList()).hasSize(1);
        }
    }

    @Test
    void functionKillStopsABusyFunctionAndStatsShowIt() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            j.functionLoad("#!lua name=busy\nredis.register_function{function_name='spin', "
                    + "callback=function() while true do end end, flags={'no-writes'}}");
        }
        try (RawConnection caller = new RawConnection(ferrite.port()); Jedis other = ferrite.jedis()) {
            caller.command("FCALL", "spin", "0");
            Thread.sleep(400);
            assertThatThrownBy(other::ping)
                    .hasMessage("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            var stats = other.functionStats();
            assertThat(stats.getRunningScript()).containsEntry("name", "spin");
            assertThatThrownBy(() -> other.scriptKill())
                    .hasMessage("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            assertThat(other.functionKill()).isEqualTo("OK");
            assertThat(caller.readReply()).startsWith("-ERR Script killed by user with SCRIPT KILL... script: spin");
            assertThat(other.ping()).isEqualTo("PONG");
            assertThatThrownBy(other::functionKill).hasMessage("NOTBUSY No scripts in execution right now.");
        }
    }

    @Test
    void functionsRunAtomically() throws Exception {
        try (Jedis j = ferrite.jedis()) {
            j.functionLoad("#!lua name=cnt\nredis.register_function('bump', function(keys) "
                    + "for i = 1, 100 do redis.call('INCR', keys[1]) end return redis.call('GET', keys[1]) end)");
        }
        CompletableFuture<?>[] workers = new CompletableFuture<?>[4];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = CompletableFuture.runAsync(() -> {
                try (Jedis j = ferrite.jedis()) {
                    for (int i = 0; i < 50; i++) {
                        long v = Long.parseLong((String) j.fcall("bump", List.of("c"), List.of()));
                        assertThat(v % 100).isZero(); // never another client's INCRs in between
                    }
                }
            });
        }
        CompletableFuture.allOf(workers).get(60, TimeUnit.SECONDS);
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.get("c")).isEqualTo("20000");
        }
    }
}
