package io.ferrite.server.hyperloglog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST over the socket, with Redis 7.0.15's bytes (reference §C1). */
class HyperLogLogCommandsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object debug(Jedis j, String sub, String key) {
        return j.sendCommand(() -> b("PFDEBUG"), b(sub), b(key));
    }

    @Test
    void pfaddOnANewKeyWithoutElementsCreatesRedisBytesAndRepliesOne() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.pfadd("h1")).isEqualTo(1);
            assertThat(j.pfadd("h1")).isEqualTo(0);
            assertThat(HEX.formatHex(j.get(b("h1")))).isEqualTo("48594c4c010000000000000000000080" + "7fff");
            assertThat(j.type("h1")).isEqualTo("string");
        }
    }

    @Test
    void pfcountWritesTheCachedCardinalityIntoTheHeader() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.pfadd("h2", "a", "b", "c")).isEqualTo(1);
            assertThat(HEX.formatHex(j.get(b("h2")))).isEqualTo("48594c4c01000000000000000000008060f38050b1844bfb80425a");
            assertThat(j.pfcount("h2")).isEqualTo(3);
            assertThat(HEX.formatHex(j.get(b("h2")))).startsWith("48594c4c010000000300000000000000");
            assertThat(j.pfadd("h2", "a")).isEqualTo(0);
            assertThat(HEX.formatHex(j.get(b("h2")))).startsWith("48594c4c010000000300000000000000");
            assertThat(j.pfadd("h2", "d")).isEqualTo(1);
            // Invalidation sets only the top bit; the stale count stays visible.
            assertThat(HEX.formatHex(j.get(b("h2")))).startsWith("48594c4c010000000300000000000080");
        }
    }

    @Test
    void largeStreamsPromoteToDenseAndMergeAsRedis() {
        try (Jedis j = ferrite.jedis()) {
            String[] small = new String[1000];
            for (int i = 0; i < small.length; i++) small[i] = "e:" + i;
            j.pfadd("small", small);
            assertThat(j.pfcount("small")).isEqualTo(995);
            assertThat(j.strlen("small")).isEqualTo(1880);
            assertThat(debug(j, "encoding", "small")).isEqualTo(b("sparse"));
            String[] big = new String[100_000];
            for (int i = 0; i < big.length; i++) big[i] = "e:" + i;
            j.pfadd("big", big);
            assertThat(j.pfcount("big")).isEqualTo(100342);
            assertThat(j.strlen("big")).isEqualTo(12304);
            assertThat(debug(j, "encoding", "big")).isEqualTo(b("dense"));
            assertThat(j.pfcount("small", "big", "missing")).isEqualTo(100342);
            assertThat(j.pfmerge("m", "small", "big")).isEqualTo("OK");
            assertThat(j.pfcount("m")).isEqualTo(100342);
            assertThat(j.pfmerge("m2", "small")).isEqualTo("OK");
            assertThat(debug(j, "encoding", "m2")).isEqualTo(b("sparse"));
            assertThat(j.get(b("m2")).length).isEqualTo(1880);
            assertThat(j.pfmerge("empty")).isEqualTo("OK");
            assertThat(j.pfcount("empty")).isEqualTo(0);
        }
    }

    @Test
    void pfaddKeepsTheTtlWhenTheSparseStringGrows() {
        try (Jedis j = ferrite.jedis()) {
            j.pfadd("t", "a");
            j.expire("t", 1000);
            for (int i = 0; i < 3000; i++) j.pfadd("t", "x" + i);
            assertThat(debug(j, "encoding", "t")).isEqualTo(b("dense"));
            assertThat(j.ttl("t")).isBetween(990L, 1000L);
        }
    }

    @Test
    void nonHllStringsAndOtherTypesReplyWrongType() {
        try (Jedis j = ferrite.jedis()) {
            j.set("s", "hello world, not an hll");
            j.rpush("l", "a");
            assertThatThrownBy(() -> j.pfadd("s", "a")).hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
            assertThatThrownBy(() -> j.pfcount("s")).hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
            assertThatThrownBy(() -> j.pfmerge("d", "s")).hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
            assertThatThrownBy(() -> j.pfadd("l", "a"))
                    .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
            assertThat(j.exists("d")).isFalse();
        }
    }

    @Test
    void corruptedSparseHllRepliesInvalidObj() {
        try (Jedis j = ferrite.jedis()) {
            j.pfadd("c", "a", "b", "c");
            j.append("c", "zzz"); // extra opcodes past the 16384 registers
            assertThatThrownBy(() -> j.pfcount("c")).hasMessage("INVALIDOBJ Corrupted HLL object detected");
            assertThatThrownBy(() -> j.pfcount("c", "missing")).hasMessage("INVALIDOBJ Corrupted HLL object detected");
            j.pfadd("d", "a");
            j.setrange("d", 4, "\u0007"); // unknown encoding
            assertThatThrownBy(() -> j.pfcount("d")).hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
        }
    }

    @Test
    void pfdebugGetregDecodesAndConvertsToDense() {
        try (Jedis j = ferrite.jedis()) {
            j.pfadd("h", "a", "b", "c");
            assertThat(new String((byte[]) debug(j, "decode", "h"), StandardCharsets.US_ASCII))
                    .isEqualTo("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
            @SuppressWarnings("unchecked")
            List<Long> regs = (List<Long>) debug(j, "getreg", "h");
            assertThat(regs).hasSize(16384);
            assertThat(regs.get(12711)).isEqualTo(2);
            assertThat(regs.get(15780)).isEqualTo(1);
            assertThat(regs.stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
            assertThat(debug(j, "encoding", "h")).isEqualTo(b("dense"));
            assertThat(debug(j, "todense", "h")).isEqualTo(0L);
            assertThatThrownBy(() -> debug(j, "decode", "h")).hasMessage("ERR HLL encoding is not sparse");
            assertThatThrownBy(() -> debug(j, "foo", "h")).hasMessage("ERR Unknown PFDEBUG subcommand 'foo'");
            assertThatThrownBy(() -> debug(j, "getreg", "nokey")).hasMessage("ERR The specified key does not exist");
            assertThat(j.pfcount("h")).isEqualTo(3);
        }
    }

    @Test
    void pfselftestRepliesOk() {
        try (Jedis j = ferrite.jedis()) {
            assertThat(j.sendCommand(() -> b("PFSELFTEST"))).isEqualTo(b("OK"));
        }
    }

    @Test
    void arityErrorsNameTheCommand() {
        try (Jedis j = ferrite.jedis()) {
            assertThatThrownBy(() -> j.sendCommand(() -> b("PFCOUNT")))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR wrong number of arguments for 'pfcount' command");
        }
    }
}
