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
 *   <li><b>Memory.</b> Level 0 lives in fields of the node (member, score, backward, next: 40
 *       bytes with compressed oops); only the quarter of nodes with more levels carry the two
 *       arrays {@code upNext}/{@code upSpan} for levels 1 and up. Redis instead gives every node a
 *       flexible array of (forward, span) pairs.</li>
 *   <li><b>Limits.</b> Spans and ranks are ints: a sorted set holds at most 2^31-1 members,
 *       about 250 GB of heap at 120 bytes per member.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by one {@link SortedSet}, used under its shard's lock. The scratch
 * arrays for the search path are fields, so operations allocate nothing beyond new nodes.
 */
public final class SkipList {
    static final int MAX_LEVEL = 32;

    /** One element; its own level-0 links plus, for level > 1, arrays of the upper levels. */
    public static final class Node {
        final byte[] member;
        double score;
        Node backward;
        Node next;            // level 0
        Node[] upNext;        // levels 1..level-1, or null for a level-1 node
        int[] upSpan;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            if (level > 1) {
                upNext = new Node[level - 1];
                upSpan = new int[level - 1];
            }
        }

        public byte[] member() { return member; }
        public double score() { return score; }
        /** The next node in score order, or null. */
        public Node next() { return next; }
        /** The previous node in score order, or null. */
        public Node previous() { return backward; }

        int level() { return upNext == null ? 1 : upNext.length + 1; }
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

    private static Node next(Node x, int i) { return i == 0 ? x.next : x.upNext[i - 1]; }
    private static int span(Node x, int i) { return i == 0 ? 1 : x.upSpan[i - 1]; }

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
        int lvl = x.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.upSpan[i - 1] = length;
            }
            level = lvl;
        }
        x.next = update[0].next;
        update[0].next = x;
        for (int i = 1; i < lvl; i++) {
            Node u = update[i];
            x.upNext[i - 1] = u.upNext[i - 1];
            u.upNext[i - 1] = x;
            // u's old span is split in two around x.
            x.upSpan[i - 1] = u.upSpan[i - 1] - (rank[0] - rank[i]);
            u.upSpan[i - 1] = rank[0] - rank[i] + 1;
        }
        // Links above x's level now jump over one more node.
        for (int i = lvl; i < level; i++) update[i].upSpan[i - 1]++;
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
            if (u.upNext[i - 1] == x) {
                u.upSpan[i - 1] += x.upSpan[i - 1] - 1;
                u.upNext[i - 1] = x.upNext[i - 1];
            } else {
                u.upSpan[i - 1]--;
            }
        }
        if (x.next != null) x.next.backward = x.backward; else tail = x.backward;
        while (level > 1 && header.upNext[level - 2] == null) level--;
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
     * still bracket the new score) only the score changes, as in Redis's zslUpdateScore;
     * otherwise the same node is unlinked and linked again, so the member index still points at it.
     */
    public void updateScore(Node x, double newScore) {
        Node found = findPath(x.score, x.member);
        if (found != x) throw new IllegalStateException("node not in this list");
        if ((x.backward == null || x.backward.score < newScore) && (x.next == null || x.next.score > newScore)) {
            x.score = newScore;
            return;
        }
        unlink(x);
        x.score = newScore;
        insertNode(x);
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
