package io.ferrite.server.stream;

import static io.ferrite.server.stream.StreamDumpScenario.KEYS;
import static io.ferrite.server.stream.StreamDumpScenario.activeTime;
import static io.ferrite.server.stream.StreamDumpScenario.build;
import static io.ferrite.server.stream.StreamDumpScenario.call;
import static io.ferrite.server.stream.StreamDumpScenario.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.keyspace.Crc64;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * DUMP/RESTORE of streams within Ferrite: the round trip, Redis's own fixture payloads (types 15
 * and 19), and corrupt payloads. The comparison with a real Redis is
 * {@link StreamDumpDifferentialTest}.
 */
class StreamDumpTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    @Test
    void ferriteRoundTripKeepsEverythingButActiveTime() {
        try (Jedis f = ferrite.jedis(); Jedis copy = ferrite.jedis()) {
            build(f);
            copy.select(1);
            for (String key : KEYS) {
                byte[] payload = f.dump(key);
                assertThat(payload[0]).isEqualTo((byte) StreamDump.RDB_TYPE_STREAM_LISTPACKS_2);
                // footer: RDB 10, the newest version Redis 7.0 restores
                assertThat(payload[payload.length - 10]).isEqualTo((byte) 10);
                assertThat(copy.restore(key.getBytes(), 0, payload)).isEqualTo("OK");
                assertThat(state(copy, key, activeTime())).as(key).isEqualTo(state(f, key, activeTime()));
                // and the copy dumps to the same bytes
                assertThat(copy.dump(key)).isEqualTo(payload);
            }
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    /**
     * Redis's own fixture (tests/unit/type/stream-cgroups.tcl of 7.2.6, "Loading from legacy
     * (Redis <= v6.2.x, rdb_ver < 10) persistence", its bytes as hex): a Redis 5 DUMP, type 15, LZF-compressed
     * listpack, after XADD x 1-0..6-0 data a..f, XDEL x 3-0, XGROUP CREATE x g1 0 and g2 0,
     * XREADGROUP GROUP g1 c11 COUNT 4 STREAMS x >, XTRIM x MAXLEN = 2.
     */
    @Test
    void restoresARedis5StreamWithEstimatedCounters() throws Exception {
        try (Jedis f = ferrite.jedis(); Resp r = new Resp(ferrite.port())) {
            f.restore("x".getBytes(), 0, HEX.parseHex("0f011000000000000000010000000000000000c3404a4057165700000023000201040101018464617461050001030100"
                    + "20010381610204200a0001400a0062600a0002400a0063600a4022018164200a4039200a0065600a0005400a0066200a"
                    + "00ff02060002026731050004000000000000000100000000000000003ef783437a010000010000000000000002000000"
                    + "00000000003ef783437a01000001000000000000000400000000000000003ef783437a01000001000000000000000500"
                    + "000000000000003ef783437a0100000101036331313ef783437a01000004000000000000000100000000000000000000"
                    + "000000000002000000000000000000000000000000040000000000000000000000000000000500000000000000000267"
                    + "320000000009003d52ef6867521dfa"));
            assertThat(r.call("XRANGE", "x", "-", "+")).isEqualTo("[[5-0, [data, e]], [6-0, [data, f]]]");
            String info = r.call("XINFO", "STREAM", "x", "FULL");
            assertThat(info).contains("max-deleted-entry-id, 0-0, entries-added, :2, recorded-first-entry-id, 5-0");
            // g1 read 1-0, 2-0, 4-0, 5-0: its last ID is the first entry, so entries-read is exact
            assertThat(r.call("XINFO", "GROUPS", "x")).isEqualTo("[[name, g1, consumers, :1, pending, :4, last-delivered-id, 5-0, "
                    + "entries-read, :1, lag, :1], [name, g2, consumers, :0, pending, :0, last-delivered-id, 0-0, "
                    + "entries-read, :0, lag, :2]]");
            assertThat(r.call("XPENDING", "x", "g1")).isEqualTo("[:4, 1-0, 5-0, [[c11, 4]]]");
        }
    }

    /** Redis's fixture "Loading from legacy (Redis <= v7.0.x, rdb_ver < 11)": active-time becomes seen-time. */
    @Test
    void restoresARedis7Dot0StreamWithActiveTimeFromSeenTime() throws Exception {
        try (Jedis f = ferrite.jedis(); Resp r = new Resp(ferrite.port())) {
            f.restore("x".getBytes(), 0, HEX.parseHex("130110000000000000000100000000000000011d1d0000000a0001010001010181660200010201000100018176020401"
                    + "ff01010101010000010101670101010100000000000000010000000000000001f55a71c784010000010105416c696365"
                    + "f55a71c78401000001000000000000000100000000000000010b00a7a914a527ff9b9b"));
            assertThat(r.call("XRANGE", "x", "-", "+")).isEqualTo("[[1-1, [f, v]]]");
            String info = r.call("XINFO", "STREAM", "x", "FULL");
            long seen = 0x0184c7715af5L;
            assertThat(info).contains("[name, Alice, seen-time, :" + seen + ", active-time, :" + seen + ", pel-count, :1, "
                    + "pending, [[1-1, :" + seen + ", :1]]]");
        }
    }

    /**
     * A Redis 7.2.6 DUMP (type 21, RDB 11) after XADD x 1-1 f v, XGROUP CREATE x g 0, XREADGROUP
     * GROUP g Alice STREAMS x > and, 20 ms later, the same XREADGROUP finding nothing: that moved
     * the seen-time, not the active-time.
     */
    @Test
    void restoresARedis7Dot2StreamWithItsActiveTime() throws Exception {
        try (Jedis f = ferrite.jedis(); Resp r = new Resp(ferrite.port())) {
            f.restore("x".getBytes(), 0, HEX.parseHex("150110000000000000000100000000000000011d1d0000000a000101000101018166020001020100"
                    + "0100018176020401ff01010101010000010101670101010100000000000000010000000000000001ea26dc28a2010000"
                    + "010105416c696365fe26dc28a2010000ea26dc28a201000001000000000000000100000000000000010b00cc69b02e2f"
                    + "8c5567"));
            assertThat(r.call("XINFO", "STREAM", "x", "FULL")).contains("[name, Alice, seen-time, :1795981846270, "
                    + "active-time, :1795981846250, pel-count, :1, pending, [[1-1, :1795981846250, :1]]]");
        }
    }

    @Test
    void corruptStreamPayloadsAreBadDataFormat() {
        try (Jedis f = ferrite.jedis()) {
            call(f, "XADD", "s", "1-1", "a", "1", "b", "x".repeat(70));
            call(f, "XADD", "s", "1-2", "c", "3");
            call(f, "XGROUP", "CREATE", "s", "g", "0");
            call(f, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
            byte[] good = f.dump("s");
            byte[] body = Arrays.copyOf(good, good.length - 10);
            // each cut of the body is malformed somewhere
            for (int cut = 1; cut < body.length; cut++) {
                byte[] p = withFooter(Arrays.copyOf(body, cut));
                assertThatThrownBy(() -> f.restore("x".getBytes(), 0, p)).as("cut at " + cut)
                        .isInstanceOf(JedisDataException.class).hasMessage("ERR Bad data format");
            }
            assertThat(f.exists("x")).isFalse();
        }
    }

    @Test
    void aPendingEntryWithoutOwnerOrALengthThatDisagreesIsRefused() {
        // XADD s 1-1 a 1; XGROUP CREATE s g 0; XREADGROUP GROUP g c STREAMS s >, dumped by Ferrite, then edited
        try (Jedis f = ferrite.jedis()) {
            call(f, "XADD", "s", "1-1", "a", "1");
            call(f, "XGROUP", "CREATE", "s", "g", "0");
            call(f, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
            byte[] body = Arrays.copyOf(f.dump("s"), f.dump("s").length - 10);
            // the consumer's PEL count is the byte before the last 16-byte ID: 1 -> 0 leaves the NACK unowned
            int consumerPel = body.length - 17;
            assertThat(body[consumerPel]).isEqualTo((byte) 1);
            byte[] orphan = body.clone();
            orphan[consumerPel] = 0;
            byte[] shortOrphan = Arrays.copyOf(orphan, orphan.length - 16);
            assertThatThrownBy(() -> f.restore("x".getBytes(), 0, withFooter(shortOrphan)))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR Bad data format");
            // the stream length, after type, node count, 16-byte master ID and listpack, says 2 for 1 live entry
            int length = 2 + 17 + 1 + body[2 + 17];
            assertThat(body[length]).isEqualTo((byte) 1);
            byte[] wrongLength = body.clone();
            wrongLength[length] = 2;
            assertThatThrownBy(() -> f.restore("x".getBytes(), 0, withFooter(wrongLength)))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR Bad data format");
            assertThat(f.exists("x")).isFalse();
        }
    }

    private static byte[] withFooter(byte[] body) {
        byte[] p = Arrays.copyOf(body, body.length + 10);
        p[body.length] = 10;
        long crc = Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }
}
