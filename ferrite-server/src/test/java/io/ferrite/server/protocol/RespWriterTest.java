package io.ferrite.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespWriterTest {
    private static String written(java.util.function.Consumer<RespWriter> body, int protocol) {
        RespWriter w = new RespWriter();
        ByteBuf buf = Unpooled.buffer();
        w.target(buf);
        w.protocol(protocol);
        body.accept(w);
        String s = buf.toString(StandardCharsets.UTF_8);
        buf.release();
        return s;
    }

    @Test
    void bulkLongWritesLengthAndDigits() {
        assertThat(written(w -> w.bulkLong(7), 2)).isEqualTo("$1\r\n7\r\n");
        assertThat(written(w -> w.bulkLong(-9223372036854775808L), 2)).isEqualTo("$20\r\n-9223372036854775808\r\n");
        assertThat(written(w -> w.bulkLong(1234567890), 2)).isEqualTo("$10\r\n1234567890\r\n");
    }

    @Test
    void integersOfEveryLength() {
        for (long v : new long[] {129, -2, 999, 1000, 1795982889694L, -1795982889694L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, 10, 99, 100, 101, 1_000_000_007L}) {
            assertThat(written(w -> w.integer(v), 2)).as("%d", v).isEqualTo(":" + v + "\r\n");
            assertThat(written(w -> w.bulkLong(v), 2)).as("%d", v)
                    .isEqualTo("$" + Long.toString(v).length() + "\r\n" + v + "\r\n");
        }
    }

    @Test
    void integersNullsAndAggregatesPerProtocol() {
        assertThat(written(w -> w.integer(-1), 2)).isEqualTo(":-1\r\n");
        assertThat(written(w -> w.integer(123456), 2)).isEqualTo(":123456\r\n");
        assertThat(written(RespWriter::nullBulk, 2)).isEqualTo("$-1\r\n");
        assertThat(written(RespWriter::nullBulk, 3)).isEqualTo("_\r\n");
        assertThat(written(RespWriter::nullArray, 2)).isEqualTo("*-1\r\n");
        assertThat(written(w -> w.map(2), 2)).isEqualTo("*4\r\n");
        assertThat(written(w -> w.map(2), 3)).isEqualTo("%2\r\n");
        assertThat(written(w -> w.set(3), 3)).isEqualTo("~3\r\n");
        assertThat(written(w -> w.bool(true), 3)).isEqualTo("#t\r\n");
        assertThat(written(w -> w.bool(false), 2)).isEqualTo(":0\r\n");
        assertThat(written(w -> w.doubleValue(1.5), 2)).isEqualTo("$3\r\n1.5\r\n");
        assertThat(written(w -> w.doubleValue(Double.NEGATIVE_INFINITY), 3)).isEqualTo(",-inf\r\n");
        assertThat(written(w -> w.verbatim("txt", "hi"), 3)).isEqualTo("=6\r\ntxt:hi\r\n");
        assertThat(written(w -> w.error("ERR bad\r\nthing"), 2)).isEqualTo("-ERR bad  thing\r\n");
    }
}
