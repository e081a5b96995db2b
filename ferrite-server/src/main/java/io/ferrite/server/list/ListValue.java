package io.ferrite.server.list;

import io.ferrite.server.keyspace.Value;
import io.ferrite.server.protocol.Numbers;
import java.util.Arrays;
import java.util.List;

/**
 * A list value: a doubly linked list of nodes, each node a ring of element arrays. Owned by
 * one shard: read and write it only under that shard's lock. Push and pop at both ends are
 * O(1); access by index walks nodes from the nearer end (O(N / node size)); insert and remove
 * in the middle shift at most half a node.
 *
 * <pre>
 *   ListValue: head ──► Node ◄──► Node ◄──► ... ◄──► Node ◄── tail      size, nodeCount
 *                        │
 *                        ▼ ring (byte[][]), element i at ring[(first + i) % ring.length]
 *              ┌──────┬──────┬──────┬──────┬──────┐
 *              │ e[3] │ null │ e[0] │ e[1] │ e[2] │   first = 2, count = 4
 *              └──────┴──────┴──────┴──────┴──────┘
 * </pre>
 *
 * <p><b>Elements</b> are the {@code byte[]} the client sent (the decoder's argument array,
 * stored without a copy) and are never modified in place, so replies, COPY and LMOVE share
 * them. There is no per-element wrapper: an element costs its array (16-byte header plus its
 * bytes, rounded to 8) and one 4-byte reference in a ring.
 *
 * <p><b>Encodings</b> (OBJECT ENCODING) follow Redis 7.2 (t_list.c, quicklist.c, listpack.c of
 * 7.2.6), using {@code list-max-listpack-size} ("fill"): a negative fill -1..-5 limits a node to
 * 4/8/16/32/64 KiB of listpack bytes (below -5 counts as -5), a positive fill limits it to that
 * many elements and 8 KiB, and 0 counts as 1.
 * <ul>
 *   <li>"listpack": one node holding the whole list. Before elements are added, a list whose
 *       listpack size plus the added bytes (or count plus the added count) would exceed the
 *       limit becomes a quicklist (listTypeTryConvertListpack).</li>
 *   <li>"quicklist": one or more nodes, each within the limit of the fill in force when it
 *       converted, filled and split as Redis's quicklist does (a push starts a new node when the
 *       end node cannot take it; LINSERT into a full node splits it and merges neighbours), so
 *       node boundaries, and therefore the conversion back, match Redis. After elements are
 *       removed, a quicklist of a single node within half the limits becomes a listpack again
 *       (listTypeTryConvertQuicklist with shrinking); RESTORE converts with the full limits.</li>
 * </ul>
 * Each node keeps the byte size its listpack would have in Redis ({@link #entryBytes}: the
 * integer or string encoding plus the back-length), which is what the limits measure.
 *
 * <p><b>Where we differ from Redis.</b> Elements are separate arrays, not packed bytes in a
 * listpack, so a small element costs about 24 bytes more than in Redis (see ListBenchmark for
 * the measured bytes per element); list-compress-depth (LZF of inner nodes) and plain nodes
 * for elements of 1 GiB and more are not implemented (such elements just get a node of their
 * own). Emptied lists are deleted by the commands, as in Redis.
 */
public final class ListValue implements Value {
    /** lpBytes of an empty listpack: the 6-byte header and the end byte. */
    static final int LISTPACK_EMPTY = 7;
    /** quicklist.c SIZE_SAFETY_LIMIT: a node limited by count still stays within 8 KiB. */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** quicklist.c SIZE_ESTIMATE_OVERHEAD: what an insert is assumed to add besides the bytes. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    /** quicklist.c optimization_level: node byte limits for fill -1 .. -5. */
    private static final int[] SIZE_LEVELS = {4096, 8192, 16384, 32768, 65536};
    /** quicklist.c packed_threshold: elements this big never share a node. */
    private static final long LARGE_ELEMENT = 1L << 30;
    private static final long UINT_MAX = 0xffffffffL;

