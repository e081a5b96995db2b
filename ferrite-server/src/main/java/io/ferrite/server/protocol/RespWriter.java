package io.ferrite.server.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2/RESP3 replies into a connection's outbound buffer.
 *
 * <p>Owned by one connection and used only on its event loop. The buffer is swapped in by the
 * connection before each read batch and flushed once after it, so a pipeline of N commands
 * costs one write syscall. Reply shapes that differ between protocol versions (maps, sets,
 * doubles, nulls, booleans) are chosen here, so command code never branches on the version.
 */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[130][];

    static {
        for (int i = -1; i <= 128; i++) {
            SMALL_INTS[i + 1] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private ByteBuf out;
    private int protocol = 2;
    private final byte[] digits = new byte[24];

    public void target(ByteBuf out) { this.out = out; }
    public ByteBuf target() { return out; }
    public int protocol() { return protocol; }
    public void protocol(int version) { this.protocol = version; }
    public boolean resp3() { return protocol == 3; }

    public void ok() { out.writeBytes(OK); }

    /** A preencoded reply (see {@link Replies}). */
    public void raw(byte[] encoded) { out.writeBytes(encoded); }

    public void simple(String s) {
        out.writeByte('+');
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    public void simple(byte[] s) {
        out.writeByte('+');
        out.writeBytes(s);
        out.writeBytes(CRLF);
    }

    /** An error reply; {@code message} starts with its prefix ("ERR ...", "WRONGTYPE ..."). */
    public void error(String message) {
        out.writeByte('-');
        // Redis strips newlines from error texts: a CRLF inside would break the protocol.
        for (int i = 0; i < message.length(); i++) {
            char ch = message.charAt(i);
            if (ch == '\r' || ch == '\n') {
                message = message.replace('\r', ' ').replace('\n', ' ');
                break;
            }
        }
        out.writeCharSequence(message, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    public void integer(long v) {
        if (v >= -1 && v <= 128) {
            out.writeBytes(SMALL_INTS[(int) v + 1]);
            return;
        }
        out.writeByte(':');
        writeLong(v);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] b) {
        if (b == null) { nullBulk(); return; }
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int len) {
        out.writeByte('$');
        writeLong(len);
        out.writeBytes(CRLF);
        out.writeBytes(b, off, len);
        out.writeBytes(CRLF);
    }

    public void bulk(String s) {
        if (s == null) { nullBulk(); return; }
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A long written as a bulk string (e.g. CONFIG GET values, INCRBYFLOAT results). */
    public void bulkLong(long v) {
        int n = formatLong(v, digits);
        // The length (at most 20) is written without the digits scratch buffer, which holds v.
        out.writeByte('$');
        if (n >= 10) out.writeByte('0' + n / 10);
        out.writeByte('0' + n % 10);
        out.writeBytes(CRLF);
        out.writeBytes(digits, digits.length - n, n);
        out.writeBytes(CRLF);
    }

    public void nullBulk() { out.writeBytes(protocol == 3 ? NULL3 : NULL_BULK2); }

    public void nullArray() { out.writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY2); }

    public void emptyArray() { out.writeBytes(EMPTY_ARRAY); }

    public void array(long n) { header('*', n); }

    /** A map of n pairs: RESP3 '%', RESP2 a flat array of 2n elements. */
    public void map(long n) {
        if (protocol == 3) header('%', n); else header('*', n * 2);
    }

    /** A set: RESP3 '~', RESP2 an array. */
    public void set(long n) { header(protocol == 3 ? '~' : '*', n); }

    /** A push message (pub/sub, MONITOR under RESP3): RESP3 '>', RESP2 an array. */
    public void push(long n) { header(protocol == 3 ? '>' : '*', n); }

    public void bool(boolean v) {
        if (protocol == 3) out.writeBytes(v ? TRUE3 : FALSE3);
        else integer(v ? 1 : 0);
    }

    /** A double: RESP3 ',' type, RESP2 a bulk string; formatted like Redis 7.2's d2string. */
    public void doubleValue(double d) {
        byte[] s = Numbers.formatDouble(d);
        if (protocol == 3) {
            out.writeByte(',');
            out.writeBytes(s);
            out.writeBytes(CRLF);
        } else {
            bulk(s);
        }
    }

    /** A verbatim string (RESP3 '=' with a 3-letter format), a bulk string in RESP2. */
    public void verbatim(String format, String text) {
        if (protocol != 3) { bulk(text); return; }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.writeByte('=');
        writeLong(b.length + 4);
        out.writeBytes(CRLF);
        out.writeCharSequence(format, StandardCharsets.US_ASCII);
        out.writeByte(':');
        out.writeBytes(b);
        out.writeBytes(CRLF);
    }

    /** A big number: RESP3 '(' type, RESP2 a bulk string. */
    public void bigNumber(String digits) {
        if (protocol != 3) { bulk(digits); return; }
        out.writeByte('(');
        out.writeCharSequence(digits, StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }

    /** An attribute map of n pairs (RESP3 '|'); the real reply follows it. RESP3 only. */
    public void attribute(long n) { header('|', n); }

    private void header(char type, long n) {
        out.writeByte(type);
        writeLong(n);
        out.writeBytes(CRLF);
    }

    private void writeLong(long v) {
        int n = formatLong(v, digits);
        out.writeBytes(digits, digits.length - n, n);
    }

    /** Writes v's decimal digits right-aligned at the end of buf; returns their count. */
    static int formatLong(long v, byte[] buf) {
        int pos = buf.length;
        if (v == Long.MIN_VALUE) {
            byte[] m = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(m, 0, buf, buf.length - m.length, m.length);
            return m.length;
        }
        boolean neg = v < 0;
        if (neg) v = -v;
        // Two digits per division: millisecond timestamps (13 digits) are the common integer
        // reply of TS.ADD/TS.MADD.
        while (v >= 100) {
            int r = (int) (v % 100) * 2;
            v /= 100;
            buf[--pos] = DIGIT_PAIRS[r + 1];
            buf[--pos] = DIGIT_PAIRS[r];
        }
        if (v >= 10) {
            int r = (int) v * 2;
            buf[--pos] = DIGIT_PAIRS[r + 1];
            buf[--pos] = DIGIT_PAIRS[r];
        } else {
            buf[--pos] = (byte) ('0' + v);
        }
        if (neg) buf[--pos] = '-';
        return buf.length - pos;
    }

    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }
}
