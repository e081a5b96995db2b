package io.ferrite.server.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Cuts a connection's input into commands: RESP multibulk arrays ({@code *N $len arg ...})
 * and inline commands (a line of space-separated words, as typed into telnet).
 *
 * <p>An explicit, resumable state machine as in Redis's processMultibulkBuffer: headers are
 * consumed as soon as they are complete, each argument as soon as all its bytes arrived, so a
 * request split at any byte resumes where it stopped and a large command is never re-parsed.
 * Each argument is copied exactly once, into its own {@code byte[]}; a write command stores
 * that array as the key or value, so stored data costs no second copy.
 *
 * <p>Limits and error texts follow Redis 7.2 (networking.c): 64 KiB for an inline request or a
 * length line, {@code proto-max-bulk-len} for one argument, and the tighter limits for
 * connections that have not authenticated yet.
 */
public final class RespDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or length line. */
    public static final int INLINE_MAX = 64 * 1024;

    private byte[][] argv = new byte[8][];
    private int argc;
    private long pendingArgs;   // arguments still expected in the current multibulk, 0 = none
    private long bulkLength = -1; // length of the argument being read, -1 = header not read
    private long maxBulkLength = 512L * 1024 * 1024;

    public byte[][] argv() { return argv; }
    public int argc() { return argc; }
    public void maxBulkLength(long max) { this.maxBulkLength = max; }

    /**
     * Decodes at most one command from {@code in}. Returns true when a whole command is in
     * {@link #argv()} (argc may be 0 for an empty line or an empty array: ignore it), false
     * when more bytes are needed. Consumed bytes are skipped in {@code in}.
     */
    public boolean decode(ByteBuf in, boolean authenticated) throws ProtocolException {
        if (pendingArgs == 0) {
            if (!in.isReadable()) return false;
            argc = 0;
            if (in.getByte(in.readerIndex()) != '*') return decodeInline(in);
            int cr = findCr(in, in.readerIndex());
            if (cr < 0) {
                if (in.readableBytes() > INLINE_MAX) throw new ProtocolException("Protocol error: too big mbulk count string");
                return false;
            }
            if (cr + 1 >= in.writerIndex()) return false; // wait for the '\n'
            long n = parseLength(in, in.readerIndex() + 1, cr);
            if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) throw new ProtocolException("Protocol error: invalid multibulk length");
            if (n > 10 && !authenticated) throw new ProtocolException("Protocol error: unauthenticated multibulk length");
            in.readerIndex(cr + 2);
            if (n <= 0) return true; // "*0" or "*-1": an empty command, ignored
            pendingArgs = n;
            // Grow lazily: a huge count with no data behind it must not allocate up front.
            if (argv.length < Math.min(n, 1024)) argv = new byte[(int) Math.min(n, 1024)][];
        }
        while (pendingArgs > 0) {
            if (bulkLength < 0) {
                if (!in.isReadable()) return false;
                int start = in.readerIndex();
                byte b = in.getByte(start);
                int cr = findCr(in, start);
                if (cr < 0) {
                    if (in.readableBytes() > INLINE_MAX) throw new ProtocolException("Protocol error: too big bulk count string");
                    if (b != '$') throw new ProtocolException("Protocol error: expected '$', got '" + (char) (b & 0xff) + "'");
                    return false;
                }
                if (b != '$') throw new ProtocolException("Protocol error: expected '$', got '" + (char) (b & 0xff) + "'");
                if (cr + 1 >= in.writerIndex()) return false;
                long len = parseLength(in, start + 1, cr);
                if (len == Long.MIN_VALUE || len < 0 || len > maxBulkLength) throw new ProtocolException("Protocol error: invalid bulk length");
                if (len > 16384 && !authenticated) throw new ProtocolException("Protocol error: unauthenticated bulk length");
                in.readerIndex(cr + 2);
                bulkLength = len;
            }
            if (in.readableBytes() < bulkLength + 2) return false;
            byte[] arg = new byte[(int) bulkLength];
            in.readBytes(arg);
            in.skipBytes(2); // Redis skips the trailing CRLF without checking it
            if (argc == argv.length) argv = Arrays.copyOf(argv, argv.length * 2);
            argv[argc++] = arg;
            bulkLength = -1;
            pendingArgs--;
        }
        return true;
    }

    /** Forgets the command last returned, so its arguments can be collected. */
    public void clearArgs() {
        Arrays.fill(argv, 0, argc, null);
        argc = 0;
        if (argv.length > 1024) argv = new byte[8][];
    }

    private boolean decodeInline(ByteBuf in) throws ProtocolException {
        int start = in.readerIndex();
        int nl = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > INLINE_MAX) throw new ProtocolException("Protocol error: too big inline request");
            return false;
        }
        int end = nl;
        if (end > start && in.getByte(end - 1) == '\r') end--;
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(nl + 1);
        byte[][] words = InlineSplitter.split(line);
        if (words == null) throw new ProtocolException("Protocol error: unbalanced quotes in request");
        if (argv.length < words.length) argv = new byte[words.length][];
        System.arraycopy(words, 0, argv, 0, words.length);
        argc = words.length;
        return true;
    }

    private static int findCr(ByteBuf in, int from) {
        int limit = Math.min(in.writerIndex(), from + INLINE_MAX + 1);
        return in.indexOf(from, limit, (byte) '\r');
    }

    /** Parses the decimal between from and to; Long.MIN_VALUE when it is not a number. */
    private static long parseLength(ByteBuf in, int from, int to) {
        if (from >= to || to - from > 19) return Long.MIN_VALUE;
        boolean neg = false;
        int i = from;
        if (in.getByte(i) == '-') { neg = true; i++; if (i == to) return Long.MIN_VALUE; }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) return Long.MIN_VALUE;
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }
}