    private Node head, tail;
    private int nodeCount;
    private long size;
    private boolean quicklist;
    /** The node limit of a quicklist: list-max-listpack-size when it converted (quicklist->fill). */
    private int fill;

    /** A new, empty list in the listpack encoding. */
    public ListValue() {
        this(4);
    }

    /** A new, empty listpack with room for about expected elements (LPUSH of many at once). */
    public ListValue(int expected) {
        head = tail = new Node(Math.max(1, Math.min(expected, 1024)));
        nodeCount = 1;
    }

    private ListValue(boolean quicklist, int fill) {
        this.quicklist = quicklist;
        this.fill = fill;
    }

    @Override
    public String typeName() { return "list"; }

    @Override
    public String encoding() { return quicklist ? "quicklist" : "listpack"; }

    public long size() { return size; }

    public boolean isEmpty() { return size == 0; }

    /** Nodes in use (1 for a listpack), for tests. */
    int nodeCount() { return nodeCount; }

    @Override
    public ListValue copy() {
        ListValue c = new ListValue(quicklist, fill);
        for (Node n = head; n != null; n = n.next) {
            Node m = new Node(Math.max(n.count, 1));
            for (int i = 0; i < n.count; i++) m.ring[i] = n.get(i);
            m.count = n.count;
            m.lpBytes = n.lpBytes;
            c.linkLast(m);
        }
        c.size = size;
        return c;
    }

    // ---- limits and conversions (t_list.c listTypeTryConversion*, quicklist.c quicklistNodeLimit)

    static long sizeLimit(int fill) {
        if (fill >= 0) return Long.MAX_VALUE;
        long level = -(long) fill - 1;
        return SIZE_LEVELS[(int) Math.min(level, SIZE_LEVELS.length - 1)];
    }

    static long countLimit(int fill) {
        if (fill > 0) return fill;
        return fill == 0 ? 1 : UINT_MAX;
    }

    static boolean exceedsLimit(int fill, long bytes, long count) {
        if (fill < 0) return bytes > sizeLimit(fill);
        return bytes > SIZE_SAFETY_LIMIT || count > countLimit(fill);
    }

    /**
     * Call before adding {@code count} elements of {@code bytes} total length: a listpack that
     * would outgrow the limit becomes a quicklist first. Redis does not count elements it holds
     * as integers (LMOVE of an integer element), hence the bytes are the caller's.
     */
    public void beforeGrowing(int fill, long bytes, long count) {
        if (quicklist) return;
        if (exceedsLimit(fill, head.lpBytes + bytes, size + count)) {
            quicklist = true;
            this.fill = fill;
            // Redis keeps a non-empty listpack as the first quicklist node and drops an empty one.
            if (size == 0) {
                head = tail = null;
                nodeCount = 0;
            }
        }
    }

    /** Call after removing elements: a one-node quicklist within half the limits becomes a listpack. */
    public void afterShrinking(int fill) {
        tryListpack(fill, true);
    }

    /** After building a list (RESTORE): a one-node quicklist within the limits becomes a listpack. */
    void convertAuto(int fill) {
        tryListpack(fill, false);
    }

    private void tryListpack(int fill, boolean shrinking) {
        if (!quicklist || nodeCount != 1) return;
        long sizeLimit = sizeLimit(fill), countLimit = countLimit(fill);
        if (shrinking) {
            // Redis halves SIZE_MAX / UINT_MAX too: still no limit in practice.
            sizeLimit /= 2;
            countLimit /= 2;
        }
        if (head.lpBytes > sizeLimit || size > countLimit) return;
        quicklist = false;
    }

    /** Whether Redis's quicklist may add an element of len bytes to node n (_quicklistNodeAllowInsert). */
    private boolean allowInsert(Node n, int len) {
        if (n == null || len >= LARGE_ELEMENT || n.lpBytes >= LARGE_ELEMENT) return false;
        return !exceedsLimit(fill, (long) n.lpBytes + len + SIZE_ESTIMATE_OVERHEAD, n.count + 1L);
    }

