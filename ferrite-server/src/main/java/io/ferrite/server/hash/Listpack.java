package io.ferrite.server.hash;

import java.util.Arrays;

/**
 * A sequence of byte strings packed into one {@code byte[]}: the "listpack" encoding of small
 * hashes (field, value, field, value ...) and small sets (member, member ...).
 *
 * <p>Owned by one value, used under its shard's lock; not thread-safe. Lookups are linear scans
 * (the sequence is short by construction: the owners convert to a hash table past
 * {@code *-max-listpack-entries}), which over one contiguous array beat hashing for a few dozen
 * entries. Insertion and removal shift the tail, O(bytes).
 *
 * <pre>
 *   offset 0                                                         used       buf.length
 *   +-------+---------+-------+---------+-- ... --+-------+---------+-----------+
 *   | len 0 | bytes 0 | len 1 | bytes 1 |         | len n | bytes n |  (spare)  |
 *   +-------+---------+-------+---------+-- ... --+-------+---------+-----------+
 *   len: unsigned varint, 7 bits a byte, low group first, top bit set = another byte follows
 *        (1 byte up to 127, 2 bytes up to 16383)
 * </pre>
 *
 * <p>Entries are addressed by the offset of their length header; {@link #next} steps to the
 * following entry. Differences from Redis's listpack (listpack.c, Redis 7.2): no back-length per
 * entry (we never walk backwards), no integer encoding (members are stored as the bytes the client
 * sent, which for canonical integers are the same bytes Redis would print back), no total-bytes
 * header or terminator (the Java array knows its length). Spare capacity is at most one eighth.
 */
public final class Listpack {
    private static final byte[] EMPTY = new byte[0];

    private byte[] buf;
    private int used;
    private int count;

    public Listpack() {
        buf = EMPTY;
    }

    public Listpack(int capacityBytes) {
        buf = capacityBytes == 0 ? EMPTY : new byte[capacityBytes];
    }

    private Listpack(byte[] buf, int used, int count) {
        this.buf = buf;
        this.used = used;
        this.count = count;
    }

    /** Number of entries. */
    public int size() { return count; }

    /** Bytes in use (headers included). */
    public int bytes() { return used; }

    /** The backing array, for reading entries in place (valid until the next mutation). */
    public byte[] array() { return buf; }

    /** Offset of the first entry, or -1 when empty. */
    public int first() { return count == 0 ? -1 : 0; }

    /** Offset of the entry after the one at off, or -1 after the last. */
    public int next(int off) {
        int n = dataAt(off) + lengthAt(off);
        return n >= used ? -1 : n;
    }

    /** Length in bytes of the entry at off. */
    public int lengthAt(int off) {
        byte[] b = buf;
        int x = b[off];
        if (x >= 0) return x; // one-byte header: the common case
        int len = x & 0x7f;
        int shift = 7;
        while (true) {
            x = b[++off];
            len |= (x & 0x7f) << shift;
            if (x >= 0) return len;
            shift += 7;
        }
    }

    /** Offset of the first byte of the entry at off. */
    public int dataAt(int off) {
        byte[] b = buf;
        while (b[off] < 0) off++;
        return off + 1;
    }

    /** Offset of the entry at position index (0-based), O(index). */
    public int offsetOf(int index) {
        int off = 0;
        for (int i = 0; i < index; i++) off = dataAt(off) + lengthAt(off);
        return off;
    }

    /** A copy of the entry at off. */
    public byte[] copyAt(int off) {
        int d = dataAt(off);
        return Arrays.copyOfRange(buf, d, d + lengthAt(off));
    }

    /** True when the entry at off equals s. */
    public boolean equalsAt(int off, byte[] s) {
        int len = lengthAt(off);
        if (len != s.length) return false;
        int d = dataAt(off);
        return Arrays.equals(buf, d, d + len, s, 0, len);
    }

    /**
     * Offset of the first entry equal to s among entries 0, stride, 2*stride ... (stride 2 finds
     * a hash field, never a value), or -1.
     */
    public int find(byte[] s, int stride) {
        return find(s, 0, s.length, stride);
    }

    public int find(byte[] s, int sOff, int sLen, int stride) {
        byte[] b = buf;
        int off = 0;
        for (int i = 0; i < count; i += stride) {
            int len = b[off], data;
            if (len >= 0) {
                data = off + 1; // one-byte header: the common case
            } else {
                len = lengthAt(off);
                data = dataAt(off);
            }
            // The last byte first: fields often share a prefix ("user:17", "user:18").
            if (len == sLen && (len == 0 || b[data + len - 1] == s[sOff + len - 1])
                    && Arrays.equals(b, data, data + len, s, sOff, sOff + sLen)) {
                return off;
            }
            off = data + len;
            for (int k = 1; k < stride && off < used; k++) off = skip(off); // values are not candidates
        }
        return -1;
    }

    private int skip(int off) {
        int len = buf[off];
        return len >= 0 ? off + 1 + len : dataAt(off) + lengthAt(off);
    }

    private static int headerSize(int len) {
        int n = 1;
        while (len >= 0x80) {
            len >>>= 7;
            n++;
        }
        return n;
    }

    private static int writeHeader(byte[] b, int off, int len) {
        while (len >= 0x80) {
            b[off++] = (byte) (len & 0x7f | 0x80);
            len >>>= 7;
        }
        b[off++] = (byte) len;
        return off;
    }

    private void ensure(int extra) {
        int need = used + extra;
        if (need > buf.length) {
            // Deliberately little slack: small collections are the many, and RAM is what users pay.
            buf = Arrays.copyOf(buf, need + (need >>> 3) + 4);
        }
    }

    /** Appends s as the last entry. */
    public void append(byte[] s) {
        append(s, 0, s.length);
    }

    public void append(byte[] s, int off, int len) {
        ensure(headerSize(len) + len);
        int d = writeHeader(buf, used, len);
        System.arraycopy(s, off, buf, d, len);
        used = d + len;
        count++;
    }

    /** Replaces the entry at off with s. */
    public void replace(int off, byte[] s) {
        int oldEnd = dataAt(off) + lengthAt(off);
        int newSize = headerSize(s.length) + s.length;
        int delta = newSize - (oldEnd - off);
        if (delta > 0) ensure(delta);
        if (delta != 0) System.arraycopy(buf, oldEnd, buf, oldEnd + delta, used - oldEnd);
        int d = writeHeader(buf, off, s.length);
        System.arraycopy(s, 0, buf, d, s.length);
        used += delta;
        if (delta < 0) maybeShrink();
    }

    /** Removes n consecutive entries starting with the one at off. */
    public void remove(int off, int n) {
        int end = off;
        for (int i = 0; i < n; i++) end = dataAt(end) + lengthAt(end);
        System.arraycopy(buf, end, buf, off, used - end);
        used -= end - off;
        count -= n;
        maybeShrink();
    }

    private void maybeShrink() {
        if (used == 0) {
            buf = EMPTY;
        } else if (buf.length - used > (used >>> 2) + 16) {
            buf = Arrays.copyOf(buf, used + (used >>> 3) + 4);
        }
    }

    /** A deep copy with no spare capacity. */
    public Listpack copy() {
        return new Listpack(Arrays.copyOf(buf, used), used, count);
    }
}
