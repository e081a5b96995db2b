package io.ferrite.server.zset;

import java.util.Arrays;

/**
 * The ordered half of a big sorted set: an order-statistic B+-tree of (score, member) pairs,
 * ordered by score, then by member bytes (unsigned memcmp), so equal scores come out in member
 * order and every pair has one place. Answers by score, by member range and by rank in
 * O(log N). Not thread-safe: owned by one {@link SortedSet}, used under its shard's lock.
 *
 * <pre>
 *  height 2   root  [ (1,a) 9 | (7,k) 6 ]                    separators: each child's first pair
 *                      |         \                           counts: elements under each child
 *  height 1   [ (1,a) 4 | (3,e) 5 ]   [ (7,k) 3 | (9,p) 3 ]
 *                |         |             |         |
 *  leaves     [1a 2b 2c 3d] [3e 4f 5g 6h 6i] [7k 8m 8n] [9p 9q 9r]   scores double[], members byte[][]
 *        null <->  ...  <->  ...  <->  ...  <->  ... <-> null       leaves linked both ways
 * </pre>
 *
 * <ul>
 *   <li><b>Leaves</b> hold up to {@code leafCapacity} (default {@value #DEFAULT_CAPACITY}) pairs
 *       in two parallel arrays, {@code double[] scores} and {@code byte[][] members}, sorted.
 *       They are linked both ways: ZRANGE walks forward, ZREVRANGE and ZPOPMAX from the tail.</li>
 *   <li><b>Inner nodes</b> hold up to {@code innerCapacity} children and, per child, its first
 *       pair (the separator, exactly the smallest pair below it: the very member array, not a
 *       copy) and its element count. A descent binary-searches the node's flat {@code double[]}
 *       of separator scores and reads member bytes only when a score is equal, so it touches
 *       two or three cache lines per level where a skip list loads one node per step.</li>
 *   <li><b>Ranks.</b> The rank of a pair is the sum of the counts left of the path down to it,
 *       plus its slot in the leaf; the pair at rank r is found by subtracting counts on the way
 *       down. ZRANK, ZRANGE by index, ZCOUNT and ZREMRANGEBYRANK are O(log N).</li>
 *   <li><b>Balance.</b> All leaves are at the same depth. A full node splits in two halves,
 *       except the last leaf when a pair is appended after it (or the first when one is
 *       prepended): it keeps all but a quarter, so a set filled in score order (timestamps;
 *       RESTORE, which loads greatest first) has leaves three quarters full, not half. A node
 *       that falls below a quarter of its capacity (at least two children for inner nodes)
 *       merges with a sibling when both fit in one node, else takes pairs from it until both
 *       hold half; a root with one child is replaced by that child. Every node but the root is
 *       at least a quarter full, so the height is O(log N) under any mix of inserts and
 *       deletes. Filled at random, nodes are about 70% full: 2 inner levels above the leaves
 *       at 100k pairs, 3 at 1M, 4 at 10M.</li>
 *   <li><b>Scratch.</b> The path of the last descent (node and child index per level) is kept in
 *       two arrays, Redis's update[] on the stack: insertions and deletions walk back up it to fix
 *       counts, separators and fill. Updates allocate nothing beyond new nodes.</li>
 *   <li><b>Limits.</b> Counts and ranks are ints: a sorted set holds at most 2^31-1 members.</li>
 * </ul>
 *
 * <p>Memory: a leaf costs 12 bytes per slot plus about 70 bytes of object and array headers;
 * at 70% fill that is about 19 bytes per pair, and the inner nodes add about 1/45 of it.
 * Redis's skip-list node costs 24 bytes plus 16 per level (about 45 on average, before the
 * allocator rounds it); Ferrite's skip list node cost 48 bytes plus arrays on one node in 16.
 *
 * <p>References: R. Bayer, E. McCreight, "Organization and Maintenance of Large Ordered
 * Indexes", 1972; D. Comer, "The Ubiquitous B-Tree", 1979 (B+-trees); counted B-trees
 * (S. Tatham, "Counted B-Trees", 2001); Dragonfly's sorted set (src/core/bptree_set.h),
 * which replaced the skip list for the same reason; Redis 7.2.6 t_zset.c for the
 * contracts (zslInsert, zslDelete, zslUpdateScore, zslGetRank, zslGetElementByRank,
 * zslDeleteRangeByRank).
 */
final class ScoreTree {
    /** Pairs per leaf and children per inner node unless a test asks for less (see ADR 0006). */
    static final int DEFAULT_CAPACITY = 64;

    /** A pair test that holds for a prefix of the order (all pairs below some bound). */
    @FunctionalInterface
    interface Prefix {
        boolean test(double score, byte[] member);
    }

