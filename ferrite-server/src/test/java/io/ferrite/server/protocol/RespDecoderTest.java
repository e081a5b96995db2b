package io.ferrite.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespDecoderTest {

    /** Feeds the input in the given chunk sizes and returns every decoded command, space-joined. */
    private static List<String> decodeInChunks(byte[] input, int[] chunkSizes) throws ProtocolException {
        RespDecoder d = new RespDecoder();
        ByteBuf buf = Unpooled.buffer();
        List<String> out = new ArrayList<>();
        int pos = 0, ci = 0;
        while (pos < input.length) {
            int n = Math.min(chunkSizes[ci++ % chunkSizes.length], input.length - pos);
            buf.writeBytes(input, pos, n);
            pos += n;
            while (buf.isReadable() && d.decode(buf, true)) {
                if (d.argc() > 0) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < d.argc(); i++) {
                        if (i > 0) sb.append(' ');
                        sb.append(new String(d.argv()[i], StandardCharsets.UTF_8));
                    }
                    out.add(sb.toString());
                }
                d.clearArgs();
            }
            buf.discardReadBytes();
        }
        assertThat(buf.readableBytes()).as("nothing left over").isZero();
        buf.release();
        return out;
    }

    private static final byte[] PIPELINE = ("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"
            + "PING\r\n"
            + "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"
            + "set \"a b\" 'c\\'d'\r\n"
            + "*0\r\n"
            + "\r\n"
            + "*1\r\n$0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    private static final List<String> EXPECTED = List.of("SET key value", "PING", "GET key", "set a b c'd", "");

    @Test
    void decodesAPipelineFedOneByteAtATime() throws Exception {
        assertThat(decodeInChunks(PIPELINE, new int[] {1})).isEqualTo(EXPECTED);
    }

    @Test
    void decodesAPipelineSplitAtRandomPoints() throws Exception {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            int[] sizes = new int[8];
            for (int i = 0; i < sizes.length; i++) sizes[i] = 1 + rnd.nextInt(20);
            assertThat(decodeInChunks(PIPELINE, sizes)).isEqualTo(EXPECTED);
        }
    }

    @Test
    void decodesBinaryArgumentsWithCrlfInside() throws Exception {
        byte[] in = "*2\r\n$4\r\na\r\nb\r\n$0\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(decodeInChunks(in, new int[] {3})).containsExactly("a\r\nb ");
    }

    private static void assertProtocolError(String input, String message) {
        RespDecoder d = new RespDecoder();
        ByteBuf buf = Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> {
            while (d.decode(buf, true)) d.clearArgs();
        }).isInstanceOf(ProtocolException.class).hasMessage(message);
        buf.release();
    }

    @Test
    void rejectsMalformedInputWithRedisErrors() {
        assertProtocolError("*abc\r\n", "Protocol error: invalid multibulk length");
        assertProtocolError("*3000000000\r\n", "Protocol error: invalid multibulk length");
        assertProtocolError("*1\r\n+foo\r\n", "Protocol error: expected '$', got '+'");
        assertProtocolError("*1\r\n$-5\r\n", "Protocol error: invalid bulk length");
        assertProtocolError("*1\r\n$2147483648\r\n", "Protocol error: invalid bulk length");
        assertProtocolError("*1\r\n$x\r\n", "Protocol error: invalid bulk length");
        assertProtocolError("set \"a\r\n", "Protocol error: unbalanced quotes in request");
        assertProtocolError("set \"a\"b\r\n", "Protocol error: unbalanced quotes in request");
        assertProtocolError("x".repeat(70_000), "Protocol error: too big inline request");
        assertProtocolError("*" + "1".repeat(70_000), "Protocol error: too big mbulk count string");
        assertProtocolError("*1\r\n$" + "1".repeat(70_000), "Protocol error: too big bulk count string");
    }

    @Test
    void unauthenticatedClientsGetTighterLimits() {
        RespDecoder d = new RespDecoder();
        ByteBuf many = Unpooled.copiedBuffer("*11\r\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> d.decode(many, false)).hasMessage("Protocol error: unauthenticated multibulk length");
        RespDecoder d2 = new RespDecoder();
        ByteBuf big = Unpooled.copiedBuffer("*1\r\n$16385\r\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> d2.decode(big, false)).hasMessage("Protocol error: unauthenticated bulk length");
        many.release();
        big.release();
    }

    @Test
    void inlineEscapesFollowRedis() {
        byte[][] w = InlineSplitter.split("a \"\\x41\\n\\t\" 'x y' \"\"".getBytes(StandardCharsets.UTF_8));
        assertThat(w.length).isEqualTo(4);
        assertThat(new String(w[1], StandardCharsets.UTF_8)).isEqualTo("A\n\t");
        assertThat(new String(w[2], StandardCharsets.UTF_8)).isEqualTo("x y");
        assertThat(w[3]).isEmpty();
    }
}
