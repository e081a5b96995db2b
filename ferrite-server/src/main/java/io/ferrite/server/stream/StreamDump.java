package io.ferrite.server.stream;

import io.ferrite.server.keyspace.ListpackBlob;
import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.keyspace.RdbOutput;
import io.ferrite.server.list.ListDump;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.Numbers;
import java.util.Arrays;
import java.util.Map;

/**
 * The RDB body of a stream for DUMP and RESTORE, in Redis's own layout (rdb.c rdbSaveObject /
 * rdbLoadObject and the listpack node layout of t_stream.c, Redis 7.0.15 and 7.2.6; studied, not
 * copied), so stream payloads move both ways between Ferrite and Redis.
 *
 * <h2>Body</h2>
 * <pre>
 * nodes: len, then per node: master ID (string of 16 bytes: ms, seq, big endian) + listpack (string)
 * length: len
 * last-id: len ms, len seq
 * first-id, max-deleted-entry-id: 2 x (len ms, len seq)    \  type 19 and 21
 * entries-added: len                                       /  (not in 15)
 * groups: len, then per group (name order):
 *   name (string), last-id (len ms, len seq), entries-read (len; 2^64-1 = unknown, not in 15)
 *   PEL: len, then per entry: ID (16 raw bytes, big endian), delivery time (8 B LE ms),
 *        delivery count (len)
 *   consumers: len, then per consumer (name order): name (string), seen-time (8 B LE ms),
 *        active-time (8 B LE ms, type 21 only), PEL: len, then IDs (16 raw bytes each),
 *        each one of the group PEL's
 * </pre>
 *
 * <h2>One node's listpack</h2>
 * <pre>
 * master entry: count (live) | deleted | n | field-1 ... field-n | 0
 * then per entry, deleted ones included, in ID order:
 *   flags | ms - master ms | seq - master seq | values ...                    | lp-count   (SAMEFIELDS)
 *   flags | ms - master ms | seq - master seq | k | field-1 value-1 ... k pairs | lp-count   (otherwise)
 * flags: 1 = deleted, 2 = SAMEFIELDS (the entry's fields are the master fields);
 * lp-count: the entry's other elements (n + 3, or 2k + 4)
 * </pre>
 * Ferrite's {@link Stream.Block} is the same node with other bytes (varint deltas, no
 * integers, no back-lengths): one block converts to one listpack with the same master ID, master
 * fields, flags and tombstones, and back.
 *
 * <h2>Versions</h2>
 * DUMP writes type 19 (STREAM_LISTPACKS_2, Redis 7.0) under the RDB 10 footer, which Redis
 * 7.0 and 7.2 both restore. It lacks consumers' active-time (type 21, Redis 7.2): on RESTORE
 * it becomes the seen-time, as Redis 7.2 does when it loads a 7.0 payload. RESTORE reads 15
 * (Redis 5 and 6: entries-added becomes the length, groups' entries-read is estimated), 19 and
 * 21. The checks are those of Redis's deep sanitization (sanitize-dump-payload yes), plus the
 * ones Ferrite's blocks rely on (IDs ascending, live counts adding up to the length): a payload
 * that fails them is "Bad data format", never a half-built key.
 */
public final class StreamDump {
    public static final int RDB_TYPE_STREAM_LISTPACKS = 15;
    public static final int RDB_TYPE_STREAM_LISTPACKS_2 = 19;
    public static final int RDB_TYPE_STREAM_LISTPACKS_3 = 21;

    private static final CommandError BAD_FORMAT = new CommandError("ERR Bad data format");
    private static final int SAMEFIELDS = 2, DELETED = 1;

    private StreamDump() {}

    // ---------------------------------------------------------------- DUMP

    /** The body of an RDB_TYPE_STREAM_LISTPACKS_2 object (the caller wrote the type byte). */
    public static void write(Stream s, RdbOutput out) {
        out.writeLength(s.blocks.size());
        Stream.Entry e = new Stream.Entry();
        for (Stream.Block b : s.blocks.values()) {
            byte[] key = new byte[16];
            putId(key, b.masterMs, b.masterSeq);
            out.writeString(key);
            out.writeString(listpack(b, e));
        }
        out.writeLength(s.length);
        writeId(out, s.lastMs, s.lastSeq);
        writeId(out, s.firstMs, s.firstSeq);
        writeId(out, s.maxDelMs, s.maxDelSeq);
        out.writeLength(s.entriesAdded);
        out.writeLength(s.groupCount());
        if (s.groups == null) return;
        for (StreamConsumerGroup g : s.groups.values()) {
            out.writeString(g.name);
            writeId(out, g.lastId.ms(), g.lastId.seq());
            out.writeLength(g.entriesRead); // -1 (unknown) is written as 2^64-1, as Redis does
            out.writeLength(g.pel.size());
            for (Map.Entry<StreamId, StreamConsumerGroup.Nack> p : g.pel.entrySet()) {
                writeRawId(out, p.getKey());
                out.writeLittleEndian(p.getValue().deliveryTime, 8);
                out.writeLength(p.getValue().deliveryCount);
            }
            out.writeLength(g.consumers.size());
            for (StreamConsumerGroup.Consumer c : g.consumers.values()) {
                out.writeString(c.name);
                out.writeLittleEndian(c.seenTime, 8);
                out.writeLength(c.pel.size());
                for (StreamId id : c.pel.keySet()) writeRawId(out, id);
            }
        }
    }