    /**
     * A node: n keys in (scores, members), sorted. In a leaf the keys are the pairs; in an inner
     * node key i is the first pair under child i.
     */
    abstract static sealed class Node permits Leaf, Inner {
        int n;
        final double[] scores;
        final byte[][] members;

        Node(int capacity) {
            scores = new double[capacity];
            members = new byte[capacity][];
        }

        /**
         * The first slot whose key is not below (score, member), n when none: equal scores
         * are ordered by member bytes, and only then are member bytes read.
         */
        final int lowerBound(double score, byte[] member) {
            return search(score, member, false);
        }

        /** The first slot whose key is above (score, member), or not below it when !orEqual. */
        final int search(double score, byte[] member, boolean orEqual) {
            double[] s = scores;
            int n = this.n;
            // Scores first: the flat double[] alone.
            int lo = 0, hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (s[mid] < score) lo = mid + 1; else hi = mid;
            }
            if (lo == n || s[lo] != score) return lo;
            // Equal scores from lo on, ordered by member: a binary search that reads members.
            hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int c;
                if (s[mid] == score && ((c = Arrays.compareUnsigned(members[mid], member)) < 0 || (orEqual && c == 0))) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The first slot whose key fails the prefix test, n when all pass. */
        final int prefixEnd(Prefix p) {
            int lo = 0, hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (p.test(scores[mid], members[mid])) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }

    /** Up to leafCapacity pairs; prev and next link the leaves in order. */
    static final class Leaf extends Node {
        Leaf prev, next;

        Leaf(int capacity) { super(capacity); }
    }

    /** Up to innerCapacity children, each with its first pair (the key) and element count. */
    static final class Inner extends Node {
        final int[] counts;
        final Node[] kids;

        Inner(int capacity) {
            super(capacity);
            counts = new int[capacity];
            kids = new Node[capacity];
        }

        /** The child whose key range holds (score, member): the last whose key is not above it. */
        int childFor(double score, byte[] member) {
            int i = search(score, member, true);
            return i == 0 ? 0 : i - 1;
        }

        /** The number of elements under children 0..i-1, given the node's total, from the nearer end. */
        int countBefore(int i, int total) {
            int[] c = counts;
            int r = 0;
            if (i <= n >>> 1) {
                for (int j = 0; j < i; j++) r += c[j];
                return r;
            }
            for (int j = i; j < n; j++) r += c[j];
            return total - r;
        }

        int total() {
            int r = 0;
            for (int j = 0; j < n; j++) r += counts[j];
            return r;
        }
    }

    private final int leafCap, innerCap, leafMin, innerMin;
    private Node root;
    private int height;           // inner levels above the leaves: 0 while the root is a leaf
    private Leaf head, tail;
    private int size;

    // The last descent: path[h] is the inner node at height h (1..height), idx[h] the child taken.
    private Inner[] path = new Inner[8];
    private int[] idx = new int[8];

    ScoreTree() { this(DEFAULT_CAPACITY, DEFAULT_CAPACITY); }

    /** A tree with small nodes, for tests that want splits and merges to happen often. */
    ScoreTree(int leafCapacity, int innerCapacity) {
        if (leafCapacity < 2 || innerCapacity < 4) throw new IllegalArgumentException("capacity too small");
        leafCap = leafCapacity;
        innerCap = innerCapacity;
        leafMin = Math.max(1, leafCapacity / 4);
        innerMin = Math.max(2, innerCapacity / 4);
        Leaf l = new Leaf(leafCap);
        root = head = tail = l;
    }

    int size() { return size; }

    double firstScore() { return head.scores[0]; }
    byte[] firstMember() { return head.members[0]; }
    double lastScore() { return tail.scores[tail.n - 1]; }
    byte[] lastMember() { return tail.members[tail.n - 1]; }

    private static int count(Node x) {
        return x instanceof Inner in ? in.total() : x.n;
    }

    // ---------------------------------------------------------------- lookups

    /** The 1-based rank of (score, member), or 0 when absent. */
    int rank(double score, byte[] member) {
        Node x = root;
        int r = 0, total = size;
        for (int h = height; h > 0; h--) {
            Inner in = (Inner) x;
            int i = in.childFor(score, member);
            r += in.countBefore(i, total);
            total = in.counts[i];
            x = in.kids[i];
        }
        int pos = x.lowerBound(score, member);
        if (pos < x.n && x.scores[pos] == score && Arrays.equals(x.members[pos], member)) return r + pos + 1;
        return 0;
    }

    /**
     * A cursor on the pair of 1-based rank r (1 ≤ r ≤ size). O(log N); the cursor then moves to
     * a neighbour in O(1).
     */
    Cursor cursorAt(int r) {
        Leaf leaf = locate(r);
        return new Cursor(leaf, locatedSlot);
    }

