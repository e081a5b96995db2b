package io.ferrite.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.list.ListDump;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Listpack encodings as listpack.c writes them (Redis 7.2 lpEncodeIntegerGetType, lpEncodeString, lpEncodeBacklen). */
class ListpackBlobTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The bytes of a one-element listpack, less its 6-byte header and 0xFF terminator. */
    private static String element(ListpackBlob lp) {
        byte[] b = lp.toByteArray();
        assertThat(b[b.length - 1]).isEqualTo((byte) 0xff);
        assertThat(b[0] & 0xff | (b[1] & 0xff) << 8).isEqualTo(b.length);
        return HEX.formatHex(Arrays.copyOfRange(b, 6, b.length - 1));
    }

    @Test
    void integersTakeTheSmallestEncoding() {
        assertThat(element(new ListpackBlob().add(0))).isEqualTo("0001");
        assertThat(element(new ListpackBlob().add(127))).isEqualTo("7f01");
        assertThat(element(new ListpackBlob().add(128))).isEqualTo("c08002");
        assertThat(element(new ListpackBlob().add(-1))).isEqualTo("dfff02");
        assertThat(element(new ListpackBlob().add(-4096))).isEqualTo("d00002");
        assertThat(element(new ListpackBlob().add(4096))).isEqualTo("f1001003");
        assertThat(element(new ListpackBlob().add(-70000))).isEqualTo("f290eefe04");
        assertThat(element(new ListpackBlob().add(Integer.MAX_VALUE))).isEqualTo("f3ffffff7f05");
        assertThat(element(new ListpackBlob().add(Long.MAX_VALUE))).isEqualTo("f4ffffffffffffff7f09");
        // canonical integer text is stored as an integer; other text stays text
        assertThat(element(new ListpackBlob().add("-70000".getBytes()))).isEqualTo("f290eefe04");
        assertThat(element(new ListpackBlob().add("007".getBytes()))).isEqualTo("8330303704");
    }

    @Test
    void stringsCarryTheirLengthAndABackLength() {
        assertThat(element(new ListpackBlob().add("a".getBytes()))).isEqualTo("816102");
        String s64 = element(new ListpackBlob().add(new byte[64]));
        assertThat(s64).startsWith("e040").endsWith("42"); // 12-bit length, back-length 66
        String s200 = element(new ListpackBlob().add(new byte[200]));
        assertThat(s200).startsWith("e0c8").endsWith("01ca"); // back-length 202: 1, then 74 | 0x80
        String s5000 = element(new ListpackBlob().add(new byte[5000]));
        assertThat(s5000).startsWith("f088130000").endsWith("278d"); // 32-bit length, back-length 5005: 39, then 13 | 0x80
    }

    @Test
    void ferritesReaderReadsWhatItWrites() {
        byte[][] items = {"x".getBytes(), "12345678901".getBytes(), "-3".getBytes(), new byte[300], "hello world".getBytes()};
        ListpackBlob lp = new ListpackBlob();
        for (byte[] item : items) lp.add(item);
        byte[][] back = ListDump.listpack(lp.toByteArray());
        assertThat(back.length).isEqualTo(items.length);
        for (int i = 0; i < items.length; i++) {
            assertThat(new String(back[i], StandardCharsets.ISO_8859_1)).isEqualTo(new String(items[i], StandardCharsets.ISO_8859_1));
        }
    }
}
