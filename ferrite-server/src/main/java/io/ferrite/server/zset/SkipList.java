package io.ferrite.server.zset;

import io.ferrite.server.collection.BytesMap;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ordered half of a big sorted set: a skip list with spans (W. Pugh, "Skip Lists: A
 * Probabilistic Alternative to Balanced Trees", 1990, with the rank extension of Redis's
 * t_zset.c, 7.2.6). Elements are ordered by score, then by member bytes (unsigned memcmp), so
 * equal scores come out in member order and every (score, member) pair has one place.
 *
 * <pre>
 *  level 2  HEAD ---------------------4--------------------> C ------------------1--> null
 *  level 1  HEAD ---------2---------> A' -------2----------> C ------1-----> D ------> null
 *  level 0  HEAD --1--> Z --1--> A --1--> B --1--> C --1--> D --1--> E
 *                 null <-- Z <----- A <----- B <----- C <----- D <----- E   (backward, level 0)
 * </pre>
 *
 * <ul>
 *   <li><b>Levels.</b> A node gets level k with probability (1/4)^(k-1), at most 32 levels, so a
 *       search visits O(log N) nodes on average. Level 0 links every node in order; the backward
 *       pointer makes the level-0 list doubly linked (ZREVRANGE, ZPOPMAX from the tail).</li>
 *   <li><b>Spans.</b> Each forward link at level i carries how many level-0 steps it jumps. The
 *       rank of a node is the sum of the spans crossed on the way down to it, so ZRANK, ZRANGE
 *       by index and ZREMRANGEBYRANK are O(log N), not O(N). A level-0 link always jumps exactly
 *       one node, so its span is implicit and not stored.</li>
 *   <li><b>Memory and cache misses.</b> Levels 0 and 1 live in fields of the node (member,
 *       score, backward, next, next1, span1, level: 48 bytes with compressed oops); only the one
 *       node in sixteen that reaches level 3 carries the two arrays {@code upNext}/{@code upSpan}
 *       for levels 2 and up. Most steps of a search are at levels 0 and 1 (or reach nodes that
 *       have only those), so they touch one object, not a node and two arrays. Redis instead
 *       gives every node a flexible array of (forward, span) pairs in the same allocation.</li>
 *   <li><b>Limits.</b> Spans and ranks are ints: a sorted set holds at most 2^31-1 members,
 *       about 250 GB of heap at 120 bytes per member.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by one {@link SortedSet}, used under its shard's lock. The scratch
 * arrays for the search path are fields, so operations allocate nothing beyond new nodes.
 */
public final class SkipList {
    static final int MAX_LEVEL = 32;

    /**
     * One element: levels 0 and 1 in fields (a level-1 node leaves next1 null), levels 2 and up
     * in two arrays that only the one node in sixteen that reaches level 3 carries.
     */
    public static final class Node {
        final byte[] member;
        double score;
        Node backward;
        Node next;            // level 0 (span 1)
        Node next1;           // level 1
        int span1;            // -1 marks a level-1 node (spans are never negative)
        Node[] upNext;        // levels 2..level-1, or null below level 3
        int[] upSpan;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            if (level == 1) span1 = -1;
            if (level > 2) {
                upNext = new Node[level - 2];
                upSpan = new int[level - 2];
            }
        }

        public byte[] member() { return member; }
        public double score() { return score; }
        /** The next node in score order, or null. */
        public Node next() { return next; }
        /** The previous node in score order, or null. */
        public Node previous() { return backward; }