    // The slot found by the last locate(): a second result without an object per call.
    private int locatedSlot;

    /** The leaf holding the pair of 1-based rank r; its slot goes to locatedSlot. */
    private Leaf locate(int r) {
        if (r < 1 || r > size) throw new IndexOutOfBoundsException("rank " + r + " of " + size);
        if (r == size) {
            locatedSlot = tail.n - 1;
            return tail;
        }
        if (r == 1) {
            locatedSlot = 0;
            return head;
        }
        Node x = root;
        int off = r - 1, total = size;
        for (int h = height; h > 0; h--) {
            Inner in = (Inner) x;
            int[] c = in.counts;
            int i;
            if (off < total >>> 1) {
                i = 0;
                while (off >= c[i]) off -= c[i++];
            } else {
                int fromRight = total - off;
                i = in.n - 1;
                while (fromRight > c[i]) fromRight -= c[i--];
                off = c[i] - fromRight;
            }
            total = c[i];
            x = in.kids[i];
        }
        locatedSlot = off;
        return (Leaf) x;
    }

    /**
     * How many pairs pass a prefix test (a test true for every pair below some bound and false
     * from there on): the rank of the first pair that fails it. Separators are the first pairs
     * of their children, so a child whose separator fails holds nothing that passes.
     */
    int countPrefix(Prefix p) {
        Node x = root;
        int r = 0, total = size;
        for (int h = height; h > 0; h--) {
            Inner in = (Inner) x;
            int end = in.prefixEnd(p);
            if (end == 0) return r;
            int i = end - 1;
            r += in.countBefore(i, total);
            total = in.counts[i];
            x = in.kids[i];
        }
        return r + x.prefixEnd(p);
    }

    /** How many pairs have a score below the range's lower bound (a prefix of the order). */
    int countBelow(ScoreRange range) { return countPrefix((s, m) -> !range.gteMin(s)); }

    /** How many pairs have a score not above the range's upper bound. */
    int countUpTo(ScoreRange range) { return countPrefix((s, m) -> range.lteMax(s)); }

    /** How many pairs have a member below the range's lower bound (meaningful when scores are equal). */
    int countBelow(LexRange range) { return countPrefix((s, m) -> !range.gteMin(m)); }

    /** How many pairs have a member not above the range's upper bound. */
    int countUpTo(LexRange range) { return countPrefix((s, m) -> range.lteMax(m)); }

    // ---------------------------------------------------------------- descent with a path

    private void ensurePath() {
        if (path.length <= height + 1) {
            path = Arrays.copyOf(path, height + 8);
            idx = Arrays.copyOf(idx, height + 8);
        }
    }

    /** Descends to the leaf whose key range holds (score, member), recording the path. */
    private Leaf descend(double score, byte[] member) {
        Node x = root;
        for (int h = height; h > 0; h--) {
            Inner in = (Inner) x;
            int i = in.childFor(score, member);
            path[h] = in;
            idx[h] = i;
            x = in.kids[i];
        }
        return (Leaf) x;
    }

    /** Adds delta to the counts along the recorded path. */
    private void addToPath(int delta) {
        for (int h = 1; h <= height; h++) path[h].counts[idx[h]] += delta;
    }

    /**
     * The first pair of the node at height h-1 on the path changed: copies it into the separator
     * above, and further up while the node is its parent's first child.
     */
    private void firstChanged(int h, double score, byte[] member) {
        for (; h <= height; h++) {
            Inner p = path[h];
            int i = idx[h];
            p.scores[i] = score;
            p.members[i] = member;
            if (i != 0) return;
        }
    }

    // ---------------------------------------------------------------- insertion

    /** Inserts (score, member), which must not be present and must not be NaN. */
    void insert(double score, byte[] member) {
        Leaf leaf = descend(score, member);
        int pos = leaf.lowerBound(score, member);
        addToPath(1);
        size++;
        insertInLeaf(leaf, pos, score, member);
    }

    /** Puts (score, member) at slot pos of the path's leaf, splitting up the path as needed. */
    private void insertInLeaf(Leaf leaf, int pos, double score, byte[] member) {
        if (leaf.n < leafCap) {
            shiftRight(leaf, pos);
            leaf.scores[pos] = score;
            leaf.members[pos] = member;
            leaf.n++;
            if (pos == 0) firstChanged(1, score, member);
            return;
        }
        // Full: the left part keeps `keep` of the leafCap + 1 pairs, a new right leaf the rest.
        int keep = (leafCap + 1) / 2;
        if (leaf.next == null && pos == leafCap) keep = leafCap + 1 - leafMin;  // appending in order
        else if (leaf.prev == null && pos == 0) keep = leafMin;                // prepending in order
        Leaf right = new Leaf(leafCap);
        splitKeys(leaf, right, keep, pos, score, member);
        right.next = leaf.next;
        right.prev = leaf;
        if (leaf.next != null) leaf.next.prev = right; else tail = right;
        leaf.next = right;
        if (pos == 0) firstChanged(1, score, member);
        addChild(1, leaf, right);
    }