    /** _quicklistNodeAllowMerge: the merged listpack loses one header and end byte. */
    private boolean allowMerge(Node a, Node b) {
        if (a == null || b == null || a.lpBytes >= LARGE_ELEMENT || b.lpBytes >= LARGE_ELEMENT) return false;
        return !exceedsLimit(fill, (long) a.lpBytes + b.lpBytes - LISTPACK_EMPTY, (long) a.count + b.count);
    }

    // ---- ends

    /** Adds v at the head (front) or tail; call {@link #beforeGrowing} first. */
    public void push(byte[] v, boolean front) {
        if (!quicklist) {
            if (front) head.addFirst(v); else head.addLast(v);
        } else if (front) {
            if (allowInsert(head, v.length)) {
                head.addFirst(v);
            } else {
                Node n = new Node(1);
                n.addLast(v);
                linkFirst(n);
            }
        } else {
            if (allowInsert(tail, v.length)) {
                tail.addLast(v);
            } else {
                Node n = new Node(1);
                n.addLast(v);
                linkLast(n);
            }
        }
        size++;
    }

    /** Removes and returns the head (front) or tail element; the list must not be empty. */
    public byte[] pop(boolean front) {
        Node n = front ? head : tail;
        byte[] v = front ? n.removeFirst() : n.removeLast();
        size--;
        if (n.count == 0 && quicklist) unlink(n);
        return v;
    }

    // ---- positions

    /** The element at index (0 ≤ index < size). */
    public byte[] get(long index) {
        Node n = nodeOf(index);
        return n.get(offsetIn);
    }

    /** Replaces the element at index (0 ≤ index < size); call {@link #beforeGrowing} first. */
    public void set(long index, byte[] v) {
        Node n = nodeOf(index);
        int slot = n.slot(offsetIn);
        n.lpBytes += entryBytes(v) - entryBytes(n.ring[slot]);
        n.ring[slot] = v;
    }

    // Offset of the index inside the node nodeOf returned. A field, not an allocation: the value
    // is only ever used by one thread at a time (its shard lock) and read right after the call.
    private int offsetIn;

    private Node nodeOf(long index) {
        Node n;
        if (index < size / 2) {
            n = head;
            while (index >= n.count) {
                index -= n.count;
                n = n.next;
            }
        } else {
            long fromTail = size - 1 - index;
            n = tail;
            while (fromTail >= n.count) {
                fromTail -= n.count;
                n = n.prev;
            }
            index = n.count - 1 - fromTail;
        }
        offsetIn = (int) index;
        return n;
    }

    /**
     * LINSERT: inserts v before or after the first element equal to pivot (from the head).
     * False when there is no such element. Call {@link #beforeGrowing} first.
     */
    public boolean insert(byte[] pivot, byte[] v, boolean after) {
        for (Node n = head; n != null; n = n.next) {
            for (int i = 0; i < n.count; i++) {
                if (Arrays.equals(n.get(i), pivot)) {
                    insertAt(n, i, v, after);
                    size++;
                    return true;
                }
            }
        }
        return false;
    }

    /** Redis's _quicklistInsert, so node boundaries stay those of Redis. */
    private void insertAt(Node n, int offset, byte[] v, boolean after) {
        if (!quicklist) {
            n.insert(after ? offset + 1 : offset, v);
            return;
        }
        boolean full = !allowInsert(n, v.length);
        boolean atTail = after && offset == n.count - 1;
        boolean atHead = !after && offset == 0;
        if (!full) {
            n.insert(after ? offset + 1 : offset, v);
        } else if (atTail && allowInsert(n.next, v.length)) {
            n.next.addFirst(v);
        } else if (atHead && allowInsert(n.prev, v.length)) {
            n.prev.addLast(v);
        } else if (atTail || atHead) {
            Node m = new Node(1);
            m.addLast(v);
            if (after) linkAfter(n, m); else linkAfter(n.prev, m);
        } else {
            // Split the full node at the pivot: the new node takes the elements after the pivot
            // (after) or up to and including it (before), gets v at its near end, and the
            // neighbourhood is merged where the limits allow.
            Node m = split(n, offset, after);
            if (after) m.addFirst(v); else m.addLast(v);
            if (after) linkAfter(n, m); else linkAfter(n.prev, m);
            mergeAround(n);
        }
    }