    /** One block as a Redis stream node listpack. */
    private static byte[] listpack(Stream.Block b, Stream.Entry e) {
        ListpackBlob lp = new ListpackBlob();
        lp.add(b.live).add(b.total - b.live).add(b.masterFields.length);
        for (byte[] f : b.masterFields) lp.add(f);
        lp.add(0);
        for (int p = 0; p < b.used; p = e.end) {
            e.at(b, p);
            byte[][] pairs = e.fieldsAndValues();
            int n = pairs.length / 2;
            boolean same = (e.flags & Stream.SAME_FIELDS) != 0;
            lp.add((e.deleted() ? DELETED : 0) | (same ? SAMEFIELDS : 0));
            lp.add(e.ms - b.masterMs).add(e.seq - b.masterSeq);
            if (same) {
                for (int i = 0; i < n; i++) lp.add(pairs[2 * i + 1]);
                lp.add(n + 3);
            } else {
                lp.add(n);
                for (byte[] x : pairs) lp.add(x);
                lp.add(2L * n + 4);
            }
        }
        return lp.toByteArray();
    }

    private static void writeId(RdbOutput out, long ms, long seq) {
        out.writeLength(ms);
        out.writeLength(seq);
    }

    private static void writeRawId(RdbOutput out, StreamId id) {
        out.writeBigEndian(id.ms(), 8);
        out.writeBigEndian(id.seq(), 8);
    }

