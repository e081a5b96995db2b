package io.ferrite.server.zset;

import io.ferrite.server.keyspace.Value;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sorted set (Redis type "zset"): unique members, each with a double score, ordered by
 * score and then by member bytes. Owned by one key; call under its shard's lock.
 *
 * <h2>Encodings</h2>
 * <pre>
 * "listpack"  (small: at most zset-max-listpack-entries = 128 members, each at most
 *              zset-max-listpack-value = 64 bytes)
 *
 *     members: [ "amy" | "bob" | "cid" | ... ]    byte[][]  in (score, member) order
 *     scores:  [  1.0  |  2.5  |  2.5  | ... ]    double[]  parallel to members
 *
 * "skiplist"  (big: anything else; Redis's name for the encoding, kept because clients read it
 *              from OBJECT ENCODING, though the ordered half is a B+-tree, not a skip list)
 *
 *     dict: ScoreMap   member → score (a double field of the entry)    O(1) ZSCORE, ZADD/ZREM lookup
 *     tree: ScoreTree  order-statistic B+-tree of (score, member)     O(log N) by rank/score/member
 *
 *             [ (1.0,amy) 70 | (4.0,eve) 65 | ... ]        inner: first pair and count per child
 *                  /                \
 *     [ 1.0 2.5 2.5 ... ]     [ 4.0 4.5 ... ]     leaves: double[] scores, byte[][] members,
 *     [ amy bob cid ... ] <-> [ eve fay ... ] <-> ...       linked both ways
 * </pre>
 *
 * <p><b>Listpack.</b> Two parallel flat arrays, no object per element (Redis packs the same pairs
 * into one listpack blob). A member lookup is a linear scan (as in Redis: at most 128
 * comparisons, all in cache); finding a place or a score range is a binary search; inserting or
 * removing moves the tails of both arrays. Rank operations are array indexing.
 *
 * <p><b>Skiplist.</b> Why two structures for the same elements (the argument of t_zset.c): the
 * hash map answers "what is the score of this member" in O(1), which ZSCORE, ZADD/ZINCRBY and
 * ZREM need before they can touch the ordered structure; the {@link ScoreTree} answers everything
 * about order (ranges by score, by member, by rank) in O(log N), its per-child counts turning
 * "rank of this element" and "element at rank r" into one descent. Both hold the very same member
 * array, so the second structure costs a map entry per member, never a second copy of the bytes.
 * The map holds the score itself, not a pointer into the tree (the tree moves pairs between its
 * nodes): with the score, the tree finds the pair by descent. Redis uses a skip list here, as
 * Ferrite did until ADR 0006; the tree's descent reads a few flat arrays per level where a skip
 * list loads one node per step, each a dependent cache miss. On a 10-million-member leaderboard
 * (SortedSetBenchmark) ZREVRANGE 0 9 takes about 11 ns (the tail leaf, backwards), ZREVRANK
 * about 2 µs and a ZADD that moves a member about 5 µs (2-3x less than the skip list), mostly
 * the cache misses of the map lookup and of one or two descents.
 *
 * <p><b>Conversion.</b> A set starts as listpack unless ZADD brings more pairs or a longer first
 * member than the limits (Redis's zsetTypeCreate); it becomes a skiplist when an insert would
 * pass either limit, and never goes back, except for results of ZUNIONSTORE/ZINTERSTORE/
 * ZDIFFSTORE, which are built as skiplists and shrunk when small (zsetConvertToListpackIfNeeded).
 * Limits are read from the config by the commands and passed in, so CONFIG SET applies at the
 * next write.
 *
 * <p><b>Differences from Redis.</b> Scores are kept as doubles in both encodings (Redis stores
 * listpack scores as text and integers), so nothing is reformatted on read. Memory: a big set of
 * 1M members named "player:N" costs 89.5 bytes per member (57.5 of structure: 36 of map entry and
 * bucket, about 21 of tree; 32 of member arrays; SortedSetFootprint), against 109 in
 * redis-server 7.0 (used_memory delta, same data) and 121 with the skip list; a small set about
 * 20 bytes per member plus its member arrays. ZRANDMEMBER draws by random rank (uniform;
 * O(log N) on a skiplist) where Redis draws from its dict.
 *
 * <p>References: Redis 7.2.6 src/t_zset.c and server.h (zskiplist, zset); redis.io/docs/latest/
 * develop/data-types/sorted-sets; docs/adr/0006-sorted-set-btree.md.
 */
public final class SortedSet implements Value {
    /** ZADD input flags, as Redis's ZADD_IN_*. */
    public static final int IN_INCR = 1, IN_NX = 2, IN_XX = 4, IN_GT = 8, IN_LT = 16;
    /** ZADD result flags, as Redis's ZADD_OUT_*: NAN means the result would be NaN (nothing changed). */
    public static final int OUT_NOP = 1, OUT_NAN = 2, OUT_ADDED = 4, OUT_UPDATED = 8;

    /** Receives one element of an iteration. */
    @FunctionalInterface
    public interface Visitor {
        void accept(byte[] member, double score);
    }

    // listpack encoding (null when skiplist)
    private byte[][] members;
    private double[] scores;
    private int size;
    // skiplist encoding (null when listpack): the name is Redis's, the ordered half a B+-tree
    private ScoreTree tree;
    private ScoreMap dict;

    // Result of the last add(): the score the member has now. Read right after the call.
    private double lastScore;

    private SortedSet() {}

    /** An empty listpack set with room for {@code capacity} members. */
    public static SortedSet listpack(int capacity) {
        SortedSet z = new SortedSet();
        z.members = new byte[Math.max(1, capacity)][];
        z.scores = new double[Math.max(1, capacity)];
        return z;
    }

    /** An empty skiplist set, its map presized for {@code capacity} members. */
    public static SortedSet skiplist(int capacity) {
        SortedSet z = new SortedSet();
        z.tree = new ScoreTree();
        z.dict = new ScoreMap(Math.max(4, capacity));
        return z;
    }

    /**
     * A new empty set for about {@code sizeHint} members whose first member is
     * {@code valueLengthHint} bytes long: listpack when both fit the limits (zsetTypeCreate).
     */
    public static SortedSet create(long sizeHint, long valueLengthHint, long maxEntries, long maxValue) {
        if (sizeHint <= maxEntries && valueLengthHint <= maxValue) return listpack((int) Math.min(sizeHint, 16));
        return skiplist((int) Math.min(sizeHint, 1 << 20));
    }

    @Override public String typeName() { return "zset"; }
    @Override public String encoding() { return members != null ? "listpack" : "skiplist"; }
    public boolean isListpack() { return members != null; }

    public int size() { return members != null ? size : tree.size(); }

    // ---------------------------------------------------------------- lookups

    /** The score of member, or NaN when absent (a stored score is never NaN). */
    public double score(byte[] member) {
        if (members != null) {
            int i = indexOf(member);
            return i < 0 ? Double.NaN : scores[i];
        }
        return dict.score(member);
    }

    /** The 0-based rank of member in ascending order, or -1 when absent. */
    public long rank(byte[] member) {
        if (members != null) return indexOf(member);
        ScoreMap.Entry e = dict.entry(member);
        if (e == null) return -1;
        return tree.rank(e.score, e.key()) - 1;
    }

    private int indexOf(byte[] member) {
        for (int i = 0; i < size; i++) if (Arrays.equals(members[i], member)) return i;
        return -1;
    }

    /** The member at a 0-based rank (0 ≤ rank < size). */
    public byte[] memberAt(long rank) {
        return members != null ? members[(int) rank] : tree.cursorAt((int) rank + 1).member();
    }

    /** The score at a 0-based rank (0 ≤ rank < size). */
    public double scoreAt(long rank) {
        return members != null ? scores[(int) rank] : tree.cursorAt((int) rank + 1).score();
    }

    // ---------------------------------------------------------------- ranges as ranks

    /** The rank of the first element with a score in range (= how many sort below it). */
    public long firstRank(ScoreRange range) {
        if (members == null) return tree.countBelow(range);
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (range.gteMin(scores[mid])) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /** One past the rank of the last element with a score not above the range's max. */
    public long endRank(ScoreRange range) {
        if (members == null) return tree.countUpTo(range);
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (range.lteMax(scores[mid])) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /** The rank of the first element whose member is in range; size when none is. */
    public long firstRank(LexRange range) {
        if (!mayHold(range)) return size();
        if (members == null) return tree.countBelow(range);
        // Linear like Redis's zzlFirstInLexRange, so sets with mixed scores answer the same.
        int i = 0;
        while (i < size && !range.gteMin(members[i])) i++;
        return i;
    }

    /** One past the rank of the last element whose member is in range; 0 when none is. */
    public long endRank(LexRange range) {
        if (!mayHold(range)) return 0;
        if (members == null) return tree.countUpTo(range);
        // Forward from the first element in range while members stay below max, as Redis walks.
        int i = (int) firstRank(range);
        while (i < size && range.lteMax(members[i])) i++;
        return i;
    }

    /** Redis's zslIsInLexRange: false when the range is empty or misses both ends of the set. */
    private boolean mayHold(LexRange range) {
        int n = size();
        if (n == 0 || range.isEmpty()) return false;
        byte[] first = members != null ? members[0] : tree.firstMember();
        byte[] last = members != null ? members[n - 1] : tree.lastMember();
        return range.gteMin(last) && range.lteMax(first);
    }

    // ---------------------------------------------------------------- iteration

    /**
     * Visits the elements of 0-based ranks start..end (inclusive, within 0..size-1), in
     * ascending order, or from end down to start when {@code reverse}. O(log N + M).
     */
    public void forEach(long start, long end, boolean reverse, Visitor v) {
        if (start > end) return;
        if (members != null) {
            if (reverse) {
                for (int i = (int) end; i >= start; i--) v.accept(members[i], scores[i]);
            } else {
                for (int i = (int) start; i <= end; i++) v.accept(members[i], scores[i]);
            }
            return;
        }
        int n = (int) (end - start + 1);
        tree.forEach(reverse ? (int) end + 1 : (int) start + 1, n, reverse, v);
    }

    /** Visits every element in ascending order. */
    public void forEach(Visitor v) {
        if (size() > 0) forEach(0, size() - 1, false, v);
    }

    /**
     * ZSCAN step: listpack sets return everything with cursor 0 (as Redis); skiplist sets walk
     * the member map with its reverse-binary cursor. Returns the next cursor.
     */
    public long scan(long cursor, Visitor v) {
        if (members != null) {
            forEach(v);
            return 0;
        }
        return dict.scan(cursor, v);
    }

    /**
     * Visits one uniformly random element: O(1) for listpack, O(log N) for skiplist (a random
     * rank; the member map's bucket-then-chain pick would favour members in short chains).
     */
    public void visitRandom(ThreadLocalRandom rnd, Visitor v) {
        int i = rnd.nextInt(size());
        if (members != null) {
            v.accept(members[i], scores[i]);
        } else {
            ScoreTree.Cursor c = tree.cursorAt(i + 1);
            v.accept(c.member(), c.score());
        }
    }

    /** A uniformly random member; the set must not be empty. */
    public byte[] randomMember(ThreadLocalRandom rnd) {
        int i = rnd.nextInt(size());
        return members != null ? members[i] : tree.cursorAt(i + 1).member();
    }

    // ---------------------------------------------------------------- mutation

    /**
     * ZADD of one pair with Redis's zsetAdd semantics. Returns OUT_* flags; afterwards
     * {@link #lastScore()} is the member's score (the incremented one with IN_INCR). A new member
     * array is stored as is (callers hand over arrays they will not modify). Converts to skiplist
     * when the insert would pass maxEntries or the member is longer than maxValue.
     */
    public int add(double score, byte[] member, int flags, long maxEntries, long maxValue) {
        if (Double.isNaN(score)) return OUT_NAN;
        boolean incr = (flags & IN_INCR) != 0, nx = (flags & IN_NX) != 0, xx = (flags & IN_XX) != 0;
        boolean gt = (flags & IN_GT) != 0, lt = (flags & IN_LT) != 0;
        if (members != null) {
            int i = indexOf(member);
            if (i >= 0) {
                if (nx) return OUT_NOP;
                double cur = scores[i];
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) return OUT_NAN;
                }
                if ((lt && score >= cur) || (gt && score <= cur)) return OUT_NOP;
                lastScore = score;
                if (score != cur) {
                    byte[] stored = members[i];
                    removeAt(i);
                    insertSorted(score, stored);
                    return OUT_UPDATED;
                }
                return 0;
            }
            if (xx) return OUT_NOP;
            if (size + 1 > maxEntries || member.length > maxValue) {
                toSkiplist(size + 1);
            } else {
                insertSorted(score, member);
                lastScore = score;
                return OUT_ADDED;
            }
        }
        ScoreMap.Entry e = dict.entry(member);
        if (e != null) {
            if (nx) return OUT_NOP;
            double cur = e.score;
            if (incr) {
                score += cur;
                if (Double.isNaN(score)) return OUT_NAN;
            }
            if ((lt && score >= cur) || (gt && score <= cur)) return OUT_NOP;
            lastScore = score;
            if (score != cur) {
                tree.updateScore(cur, e.key(), score);
                e.score = score;
                return OUT_UPDATED;
            }
            return 0;
        }
        if (xx) return OUT_NOP;
        tree.insert(score, member);
        dict.add(member, score);
        lastScore = score;
        return OUT_ADDED;
    }

    /** The member's score after the last {@link #add}. */
    public double lastScore() { return lastScore; }

    /** Adds a member known to be absent (building results, RESTORE); no limits are checked. */
    public void insertNew(double score, byte[] member) {
        if (members != null) {
            insertSorted(score, member);
        } else {
            tree.insert(score, member);
            dict.add(member, score);
        }
    }

    /** Removes member; true when it was present. */
    public boolean remove(byte[] member) {
        if (members != null) {
            int i = indexOf(member);
            if (i < 0) return false;
            removeAt(i);
            return true;
        }
        ScoreMap.Entry e = dict.remove(member);
        if (e == null) return false;
        tree.delete(e.score, e.key());
        return true;
    }

    /** Removes the elements of 0-based ranks start..end (inclusive, in range); returns how many. */
    public long removeRange(long start, long end) {
        if (start > end) return 0;
        if (members != null) {
            int s = (int) start, e = (int) end + 1;
            System.arraycopy(members, e, members, s, size - e);
            System.arraycopy(scores, e, scores, s, size - e);
            Arrays.fill(members, size - (e - s), size, null);
            size -= e - s;
            return e - s;
        }
        return tree.deleteRange((int) start + 1, (int) end + 1, dict);
    }

    private void insertSorted(double score, byte[] member) {
        // Redis stores an integral listpack score as an integer, which turns -0 into 0; a
        // skiplist keeps -0 (Redis 7.2 replies "-0" there and "0" here).
        if (score == 0) score = 0.0;
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double s = scores[mid];
            if (s < score || (s == score && Arrays.compareUnsigned(members[mid], member) < 0)) lo = mid + 1;
            else hi = mid;
        }
        if (size == members.length) {
            int cap = size + Math.max(4, size >> 1);
            members = Arrays.copyOf(members, cap);
            scores = Arrays.copyOf(scores, cap);
        }
        System.arraycopy(members, lo, members, lo + 1, size - lo);
        System.arraycopy(scores, lo, scores, lo + 1, size - lo);
        members[lo] = member;
        scores[lo] = score;
        size++;
    }

    private void removeAt(int i) {
        System.arraycopy(members, i + 1, members, i, size - i - 1);
        System.arraycopy(scores, i + 1, scores, i, size - i - 1);
        members[--size] = null;
    }

    // ---------------------------------------------------------------- conversion

    /** Converts to skiplist when a write will bring more than maxEntries members (zsetTypeMaybeConvert). */
    public void maybeConvert(long sizeHint, long maxEntries) {
        if (members != null && sizeHint > maxEntries) toSkiplist((int) Math.min(sizeHint, 1 << 20));
    }

    /**
     * Converts a listpack set to skiplist (zsetConvert to OBJ_ENCODING_SKIPLIST): SORT does this
     * to every sorted set it reads, so OBJECT ENCODING tells the same afterwards as in Redis.
     */
    public void convertToSkiplist() {
        if (members != null) toSkiplist(size);
    }

    private void toSkiplist(int capacity) {
        // The listpack's arrays are in order already: fill the tree's nodes without descents.
        ScoreTree.Builder b = new ScoreTree.Builder();
        ScoreMap d = new ScoreMap(Math.max(capacity, size));
        for (int i = 0; i < size; i++) {
            b.add(scores[i], members[i]);
            d.add(members[i], scores[i]);
        }
        tree = b.build();
        dict = d;
        members = null;
        scores = null;
        size = 0;
    }

    /**
     * Shrinks a skiplist set that fits the limits back to listpack (zsetConvertToListpackIfNeeded,
     * for the results of ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE).
     */
    public void convertToListpackIfNeeded(long maxEntries, long maxValue) {
        if (members != null || tree.size() > maxEntries) return;
        int n = tree.size();
        byte[][] m = new byte[Math.max(1, n)][];
        double[] s = new double[Math.max(1, n)];
        if (n > 0) {
            ScoreTree.Cursor c = tree.cursorAt(1);
            for (int i = 0; i < n; i++, c.next()) {
                if (c.member().length > maxValue) return;
                m[i] = c.member();
                s[i] = c.score();
            }
        }
        members = m;
        scores = s;
        size = n;
        tree = null;
        dict = null;
    }

    /**
     * A skiplist set whose member index is a map collected elsewhere (the ZUNION accumulator):
     * the map is kept as is, so only the tree is built, one insertion per member.
     */
    static SortedSet fromScores(ScoreMap scores) {
        SortedSet z = new SortedSet();
        ScoreTree t = new ScoreTree();
        scores.forEach((m, s) -> t.insert(s, m));
        z.tree = t;
        z.dict = scores;
        return z;
    }

    @Override
    public SortedSet copy() {
        SortedSet z = new SortedSet();
        if (members != null) {
            z.members = Arrays.copyOf(members, Math.max(1, size));
            z.scores = Arrays.copyOf(scores, Math.max(1, size));
            z.size = size;
        } else {
            // Members are immutable arrays: sharing them between the copies is safe. The tree is
            // rebuilt from its own order, full nodes, no descents.
            int n = tree.size();
            ScoreTree.Builder b = new ScoreTree.Builder();
            z.dict = new ScoreMap(n);
            if (n > 0) {
                ScoreTree.Cursor c = tree.cursorAt(1);
                do {
                    b.add(c.score(), c.member());
                    z.dict.add(c.member(), c.score());
                } while (c.next());
            }
            z.tree = b.build();
        }
        return z;
    }
}