    /**
     * Splits the full node a (its n keys plus one new key at pos make n + 1) into a, which keeps
     * the first `keep`, and the empty node b, which takes the rest. Keys only; children and
     * counts are moved by the caller for inner nodes, with the same arithmetic.
     */
    private static void splitKeys(Node a, Node b, int keep, int pos, double score, byte[] member) {
        int n = a.n;
        if (pos < keep) {
            int moved = n - (keep - 1);
            System.arraycopy(a.scores, keep - 1, b.scores, 0, moved);
            System.arraycopy(a.members, keep - 1, b.members, 0, moved);
            Arrays.fill(a.members, keep - 1, n, null);
            a.n = keep - 1;
            b.n = moved;
            shiftRight(a, pos);
            a.scores[pos] = score;
            a.members[pos] = member;
            a.n++;
        } else {
            int before = pos - keep, after = n - pos;
            System.arraycopy(a.scores, keep, b.scores, 0, before);
            System.arraycopy(a.members, keep, b.members, 0, before);
            b.scores[before] = score;
            b.members[before] = member;
            System.arraycopy(a.scores, pos, b.scores, before + 1, after);
            System.arraycopy(a.members, pos, b.members, before + 1, after);
            Arrays.fill(a.members, keep, n, null);
            a.n = keep;
            b.n = before + 1 + after;
        }
    }

    /** Opens slot pos of a node's key arrays (n < capacity); n is not changed. */
    private static void shiftRight(Node x, int pos) {
        int tailLen = x.n - pos;
        if (tailLen > 0) {
            System.arraycopy(x.scores, pos, x.scores, pos + 1, tailLen);
            System.arraycopy(x.members, pos, x.members, pos + 1, tailLen);
        }
    }

    /**
     * The node at height h-1 on the path split into left (still at idx[h]) and right: fixes
     * left's count and inserts right after it in path[h], splitting upwards as needed.
     */
    private void addChild(int h, Node left, Node right) {
        while (true) {
            if (h > height) { // the root split: a new root above both halves
                Inner r = new Inner(innerCap);
                r.scores[0] = left.scores[0];
                r.members[0] = left.members[0];
                r.kids[0] = left;
                r.counts[0] = count(left);
                r.scores[1] = right.scores[0];
                r.members[1] = right.members[0];
                r.kids[1] = right;
                r.counts[1] = count(right);
                r.n = 2;
                root = r;
                height++;
                ensurePath();
                return;
            }
            Inner p = path[h];
            int i = idx[h];
            int rightCount = count(right);
            p.counts[i] -= rightCount; // p's count for the old node included everything now in right
            int pos = i + 1;
            if (p.n < innerCap) {
                insertChildAt(p, pos, right, rightCount);
                return;
            }
            int keep = (innerCap + 1) / 2;
            Inner q = new Inner(innerCap);
            // Children and counts move exactly as the keys do.
            int n = p.n;
            if (pos < keep) {
                int moved = n - (keep - 1);
                System.arraycopy(p.kids, keep - 1, q.kids, 0, moved);
                System.arraycopy(p.counts, keep - 1, q.counts, 0, moved);
                Arrays.fill(p.kids, keep - 1, n, null);
            } else {
                int before = pos - keep, after = n - pos;
                System.arraycopy(p.kids, keep, q.kids, 0, before);
                System.arraycopy(p.counts, keep, q.counts, 0, before);
                System.arraycopy(p.kids, pos, q.kids, before + 1, after);
                System.arraycopy(p.counts, pos, q.counts, before + 1, after);
                Arrays.fill(p.kids, keep, n, null);
            }
            splitKeys(p, q, keep, pos, right.scores[0], right.members[0]);
            if (pos < keep) {
                System.arraycopy(p.kids, pos, p.kids, pos + 1, keep - 1 - pos);
                System.arraycopy(p.counts, pos, p.counts, pos + 1, keep - 1 - pos);
                p.kids[pos] = right;
                p.counts[pos] = rightCount;
            } else {
                q.kids[pos - keep] = right;
                q.counts[pos - keep] = rightCount;
            }
            left = p;
            right = q;
            h++;
        }
    }

