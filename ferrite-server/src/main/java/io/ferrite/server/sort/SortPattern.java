package io.ferrite.server.sort;

import io.ferrite.server.hash.HashValue;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import java.util.Arrays;

/**
 * A BY or GET pattern of SORT, split once per command (sort.c lookupKeyByPattern splits it
 * again for every element; the result is the same):
 * <ul>
 *   <li>{@code #} stands for the element itself;</li>
 *   <li>otherwise the first {@code *} is replaced by the element to make a key name, and the
 *       value is that key's string;</li>
 *   <li>{@code prefix*suffix->field}: when "->" follows the {@code *} with at least one byte
 *       after it, the key is {@code prefix<element>suffix} and the value is that hash's field
 *       (everything after the first such "->"); a pattern ending in "->" names a plain key;</li>
 *   <li>a pattern without {@code *} names no key at all: GET gives nil. As BY, any pattern
 *       without {@code *}, {@code #} included, means "do not sort" ({@link #sorts}).</li>
 * </ul>
 * A key that is missing or of the other type gives null, as a missing field does.
 */
final class SortPattern {
    private final boolean self;
    private final boolean constant;
    private final byte[] prefix, suffix, field;

    private SortPattern(boolean self, boolean constant, byte[] prefix, byte[] suffix, byte[] field) {
        this.self = self;
        this.constant = constant;
        this.prefix = prefix;
        this.suffix = suffix;
        this.field = field;
    }

    static SortPattern parse(byte[] p) {
        if (p.length == 1 && p[0] == '#') return new SortPattern(true, false, null, null, null);
        int star = indexOf(p, 0);
        if (star < 0) return new SortPattern(false, true, null, null, null);
        byte[] prefix = Arrays.copyOfRange(p, 0, star);
        int arrow = arrowAfter(p, star + 1);
        if (arrow >= 0 && arrow + 2 < p.length) {
            return new SortPattern(false, false, prefix, Arrays.copyOfRange(p, star + 1, arrow),
                    Arrays.copyOfRange(p, arrow + 2, p.length));
        }
        return new SortPattern(false, false, prefix, Arrays.copyOfRange(p, star + 1, p.length), null);
    }

    /** Whether BY with this pattern sorts at all: only a pattern with a {@code *} does ("#" does not). */
    boolean sorts() { return !self && !constant; }

    /**
     * The value the pattern gives for element, or null. The array may be the stored value
     * itself (strings can change in place later): copy it before storing it anywhere. Caller
     * holds every shard lock, as the pattern may name any key.
     */
    byte[] lookup(Database db, byte[] element) {
        if (self) return element;
        if (constant) return null;
        byte[] key = new byte[prefix.length + element.length + suffix.length];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        System.arraycopy(element, 0, key, prefix.length, element.length);
        System.arraycopy(suffix, 0, key, prefix.length + element.length, suffix.length);
        DbEntry e = db.lookupRead(key);
        if (e == null) return null;
        if (field != null) return e.value() instanceof HashValue h ? h.get(field) : null;
        return e.value() instanceof byte[] s ? s : null;
    }

    private static int indexOf(byte[] p, int from) {
        for (int i = from; i < p.length; i++) if (p[i] == '*') return i;
        return -1;
    }

    private static int arrowAfter(byte[] p, int from) {
        for (int i = from; i + 1 < p.length; i++) if (p[i] == '-' && p[i + 1] == '>') return i;
        return -1;
    }
}