        int level() { return upNext != null ? upNext.length + 2 : span1 < 0 ? 1 : 2; }
    }

    private final Node header = new Node(null, 0, MAX_LEVEL);
    private Node tail;
    private int length;
    private int level = 1;

    // Search path scratch (Redis's update[] and rank[] on the stack): reused, never escapes.
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rank = new int[MAX_LEVEL];

    public int length() { return length; }
    public Node first() { return header.next; }
    public Node last() { return tail; }

    private static Node next(Node x, int i) {
        return i == 0 ? x.next : i == 1 ? x.next1 : x.upNext[i - 2];
    }

    private static int span(Node x, int i) {
        return i == 0 ? 1 : i == 1 ? x.span1 : x.upSpan[i - 2];
    }

    private static void setNext(Node x, int i, Node n) {
        if (i == 0) x.next = n;
        else if (i == 1) x.next1 = n;
        else x.upNext[i - 2] = n;
    }

    /** Sets the span at level i ≥ 1 (level 0 always jumps one node). */
    private static void setSpan(Node x, int i, int span) {
        if (i == 1) x.span1 = span; else x.upSpan[i - 2] = span;
    }

    /** True when node x sorts before (score, member). */
    private static boolean before(Node x, double score, byte[] member) {
        return x.score < score || (x.score == score && Arrays.compareUnsigned(x.member, member) < 0);
    }

    /** A random level: 1 + (number of trailing zero pairs of a random int), p = 1/4 per level. */
    static int randomLevel() {
        int r = ThreadLocalRandom.current().nextInt();
        int lvl = 1 + Integer.numberOfTrailingZeros(r) / 2;
        return Math.min(lvl, MAX_LEVEL);
    }

    /** A node not yet in any list (for building a result before sorting it in). */
    static Node newNode(double score, byte[] member) {
        return new Node(member, score, randomLevel());
    }

    /** Inserts (score, member), which must not be present; returns its node. */
    public Node insert(double score, byte[] member) {
        Node x = newNode(score, member);
        insertNode(x);
        return x;
    }

    /** Links a detached node at the place of its (score, member). */
    void insertNode(Node x) {
        double score = x.score;
        byte[] member = x.member;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            Node f;
            while ((f = next(p, i)) != null && before(f, score, member)) {
                rank[i] += span(p, i);
                p = f;
            }
            update[i] = p;
        }
        link(x);
    }

    /** Links x after update[i] at each of its levels; rank[i] is the rank of update[i]. */
    private void link(Node x) {
        int lvl = x.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                setSpan(header, i, length);
            }
            level = lvl;
        }
        x.next = update[0].next;
        update[0].next = x;
        for (int i = 1; i < lvl; i++) {
            Node u = update[i];
            setNext(x, i, next(u, i));
            setNext(u, i, x);
            // u's old span is split in two around x.
            setSpan(x, i, span(u, i) - (rank[0] - rank[i]));
            setSpan(u, i, rank[0] - rank[i] + 1);
        }
        // Links above x's level now jump over one more node.
        for (int i = lvl; i < level; i++) setSpan(update[i], i, span(update[i], i) + 1);
        x.backward = update[0] == header ? null : update[0];
        if (x.next != null) x.next.backward = x; else tail = x;
        length++;
    }

    /** Fills update[] with the predecessors of (score, member) at every level; returns the candidate. */
    private Node findPath(double score, byte[] member) {
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && before(f, score, member)) p = f;
            update[i] = p;
        }
        return p.next;
    }

    /** Unlinks x, whose predecessors are in update[]. */
    private void unlink(Node x) {
        update[0].next = x.next;
        for (int i = 1; i < level; i++) {
            Node u = update[i];
            if (next(u, i) == x) {
                setSpan(u, i, span(u, i) + span(x, i) - 1);
                setNext(u, i, next(x, i));
            } else {
                setSpan(u, i, span(u, i) - 1);
            }
        }
        if (x.next != null) x.next.backward = x.backward; else tail = x.backward;
        while (level > 1 && next(header, level - 1) == null) level--;
        length--;
    }

    /** Removes (score, member); returns its node, or null when absent. */
    public Node delete(double score, byte[] member) {
        Node x = findPath(score, member);
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x);
            return x;
        }
        return null;
    }

    /**
     * Changes the score of a node in the list. When the node keeps its place (its neighbours
     * still bracket the new score) only the score changes, found from the node's own links
     * without a search (Redis searches first); otherwise the same node is unlinked and linked
     * again, so the member index still points at it. The second search starts from the old
     * search path (a finger search), so a small move, the common ZINCRBY, costs one descent plus
     * a few steps instead of two descents.
     */
    public void updateScore(Node x, double newScore) {
        if ((x.backward == null || x.backward.score < newScore) && (x.next == null || x.next.score > newScore)) {
            x.score = newScore;
            return;
        }
        // The old path, with the rank of each predecessor.
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            Node f;
            while ((f = next(p, i)) != null && before(f, x.score, x.member)) {
                rank[i] += span(p, i);
                p = f;
            }
            update[i] = p;
        }
        if (p.next != x) throw new IllegalStateException("node not in this list");
        unlink(x); // nodes before x keep their ranks
        x.score = newScore;
        byte[] member = x.member;
        p = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node u = update[i];
            // Start from the old predecessor at this level when it still precedes the new place
            // and is further along than where the level above left us.
            if (u != header && rank[i] > r && before(u, newScore, member)) {
                p = u;
                r = rank[i];
            }
            Node f;
            while ((f = next(p, i)) != null && before(f, newScore, member)) {
                r += span(p, i);
                p = f;
            }
            update[i] = p;
            rank[i] = r;
        }
        link(x);
    }

    /** The 1-based rank of (score, member), or 0 when absent. */
    public int rank(double score, byte[] member) {
        Node p = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null
                    && (f.score < score || (f.score == score && Arrays.compareUnsigned(f.member, member) <= 0))) {
                r += span(p, i);
                p = f;
            }
            if (p != header && p.score == score && Arrays.equals(p.member, member)) return r;
        }
        return 0;
    }

    /** The node at a 1-based rank, or null when out of range. */
    public Node nodeAt(int r) {
        if (r < 1 || r > length) return null;
        if (r == length) return tail;
        Node p = header;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && traversed + span(p, i) <= r) {
                traversed += span(p, i);
                p = f;
            }
            if (traversed == r) return p;
        }
        return null;
    }

    /** How many nodes have a score below the range's lower bound (a prefix of the list). */
    int countBelow(ScoreRange range) {
        Node p = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && !range.gteMin(f.score)) {
                r += span(p, i);
                p = f;
            }
        }
        return r;
    }

    /** How many nodes have a score not above the range's upper bound. */
    int countUpTo(ScoreRange range) {
        Node p = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && range.lteMax(f.score)) {
                r += span(p, i);
                p = f;
            }
        }
        return r;
    }

    int countBelow(LexRange range) {
        Node p = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && !range.gteMin(f.member)) {
                r += span(p, i);
                p = f;
            }
        }
        return r;
    }

    int countUpTo(LexRange range) {
        Node p = header;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && range.lteMax(f.member)) {
                r += span(p, i);
                p = f;
            }
        }
        return r;
    }

    /**
     * Removes the nodes of 1-based ranks start..end (clamped by the caller) and their entries
     * in dict; returns how many. O(log N + M).
     */
    int deleteRange(int start, int end, BytesMap<Node> dict) {
        Node p = header;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = next(p, i)) != null && traversed + span(p, i) < start) {
                traversed += span(p, i);
                p = f;
            }
            update[i] = p;
        }
        traversed++;
        Node x = p.next;
        int removed = 0;
        // update[] stays valid: the predecessors of the next node are those of the one removed.
        while (x != null && traversed <= end) {
            Node following = x.next;
            unlink(x);
            if (dict != null) dict.remove(x.member);
            removed++;
            traversed++;
            x = following;
        }
        return removed;
    }
}
