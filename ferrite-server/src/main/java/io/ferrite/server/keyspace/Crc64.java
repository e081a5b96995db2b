package io.ferrite.server.keyspace;

/**
 * CRC-64/Jones, the checksum Redis puts at the end of DUMP payloads and RDB files: polynomial
 * 0xad93d23594c935a9 processed bit-reflected (least significant bit first), initial value 0,
 * no final xor. The check value of "123456789" is 0xe9c6d914c4b8d9ca.
 *
 * <p>Byte-at-a-time over a 256-entry table; payloads are single values, so this is not a hot path.
 */
public final class Crc64 {
    private static final long REFLECTED_POLY = Long.reverse(0xad93d23594c935a9L);
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
            TABLE[i] = crc;
        }
    }

    private Crc64() {}

    /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. Start with 0. */
    public static long update(long crc, byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        return crc;
    }
}
