package io.ferrite.server.string;

import static io.ferrite.server.string.StringTestSupport.WRONGTYPE;
import static io.ferrite.server.string.StringTestSupport.bytes;
import static io.ferrite.server.string.StringTestSupport.cmd;
import static io.ferrite.server.string.StringTestSupport.dirty;
import static io.ferrite.server.string.StringTestSupport.expireAt;
import static io.ferrite.server.string.StringTestSupport.putNonString;
import static io.ferrite.server.string.StringTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.net.RawConnection;
import io.lettuce.core.BitFieldArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.BitCountOption;
import redis.clients.jedis.args.BitOP;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.BitPosParams;

class BitmapCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static void assertError(Jedis j, String expected, String... command) {
        assertThatThrownBy(() -> cmd(j, command)).isInstanceOf(JedisDataException.class).hasMessage(expected);
    }

    private static final String OFFSET_ERR = "ERR bit offset is not an integer or out of range";
    private static final String BIT_ERR = "ERR bit is not an integer or out of range";

    // ------------------------------------------------------------------ SETBIT / GETBIT

    @Test
    void setbitCreatesPadsAndRepliesTheOldBit() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.setbit("k", 1, true)).isFalse();
            assertThat(j.get(bytes("k"))).isEqualTo(new byte[] {0b0100_0000});
            j.set("k", "@"); // 0100 0000
            assertThat(j.setbit("k", 2, true)).isFalse();
            assertThat(j.get("k")).isEqualTo("`"); // 0110 0000
            assertThat(j.setbit("k", 1, false)).isTrue();
            assertThat(j.get(bytes("k"))).isEqualTo(new byte[] {0b0010_0000});
            assertThat(j.setbit("k", 23, true)).isFalse();
            assertThat(j.get(bytes("k"))).isEqualTo(new byte[] {0b0010_0000, 0, 1});
            j.set("n", "1"); // 0011 0001
            assertThat(j.setbit("n", 6, true)).isFalse();
            assertThat(j.get("n")).isEqualTo("3"); // 0011 0011
        }
    }

    @Test
    void setbitErrors() {
        try (Jedis j = ferrite.jedis()) {
            assertError(j, OFFSET_ERR, "SETBIT", "k", String.valueOf(4L * 1024 * 1024 * 1024), "1");
            assertError(j, OFFSET_ERR, "SETBIT", "k", "-1", "1");
            assertError(j, OFFSET_ERR, "SETBIT", "k", "abc", "1");
            assertError(j, OFFSET_ERR, "SETBIT", "k", "#1", "1");
            assertError(j, BIT_ERR, "SETBIT", "k", "0", "-1");
            assertError(j, BIT_ERR, "SETBIT", "k", "0", "2");
            assertError(j, BIT_ERR, "SETBIT", "k", "0", "abc");
            // The offset is checked first.
            assertError(j, OFFSET_ERR, "SETBIT", "k", "-1", "abc");
            assertThat(j.get("k")).isNull();
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "SETBIT", "l", "0", "1");
        }
    }

    @Test
    void setbitKeepsTheTtlAndCountsOnlyRealChanges() {
        try (Jedis j = ferrite.jedis()) {
            j.setex("k", 100, "\u0000");
            long at = expireAt(ferrite, "k");
            long d0 = dirty(ferrite);
            j.setbit("k", 0, false); // unchanged
            assertThat(dirty(ferrite)).isEqualTo(d0);
            j.setbit("k", 0, true);
            assertThat(dirty(ferrite)).isEqualTo(d0 + 1);
            j.setbit("k", 0, true); // unchanged
            assertThat(dirty(ferrite)).isEqualTo(d0 + 1);
            j.setbit("k", 90, false); // grows the string
            assertThat(dirty(ferrite)).isEqualTo(d0 + 2);
            assertThat(j.strlen("k")).isEqualTo(12);
            assertThat(expireAt(ferrite, "k")).isEqualTo(at);
        }
    }

    @Test
    void setbitFuzzingAgainstAModel() {
        Random rnd = new Random(42);
        byte[] model = new byte[0];
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 2000; i++) {
                int bit = rnd.nextInt(256 * 8);
                boolean on = rnd.nextBoolean();
                if (bit / 8 >= model.length) model = Arrays.copyOf(model, bit / 8 + 1);
                boolean old = (model[bit / 8] & (0x80 >> (bit % 8))) != 0;
                model[bit / 8] = (byte) (on ? model[bit / 8] | (0x80 >> (bit % 8)) : model[bit / 8] & ~(0x80 >> (bit % 8)));
                assertThat(j.setbit("k", bit, on)).isEqualTo(old);
            }
            assertThat(j.get(bytes("k"))).isEqualTo(model);
        }
    }

    @Test
    void getbit() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.getbit("missing", 0)).isFalse();
            j.set("k", "`"); // 0110 0000
            assertThat(j.getbit("k", 0)).isFalse();
            assertThat(j.getbit("k", 1)).isTrue();
            assertThat(j.getbit("k", 2)).isTrue();
            assertThat(j.getbit("k", 3)).isFalse();
            assertThat(j.getbit("k", 8)).isFalse();
            assertThat(j.getbit("k", 10000)).isFalse();
            assertError(j, OFFSET_ERR, "GETBIT", "k", "-1");
            assertError(j, OFFSET_ERR, "GETBIT", "k", String.valueOf(4L * 1024 * 1024 * 1024));
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "GETBIT", "l", "0");
        }
    }

    // ------------------------------------------------------------------ BITCOUNT

    @Test
    void bitcountRanges() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.bitcount("missing")).isZero();
            assertThat(j.bitcount("missing", 0, 1000, BitCountOption.BIT)).isZero();
            j.set("s", "foobar");
            assertThat(j.bitcount("s")).isEqualTo(26);
            assertThat(j.bitcount("s", 0, 0)).isEqualTo(4);
            assertThat(j.bitcount("s", 1, 1)).isEqualTo(6);
            assertThat(j.bitcount("s", 1, -2)).isEqualTo(18); // "ooba"
            assertThat(j.bitcount("s", -2, 1)).isZero();
            assertThat(j.bitcount("s", 0, 1000)).isEqualTo(26);
            assertThat(j.bitcount("s", 5, 30, BitCountOption.BIT)).isEqualTo(17);
            assertThat(j.bitcount("s", 0, -1, BitCountOption.BIT)).isEqualTo(26);
            assertThat(j.bitcount("s", 1, 1, BitCountOption.BYTE)).isEqualTo(6);
            assertThat(j.bitcount("s", 10, 14, BitCountOption.BIT)).isEqualTo(4);
            assertThat(j.bitcount("s", 10, -34, BitCountOption.BIT)).isEqualTo(4);
            assertThat(j.bitcount("s", -6, -15, BitCountOption.BIT)).isZero();
            j.set("x", "xxxx");
            assertThat(j.bitcount("x", 4, 10)).isZero();
            assertThat(j.bitcount("x", 32, 87, BitCountOption.BIT)).isZero();
            j.set("e", "");
            assertThat(j.bitcount("e")).isZero();
            j.set("a", "ab");
            assertThat(j.bitcount("a", 1, -1)).isEqualTo(3);
            j.set("m", "__PPxxxxxxxxxxxxxxxxRR__");
            assertThat(j.bitcount("m", 2, -3)).isEqualTo(74);
        }
    }

    @Test
    void bitcountMatchesAModel() {
        Random rnd = new Random(7);
        try (Jedis j = ferrite.jedis()) {
            for (int i = 0; i < 200; i++) {
                byte[] v = new byte[rnd.nextInt(100)];
                rnd.nextBytes(v);
                j.set(bytes("k"), v);
                int bits = v.length * 8;
                int s = bits == 0 ? 0 : rnd.nextInt(bits), e = bits == 0 ? 0 : rnd.nextInt(bits);
                if (s > e) { int t = s; s = e; e = t; }
                long expected = 0;
                for (int b = s; b <= e && b < bits; b++) if ((v[b / 8] & (0x80 >> (b % 8))) != 0) expected++;
                assertThat(j.bitcount(bytes("k"), s, e, BitCountOption.BIT)).isEqualTo(expected);
                long all = 0;
                for (byte x : v) all += Integer.bitCount(x & 0xff);
                assertThat(j.bitcount(bytes("k"))).isEqualTo(all);
            }
        }
    }

    @Test
    void bitcountErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "foobar");
            assertError(j, "ERR syntax error", "BITCOUNT", "s", "0");
            assertError(j, "ERR syntax error", "BITCOUNT", "s", "0", "1", "hello");
            assertError(j, "ERR syntax error", "BITCOUNT", "s", "0", "1", "bit", "x");
            assertError(j, "ERR value is not an integer or out of range", "BITCOUNT", "s", "a", "1");
            // A missing key answers 0 before the arguments are looked at.
            assertThat(cmd(j, "BITCOUNT", "missing", "0")).isEqualTo(0L);
            // Negative start > end answers 0 before the unit is checked.
            assertThat(cmd(j, "BITCOUNT", "s", "-1", "-2", "foo")).isEqualTo(0L);
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "BITCOUNT", "l");
        }
    }

    // ------------------------------------------------------------------ BITPOS

    @Test
    void bitposBasics() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.bitpos("missing", false)).isZero();
            assertThat(j.bitpos("missing", true)).isEqualTo(-1);
            assertThat(j.bitpos("missing", true, new BitPosParams(0, -1))).isEqualTo(-1);
            j.set(bytes("s"), new byte[] {(byte) 0xff, (byte) 0xf0, 0});
            assertThat(j.bitpos("s", false)).isEqualTo(12);
            assertThat(j.bitpos("s", false, new BitPosParams(1))).isEqualTo(12);
            assertThat(j.bitpos("s", false, new BitPosParams(0, -1).modifier(BitCountOption.BIT))).isEqualTo(12);
            j.set(bytes("s"), new byte[] {0, 0x0f, 0});
            assertThat(j.bitpos("s", true)).isEqualTo(12);
            j.set(bytes("s"), new byte[] {0, (byte) 0xff, 0});
            assertThat(j.bitpos("s", false, new BitPosParams(1, -1))).isEqualTo(16);
            assertThat(j.bitpos("s", false, new BitPosParams(1, 1))).isEqualTo(-1);
            assertThat(j.bitpos("s", true, new BitPosParams(2, -1))).isEqualTo(-1);
            assertThat(j.bitpos("s", true, new BitPosParams(8, 8).modifier(BitCountOption.BIT))).isEqualTo(8);
            assertThat(j.bitpos("s", false, new BitPosParams(8, 8).modifier(BitCountOption.BIT))).isEqualTo(-1);
            assertThat(j.bitpos("s", true, new BitPosParams(16, 200).modifier(BitCountOption.BIT))).isEqualTo(-1);
            j.set("z", "");
            assertThat(j.bitpos("z", true)).isEqualTo(-1);
            assertThat(j.bitpos("z", false)).isEqualTo(-1); // an empty string is not a missing key
        }
    }

    @Test
    void bitposZeroOnAllOnesDependsOnWhetherAnEndIsGiven() {
        try (Jedis j = ferrite.jedis()) {
            j.set(bytes("s"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertThat(j.bitpos("s", false)).isEqualTo(24); // padded with zeros on the right
            assertThat(j.bitpos("s", false, new BitPosParams(0))).isEqualTo(24);
            assertThat(j.bitpos("s", false, new BitPosParams(0, -1))).isEqualTo(-1);
            assertThat(j.bitpos("s", false, new BitPosParams(0, -1).modifier(BitCountOption.BIT))).isEqualTo(-1);
            assertThat(j.bitpos("s", false, new BitPosParams(0, 2).modifier(BitCountOption.BYTE))).isEqualTo(-1);
        }
    }

    @Test
    void bitposAcrossWords() {
        try (Jedis j = ferrite.jedis()) {
            byte[] v = new byte[28];
            Arrays.fill(v, (byte) 0xff);
            v[27] = 0x0f;
            j.set(bytes("s"), v);
            for (int start = 0; start <= 8; start++) {
                assertThat(j.bitpos("s", false, new BitPosParams(start))).isEqualTo(216);
                assertThat(j.bitpos("s", false, new BitPosParams(start * 8 + 1, -1).modifier(BitCountOption.BIT)))
                        .isEqualTo(216);
            }
            Arrays.fill(v, (byte) 0);
            v[27] = (byte) 0xf0;
            j.set(bytes("s"), v);
            assertThat(j.bitpos("s", true)).isEqualTo(216);
            assertThat(j.bitpos("s", true, new BitPosParams(65, -1).modifier(BitCountOption.BIT))).isEqualTo(216);
        }
    }

    @Test
    void bitposErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "abc");
            assertError(j, "ERR The bit argument must be 1 or 0.", "BITPOS", "s", "2");
            assertError(j, "ERR value is not an integer or out of range", "BITPOS", "s", "x");
            assertError(j, "ERR syntax error", "BITPOS", "s", "1", "0", "1", "foo");
            assertError(j, "ERR syntax error", "BITPOS", "s", "1", "0", "1", "bit", "x");
            assertError(j, "ERR value is not an integer or out of range", "BITPOS", "s", "1", "a");
            assertThat(cmd(j, "BITPOS", "missing", "1", "a", "b", "c")).isEqualTo(-1L);
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "BITPOS", "l", "1");
        }
    }

    // ------------------------------------------------------------------ BITOP

    @Test
    void bitopOperations() {
        try (Jedis j = ferrite.jedis()) {
            j.set(bytes("a"), new byte[] {1, 2, (byte) 0xff, (byte) 0xff});
            j.set(bytes("b"), new byte[] {1, 2, (byte) 0xff});
            assertThat(j.bitop(BitOP.AND, "r", "a", "b")).isEqualTo(4);
            assertThat(j.get(bytes("r"))).isEqualTo(new byte[] {1, 2, (byte) 0xff, 0});
            assertThat(j.bitop(BitOP.OR, "r", "a", "b")).isEqualTo(4);
            assertThat(j.get(bytes("r"))).isEqualTo(new byte[] {1, 2, (byte) 0xff, (byte) 0xff});
            assertThat(j.bitop(BitOP.XOR, "r", "a", "b")).isEqualTo(4);
            assertThat(j.get(bytes("r"))).isEqualTo(new byte[] {0, 0, 0, (byte) 0xff});
            j.set(bytes("n"), new byte[] {(byte) 0xaa, 0, (byte) 0xff, 0x55});
            assertThat(j.bitop(BitOP.NOT, "r", "n")).isEqualTo(4);
            assertThat(j.get(bytes("r"))).isEqualTo(new byte[] {0x55, (byte) 0xff, 0, (byte) 0xaa});
            assertThat(j.bitop(BitOP.NOT, "n", "n")).isEqualTo(4); // destination = source
            assertThat(j.get(bytes("n"))).isEqualTo(new byte[] {0x55, (byte) 0xff, 0, (byte) 0xaa});
            j.set("i1", "1");
            j.set("i2", "2");
            j.bitop(BitOP.XOR, "r", "i1", "i2", "i1");
            assertThat(j.get("r")).isEqualTo("2");
        }
    }

    @Test
    void bitopMissingKeysAreZeroStreams() {
        try (Jedis j = ferrite.jedis()) {
            j.set(bytes("a"), new byte[] {1, 2, (byte) 0xff});
            j.bitop(BitOP.AND, "r1", "nokey", "a");
            j.bitop(BitOP.OR, "r2", "nokey", "a", "nokey2");
            j.bitop(BitOP.XOR, "r3", "nokey", "a");
            assertThat(j.get(bytes("r1"))).isEqualTo(new byte[] {0, 0, 0});
            assertThat(j.get(bytes("r2"))).isEqualTo(new byte[] {1, 2, (byte) 0xff});
            assertThat(j.get(bytes("r3"))).isEqualTo(new byte[] {1, 2, (byte) 0xff});
            j.set(bytes("z"), new byte[32]);
            assertThat(j.bitop(BitOP.OR, "x", "z", "nokey")).isEqualTo(32);
        }
    }

    @Test
    void bitopEmptyResultDeletesTheDestinationAndAResultDropsItsTtl() {
        try (Jedis j = ferrite.jedis()) {
            j.set("d", "old");
            assertThat(j.bitop(BitOP.AND, "d", "nokey1", "nokey2")).isZero();
            assertThat(j.get("d")).isNull();
            j.set("e", "");
            j.set("d", "old");
            assertThat(j.bitop(BitOP.NOT, "d", "e")).isZero();
            assertThat(j.get("d")).isNull();
            j.setex("d", 100, "old");
            j.set("a", "x");
            assertThat(j.bitop(BitOP.OR, "d", "a")).isEqualTo(1);
            assertThat(j.get("d")).isEqualTo("x");
            assertThat(expireAt(ferrite, "d")).isEqualTo(-1);
        }
    }

    @Test
    void bitopErrors() {
        try (Jedis j = ferrite.jedis()) {
            j.set("a", "1");
            assertError(j, "ERR BITOP NOT must be called with a single source key.", "BITOP", "NOT", "d", "a", "a");
            assertError(j, "ERR syntax error", "BITOP", "NAND", "d", "a");
            assertError(j, "ERR wrong number of arguments for 'bitop' command", "BITOP", "AND", "d");
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "BITOP", "XOR", "d", "a", "l", "nokey");
            assertThat(j.get("d")).isNull();
        }
    }

    @Test
    void bitopFuzzingAgainstAModel() {
        Random rnd = new Random(3);
        try (Jedis j = ferrite.jedis()) {
            for (String op : new String[] {"AND", "OR", "XOR"}) {
                for (int i = 0; i < 30; i++) {
                    int n = rnd.nextInt(6) + 1;
                    byte[][] vs = new byte[n][];
                    String[] keys = new String[n];
                    int max = 0;
                    for (int k = 0; k < n; k++) {
                        vs[k] = new byte[rnd.nextInt(60)];
                        rnd.nextBytes(vs[k]);
                        keys[k] = "v" + k;
                        j.set(bytes(keys[k]), vs[k]);
                        max = Math.max(max, vs[k].length);
                    }
                    byte[] expected = new byte[max];
                    for (int b = 0; b < max; b++) {
                        int acc = b < vs[0].length ? vs[0][b] & 0xff : 0;
                        for (int k = 1; k < n; k++) {
                            int x = b < vs[k].length ? vs[k][b] & 0xff : 0;
                            acc = op.equals("AND") ? acc & x : op.equals("OR") ? acc | x : acc ^ x;
                        }
                        expected[b] = (byte) acc;
                    }
                    assertThat(j.bitop(BitOP.valueOf(op), "dest", keys)).isEqualTo(max);
                    assertThat(j.get(bytes("dest"))).isEqualTo(max == 0 ? null : expected);
                }
            }
        }
    }

    // ------------------------------------------------------------------ BITFIELD

    @Test
    void bitfieldSetGetIncrby() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.bitfield("b", "SET", "i8", "0", "-100")).containsExactly(0L);
            assertThat(j.bitfield("b", "SET", "i8", "0", "101")).containsExactly(-100L);
            assertThat(j.bitfield("b", "GET", "i8", "0")).containsExactly(101L);
            j.del("b");
            assertThat(j.bitfield("b", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "100", "GET", "u8", "0"))
                    .containsExactly(0L, 99L, 99L);
            j.del("b");
            assertThat(j.bitfield("b", "SET", "i8", "0", "255", "SET", "i8", "0", "100", "GET", "i8", "0"))
                    .containsExactly(0L, -1L, 100L);
            j.del("b");
            j.bitfield("b", "SET", "u8", "#0", "65");
            j.bitfield("b", "SET", "u8", "#1", "66");
            j.bitfield("b", "SET", "u8", "#2", "67");
            assertThat(j.get("b")).isEqualTo("ABC");
            assertThat(j.bitfield("b", "GET", "u4", "0", "GET", "i4", "#1", "GET", "u16", "#1")).containsExactly(4L, 1L, 0x4300L);
            assertThat(j.bitfield("b")).isEmpty();
            assertThat(j.bitfield("m", "SET", "i8", "0", "10", "SET", "i8", "64", "10", "INCRBY", "i8", "10", "99900"))
                    .containsExactly(0L, 0L, 60L);
            j.set("one", "1");
            assertThat(j.bitfield("one", "GET", "u1", "0")).containsExactly(0L);
            assertThat(j.bitfield("missing", "GET", "i64", "100")).containsExactly(0L);
            assertThat(j.get("missing")).isNull();
        }
    }

    @Test
    void bitfieldOverflowModes() {
        try (Jedis j = ferrite.jedis()) {
            j.bitfield("b", "SET", "u8", "#0", "100");
            assertThat(j.bitfield("b", "OVERFLOW", "WRAP", "INCRBY", "u8", "#0", "257")).containsExactly(101L);
            assertThat(j.bitfield("b", "OVERFLOW", "WRAP", "INCRBY", "u8", "#0", "255")).containsExactly(100L);
            assertThat(j.bitfield("b", "OVERFLOW", "SAT", "INCRBY", "u8", "#0", "257")).containsExactly(255L);
            assertThat(j.bitfield("b", "OVERFLOW", "SAT", "INCRBY", "u8", "#0", "-300")).containsExactly(0L);
            j.bitfield("b", "SET", "i8", "#0", "100");
            assertThat(j.bitfield("b", "OVERFLOW", "WRAP", "INCRBY", "i8", "#0", "257")).containsExactly(101L);
            assertThat(j.bitfield("b", "OVERFLOW", "SAT", "INCRBY", "i8", "#0", "257")).containsExactly(127L);
            assertThat(j.bitfield("b", "OVERFLOW", "SAT", "INCRBY", "i8", "#0", "-300")).containsExactly(-128L);
            assertThat(j.bitfield("b", "OVERFLOW", "FAIL", "INCRBY", "i8", "#0", "-1", "INCRBY", "i8", "#0", "1000"))
                    .containsExactly(null, null);
            assertThat(j.bitfield("b", "GET", "i8", "#0")).containsExactly(-128L);
            // The overflow mode applies to the operations after it, in order.
            assertThat(j.bitfield("b", "INCRBY", "u2", "100", "5", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "5",
                    "OVERFLOW", "FAIL", "INCRBY", "u2", "104", "5")).containsExactly(1L, 3L, null);
            assertThat(j.bitfield("w", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"))
                    .containsExactly(0L, Long.MIN_VALUE);
            // u63 at 0 reads the top 63 bits of 0x8000000000000000; -1 wraps to 63 one bits.
            assertThat(j.bitfield("w", "SET", "u63", "0", "-1")).containsExactly(1L << 62);
            assertThat(j.bitfield("w", "GET", "u63", "0")).containsExactly(Long.MAX_VALUE);
        }
    }

    @Test
    void bitfieldFailOnANewKeyStillCreatesIt() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.bitfield("b", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10")).containsExactly((Long) null);
            assertThat(j.strlen("b")).isEqualTo(13);
        }
    }

    @Test
    void bitfieldKeepsTheTtlAndCountsChanges() {
        try (Jedis j = ferrite.jedis()) {
            long d0 = dirty(ferrite);
            j.bitfield("b", "SET", "i5", "0", "0"); // new key
            assertThat(dirty(ferrite)).isEqualTo(d0 + 1);
            j.bitfield("b", "SET", "i5", "0", "0"); // no change
            assertThat(dirty(ferrite)).isEqualTo(d0 + 1);
            j.bitfield("b", "SET", "i5", "0", "1", "SET", "i5", "0", "2", "SET", "i5", "0", "2");
            assertThat(dirty(ferrite)).isEqualTo(d0 + 3);
            j.bitfield("b", "SET", "i5", "90", "0"); // grows only
            assertThat(dirty(ferrite)).isEqualTo(d0 + 4);
            j.bitfield("b", "GET", "i5", "0");
            assertThat(dirty(ferrite)).isEqualTo(d0 + 4);
            j.setex("t", 100, "\u0000");
            long at = expireAt(ferrite, "t");
            j.bitfield("t", "INCRBY", "u8", "0", "7");
            assertThat(j.get("t")).isEqualTo("\u0007");
            assertThat(expireAt(ferrite, "t")).isEqualTo(at);
        }
    }

    @Test
    void bitfieldErrors() {
        String typeErr = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
        try (Jedis j = ferrite.jedis()) {
            assertError(j, typeErr, "BITFIELD", "b", "GET", "u64", "0");
            assertError(j, typeErr, "BITFIELD", "b", "GET", "i65", "0");
            assertError(j, typeErr, "BITFIELD", "b", "GET", "i0", "0");
            assertError(j, typeErr, "BITFIELD", "b", "GET", "U8", "0");
            assertError(j, typeErr, "BITFIELD", "b", "GET", "x8", "0");
            assertError(j, OFFSET_ERR, "BITFIELD", "b", "GET", "u8", "-1");
            assertError(j, OFFSET_ERR, "BITFIELD", "b", "GET", "u8", "#-1");
            assertError(j, OFFSET_ERR, "BITFIELD", "b", "GET", "u8", "#x");
            assertError(j, OFFSET_ERR, "BITFIELD", "b", "GET", "u8", String.valueOf(4L * 1024 * 1024 * 1024));
            assertError(j, "ERR Invalid OVERFLOW type specified", "BITFIELD", "b", "OVERFLOW", "foo");
            assertError(j, "ERR syntax error", "BITFIELD", "b", "OVERFLOW");
            assertError(j, "ERR syntax error", "BITFIELD", "b", "GET", "u8");
            assertError(j, "ERR syntax error", "BITFIELD", "b", "SET", "u8", "0");
            assertError(j, "ERR syntax error", "BITFIELD", "b", "FOO");
            assertError(j, "ERR value is not an integer or out of range", "BITFIELD", "b", "SET", "u8", "0", "x");
            // Every operation is parsed before any runs.
            assertError(j, "ERR syntax error", "BITFIELD", "b", "SET", "u8", "0", "1", "FOO");
            assertThat(j.get("b")).isNull();
            putNonString(ferrite, "l");
            assertError(j, WRONGTYPE, "BITFIELD", "l", "GET", "u8", "0");
            assertError(j, WRONGTYPE, "BITFIELD", "l", "SET", "u8", "0", "1");
        }
    }

    @Test
    void bitfieldRo() {
        try (Jedis j = ferrite.jedis()) {
            j.set("b", "A");
            assertThat(j.bitfieldReadonly("b", "GET", "u8", "0", "GET", "i4", "#1")).containsExactly(65L, 1L);
            assertThat(j.bitfieldReadonly("b")).isEmpty();
            assertError(j, "ERR BITFIELD_RO only supports the GET subcommand",
                    "BITFIELD_RO", "b", "SET", "u8", "0", "100", "GET", "u8", "0");
            assertError(j, "ERR BITFIELD_RO only supports the GET subcommand", "BITFIELD_RO", "b", "INCRBY", "u8", "0", "1");
            assertThat(j.get("b")).isEqualTo("A");
        }
    }

    @Test
    void bitfieldFailRepliesNullInResp3() throws Exception {
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("HELLO", "3");
            raw.readReply();
            raw.command("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "7", "GET", "u2", "0");
            assertThat(raw.readReply()).isEqualTo("*2\r\n_\r\n:0\r\n");
        }
        try (RawConnection raw = new RawConnection(ferrite.port())) {
            raw.command("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "7");
            assertThat(raw.readReply()).isEqualTo("*1\r\n$-1\r\n");
        }
    }

    @Test
    void bitmapsWithLettuce() {
        try (StatefulRedisConnection<String, String> c = ferrite.lettuce()) {
            RedisCommands<String, String> r = c.sync();
            assertThat(r.setbit("k", 7, 1)).isZero();
            assertThat(r.getbit("k", 7)).isEqualTo(1);
            assertThat(r.bitcount("k")).isEqualTo(1);
            assertThat(r.bitpos("k", true)).isEqualTo(7);
            List<Long> res = r.bitfield("k", BitFieldArgs.Builder.set(BitFieldArgs.unsigned(8), 0, 255)
                    .incrBy(BitFieldArgs.signed(8), 0, 1).overflow(BitFieldArgs.OverflowType.FAIL)
                    .incrBy(BitFieldArgs.unsigned(8), 0, 300));
            assertThat(res).containsExactly(1L, 0L, null);
            assertThat(r.bitopNot("n", "k")).isEqualTo(1);
            assertThat(r.getbit("n", 0)).isEqualTo(1);
            assertThat(r.bitcount("n")).isEqualTo(8);
        }
    }

    // ------------------------------------------------------------------ command table

    @Test
    void keySpecs() {
        var table = ferrite.server().commandTable();
        CommandSpec bitop = table.lookup("bitop");
        assertThat(bitop.firstKey()).isEqualTo(2);
        assertThat(bitop.lastKey()).isEqualTo(-1);
        assertThat(bitop.keyStep()).isEqualTo(1);
        assertThat(bitop.arity()).isEqualTo(-4);
        assertThat(table.lookup("bitfield_ro").firstKey()).isEqualTo(1);
        assertThat(table.lookup("setbit").arity()).isEqualTo(4);
    }

    @Test
    void bitopLocksEveryKeyAcrossShards() {
        // Keys spread over the 16 shards: BITOP must lock the destination and all sources.
        try (Jedis j = ferrite.jedis()) {
            String[] keys = new String[40];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = "src" + i;
                j.set(bytes(keys[i]), new byte[] {(byte) (1 << (i % 8))});
            }
            assertThat(j.bitop(BitOP.OR, "dst", keys)).isEqualTo(1);
            assertThat(j.get(bytes("dst"))).isEqualTo(new byte[] {(byte) 0xff});
        }
    }

    @Test
    void inPlaceWritesDoNotLeakIntoCopiesOrSlowlog() {
        try (redis.clients.jedis.Jedis j = ferrite.jedis()) {
            j.set("bits", "\u0000\u0000");
            j.copy("bits", "copy", false);
            j.setbit("bits", 3, true);
            j.setrange("bits", 1, "Z");
            assertThat(j.get("copy")).isEqualTo("\u0000\u0000");
            assertThat(j.getbit("copy", 3)).isFalse();
            assertThat(j.getbit("bits", 3)).isTrue();
            assertThat(j.get("bits")).isEqualTo("\u0010Z");
        }
    }
}
