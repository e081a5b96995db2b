package io.ferrite.server.set;

import io.ferrite.server.collection.BytesMap;
import io.ferrite.server.hash.Listpack;
import io.ferrite.server.keyspace.Value;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A set value: distinct byte strings. Owned by one key of one shard; read and write it only under
 * that shard's lock.
 *
 * <p>Three encodings, as in Redis 7.2 (t_set.c, intset.c), reported by OBJECT ENCODING:
 * <ul>
 *   <li><b>intset</b>: a sorted {@code long[]} while every member is a canonical 64-bit integer
 *       (string2ll: no sign '+', no leading zeros) and there are at most set-max-intset-entries
 *       (512) of them. Membership by binary search, O(log n); insertion shifts, O(n). 8 bytes a
 *       member (Redis packs 2, 4 or 8 bytes; we keep one width for simplicity).</li>
 *   <li><b>listpack</b>: one {@link Listpack} in insertion order while there are at most
 *       set-max-listpack-entries (128) members of at most set-max-listpack-value (64) bytes.
 *       Linear search.</li>
 *   <li><b>hashtable</b>: a {@link BytesMap} with no values, O(1).</li>
 * </ul>
 *
 * <p>Conversions follow Redis 7.2 exactly, and only go "up": an intset that receives a
 * non-integer becomes a listpack when it has fewer than set-max-listpack-entries members and
 * both its extremes and the new member fit set-max-listpack-value, else a hashtable; an intset
 * that grows past set-max-intset-entries becomes a hashtable (not a listpack); a listpack that
 * would exceed either listpack limit becomes a hashtable. The only way "down" is the one Redis
 * has: SINTERSTORE, SPOP with a large count and the *STORE results build a fresh set (see
 * {@link SetCommands}). Thresholds are read at each check, so CONFIG SET affects later writes.
 *
 * <p>Iteration order: ascending for an intset, insertion order for a listpack, bucket order for
 * a hashtable (Redis's orders too).
 */
public final class SetValue implements Value {
    static final int INTSET = 0, LISTPACK = 1, HASHTABLE = 2;

    /** The conversion thresholds in force (set-max-intset-entries and friends). */
    public record Limits(long intsetEntries, long listpackEntries, long listpackValue) {
        /** Redis's defaults. */
        public static final Limits DEFAULT = new Limits(512, 128, 64);

        /** set-max-intset-entries, capped at 2^30 as intset.c caps it. */
        long intsetMax() { return Math.min(intsetEntries, 1L << 30); }
    }

    /** Receives members; the slice is valid only during the call. */
    public interface MemberVisitor {
        void member(byte[] b, int off, int len);

        /** An intset member; formatted as its digits unless overridden. */
        default void member(long v) {
            byte[] s = Numbers.formatLong(v);
            member(s, 0, s.length);
        }
    }

    private byte encoding;
    private long[] ints;             // intset: sorted, first intCount slots used
    private int intCount;
    private Listpack pack;           // listpack
    private BytesMap<Boolean> table; // hashtable (values unused)

    private SetValue(byte encoding) {
        this.encoding = encoding;
        switch (encoding) {
            case INTSET -> ints = EMPTY_INTS;
            case LISTPACK -> pack = new Listpack();
            default -> table = new BytesMap<>();
        }
    }

    private static final long[] EMPTY_INTS = new long[0];

    public static SetValue newIntset() { return new SetValue((byte) INTSET); }
    public static SetValue newListpack() { return new SetValue((byte) LISTPACK); }

    public static SetValue newHashtable(long expected) {
        SetValue s = new SetValue((byte) HASHTABLE);
        if (expected > 4) s.table = new BytesMap<>((int) Math.min(expected, 1 << 30));
        return s;
    }

    /**
     * Redis's setTypeCreate: an intset when the first member is an integer and the hint fits an
     * intset, else a listpack when the hint fits one, else a hashtable presized to the hint.
     */
    public static SetValue create(byte[] first, long sizeHint, Limits l) {
        if (Numbers.isLong(first) && sizeHint <= l.intsetEntries) return newIntset();
        if (sizeHint <= l.listpackEntries) return newListpack();
        return newHashtable(sizeHint);
    }

    /** Redis's setTypeMaybeConvert: a batch of sizeHint members about to come in. */
    public void maybeConvert(long sizeHint, Limits l) {
        if ((encoding == LISTPACK && sizeHint > l.listpackEntries)
                || (encoding == INTSET && sizeHint > l.intsetEntries)) {
            convertToTable(sizeHint);
        }
    }

    @Override public String typeName() { return "set"; }

    @Override
    public String encoding() {
        return switch (encoding) {
            case INTSET -> "intset";
            case LISTPACK -> "listpack";
            default -> "hashtable";
        };
    }

    int encodingId() { return encoding; }
    long[] ints() { return ints; }
    Listpack listpack() { return pack; }
    BytesMap<Boolean> table() { return table; }

    public int size() {
        return switch (encoding) {
            case INTSET -> intCount;
            case LISTPACK -> pack.size();
            default -> table.size();
        };
    }

    // ---------------------------------------------------------------- intset primitives

    private int intIndex(long v) {
        return Arrays.binarySearch(ints, 0, intCount, v);
    }

    private boolean intsetAdd(long v) {
        int i = intIndex(v);
        if (i >= 0) return false;
        i = -i - 1;
        if (intCount == ints.length) {
            // Grow by a quarter: intsets are numerous and small; shifting dominates anyway.
            ints = Arrays.copyOf(ints, Math.max(4, intCount + (intCount >>> 2) + 1));
        }
        System.arraycopy(ints, i, ints, i + 1, intCount - i);
        ints[i] = v;
        intCount++;
        return true;
    }

    private boolean intsetRemove(long v) {
        int i = intIndex(v);
        if (i < 0) return false;
        System.arraycopy(ints, i + 1, ints, i, intCount - i - 1);
        intCount--;
        if (intCount == 0) ints = EMPTY_INTS;
        else if (ints.length > 16 && intCount < ints.length / 2) ints = Arrays.copyOf(ints, intCount + (intCount >>> 2) + 1);
        return true;
    }

    private static int digits(long v) {
        return Numbers.formatLong(v).length;
    }

    // ---------------------------------------------------------------- conversions

    /** Converts to a hashtable presized for {@code expected} members. */
    public void convertToTable(long expected) {
        if (encoding == HASHTABLE) return;
        BytesMap<Boolean> t = new BytesMap<>((int) Math.min(Math.max(expected, size()), 1 << 30));
        if (encoding == INTSET) {
            for (int i = 0; i < intCount; i++) t.put(Numbers.formatLong(ints[i]), null);
        } else {
            for (int off = pack.first(); off >= 0; off = pack.next(off)) t.put(pack.copyAt(off), null);
        }
        ints = null;
        intCount = 0;
        pack = null;
        table = t;
        encoding = HASHTABLE;
    }

    private void intsetToListpack() {
        Listpack p = new Listpack(intCount * 8 + 16);
        for (int i = 0; i < intCount; i++) p.append(Numbers.formatLong(ints[i]));
        ints = null;
        intCount = 0;
        pack = p;
        encoding = LISTPACK;
    }

    /**
     * Redis's maybeConvertToIntset: a set known to hold only integers becomes an intset again
     * when it is small enough (used on freshly built SINTERSTORE results).
     */
    void convertToIntsetIfFits(Limits l) {
        if (encoding == INTSET || size() > l.intsetMax()) return;
        long[] a = new long[size()];
        int[] n = {0};
        forEach((b, off, len) -> a[n[0]++] = Numbers.parseLong(b, off, len, CommandError.NOT_INTEGER));
        Arrays.sort(a);
        ints = a;
        intCount = a.length;
        pack = null;
        table = null;
        encoding = INTSET;
    }

    // ---------------------------------------------------------------- membership

    /** Adds m; true when it was not a member. A hashtable keeps the array: hand over your own. */
    public boolean add(byte[] m, Limits l) {
        switch (encoding) {
            case HASHTABLE:
                return table.putIfAbsent(m, null);
            case LISTPACK:
                if (pack.find(m, 1) >= 0) return false;
                if (pack.size() < l.listpackEntries && m.length <= l.listpackValue) {
                    pack.append(m);
                } else {
                    convertToTable(pack.size() + 1);
                    table.put(m, null);
                }
                return true;
            default:
                if (Numbers.isLong(m)) return addLong(Numbers.parseLong(m), l);
                // The first non-integer: a listpack if everything would fit one, else a hashtable.
                long maxLen = intCount == 0 ? 0 : Math.max(digits(ints[0]), digits(ints[intCount - 1]));
                if (intCount < l.listpackEntries && m.length <= l.listpackValue && maxLen <= l.listpackValue) {
                    intsetToListpack();
                    pack.append(m);
                } else {
                    convertToTable(intCount + 1);
                    table.put(m, null);
                }
                return true;
        }
    }

    /** Adds the integer v (a member coming from an intset); true when it was not a member. */
    public boolean addLong(long v, Limits l) {
        if (encoding == INTSET) {
            if (!intsetAdd(v)) return false;
            if (intCount > l.intsetMax()) convertToTable(intCount);
            return true;
        }
        return add(Numbers.formatLong(v), l);
    }

    public boolean remove(byte[] m) {
        return switch (encoding) {
            case HASHTABLE -> table.remove(m);
            case LISTPACK -> {
                int off = pack.find(m, 1);
                if (off < 0) yield false;
                pack.remove(off, 1);
                yield true;
            }
            default -> Numbers.isLong(m) && intsetRemove(Numbers.parseLong(m));
        };
    }

    public boolean contains(byte[] m) {
        return contains(m, 0, m.length);
    }

    public boolean contains(byte[] b, int off, int len) {
        return switch (encoding) {
            case HASHTABLE -> table.containsKey(off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len));
            case LISTPACK -> pack.find(b, off, len, 1) >= 0;
            default -> {
                byte[] m = off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len);
                yield Numbers.isLong(m) && intIndex(Numbers.parseLong(m)) >= 0;
            }
        };
    }

    public boolean containsLong(long v) {
        if (encoding == INTSET) return intIndex(v) >= 0;
        byte[] s = Numbers.formatLong(v);
        return contains(s, 0, s.length);
    }

    // ---------------------------------------------------------------- iteration and sampling

    /** Visits every member (see the class comment for the order). */
    public void forEach(MemberVisitor visitor) {
        switch (encoding) {
            case INTSET -> {
                for (int i = 0; i < intCount; i++) visitor.member(ints[i]);
            }
            case LISTPACK -> {
                byte[] b = pack.array();
                for (int off = pack.first(); off >= 0; off = pack.next(off)) {
                    visitor.member(b, pack.dataAt(off), pack.lengthAt(off));
                }
            }
            default -> table.forEach((k, v) -> visitor.member(k, 0, k.length));
        }
    }

    /** A uniformly random member (a fresh array for intset and listpack), or null when empty. */
    public byte[] randomMember(ThreadLocalRandom rnd) {
        int n = size();
        if (n == 0) return null;
        return switch (encoding) {
            case INTSET -> Numbers.formatLong(ints[rnd.nextInt(n)]);
            case LISTPACK -> pack.copyAt(pack.offsetOf(rnd.nextInt(n)));
            default -> table.fairRandomKey(rnd);
        };
    }

    /** Removes and returns a uniformly random member, or null when empty. */
    public byte[] pop(ThreadLocalRandom rnd) {
        int n = size();
        if (n == 0) return null;
        switch (encoding) {
            case INTSET -> {
                int i = rnd.nextInt(n);
                long v = ints[i];
                intsetRemove(v);
                return Numbers.formatLong(v);
            }
            case LISTPACK -> {
                int off = pack.offsetOf(rnd.nextInt(n));
                byte[] m = pack.copyAt(off);
                pack.remove(off, 1);
                return m;
            }
            default -> {
                byte[] m = table.fairRandomKey(rnd);
                table.remove(m);
                return m;
            }
        }
    }

    /** All members as fresh arrays, in iteration order. */
    public byte[][] toArray() {
        byte[][] out = new byte[size()][];
        int[] n = {0};
        forEach((b, off, len) -> out[n[0]++] = Arrays.copyOfRange(b, off, off + len));
        return out;
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue(encoding);
        switch (encoding) {
            case INTSET -> {
                s.ints = Arrays.copyOf(ints, intCount);
                s.intCount = intCount;
            }
            case LISTPACK -> s.pack = pack.copy();
            default -> {
                s.table = table.copy(v -> v);
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- loading (RESTORE)

    /**
     * A set loaded from RDB_TYPE_SET members, encoded as rdb.c loads it: a hashtable from the
     * start past set-max-intset-entries, else an intset converting as members arrive. Null when
     * a member repeats or there is none (Redis rejects those payloads).
     */
    public static SetValue load(List<byte[]> members, Limits l) {
        if (members.isEmpty()) return null;
        SetValue s = members.size() > l.intsetMax() ? newHashtable(members.size()) : newIntset();
        for (byte[] m : members) if (!s.add(m, l)) return null;
        return s;
    }

    /** A set loaded from a Redis listpack payload (RDB_TYPE_SET_LISTPACK); null on duplicates. */
    public static SetValue loadListpack(List<byte[]> members, Limits l) {
        if (members.isEmpty()) return null;
        SetValue s = newListpack();
        if (members.size() > l.listpackEntries) s.convertToTable(members.size());
        for (byte[] m : members) {
            if (s.encoding == LISTPACK) {
                // Kept as loaded, long members included (Redis checks only the count here).
                if (s.pack.find(m, 1) >= 0) return null;
                s.pack.append(m);
            } else if (!s.table.putIfAbsent(m, null)) {
                return null;
            }
        }
        return s;
    }

    /**
     * A set loaded from Redis's intset blob (RDB_TYPE_SET_INTSET): encoding (2, 4 or 8) and
     * count as 32-bit little-endian, then the sorted values of that width. Null when malformed.
     */
    public static SetValue loadIntset(byte[] blob, Limits l) {
        if (blob.length < 8) return null;
        int width = (int) le(blob, 0, 4);
        long count = le(blob, 4, 4);
        if ((width != 2 && width != 4 && width != 8) || count == 0 || 8 + count * width != blob.length) return null;
        long[] values = new long[(int) count];
        for (int i = 0; i < count; i++) {
            long v = le(blob, 8 + i * width, width);
            int shift = 64 - 8 * width; // sign-extend
            v = (v << shift) >> shift;
            if (i > 0 && v <= values[i - 1]) return null;
            values[i] = v;
        }
        SetValue s = newIntset();
        s.ints = values;
        s.intCount = values.length;
        if (s.intCount > l.intsetEntries) s.convertToTable(s.intCount);
        return s;
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (b[off + i] & 0xff) << (8 * i);
        return v;
    }
}