    /**
     * Redis's _quicklistSplitNode: moves the elements after offset (after) or before offset
     * (!after) into a new node, which the caller links on that side of n.
     */
    private Node split(Node n, int offset, boolean after) {
        int from, to; // the range [from, to) that moves to the new node
        if (after) {
            from = offset + 1;
            to = n.count;
        } else {
            from = 0;
            to = offset;
        }
        Node m = new Node(Math.max(to - from, 1) + 1);
        for (int i = from; i < to; i++) m.addLast(n.get(i));
        n.removeRange(from, to);
        return m;
    }

    /** _quicklistMergeNodes: prev-prev with prev, next with next-next, then center with each side. */
    private void mergeAround(Node center) {
        Node prev = center.prev, next = center.next;
        if (prev != null && allowMerge(prev.prev, prev)) prev = merge(prev.prev, prev);
        if (next != null && allowMerge(next, next.next)) merge(next, next.next);
        if (allowMerge(center.prev, center)) center = merge(center.prev, center);
        if (allowMerge(center, center.next)) merge(center, center.next);
    }

    /** Appends b's elements to a, unlinks b; returns a. */
    private Node merge(Node a, Node b) {
        for (int i = 0; i < b.count; i++) a.addLast(b.get(i));
        // addLast counted each entry; the merged listpack has one header less, as lpMerge.
        unlink(b);
        return a;
    }

    // ---- bulk removal

    /**
     * LREM: removes up to limit elements equal to v (all when limit is 0), scanning from the
     * tail when fromTail. Returns how many were removed.
     */
    public long remove(byte[] v, long limit, boolean fromTail) {
        long removed = 0;
        Node n = fromTail ? tail : head;
        while (n != null && (limit == 0 || removed < limit)) {
            Node following = fromTail ? n.prev : n.next;
            int matches = 0;
            for (int i = 0; i < n.count; i++) if (Arrays.equals(n.get(i), v)) matches++;
            if (matches > 0) {
                long room = limit == 0 ? matches : Math.min(matches, limit - removed);
                // From the tail, the matches to drop are the last `room` of this node.
                int skip = fromTail ? matches - (int) room : 0;
                n.removeMatches(v, skip, (int) room);
                removed += room;
                size -= room;
                if (n.count == 0 && quicklist) unlink(n);
            }
            n = following;
        }
        return removed;
    }

    /** LTRIM: drops fromHead elements at the head and fromTail at the tail (together ≤ size). */
    public void trim(long fromHead, long fromTail) {
        while (fromHead > 0) {
            Node n = head;
            int k = (int) Math.min(fromHead, n.count);
            dropFirst(n, k);
            fromHead -= k;
        }
        while (fromTail > 0) {
            Node n = tail;
            int k = (int) Math.min(fromTail, n.count);
            n.removeRange(n.count - k, n.count);
            size -= k;
            if (n.count == 0 && quicklist) unlink(n);
            fromTail -= k;
        }
    }

    private void dropFirst(Node n, int k) {
        n.removeRange(0, k);
        size -= k;
        if (n.count == 0 && quicklist) unlink(n);
    }

    // ---- iteration

    /** A cursor at index (0 ≤ index < size) walking towards the tail, or towards the head when reverse. */
    public Cursor cursor(long index, boolean reverse) {
        Node n = nodeOf(index);
        return new Cursor(n, offsetIn, reverse);
    }