    /** Inserts child x (first key from x, count c) at slot pos of p, which has room. */
    private static void insertChildAt(Inner p, int pos, Node x, int c) {
        int tailLen = p.n - pos;
        if (tailLen > 0) {
            System.arraycopy(p.kids, pos, p.kids, pos + 1, tailLen);
            System.arraycopy(p.counts, pos, p.counts, pos + 1, tailLen);
        }
        shiftRight(p, pos);
        p.kids[pos] = x;
        p.counts[pos] = c;
        p.scores[pos] = x.scores[0];
        p.members[pos] = x.members[0];
        p.n++;
    }

    // ---------------------------------------------------------------- deletion

    /** Removes (score, member); false when absent. */
    boolean delete(double score, byte[] member) {
        Leaf leaf = descend(score, member);
        int pos = leaf.lowerBound(score, member);
        if (pos >= leaf.n || leaf.scores[pos] != score || !Arrays.equals(leaf.members[pos], member)) return false;
        removeFromLeaf(leaf, pos, 1);
        return true;
    }

    /** Removes k pairs from slot pos of the path's leaf, then restores counts, separators and fill. */
    private void removeFromLeaf(Leaf leaf, int pos, int k) {
        int n = leaf.n;
        System.arraycopy(leaf.scores, pos + k, leaf.scores, pos, n - pos - k);
        System.arraycopy(leaf.members, pos + k, leaf.members, pos, n - pos - k);
        Arrays.fill(leaf.members, n - k, n, null);
        leaf.n = n - k;
        size -= k;
        addToPath(-k);
        if (pos == 0 && leaf.n > 0) firstChanged(1, leaf.scores[0], leaf.members[0]);
        rebalance();
    }

    private boolean underfull(Node x, int h) {
        return x.n < (h == 0 ? leafMin : innerMin);
    }

    /**
     * Restores the minimum fill up the recorded path after its leaf lost pairs: an underfull
     * node merges with a sibling when both fit in one node, else takes keys from it until both
     * hold half; a parent that lost a child is checked next. Ends by collapsing a root with one
     * child.
     */
    private void rebalance() {
        for (int h = 1; h <= height; h++) {
            Inner p = path[h];
            int i = idx[h];
            if (!underfull(p.kids[i], h - 1)) break;
            // The pair (a, a + 1): the left sibling when there is one, else the right.
            int a = i > 0 ? i - 1 : 0;
            Node l = p.kids[a], r = p.kids[a + 1];
            int cap = h == 1 ? leafCap : innerCap;
            if (l.n + r.n <= cap) {
                merge(p, a, l, r);
                refreshKey(h, a);
            } else {
                redistribute(p, a, l, r);
                refreshKey(h, a);
                refreshKey(h, a + 1);
                break; // p keeps its children
            }
        }
        while (height > 0 && root.n == 1) {
            Node only = ((Inner) root).kids[0];
            path[height] = null;
            root = only;
            height--;
        }
    }

    /** Sets key i of path[h] to its child's first pair, and the keys above while that is a first child. */
    private void refreshKey(int h, int i) {
        Inner p = path[h];
        Node x = p.kids[i];
        p.scores[i] = x.scores[0];
        p.members[i] = x.members[0];
        if (i == 0) firstChanged(h + 1, x.scores[0], x.members[0]);
    }

    /** Appends r's keys (and children) to l and removes r, child a + 1 of p. */
    private void merge(Inner p, int a, Node l, Node r) {
        int ln = l.n, rn = r.n;
        System.arraycopy(r.scores, 0, l.scores, ln, rn);
        System.arraycopy(r.members, 0, l.members, ln, rn);
        if (l instanceof Inner li) {
            Inner ri = (Inner) r;
            System.arraycopy(ri.kids, 0, li.kids, ln, rn);
            System.arraycopy(ri.counts, 0, li.counts, ln, rn);
        } else {
            Leaf ll = (Leaf) l, rl = (Leaf) r;
            ll.next = rl.next;
            if (rl.next != null) rl.next.prev = ll; else tail = ll;
        }
        l.n = ln + rn;
        p.counts[a] += p.counts[a + 1];
        removeChildAt(p, a + 1);
    }

    private static void removeChildAt(Inner p, int i) {
        int tailLen = p.n - i - 1;
        System.arraycopy(p.scores, i + 1, p.scores, i, tailLen);
        System.arraycopy(p.members, i + 1, p.members, i, tailLen);
        System.arraycopy(p.kids, i + 1, p.kids, i, tailLen);
        System.arraycopy(p.counts, i + 1, p.counts, i, tailLen);
        p.n--;
        p.members[p.n] = null;
        p.kids[p.n] = null;
    }