    private static void putId(byte[] b, long ms, long seq) {
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (ms >>> (56 - 8 * i));
            b[8 + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    // ---------------------------------------------------------------- RESTORE

    /** A stream from the body of an RDB object of type 15, 19 or 21; "ERR Bad data format" if invalid. */
    public static Stream read(int type, RdbInput in) {
        boolean v2 = type >= RDB_TYPE_STREAM_LISTPACKS_2, v3 = type >= RDB_TYPE_STREAM_LISTPACKS_3;
        Stream s = new Stream();
        long nodes = in.readLength();
        StreamId last = null; // the last entry read, deleted or not
        long live = 0;
        for (long i = 0; Long.compareUnsigned(i, nodes) < 0; i++) {
            byte[] key = in.readString();
            if (key.length != 16) throw BAD_FORMAT;
            StreamId master = new StreamId(be(key, 0), be(key, 8));
            if (last != null && master.compareTo(last) <= 0) throw BAD_FORMAT;
            Stream.Block b = readNode(master, ListDump.listpack(in.readString()));
            last = new StreamId(b.lastMs, b.lastSeq);
            live += b.live;
            s.addLoaded(b);
        }
        s.length = in.readLength();
        s.lastMs = in.readLength();
        s.lastSeq = in.readLength();
        if (s.length != live || (last != null && last.compareTo(s.lastId()) > 0)) throw BAD_FORMAT;
        if (v2) {
            s.firstMs = in.readLength();
            s.firstSeq = in.readLength();
            s.maxDelMs = in.readLength();
            s.maxDelSeq = in.readLength();
            s.entriesAdded = in.readLength();
        } else {
            // Redis before 7.0 kept none of these: the same estimates as Redis's loader.
            s.entriesAdded = s.length;
            s.refreshFirst();
        }
        long groups = in.readLength();
        for (long i = 0; Long.compareUnsigned(i, groups) < 0; i++) {
            byte[] name = in.readString();
            StreamId lastId = new StreamId(in.readLength(), in.readLength());
            long entriesRead = v2 ? in.readLength() : s.estimateEntriesRead(lastId);
            StreamConsumerGroup g = s.createGroup(name, lastId, entriesRead);
            if (g == null) throw BAD_FORMAT; // a repeated group name
            readGroupPel(in, g, v3);
        }
        return s;
    }

    /** One node's listpack (elements as text) into a loading block with that master ID. */
    private static Stream.Block readNode(StreamId master, byte[][] items) {
        Cursor c = new Cursor(items);
        long count = c.integer(), deleted = c.integer(), n = c.integer();
        if (count < 0 || deleted < 0 || n < 0 || n > items.length || count + deleted > items.length) throw BAD_FORMAT;
        byte[][] masterFields = c.strings((int) n);
        if (c.integer() != 0) throw BAD_FORMAT;
        if (count == 0 && deleted == 0) throw BAD_FORMAT; // Redis: "Empty listpack inside stream"
        Stream.Block b = Stream.loadingBlock(master.ms(), master.seq(), masterFields);
        long prevMs = 0, prevSeq = 0;
        long seenLive = 0;
        for (long i = 0; i < count + deleted; i++) {
            int flags = (int) c.integer();
            long ms = master.ms() + c.integer(), seq = master.seq() + c.integer();
            boolean ascending = i == 0 ? StreamId.compare(ms, seq, master.ms(), master.seq()) >= 0
                    : StreamId.compare(ms, seq, prevMs, prevSeq) > 0;
            if (!ascending) throw BAD_FORMAT; // IDs ascend from the master ID
            boolean deletedEntry = (flags & DELETED) != 0;
            byte[][] fields = null, values;
            long pieces;
            if ((flags & SAMEFIELDS) != 0) {
                values = c.strings((int) n);
                pieces = n + 3;
            } else {
                long k = c.integer();
                if (k <= 0 || k > items.length) throw BAD_FORMAT;
                fields = new byte[(int) k][];
                values = new byte[(int) k][];
                for (int j = 0; j < k; j++) {
                    fields[j] = c.string();
                    values[j] = c.string();
                }
                pieces = 2 * k + 4;
            }
            if (c.integer() != pieces) throw BAD_FORMAT;
            if (!deletedEntry) seenLive++;
            Stream.appendLoaded(b, deletedEntry, ms, seq, fields, values);
            prevMs = ms;
            prevSeq = seq;
        }
        if (!c.atEnd() || seenLive != count) throw BAD_FORMAT;
        return b;
    }

    /** The group PEL, then the consumers and their PELs; every PEL entry must get one owner. */
    private static void readGroupPel(RdbInput in, StreamConsumerGroup g, boolean withActiveTime) {
        long pel = in.readLength();
        for (long i = 0; Long.compareUnsigned(i, pel) < 0; i++) {
            StreamId id = readRawId(in);
            StreamConsumerGroup.Nack n = new StreamConsumerGroup.Nack(null, in.readLittleEndian(8));
            n.deliveryCount = in.readLength();
            if (g.pel.putIfAbsent(id, n) != null) throw BAD_FORMAT;
        }
        long consumers = in.readLength();
        for (long i = 0; Long.compareUnsigned(i, consumers) < 0; i++) {
            byte[] name = in.readString();
            if (g.consumer(name) != null) throw BAD_FORMAT;
            long seen = in.readLittleEndian(8);
            StreamConsumerGroup.Consumer c = g.consumerOrCreate(name, seen);
            c.activeTime = withActiveTime ? in.readLittleEndian(8) : seen;
            long owned = in.readLength();
            for (long j = 0; Long.compareUnsigned(j, owned) < 0; j++) {
                StreamId id = readRawId(in);
                StreamConsumerGroup.Nack n = g.pel.get(id);
                if (n == null || n.consumer != null) throw BAD_FORMAT;
                n.consumer = c;
                c.pel.put(id, n);
            }
        }
        for (StreamConsumerGroup.Nack n : g.pel.values()) if (n.consumer == null) throw BAD_FORMAT;
    }

    private static StreamId readRawId(RdbInput in) {
        return new StreamId(in.readBigEndian(8), in.readBigEndian(8));
    }

    private static long be(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    /** Walks listpack elements; running past the end, or text where an integer belongs, is malformed. */
    private static final class Cursor {
        private final byte[][] items;
        private int next;

        Cursor(byte[][] items) { this.items = items; }

        byte[] string() {
            if (next >= items.length) throw BAD_FORMAT;
            return items[next++];
        }

        byte[][] strings(int n) {
            if (n > items.length - next) throw BAD_FORMAT;
            byte[][] out = Arrays.copyOfRange(items, next, next + n);
            next += n;
            return out;
        }

        long integer() { return Numbers.parseLong(string(), BAD_FORMAT); }

        boolean atEnd() { return next == items.length; }
    }
}