    /** Walks elements one at a time; valid until the list is modified. */
    public static final class Cursor {
        private Node node;
        private int offset;
        private final boolean reverse;

        Cursor(Node node, int offset, boolean reverse) {
            this.node = node;
            this.offset = offset;
            this.reverse = reverse;
            skipEmpty();
        }

        public boolean hasNext() { return node != null; }

        public byte[] next() {
            byte[] v = node.get(offset);
            if (reverse) {
                offset--;
            } else {
                offset++;
            }
            skipEmpty();
            return v;
        }

        private void skipEmpty() {
            while (node != null && (offset < 0 || offset >= node.count)) {
                node = reverse ? node.prev : node.next;
                if (node != null) offset = reverse ? node.count - 1 : 0;
            }
        }
    }

    // ---- node links

    private void linkFirst(Node n) {
        n.next = head;
        if (head != null) head.prev = n; else tail = n;
        head = n;
        nodeCount++;
    }

    private void linkLast(Node n) {
        n.prev = tail;
        if (tail != null) tail.next = n; else head = n;
        tail = n;
        nodeCount++;
    }

    /** Links m after n, or first when n is null. */
    private void linkAfter(Node n, Node m) {
        if (n == null) {
            linkFirst(m);
            return;
        }
        m.prev = n;
        m.next = n.next;
        if (n.next != null) n.next.prev = m; else tail = m;
        n.next = m;
        nodeCount++;
    }

    private void unlink(Node n) {
        if (n.prev != null) n.prev.next = n.next; else head = n.next;
        if (n.next != null) n.next.prev = n.prev; else tail = n.prev;
        n.prev = n.next = null;
        nodeCount--;
    }

    // ---- listpack sizes (listpack.c lpEncodeGetType, lpEncodeBacklen)