    /** Moves keys between siblings l and r (children a, a + 1 of p) until they hold half each. */
    private static void redistribute(Inner p, int a, Node l, Node r) {
        int ln = l.n, rn = r.n;
        int target = (ln + rn) / 2;
        boolean inner = l instanceof Inner;
        int movedCount;
        if (ln > target) { // l's tail to the front of r
            int k = ln - target;
            System.arraycopy(r.scores, 0, r.scores, k, rn);
            System.arraycopy(r.members, 0, r.members, k, rn);
            System.arraycopy(l.scores, target, r.scores, 0, k);
            System.arraycopy(l.members, target, r.members, 0, k);
            Arrays.fill(l.members, target, ln, null);
            if (inner) {
                Inner li = (Inner) l, ri = (Inner) r;
                System.arraycopy(ri.kids, 0, ri.kids, k, rn);
                System.arraycopy(ri.counts, 0, ri.counts, k, rn);
                System.arraycopy(li.kids, target, ri.kids, 0, k);
                System.arraycopy(li.counts, target, ri.counts, 0, k);
                Arrays.fill(li.kids, target, ln, null);
                movedCount = 0;
                for (int j = 0; j < k; j++) movedCount += ri.counts[j];
            } else {
                movedCount = k;
            }
            l.n = target;
            r.n = rn + k;
            p.counts[a] -= movedCount;
            p.counts[a + 1] += movedCount;
        } else { // r's head to the end of l
            int k = target - ln;
            System.arraycopy(r.scores, 0, l.scores, ln, k);
            System.arraycopy(r.members, 0, l.members, ln, k);
            System.arraycopy(r.scores, k, r.scores, 0, rn - k);
            System.arraycopy(r.members, k, r.members, 0, rn - k);
            Arrays.fill(r.members, rn - k, rn, null);
            if (inner) {
                Inner li = (Inner) l, ri = (Inner) r;
                System.arraycopy(ri.kids, 0, li.kids, ln, k);
                System.arraycopy(ri.counts, 0, li.counts, ln, k);
                movedCount = 0;
                for (int j = 0; j < k; j++) movedCount += ri.counts[j];
                System.arraycopy(ri.kids, k, ri.kids, 0, rn - k);
                System.arraycopy(ri.counts, k, ri.counts, 0, rn - k);
                Arrays.fill(ri.kids, rn - k, rn, null);
            } else {
                movedCount = k;
            }
            l.n = target;
            r.n = rn - k;
            p.counts[a] += movedCount;
            p.counts[a + 1] -= movedCount;
        }
    }

    /**
     * Removes the pairs of 1-based ranks start..end (clamped by the caller) and their entries
     * in dict (when not null); returns how many. The pairs to go in one leaf leave with one array
     * move and one fix-up of the path; the next descent finds the following ones at the same
     * rank. That is one descent per leaf touched, O(log N + M) for M pairs: a descent costs
     * about as much as emptying the 45 pairs of an average leaf.
     */
    int deleteRange(int start, int end, ScoreMap dict) {
        int remaining = end - start + 1, removed = 0;
        while (remaining > 0) {
            Node x = root;
            int off = start - 1;
            for (int h = height; h > 0; h--) {
                Inner in = (Inner) x;
                int i = 0;
                while (off >= in.counts[i]) off -= in.counts[i++];
                path[h] = in;
                idx[h] = i;
                x = in.kids[i];
            }
            Leaf leaf = (Leaf) x;
            int k = Math.min(leaf.n - off, remaining);
            if (dict != null) for (int j = off; j < off + k; j++) dict.remove(leaf.members[j]);
            removeFromLeaf(leaf, off, k);
            remaining -= k;
            removed += k;
        }
        return removed;
    }

    // ---------------------------------------------------------------- score change

    /**
     * Changes the score of (oldScore, member), which must be present, to newScore. When the pair
     * stays between its leaf's neighbours (the previous leaf's last pair and the next leaf's
     * first) it moves within the leaf, counts untouched; otherwise it is deleted and inserted.
     */
    void updateScore(double oldScore, byte[] member, double newScore) {
        Leaf leaf = descend(oldScore, member);
        int pos = leaf.lowerBound(oldScore, member);
        if (pos >= leaf.n || leaf.scores[pos] != oldScore || !Arrays.equals(leaf.members[pos], member)) {
            throw new IllegalStateException("pair not in this tree");
        }
        byte[] stored = leaf.members[pos];
        Leaf prev = leaf.prev, next = leaf.next;
        boolean afterPrev = prev == null || less(prev.scores[prev.n - 1], prev.members[prev.n - 1], newScore, stored);
        boolean beforeNext = next == null || less(newScore, stored, next.scores[0], next.members[0]);
        if (afterPrev && beforeNext) {
            // Find the new slot among the other n-1 pairs; then shift the ones between.
            int q = lowerBoundExcept(leaf, pos, newScore, stored);
            if (q > pos) {
                System.arraycopy(leaf.scores, pos + 1, leaf.scores, pos, q - pos);
                System.arraycopy(leaf.members, pos + 1, leaf.members, pos, q - pos);
            } else if (q < pos) {
                System.arraycopy(leaf.scores, q, leaf.scores, q + 1, pos - q);
                System.arraycopy(leaf.members, q, leaf.members, q + 1, pos - q);
            }
            leaf.scores[q] = newScore;
            leaf.members[q] = stored;
            if (pos == 0 || q == 0) firstChanged(1, leaf.scores[0], leaf.members[0]);
            return;
        }
        removeFromLeaf(leaf, pos, 1);
        insert(newScore, stored);
    }

