package io.ferrite.server.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.RealRedis;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every script of lua-libraries-differential.lua (struct and cmsgpack) on Ferrite and on a real
 * redis-server (the two C files are the same in 7.0 and 7.2): identical replies. Skipped, with a
 * message, where redis-server is not installed.
 */
class LuaLibrariesDifferentialTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @RegisterExtension
    static RealRedis redis = new RealRedis();

    @TestFactory
    Stream<DynamicTest> repliesEqualRedisServers() throws Exception {
        List<String> scripts = differentialScripts();
        assertThat(scripts).hasSizeGreaterThan(100);
        return scripts.stream().map(s -> DynamicTest.dynamicTest(s.length() > 80 ? s.substring(0, 80) : s, () ->
                assertThat(LuaLibrariesTest.eval(ferrite.port(), s)).as(s)
                        .isEqualTo(LuaLibrariesTest.eval(redis.port(), s))));
    }

    private static List<String> differentialScripts() throws IOException {
        try (InputStream in = LuaLibrariesDifferentialTest.class.getResourceAsStream("lua-libraries-differential.lua")) {
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            List<String> blocks = new ArrayList<>(Arrays.asList(text.split("\n----\n")));
            blocks.removeFirst(); // the file's header comment
            blocks.replaceAll(String::strip);
            blocks.removeIf(String::isEmpty);
            return blocks;
        }
    }
}
