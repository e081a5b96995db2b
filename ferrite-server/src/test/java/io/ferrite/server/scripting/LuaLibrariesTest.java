package io.ferrite.server.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code struct} and {@code cmsgpack} libraries over EVAL, compared with bytes worked out
 * by hand from Redis 7.2.6's deps/lua/src/lua_struct.c and lua_cmsgpack.c. The comparison with
 * a real redis-server is {@link LuaLibrariesDifferentialTest}.
 */
class LuaLibrariesTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    /** Scripts return binary strings through this, so replies stay ASCII. */
    private static final String HEX =
            "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', string.byte(c)) end)) end\n";

    static String eval(int port, String script) throws IOException {
        try (RawConnection c = new RawConnection(port)) {
            return c.command("EVAL", HEX + script, "0").readReply();
        }
    }

    /** The script's reply, with the error suffix (" script: sha, on @user_script:N.") cut off. */
    private static String eval(String script) throws IOException {
        String r = eval(ferrite.port(), script);
        int suffix = r.indexOf(" script: ");
        return r.startsWith("-") && suffix > 0 ? r.substring(0, suffix) : r;
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    // ---------------------------------------------------------------- cmsgpack

    @Test
    void cmsgpackPacksIntegersInTheSmallestEncoding() throws Exception {
        assertThat(eval("return hex(cmsgpack.pack(0, -1, 127, 128, 255, 256, 65535, 65536))"))
                .isEqualTo(bulk("00" + "ff" + "7f" + "cc80" + "ccff" + "cd0100" + "cdffff" + "ce00010000"));
        assertThat(eval("return hex(cmsgpack.pack(2^31, 2^32, -2^31, -2^31-1, 2^53))"))
                .isEqualTo(bulk("ce80000000" + "cf0000000100000000" + "d280000000" + "d3ffffffff7fffffff"
                        + "cf0020000000000000"));
        assertThat(eval("return hex(cmsgpack.pack(-32, -33, -128, -129, -32768, -32769, -1099511627776))"))
                .isEqualTo(bulk("e0" + "d0df" + "d080" + "d1ff7f" + "d18000" + "d2ffff7fff" + "d3ffffff0000000000"));
    }

    @Test
    void cmsgpackPacksOtherNumbersAsFloatWhenExactElseDouble() throws Exception {
        assertThat(eval("return hex(cmsgpack.pack(1.5, 0.1, 1e300, 1/0))"))
                .isEqualTo(bulk("ca3fc00000" + "cb3fb999999999999a" + "cb7e37e43c8800759c" + "ca7f800000"));
        // 2^63 does not fit an int64 (C's cast overflows), so it is a float; -2^63 does.
        assertThat(eval("return hex(cmsgpack.pack(2^63, -2^63))")).isEqualTo(bulk("ca5f000000" + "d38000000000000000"));
    }

    @Test
    void cmsgpackPacksStringsWithTheirLengthHeader() throws Exception {
        assertThat(eval("return hex(cmsgpack.pack('', 'ab'))")).isEqualTo(bulk("a0" + "a26162"));
        assertThat(eval("local s = cmsgpack.pack(string.rep('a', 31)) return {#s, hex(s:sub(1, 2))}"))
                .isEqualTo("*2\r\n:32\r\n" + bulk("bf61"));
        String[][] cases = {{"32", "d920"}, {"255", "d9ff"}, {"256", "da0100"}, {"65535", "daffff"},
                {"65536", "db00010000"}};
        for (String[] c : cases) {
            int header = c[1].length() / 2;
            assertThat(eval("local s = cmsgpack.pack(string.rep('a', " + c[0] + ")) return {#s, hex(s:sub(1, " + header + "))}"))
                    .as(c[0] + " bytes")
                    .isEqualTo("*2\r\n:" + (Integer.parseInt(c[0]) + header) + "\r\n" + bulk(c[1]));
        }
        assertThat(eval("return hex(cmsgpack.unpack(cmsgpack.pack('a\\0b\\255')))")).isEqualTo(bulk("610062ff"));
    }

    @Test
    void cmsgpackPacksTablesWithKeys1ToNAsArraysAndOthersAsMaps() throws Exception {
        assertThat(eval("return hex(cmsgpack.pack({}, {1, 2, 3}, {true, false}, {a = 1}, {[0] = 1}, {[1.5] = 1}))"))
                .isEqualTo(bulk("90" + "93010203" + "92c3c2" + "81a16101" + "810001" + "81ca3fc0000001"));
        // A hole makes it a map (1 and 3 of 2 keys); 16 elements need array16.
        assertThat(eval("return hex(cmsgpack.pack({1, nil, 3}))")).isEqualTo(bulk("8201010303"));
        assertThat(eval("local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t))"))
                .isEqualTo(bulk("dc0010" + "0102030405060708090a0b0c0d0e0f10"));
        // Values msgpack cannot hold (functions, cjson.null) are nil.
        assertThat(eval("return hex(cmsgpack.pack(nil, redis.call, cjson.null))")).isEqualTo(bulk("c0c0c0"));
    }

    @Test
    void cmsgpackWritesNilForTheSeventeenthNestedTable() throws Exception {
        assertThat(eval("local t = {} t[1] = t return hex(cmsgpack.pack(t))")).isEqualTo(bulk("91".repeat(16) + "c0"));
        // Redis's own test (scripting.tcl, "circular references"): a = {y=5, x=b}, b = {x=a}.
        String script = "local a = {x=nil,y=5} local b = {x=a} a['x'] = b local s = cmsgpack.pack(a)"
                + " local re = cmsgpack.unpack(s)"
                + " return {hex(s), re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y, tostring(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x)}";
        assertThat(eval(script)).isEqualTo("*3\r\n"
                + bulk("82a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881"
                        + "a17882a17905a17881a17882a17905a17881a17882a17905a17881a178c0")
                + ":5\r\n" + bulk("nil"));
    }

    @Test
    void cmsgpackUnpacksEveryFormTheEncoderWritesAndStr8() throws Exception {
        assertThat(eval("return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1, 2}, -5, 2^40, true))}"))
                .isEqualTo("*6\r\n:1\r\n" + bulk("a") + "*2\r\n:1\r\n:2\r\n:-5\r\n:1099511627776\r\n:1\r\n");
        assertThat(eval("return {cmsgpack.unpack('\\208\\128\\209\\128\\0\\210\\128\\0\\0\\0\\206\\255\\255\\255\\255\\205\\255\\255\\204\\200')}"))
                .isEqualTo("*6\r\n:-128\r\n:-32768\r\n:-2147483648\r\n:4294967295\r\n:65535\r\n:200\r\n");
        assertThat(eval("return {cmsgpack.unpack('\\217\\3abc\\218\\0\\2de\\219\\0\\0\\0\\1f\\163ghi')}"))
                .isEqualTo("*4\r\n" + bulk("abc") + bulk("de") + bulk("f") + bulk("ghi"));
        assertThat(eval("local a, b = cmsgpack.unpack('\\202\\63\\192\\0\\0\\203\\63\\185\\153\\153\\153\\153\\153\\154')"
                + " return {a == 1.5, b == 0.1}")).isEqualTo("*2\r\n:1\r\n:1\r\n");
        // uint64 reaches Lua through a signed long: all ones is -1.
        assertThat(eval("return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')")).isEqualTo(":-1\r\n");
        assertThat(eval("return {cmsgpack.unpack('')}")).isEqualTo("*0\r\n");
    }

    @Test
    void cmsgpackUnpackOneAndLimitReturnTheNextOffsetFirst() throws Exception {
        assertThat(eval("return {cmsgpack.unpack_one('abc')}")).isEqualTo("*2\r\n:1\r\n:97\r\n");
        assertThat(eval("return {cmsgpack.unpack_one('abc', 2)}")).isEqualTo("*2\r\n:-1\r\n:99\r\n");
        assertThat(eval("return {cmsgpack.unpack_limit('abc', 2, 0)}")).isEqualTo("*3\r\n:2\r\n:97\r\n:98\r\n");
        // Limit 0 and offset 0 means "everything", and then no offset comes first.
        assertThat(eval("return {cmsgpack.unpack_limit('abc', 0)}")).isEqualTo("*3\r\n:97\r\n:98\r\n:99\r\n");
        String s = "local s = cmsgpack.pack('x', {1}, 'y') local o1, a = cmsgpack.unpack_one(s)"
                + " local o2, b = cmsgpack.unpack_one(s, o1) local o3, c = cmsgpack.unpack_one(s, o2)"
                + " return {o1, a, o2, b[1], o3, c}";
        assertThat(eval(s)).isEqualTo("*6\r\n:2\r\n" + bulk("x") + ":4\r\n:1\r\n:-1\r\n" + bulk("y"));
    }

    @Test
    void cmsgpackErrorsAreRedisTexts() throws Exception {
        assertThat(eval("local r = cmsgpack.pack() return r"))
                .isEqualTo("-ERR user_script:2: bad argument #0 to 'pack' (MessagePack pack needs input.)");
        assertThat(eval("local r = cmsgpack.unpack('\\145') return r")).isEqualTo("-ERR user_script:2: Missing bytes in input.");
        assertThat(eval("local r = cmsgpack.unpack('\\193') return r")).isEqualTo("-ERR user_script:2: Bad data format in input.");
        assertThat(eval("local r = cmsgpack.unpack('\\196\\1a') return r")).isEqualTo("-ERR user_script:2: Bad data format in input.");
        // Redis prints the input length where it means the limit.
        assertThat(eval("local r = cmsgpack.unpack_limit('abc', -1) return r"))
                .isEqualTo("-ERR user_script:2: Invalid request to unpack with offset of 0 and limit of 3.");
        assertThat(eval("local r = cmsgpack.unpack_one('abc', 4) return r"))
                .isEqualTo("-ERR user_script:2: Start offset 4 greater than input length 3.");
        assertThat(eval("local r = cmsgpack.unpack_limit('abc') return r"))
                .isEqualTo("-ERR user_script:2: bad argument #2 to 'unpack_limit' (number expected, got no value)");
        assertThat(eval("local r = cmsgpack.unpack({}) return r"))
                .isEqualTo("-ERR user_script:2: bad argument #1 to 'unpack' (string expected, got table)");
        // Raised by lua_settable inside the C function: no script position.
        assertThat(eval("local r = cmsgpack.unpack('\\129\\192\\1') return r")).isEqualTo("-ERR table index is nil");
    }

    @Test
    void cmsgpackFailsWhereRedisRunsOutOfLuaStack() throws Exception {
        assertThat(eval("return select('#', cmsgpack.unpack(string.rep('\\1', 7999)))")).isEqualTo(":7999\r\n");
        assertThat(eval("local ok, e = pcall(cmsgpack.unpack, string.rep('\\1', 8000)) return e")).isEqualTo(
                bulk("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)"));
        assertThat(eval("local ok, e = pcall(cmsgpack.unpack, string.rep('\\145', 4000) .. '\\1') return e"))
                .isEqualTo(bulk("stack overflow (in function mp_decode_to_lua_array)"));
        assertThat(eval("local t = {} for i = 1, 4001 do t[i] = i end local r = cmsgpack.pack(unpack(t)) return r"))
                .isEqualTo("-ERR user_script:2: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)");
    }

    // ---------------------------------------------------------------- struct

    @Test
    void structPacksIntegersLittleEndianByDefaultAndBigWithGt() throws Exception {
        String args = "-1, 255, -2, 65535, -3, 2^40, 7, -4, 2^32-1";
        assertThat(eval("return hex(struct.pack('bBhHlLTiI', " + args + "))")).isEqualTo(bulk(
                "ff" + "ff" + "feff" + "ffff" + "fdffffffffffffff" + "0000000000010000" + "0700000000000000"
                        + "fcffffff" + "ffffffff"));
        assertThat(eval("return hex(struct.pack('>bBhHlLTiI', " + args + "))")).isEqualTo(bulk(
                "ff" + "ff" + "fffe" + "ffff" + "fffffffffffffffd" + "0000010000000000" + "0000000000000007"
                        + "fffffffc" + "ffffffff"));
        // Sizes past 8 bytes: the value is 64-bit, the rest is zeros.
        assertThat(eval("return hex(struct.pack('<i3i9', -3, -9))")).isEqualTo(bulk("fdffff" + "f7ffffffffffffff00"));
        // Through C's double -> unsigned long on x86: 2^64 and infinity wrap to 0, 2^63 keeps its bit.
        assertThat(eval("return hex(struct.pack('>LLL', 2^64, 1/0, 2^63))"))
                .isEqualTo(bulk("0000000000000000" + "0000000000000000" + "8000000000000000"));
        assertThat(eval("return hex(struct.pack('<bb', 300, -1.5))")).isEqualTo(bulk("2c" + "ff"));
    }

    @Test
    void structPacksFloatsAndStrings() throws Exception {
        assertThat(eval("return hex(struct.pack('<fd>fd', 1.5, 0.1, -2.25, 1e300))"))
                .isEqualTo(bulk("0000c03f" + "9a9999999999b93f" + "c0100000" + "7e37e43c8800759c"));
        assertThat(eval("return hex(struct.pack('c5c0sc', 'abcdefg', 'a\\0b', 'a\\0b', 'xyz'))"))
                .isEqualTo(bulk("6162636465" + "610062" + "61006200" + "78"));
    }

    @Test
    void structAlignsToTheSmallerOfSizeAndMaxAlignment() throws Exception {
        // b at 0; i at 4; b at 8; h at 10; b at 12; d at 16 (aligned to 4, not 8).
        assertThat(eval("return hex(struct.pack('!4 b i b h b d', 1, 2, 3, 4, 5, 6))")).isEqualTo(bulk(
                "01" + "000000" + "02000000" + "03" + "00" + "0400" + "05" + "000000" + "0000000000001840"));
        // '!' alone is 8, a double's alignment; c is never aligned.
        assertThat(eval("return hex(struct.pack('! b d c1 h', 1, 2, 'z', 3))")).isEqualTo(bulk(
                "01" + "00000000000000" + "0000000000000040" + "7a" + "00" + "0300"));
        // Redis's padding arithmetic for a size that is not a power of two (i3 after one byte: 2).
        assertThat(eval("return hex(struct.pack('!8 b i3', 1, 2))")).isEqualTo(bulk("01" + "0000" + "020000"));
        assertThat(eval("return struct.size('!4 b i b h b d')")).isEqualTo(":24\r\n");
    }

    @Test
    void structUnpackReturnsTheValuesThenTheNextPosition() throws Exception {
        assertThat(eval("return {struct.unpack('>bBhHi', '\\255\\255\\255\\254\\255\\255\\0\\0\\1\\0', 1)}"))
                .isEqualTo("*6\r\n:-1\r\n:255\r\n:-2\r\n:65535\r\n:256\r\n:11\r\n");
        assertThat(eval("return {struct.unpack('b', 'abc', 3)}")).isEqualTo("*2\r\n:99\r\n:4\r\n");
        // c0 takes its length from the number just read, which is not returned.
        assertThat(eval("return {struct.unpack('bc0b', '\\3abcdef')}")).isEqualTo("*3\r\n" + bulk("abc") + ":100\r\n:6\r\n");
        assertThat(eval("return {struct.unpack('ss', 'ab\\0cd\\0e')}")).isEqualTo("*3\r\n" + bulk("ab") + bulk("cd") + ":7\r\n");
        assertThat(eval("local a, b = struct.unpack('<L', string.rep('\\255', 8)) return {a == 2^64, b}"))
                .isEqualTo("*2\r\n:1\r\n:9\r\n");
        assertThat(eval("return {struct.unpack('<i16', string.rep('\\255', 8) .. string.rep('\\0', 8))}"))
                .isEqualTo("*2\r\n:-1\r\n:17\r\n");
    }

    @Test
    void structErrorsAreRedisTexts() throws Exception {
        String[][] cases = {
                {"struct.pack('z', 1)", "bad argument #1 to 'pack' (invalid format option 'z')"},
                {"struct.pack('i')", "bad argument #2 to 'pack' (number expected, got nil)"},
                {"struct.pack('c5', 'ab')", "bad argument #3 to 'pack' (string too short)"},
                {"struct.pack('i33', 1)", "integral size 33 is larger than limit of 32"},
                {"struct.pack('c99999999999', 'x')", "integral size overflow"},
                {"struct.pack('!3 b', 1)", "alignment 3 is not a power of 2"},
                {"struct.unpack('i', 'abc')", "bad argument #2 to 'unpack' (data string too short)"},
                {"struct.unpack('b', 'abc', 0)", "bad argument #3 to 'unpack' (offset must be 1 or greater)"},
                {"struct.unpack('b', 'abc', -1)", "bad argument #2 to 'unpack' (data string too short)"},
                {"struct.unpack('c0', 'abc')", "format 'c0' needs a previous size"},
                {"struct.unpack('s', 'abc')", "unfinished string in data"},
                {"struct.size('s')", "bad argument #1 to 'size' (option 's' has no fixed size)"},
                {"struct.size('c0')", "bad argument #1 to 'size' (option 'c0' has no fixed size)"},
                {"struct.size('b*')", "bad argument #1 to 'size' (invalid format option '*')"},
        };
        for (String[] c : cases) {
            assertThat(eval("local r = " + c[0] + " return r")).as(c[0]).isEqualTo("-ERR user_script:2: " + c[1]);
        }
        // struct.size ignores unknown letters (it only checks options that are not alphanumeric).
        assertThat(eval("return struct.size('bzh')")).isEqualTo(":3\r\n");
    }

    @Test
    void librariesAreReadOnly() throws Exception {
        assertThat(eval("cmsgpack.pack = function() return 1 end")).contains("Attempt to modify a readonly table");
        assertThat(eval("struct.unpack = nil")).contains("Attempt to modify a readonly table");
        assertThat(eval("return cmsgpack._VERSION")).isEqualTo(bulk("lua-cmsgpack 0.4.0"));
    }
}
