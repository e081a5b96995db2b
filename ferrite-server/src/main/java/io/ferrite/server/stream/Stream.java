package io.ferrite.server.stream;

import io.ferrite.server.keyspace.Value;
import io.ferrite.server.protocol.RespWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream (Redis 7.2 type "stream"): an append-only log of entries, each an ID and a list of
 * field-value pairs, plus its consumer groups. Owned by one shard: call under its lock.
 *
 * <h2>Representation</h2>
 * Entries live in {@link Block}s kept in a {@code TreeMap} keyed by each block's master ID (the
 * first ID appended to it), the counterpart of Redis's radix tree of listpacks. A block is one
 * flat {@code byte[]}; its first entry's field names become the block's <em>master fields</em>,
 * and an entry with exactly those names stores only its values:
 * <pre>
 *   entry := flags:u8  msDelta:varint  seqDelta:zigzag-varint  body
 *   body  := (flags &amp; SAME_FIELDS) ? value*            (one per master field)
 *                                  : nfields:varint (field value)*
 *   field, value := len:varint bytes
 *   flags: 1 = DELETED (tombstone), 2 = SAME_FIELDS
 * </pre>
 * IDs are deltas from the master ID (ms unsigned, seq signed), so an entry {@code * a 1 b 2 c 3}
 * costs 10 bytes. A block closes at {@code stream-node-max-entries} entries (deleted ones
 * count, as in Redis) or {@code stream-node-max-bytes} bytes (0 = no limit).
 *
 * <h2>Complexity</h2>
 * XADD O(1) amortized; seeking an ID O(log(blocks) + block size); XDEL marks a tombstone, a
 * block whose entries are all deleted is dropped. Approximate trimming drops whole blocks only
 * (like Redis's {@code ~}); exact trimming tombstones entries inside the head block.
 *
 * <h2>Differences from Redis</h2>
 * Our block bytes are fewer than a listpack's for the same entries, so the byte limit closes
 * blocks later than Redis does; the entry limit matches. Values are stored as bytes, not as
 * listpack integers. A block converts to and from a Redis node listpack one to one (same master
 * ID, master fields, flags and tombstones) for DUMP/RESTORE: see {@link StreamDump}.
 * Reference: Redis 7.2.6 src/t_stream.c and src/stream.h (studied, not copied).
 */
public final class Stream implements Value {
    static final int DELETED = 1;
    static final int SAME_FIELDS = 2;

    /** One node: entries appended in ID order into a flat byte array. */
    static final class Block {
        final long masterMs, masterSeq;
        final byte[][] masterFields;
        byte[] data;
        int used;
        int live;     // entries not deleted
        int total;    // entries, deleted included
        long lastMs, lastSeq; // last appended ID (deleted or not)

        Block(long ms, long seq, byte[][] masterFields, int capacity) {
            this.masterMs = ms;
            this.masterSeq = seq;
            this.masterFields = masterFields;
            this.data = new byte[capacity];
        }

        Block copyBlock() {
            Block b = new Block(masterMs, masterSeq, masterFields, 0);
            b.data = Arrays.copyOf(data, used);
            b.used = used;
            b.live = live;
            b.total = total;
            b.lastMs = lastMs;
            b.lastSeq = lastSeq;
            return b;
        }
    }

    final TreeMap<StreamId, Block> blocks = new TreeMap<>();
    long length;
    long lastMs, lastSeq;           // last generated ID (survives deletion)
    long firstMs, firstSeq;         // first live entry, 0-0 when empty
    long maxDelMs, maxDelSeq;       // max deleted entry ID
    long entriesAdded;
    /** Consumer groups by name, in byte order (as Redis's rax); null until the first. */
    TreeMap<byte[], StreamConsumerGroup> groups;

    @Override public String typeName() { return "stream"; }
    @Override public String encoding() { return "stream"; }

    public long length() { return length; }

    StreamId lastId() { return new StreamId(lastMs, lastSeq); }
    StreamId firstId() { return new StreamId(firstMs, firstSeq); }
    StreamId maxDeletedId() { return new StreamId(maxDelMs, maxDelSeq); }

    // ---------------------------------------------------------------- append

    /**
     * Appends an entry with fields/values argv[from..to) (pairs) under the given ID, which the
     * caller checked is greater than the last ID.
     */
    public void append(long ms, long seq, byte[][] argv, int from, int to, long maxEntries, long maxBytes) {
        Map.Entry<StreamId, Block> lastEntry = blocks.lastEntry();
        Block b = lastEntry == null ? null : lastEntry.getValue();
        int pairs = (to - from) / 2;
        int bodyBytes = 0;
        for (int i = from; i < to; i++) bodyBytes += argv[i].length + 5;
        if (b != null) {
            if (maxBytes > 0 && b.used + bodyBytes + 21 > maxBytes && b.total > 0) b = null;
            else if (maxEntries > 0 && b.total >= maxEntries) b = null;
            // Deltas must be representable: the ms delta is unsigned, seq delta a signed long.
            else if (Long.compareUnsigned(ms, b.masterMs) < 0) b = null;
        }
        if (b == null) {
            byte[][] fields = new byte[pairs][];
            for (int i = 0; i < pairs; i++) fields[i] = argv[from + 2 * i];
            int cap = Math.max(64, Math.min(bodyBytes * 8 + 32, maxBytes > 0 ? (int) Math.min(maxBytes, 1 << 20) : 4096));
            b = new Block(ms, seq, fields, Math.max(cap, bodyBytes + 32));
            blocks.put(new StreamId(ms, seq), b);
        }
        boolean same = b.masterFields.length == pairs;
        if (same) {
            for (int i = 0; i < pairs; i++) {
                if (!Arrays.equals(b.masterFields[i], argv[from + 2 * i])) { same = false; break; }
            }
        }
        int need = 1 + 10 + 10 + 5 + bodyBytes;
        if (b.used + need > b.data.length) {
            b.data = Arrays.copyOf(b.data, Math.max(b.used + need, b.data.length + (b.data.length >> 1)));
        }
        byte[] d = b.data;
        int p = b.used;
        d[p++] = (byte) (same ? SAME_FIELDS : 0);
        p = putVarint(d, p, ms - b.masterMs);
        long sd = seq - b.masterSeq;
        p = putVarint(d, p, (sd << 1) ^ (sd >> 63));
        if (same) {
            for (int i = 0; i < pairs; i++) p = putBytes(d, p, argv[from + 2 * i + 1]);
        } else {
            p = putVarint(d, p, pairs);
            for (int i = from; i < to; i++) p = putBytes(d, p, argv[i]);
        }
        b.used = p;
        b.live++;
        b.total++;
        b.lastMs = ms;
        b.lastSeq = seq;
        if (length == 0) {
            firstMs = ms;
            firstSeq = seq;
        }
        length++;
        lastMs = ms;
        lastSeq = seq;
        entriesAdded++;
    }

    /** Shrinks the last block's array to its content (for the memory figure of a long stream). */
    public void compactTail() {
        Map.Entry<StreamId, Block> e = blocks.lastEntry();
        if (e != null && e.getValue().data.length > e.getValue().used) {
            e.getValue().data = Arrays.copyOf(e.getValue().data, e.getValue().used);
        }
    }

    private static int putVarint(byte[] d, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            d[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        d[p++] = (byte) v;
        return p;
    }

    private static int putBytes(byte[] d, int p, byte[] v) {
        p = putVarint(d, p, v.length);
        System.arraycopy(v, 0, d, p, v.length);
        return p + v.length;
    }

    // ---------------------------------------------------------------- loading (RESTORE)

    /**
     * A block for entries read from a payload, not yet in the stream: fill it with
     * {@link #appendLoaded}, then {@link #addLoaded}. The stream's counters (length, IDs,
     * entries added) are the payload's, set by the loader.
     */
    static Block loadingBlock(long masterMs, long masterSeq, byte[][] masterFields) {
        return new Block(masterMs, masterSeq, masterFields, 64);
    }

    /**
     * Appends an entry read from a payload, IDs ascending and not below the block's master ID
     * (the loader checks). {@code fields} null means the block's master fields, so only the
     * values are stored (SAME_FIELDS).
     */
    static void appendLoaded(Block b, boolean deleted, long ms, long seq, byte[][] fields, byte[][] values) {
        int need = 1 + 10 + 10 + 5;
        for (byte[] v : values) need += v.length + 5;
        if (fields != null) for (byte[] f : fields) need += f.length + 5;
        if (b.used + need > b.data.length) {
            b.data = Arrays.copyOf(b.data, Math.max(b.used + need, b.data.length * 2));
        }
        byte[] d = b.data;
        int p = b.used;
        d[p++] = (byte) ((deleted ? DELETED : 0) | (fields == null ? SAME_FIELDS : 0));
        p = putVarint(d, p, ms - b.masterMs);
        long sd = seq - b.masterSeq;
        p = putVarint(d, p, (sd << 1) ^ (sd >> 63));
        if (fields == null) {
            for (byte[] v : values) p = putBytes(d, p, v);
        } else {
            p = putVarint(d, p, fields.length);
            for (int i = 0; i < fields.length; i++) {
                p = putBytes(d, p, fields[i]);
                p = putBytes(d, p, values[i]);
            }
        }
        b.used = p;
        if (!deleted) b.live++;
        b.total++;
        b.lastMs = ms;
        b.lastSeq = seq;
    }

    /** Adds a filled loading block, trimmed to its content; one without live entries is dropped. */
    void addLoaded(Block b) {
        if (b.live == 0) return;
        b.data = Arrays.copyOf(b.data, b.used);
        blocks.put(new StreamId(b.masterMs, b.masterSeq), b);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * A position in a block, decoded: the entry at {@code off}. {@link #next} returns the offset
     * after the entry. Reused while walking, so no allocation per entry.
     */
    static final class Entry {
        Block block;
        int off;
        int flags;
        long ms, seq;
        int body; // offset of the body (values, or nfields)
        int end;

        /** Decodes the entry at off of b. */
        Entry at(Block b, int off) {
            this.block = b;
            this.off = off;
            byte[] d = b.data;
            int p = off;
            flags = d[p++];
            long v = 0;
            int shift = 0;
            byte x;
            do { x = d[p++]; v |= (long) (x & 0x7F) << shift; shift += 7; } while (x < 0);
            ms = b.masterMs + v;
            v = 0; shift = 0;
            do { x = d[p++]; v |= (long) (x & 0x7F) << shift; shift += 7; } while (x < 0);
            seq = b.masterSeq + ((v >>> 1) ^ -(v & 1));
            body = p;
            if ((flags & SAME_FIELDS) != 0) {
                for (int i = 0; i < b.masterFields.length; i++) p = skipBytes(d, p);
            } else {
                long[] r = readVarint(d, p);
                p = (int) r[1];
                for (long i = 0, n = r[0] * 2; i < n; i++) p = skipBytes(d, p);
            }
            end = p;
            return this;
        }

        boolean deleted() { return (flags & DELETED) != 0; }

        int compareTo(long oms, long oseq) { return StreamId.compare(ms, seq, oms, oseq); }

        StreamId id() { return new StreamId(ms, seq); }

        int fieldCount() {
            if ((flags & SAME_FIELDS) != 0) return block.masterFields.length;
            return (int) readVarint(block.data, body)[0];
        }

        /** The entry's fields and values, flat (field, value, ...): copies, for DUMP. */
        byte[][] fieldsAndValues() {
            byte[] d = block.data;
            boolean same = (flags & SAME_FIELDS) != 0;
            int p = body;
            int n;
            if (same) {
                n = block.masterFields.length;
            } else {
                long[] r = readVarint(d, p);
                n = (int) r[0];
                p = (int) r[1];
            }
            byte[][] out = new byte[2 * n][];
            for (int i = 0; i < 2 * n; i++) {
                if (same && i % 2 == 0) {
                    out[i] = block.masterFields[i / 2];
                    continue;
                }
                long[] r = readVarint(d, p);
                int len = (int) r[0];
                p = (int) r[1];
                out[i] = Arrays.copyOfRange(d, p, p + len);
                p += len;
            }
            return out;
        }

        /** Writes [id, [field, value, ...]]. */
        void write(RespWriter w) {
            w.array(2);
            w.bulk(id().toBytes());
            writeFields(w, 0);
        }

        /** Writes the flat field/value array, with {@code extra} more slots declared by the caller. */
        void writeFields(RespWriter w, int extra) {
            byte[] d = block.data;
            if ((flags & SAME_FIELDS) != 0) {
                byte[][] f = block.masterFields;
                w.array(f.length * 2L + extra);
                int p = body;
                for (byte[] field : f) {
                    w.bulk(field);
                    long[] r = readVarint(d, p);
                    int len = (int) r[0];
                    p = (int) r[1];
                    w.bulk(d, p, len);
                    p += len;
                }
            } else {
                long[] r = readVarint(d, body);
                int n = (int) r[0];
                int p = (int) r[1];
                w.array(n * 2L + extra);
                for (int i = 0; i < 2 * n; i++) {
                    r = readVarint(d, p);
                    int len = (int) r[0];
                    p = (int) r[1];
                    w.bulk(d, p, len);
                    p += len;
                }
            }
        }
    }

    private static int skipBytes(byte[] d, int p) {
        long[] r = readVarint(d, p);
        return (int) (r[1] + r[0]);
    }

    /** {value, next offset}. Small allocation; the JIT's escape analysis removes it in loops. */
    private static long[] readVarint(byte[] d, int p) {
        long v = 0;
        int shift = 0;
        byte x;
        do { x = d[p++]; v |= (long) (x & 0x7F) << shift; shift += 7; } while (x < 0);
        return new long[] {v, p};
    }

    /** Visits entries; return false to stop. The Entry is reused: copy what you keep. */
    interface Visitor {
        boolean visit(Entry e);
    }

    /**
     * Visits live entries with start &lt;= id &lt;= end, ascending or (rev) descending.
     * With {@code withDeleted}, tombstones are visited too.
     */
    void range(StreamId start, StreamId end, boolean rev, boolean withDeleted, Visitor v) {
        if (start.compareTo(end) > 0 || length == 0 && !withDeleted) return;
        Entry e = new Entry();
        if (!rev) {
            StreamId from = blocks.floorKey(start);
            if (from == null) from = start;
            for (Block b : blocks.tailMap(from, true).values()) {
                if (StreamId.compare(b.masterMs, b.masterSeq, end.ms(), end.seq()) > 0) return;
                if (StreamId.compare(b.lastMs, b.lastSeq, start.ms(), start.seq()) < 0) continue;
                for (int p = 0; p < b.used; p = e.end) {
                    e.at(b, p);
                    if (e.compareTo(start.ms(), start.seq()) < 0) continue;
                    if (e.compareTo(end.ms(), end.seq()) > 0) return;
                    if (e.deleted() && !withDeleted) continue;
                    if (!v.visit(e)) return;
                }
            }
        } else {
            for (Block b : blocks.headMap(end, true).descendingMap().values()) {
                if (StreamId.compare(b.lastMs, b.lastSeq, start.ms(), start.seq()) < 0) return;
                int[] offs = new int[b.total];
                int n = 0;
                for (int p = 0; p < b.used; p = e.end) {
                    e.at(b, p);
                    offs[n++] = p;
                }
                for (int i = n - 1; i >= 0; i--) {
                    e.at(b, offs[i]);
                    if (e.compareTo(end.ms(), end.seq()) > 0) continue;
                    if (e.compareTo(start.ms(), start.seq()) < 0) return;
                    if (e.deleted() && !withDeleted) continue;
                    if (!v.visit(e)) return;
                }
            }
        }
    }

    /** The live entry with this ID, or null. The returned Entry is fresh. */
    Entry find(StreamId id) {
        Entry[] found = new Entry[1];
        range(id, id, false, false, e -> {
            found[0] = new Entry().at(e.block, e.off);
            return false;
        });
        return found[0];
    }

    /** The ID of the last live entry, or 0-0 when empty. */
    StreamId lastValidId() {
        if (length == 0) return StreamId.MIN;
        StreamId[] found = {StreamId.MIN};
        range(StreamId.MIN, StreamId.MAX, true, false, e -> {
            found[0] = e.id();
            return false;
        });
        return found[0];
    }

    // ---------------------------------------------------------------- deletion

    /** Tombstones the entry at e (live); drops its block when it held the last live entry. */
    private void tombstone(Entry e) {
        Block b = e.block;
        b.data[e.off] |= DELETED;
        b.live--;
        length--;
        if (b.live == 0) blocks.remove(new StreamId(b.masterMs, b.masterSeq));
    }

    /** After deletions: the first live ID (Redis keeps first_id up to date the same way). */
    void refreshFirst() {
        if (length == 0) {
            firstMs = firstSeq = 0;
            return;
        }
        range(StreamId.MIN, StreamId.MAX, false, false, e -> {
            firstMs = e.ms;
            firstSeq = e.seq;
            return false;
        });
    }

    /** XDEL of one ID: true when it was a live entry. Updates max-deleted-entry-id. */
    boolean delete(StreamId id) {
        Entry e = find(id);
        if (e == null) return false;
        tombstone(e);
        if (StreamId.compare(id.ms(), id.seq(), maxDelMs, maxDelSeq) > 0) {
            maxDelMs = id.ms();
            maxDelSeq = id.seq();
        }
        if (length == 0 || (id.ms() == firstMs && id.seq() == firstSeq)) refreshFirst();
        return true;
    }

    /**
     * Trims from the head: MAXLEN keeps at most maxlen entries, MINID (minId non-null) removes
     * entries below it. Approximate trimming removes whole blocks only and at most limit entries
     * (0 = no limit). Returns the number removed.
     */
    long trim(long maxlen, StreamId minId, boolean approx, long limit) {
        long deleted = 0;
        Entry e = new Entry();
        while (!blocks.isEmpty()) {
            if (minId == null && length <= maxlen) break;
            Map.Entry<StreamId, Block> first = blocks.firstEntry();
            Block b = first.getValue();
            if (limit > 0 && deleted + b.live > limit) break;
            boolean wholeBlock = minId == null
                    ? length - b.live >= maxlen
                    : StreamId.compare(b.lastMs, b.lastSeq, minId.ms(), minId.seq()) < 0;
            if (wholeBlock) {
                blocks.pollFirstEntry();
                length -= b.live;
                deleted += b.live;
                continue;
            }
            if (approx) break;
            for (int p = 0; p < b.used; p = e.end) {
                e.at(b, p);
                boolean stop = minId == null ? length <= maxlen : e.compareTo(minId.ms(), minId.seq()) >= 0;
                if (stop) break;
                if (!e.deleted()) {
                    b.data[p] |= DELETED;
                    b.live--;
                    length--;
                    deleted++;
                }
            }
            if (b.live == 0) blocks.pollFirstEntry();
            break;
        }
        if (deleted > 0 || length == 0) refreshFirst();
        return deleted;
    }

    // ---------------------------------------------------------------- groups

    StreamConsumerGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    StreamConsumerGroup createGroup(byte[] name, StreamId lastId, long entriesRead) {
        if (groups == null) groups = new TreeMap<>(Arrays::compareUnsigned);
        if (groups.containsKey(name)) return null;
        StreamConsumerGroup g = new StreamConsumerGroup(name, lastId, entriesRead);
        groups.put(name, g);
        return g;
    }

    int groupCount() { return groups == null ? 0 : groups.size(); }

    // ---------------------------------------------------------------- counters (Redis 7 lag)

    static final long INVALID_ENTRIES_READ = -1;

    /** True when a tombstone may lie between start and end (end null = +), as Redis estimates it. */
    boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || (maxDelMs == 0 && maxDelSeq == 0)) return false;
        if (StreamId.compare(firstMs, firstSeq, maxDelMs, maxDelSeq) > 0) return false;
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId en = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedId()) <= 0 && maxDeletedId().compareTo(en) <= 0;
    }

    /** The entries-read counter of an ID, or INVALID_ENTRIES_READ when it cannot be known. */
    long estimateEntriesRead(StreamId id) {
        if (entriesAdded == 0) return 0;
        if (length == 0 && id.compareTo(lastId()) < 1) return entriesAdded;
        int cmpLast = id.compareTo(lastId());
        if (cmpLast == 0) return entriesAdded;
        if (cmpLast > 0) return INVALID_ENTRIES_READ;
        int cmpFirst = id.compareTo(firstId());
        boolean noDelAhead = (maxDelMs == 0 && maxDelSeq == 0) || maxDeletedId().compareTo(firstId()) < 0;
        if (noDelAhead) {
            if (cmpFirst < 0) return entriesAdded - length;
            if (cmpFirst == 0) return entriesAdded - length + 1;
        }
        return INVALID_ENTRIES_READ;
    }

    /** The group's lag, or null when it cannot be computed. */
    Long lag(StreamConsumerGroup g) {
        if (entriesAdded == 0) return 0L;
        if (g.entriesRead != INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateEntriesRead(g.lastId);
        return read == INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    // ---------------------------------------------------------------- Value

    @Override
    public Stream copy() {
        Stream s = new Stream();
        for (Map.Entry<StreamId, Block> e : blocks.entrySet()) s.blocks.put(e.getKey(), e.getValue().copyBlock());
        s.length = length;
        s.lastMs = lastMs;
        s.lastSeq = lastSeq;
        s.firstMs = firstMs;
        s.firstSeq = firstSeq;
        s.maxDelMs = maxDelMs;
        s.maxDelSeq = maxDelSeq;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            s.groups = new TreeMap<>(Arrays::compareUnsigned);
            for (StreamConsumerGroup g : groups.values()) s.groups.put(g.name, g.copy());
        }
        return s;
    }

    /** Bytes of entry data held (for XINFO/MEMORY-style figures and the benchmark). */
    public long dataBytes() {
        long n = 0;
        for (Block b : blocks.values()) n += b.data.length;
        return n;
    }
}