    /** The bytes element v takes in a Redis listpack: encoding header, data and back-length. */
    static int entryBytes(byte[] v) {
        int len = v.length;
        int enc;
        if (len > 0 && len <= 20 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) && Numbers.isLong(v)) {
            long x = Numbers.parseLong(v);
            if (x >= 0 && x <= 127) enc = 1;
            else if (x >= -4096 && x <= 4095) enc = 2;
            else if (x >= -32768 && x <= 32767) enc = 3;
            else if (x >= -8388608 && x <= 8388607) enc = 4;
            else if (x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE) enc = 5;
            else enc = 9;
        } else if (len < 64) {
            enc = 1 + len;
        } else if (len < 4096) {
            enc = 2 + len;
        } else {
            enc = 5 + len;
        }
        return enc + backlenBytes(enc);
    }

    private static int backlenBytes(long l) {
        if (l <= 127) return 1;
        if (l < 16383) return 2;
        if (l < 2097151) return 3;
        if (l < 268435455) return 4;
        return 5;
    }

    /** Whether Redis would hold v as an integer (lpStringToInt64): such elements count 0 bytes in LMOVE's check. */
    static boolean isInteger(byte[] v) {
        return v.length > 0 && v.length <= 20 && Numbers.isLong(v);
    }

    // ---- building (RESTORE)

    /**
     * A new list of these elements in order, built as Redis builds SORT ... STORE's result: a
     * quicklist filled from the tail with the given node limit, which becomes a listpack when
     * it fits in one node (t_list.c listTypeTryConversion, LIST_CONV_AUTO). The arrays are
     * stored as they are; they must not change afterwards.
     */
    public static ListValue of(List<byte[]> elements, int fill) {
        ListValue l = quicklistFor(fill);
        for (byte[] e : elements) l.push(e, false);
        l.convertAuto(fill);
        return l;
    }

    /** An empty quicklist with the given node limit, to be filled with {@link #push} then {@link #convertAuto}. */
    static ListValue quicklistFor(int fill) {
        return new ListValue(true, fill);
    }

    /** Appends a node holding elements[0..count) as it is (a listpack node of a RESTORE payload). */
    void appendNode(byte[][] elements, int count) {
        Node n = new Node(0);
        n.ring = elements;
        n.count = count;
        for (int i = 0; i < count; i++) n.lpBytes += entryBytes(elements[i]);
        linkLast(n);
        size += count;
    }

    /**
     * One node: a ring of elements plus the byte size its listpack would have in Redis.
     * Capacity grows by half and shrinks when three quarters are unused.
     */
    static final class Node {
        byte[][] ring;
        int first;
        int count;
        int lpBytes = LISTPACK_EMPTY;
        Node prev, next;

        Node(int capacity) {
            ring = new byte[capacity][];
        }

        int slot(int i) {
            int s = first + i;
            return s >= ring.length ? s - ring.length : s;
        }

        byte[] get(int i) { return ring[slot(i)]; }

        void addFirst(byte[] v) {
            if (count == ring.length) resize(grown());
            first = (first == 0 ? ring.length : first) - 1;
            ring[first] = v;
            count++;
            lpBytes += entryBytes(v);
        }

        void addLast(byte[] v) {
            if (count == ring.length) resize(grown());
            ring[slot(count)] = v;
            count++;
            lpBytes += entryBytes(v);
        }

        byte[] removeFirst() {
            byte[] v = ring[first];
            ring[first] = null;
            first = first + 1 == ring.length ? 0 : first + 1;
            count--;
            lpBytes -= entryBytes(v);
            maybeShrink();
            return v;
        }

        byte[] removeLast() {
            int s = slot(count - 1);
            byte[] v = ring[s];
            ring[s] = null;
            count--;
            lpBytes -= entryBytes(v);
            maybeShrink();
            return v;
        }

        /** Inserts v so that it becomes element i (0 ≤ i ≤ count), shifting the shorter side. */
        void insert(int i, byte[] v) {
            if (count == ring.length) resize(grown());
            if (i < count - i) {
                first = (first == 0 ? ring.length : first) - 1;
                for (int j = 0; j < i; j++) ring[slot(j)] = ring[slot(j + 1)];
            } else {
                for (int j = count; j > i; j--) ring[slot(j)] = ring[slot(j - 1)];
            }
            ring[slot(i)] = v;
            count++;
            lpBytes += entryBytes(v);
        }

        /** Removes elements [from, to). */
        void removeRange(int from, int to) {
            int k = to - from;
            if (k <= 0) return;
            for (int i = from; i < to; i++) lpBytes -= entryBytes(get(i));
            if (from == 0) {
                for (int i = 0; i < k; i++) ring[slot(i)] = null;
                first = slot(k);
            } else {
                for (int i = from; i + k < count; i++) ring[slot(i)] = ring[slot(i + k)];
                for (int i = count - k; i < count; i++) ring[slot(i)] = null;
            }
            count -= k;
            if (count == 0) first = 0;
            maybeShrink();
        }

        /** Removes `remove` elements equal to v, after leaving the first `skip` matches in place. */
        void removeMatches(byte[] v, int skip, int remove) {
            byte[][] kept = new byte[Math.max(count - remove, 1)][];
            int n = 0;
            for (int i = 0; i < count; i++) {
                byte[] e = get(i);
                if (remove > 0 && Arrays.equals(e, v)) {
                    if (skip > 0) {
                        skip--;
                    } else {
                        remove--;
                        lpBytes -= entryBytes(e);
                        continue;
                    }
                }
                kept[n++] = e;
            }
            ring = kept;
            first = 0;
            count = n;
        }

        private int grown() {
            return ring.length + Math.max(ring.length >> 1, 1);
        }

        private void maybeShrink() {
            if (ring.length > 16 && count < ring.length >> 2) resize(Math.max(count + (count >> 1), 8));
        }

        private void resize(int capacity) {
            byte[][] r = new byte[capacity][];
            for (int i = 0; i < count; i++) r[i] = get(i);
            ring = r;
            first = 0;
        }
    }
}