    /** The slot of (score, member) among the leaf's pairs other than the one at skip, as if removed. */
    private static int lowerBoundExcept(Leaf leaf, int skip, double score, byte[] member) {
        int lo = 0, hi = leaf.n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int j = mid < skip ? mid : mid + 1;
            if (less(leaf.scores[j], leaf.members[j], score, member)) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static boolean less(double s1, byte[] m1, double s2, byte[] m2) {
        return s1 < s2 || (s1 == s2 && Arrays.compareUnsigned(m1, m2) < 0);
    }

    // ---------------------------------------------------------------- iteration

    /** A position on one pair; moves to the next or previous pair in O(1). */
    static final class Cursor {
        private Leaf leaf;
        private int slot;

        private Cursor(Leaf leaf, int slot) {
            this.leaf = leaf;
            this.slot = slot;
        }

        double score() { return leaf.scores[slot]; }
        byte[] member() { return leaf.members[slot]; }

        /** Moves to the next pair; false (and the cursor is spent) past the last. */
        boolean next() {
            if (++slot < leaf.n) return true;
            leaf = leaf.next;
            slot = 0;
            return leaf != null;
        }

        /** Moves to the previous pair; false (and the cursor is spent) before the first. */
        boolean previous() {
            if (--slot >= 0) return true;
            leaf = leaf.prev;
            if (leaf == null) return false;
            slot = leaf.n - 1;
            return true;
        }
    }

    /**
     * Visits count pairs from 1-based rank r, ascending, or descending from r when reverse;
     * the range must lie within 1..size. Walks the leaves' arrays directly.
     */
    void forEach(int r, int count, boolean reverse, SortedSet.Visitor v) {
        if (count <= 0) return;
        Leaf leaf = locate(r);
        int slot = locatedSlot;
        if (!reverse) {
            while (true) {
                int end = Math.min(leaf.n, slot + count);
                for (int j = slot; j < end; j++) v.accept(leaf.members[j], leaf.scores[j]);
                count -= end - slot;
                if (count == 0) return;
                leaf = leaf.next;
                slot = 0;
            }
        }
        while (true) {
            int end = Math.max(-1, slot - count);
            for (int j = slot; j > end; j--) v.accept(leaf.members[j], leaf.scores[j]);
            count -= slot - end;
            if (count == 0) return;
            leaf = leaf.prev;
            slot = leaf.n - 1;
        }
    }

    // ---------------------------------------------------------------- bulk building

    /**
     * Builds a tree from pairs already in order (a listpack's arrays, another tree's
     * iteration), filling every node: O(N), no descents. Pairs must be distinct and sorted.
     */
    static final class Builder {
        private final ScoreTree t;
        private Node[] level = new Node[16];
        private int nodes;
        private Leaf cur;

        Builder(int leafCapacity, int innerCapacity) {
            t = new ScoreTree(leafCapacity, innerCapacity);
            cur = t.head;
            level[nodes++] = cur;
        }

        Builder() { this(DEFAULT_CAPACITY, DEFAULT_CAPACITY); }

        void add(double score, byte[] member) {
            if (cur.n == t.leafCap) {
                Leaf l = new Leaf(t.leafCap);
                l.prev = cur;
                cur.next = l;
                cur = l;
                if (nodes == level.length) level = Arrays.copyOf(level, nodes * 2);
                level[nodes++] = l;
            }
            cur.scores[cur.n] = score;
            cur.members[cur.n] = member;
            cur.n++;
            t.size++;
        }

        ScoreTree build() {
            ScoreTree tr = t;
            tr.tail = cur;
            int h = 0;
            Node[] lv = level;
            int count = nodes;
            evenLast(lv, count, tr.leafMin);
            while (count > 1) {
                int parents = (count + tr.innerCap - 1) / tr.innerCap;
                Node[] up = new Node[parents];
                for (int k = 0; k < parents; k++) up[k] = new Inner(tr.innerCap);
                for (int j = 0; j < count; j++) {
                    Inner p = (Inner) up[j / tr.innerCap];
                    Node x = lv[j];
                    p.kids[p.n] = x;
                    p.counts[p.n] = count(x);
                    p.scores[p.n] = x.scores[0];
                    p.members[p.n] = x.members[0];
                    p.n++;
                }
                evenLast(up, parents, tr.innerMin);
                lv = up;
                count = parents;
                h++;
            }
            tr.root = lv[0];
            tr.height = h;
            tr.ensurePath();
            return tr;
        }

        /** Moves keys from the second-to-last node into an underfull last one. */
        private static void evenLast(Node[] lv, int count, int min) {
            if (count < 2 || lv[count - 1].n >= min) return;
            Node l = lv[count - 2], r = lv[count - 1];
            // A throwaway parent keeps redistribute's count bookkeeping happy.
            Inner p = new Inner(2);
            p.n = 2;
            redistribute(p, 0, l, r);
        }
    }

    // ---------------------------------------------------------------- checks (tests)

    /**
     * Verifies every invariant and throws IllegalStateException naming the first one broken:
     * order, separators identical to each child's first pair, counts, equal leaf depth, min fill,
     * leaf links both ways, head, tail and size. O(N); for tests.
     */
    void check() {
        if (height == 0 && !(root instanceof Leaf)) throw new IllegalStateException("height 0 but inner root");
        if (height > 0 && root.n < 2) throw new IllegalStateException("inner root with " + root.n + " child");
        Leaf[] prevLeaf = {null};
        int total = checkNode(root, height, true, prevLeaf);
        if (total != size) throw new IllegalStateException("size " + size + " but " + total + " pairs");
        if (prevLeaf[0] != tail) throw new IllegalStateException("tail is not the last leaf");
        if (tail.next != null) throw new IllegalStateException("tail has a next leaf");
        if (head.prev != null) throw new IllegalStateException("head has a previous leaf");
        for (int i = 1; i < root.n; i++) {
            if (!less(root.scores[i - 1], root.members[i - 1], root.scores[i], root.members[i])) {
                throw new IllegalStateException("root keys out of order at " + i);
            }
        }
    }

    private int checkNode(Node x, int h, boolean isRoot, Leaf[] prevLeaf) {
        int cap = h == 0 ? leafCap : innerCap;
        if (x.n > cap) throw new IllegalStateException("node over capacity");
        if (!isRoot && underfull(x, h)) throw new IllegalStateException("underfull node at height " + h + ": " + x.n);
        for (int i = 1; i < x.n; i++) {
            if (!less(x.scores[i - 1], x.members[i - 1], x.scores[i], x.members[i])) {
                throw new IllegalStateException("keys out of order at height " + h);
            }
        }
        for (int i = x.n; i < x.members.length; i++) {
            if (x.members[i] != null) throw new IllegalStateException("stale member reference past n");
        }
        if (h == 0) {
            if (!(x instanceof Leaf l)) throw new IllegalStateException("inner node at leaf depth");
            if (l.prev != prevLeaf[0]) throw new IllegalStateException("broken prev link");
            if (prevLeaf[0] == null ? head != l : prevLeaf[0].next != l) throw new IllegalStateException("broken next link");
            if (prevLeaf[0] != null && prevLeaf[0].n > 0 && l.n > 0) {
                Leaf p = prevLeaf[0];
                if (!less(p.scores[p.n - 1], p.members[p.n - 1], l.scores[0], l.members[0])) {
                    throw new IllegalStateException("leaves out of order");
                }
            }
            prevLeaf[0] = l;
            return l.n;
        }
        if (!(x instanceof Inner in)) throw new IllegalStateException("leaf above leaf depth");
        for (int i = in.n; i < in.kids.length; i++) {
            if (in.kids[i] != null) throw new IllegalStateException("stale child reference past n");
        }
        int total = 0;
        for (int i = 0; i < in.n; i++) {
            Node c = in.kids[i];
            if (c.n == 0) throw new IllegalStateException("empty child");
            if (in.scores[i] != c.scores[0] || Double.doubleToRawLongBits(in.scores[i]) != Double.doubleToRawLongBits(c.scores[0])
                    || in.members[i] != c.members[0]) {
                throw new IllegalStateException("separator " + i + " at height " + h + " is not its child's first pair");
            }
            int ct = checkNode(c, h - 1, false, prevLeaf);
            if (ct != in.counts[i]) throw new IllegalStateException("count " + in.counts[i] + " but " + ct + " pairs");
            total += ct;
        }
        return total;
    }

    int height() { return height; }

    int leafCount() {
        int n = 0;
        for (Leaf l = head; l != null; l = l.next) n++;
        return n;
    }
}
