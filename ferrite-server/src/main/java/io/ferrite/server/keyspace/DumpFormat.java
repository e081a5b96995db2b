package io.ferrite.server.keyspace;

import io.ferrite.server.hash.HashValue;
import io.ferrite.server.list.ListDump;
import io.ferrite.server.list.ListValue;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.set.SetValue;
import io.ferrite.server.stream.Stream;
import io.ferrite.server.stream.StreamDump;
import io.ferrite.server.timeseries.TimeSeries;
import io.ferrite.server.zset.SortedSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The serialized form of one value for DUMP and RESTORE: Redis's own format (cluster.c
 * createDumpPayload and verifyDumpPayload, object bodies as in rdb.c), so payloads move both
 * ways between Ferrite and Redis.
 *
 * <pre>
 * +-----------+---------------------------+--------------------+-----------------+
 * | type: 1 B | object body (RDB encoding) | RDB version: 2 B LE | CRC-64: 8 B LE  |
 * +-----------+---------------------------+--------------------+-----------------+
 *                                          \______ footer, 10 bytes ____________/
 * </pre>
 *
 * <ul>
 *   <li><b>type</b>: the RDB object type; 0 is a string.</li>
 *   <li><b>string body</b>: one RDB string (see {@link RdbOutput#writeString}): a length then the
 *       bytes, or a canonical integer of at most 32 bits as a 1/2/4-byte little-endian integer, or
 *       (only when reading: Redis writes it for compressible strings over 20 bytes) an LZF block,
 *       see {@link Lzf}.</li>
 *   <li><b>RDB version</b>: Ferrite writes 10 (Redis 7.0) and reads any version up to 11 (Redis
 *       7.2). Every body Ferrite writes is one RDB 10 knows (streams as STREAM_LISTPACKS_2, see
 *       {@link StreamDump}), so Redis 7.0 and 7.2 both restore Ferrite's payloads; a Redis 7.0
 *       refuses any payload whose footer says 11.</li>
 *   <li><b>CRC-64</b>: {@link Crc64} over everything before it, version included.</li>
 * </ul>
 *
 * <p>Each value type plugs in here: one case in {@link #writeValue} (the RDB type byte, then the
 * body through {@link RdbOutput}) and one in {@link #readValue} (the body through
 * {@link RdbInput}). Types without a case cannot be dumped yet.
 */
public final class DumpFormat {
    /** The RDB version written in footers: Redis 7.0's, the newest that 7.0 restores. */
    public static final int RDB_VERSION = 10;
    /** The newest RDB version read (Redis 7.2's). */
    public static final int RDB_VERSION_MAX = 11;
    static final int TYPE_STRING = 0;
    static final int TYPE_SET = 2, TYPE_HASH = 4, TYPE_SET_INTSET = 11, TYPE_HASH_LISTPACK = 16, TYPE_SET_LISTPACK = 20;
    static final int TYPE_ZSET = 3;      // scores as length-prefixed text (RDB < 8)
    static final int TYPE_ZSET_2 = 5;    // scores as 8-byte little-endian IEEE doubles
    static final int TYPE_ZSET_LISTPACK = 17; // Redis 7's small sets: member, score, ... in a listpack
    static final int TYPE_MODULE_2 = 7;  // a module value: time series (TimeSeries.writeDump)
    private static final int FOOTER = 10;

    static final CommandError NOT_SUPPORTED = new CommandError("ERR DUMP not supported for this type yet");
    static final CommandError BAD_PAYLOAD = new CommandError("ERR DUMP payload version or checksum are wrong");
    static final CommandError BAD_FORMAT = new CommandError("ERR Bad data format");

    private DumpFormat() {}

    /** The DUMP payload of a value; NOT_SUPPORTED for a type without an encoder. */
    public static byte[] dump(Object value) {
        return dump(NO_KEY, value);
    }

    private static final byte[] NO_KEY = {};

    /**
     * The DUMP payload of the value at key. Only a time series records its key (as
     * RedisTimeSeries's payload does; RESTORE under the same name re-links its rules); the
     * other types' payloads do not depend on it.
     */
    public static byte[] dump(byte[] key, Object value) {
        RdbOutput out = new RdbOutput();
        writeValue(out, key, value);
        out.writeLittleEndian(RDB_VERSION, 2);
        out.writeLittleEndian(Crc64.update(0, out.array(), 0, out.size()), 8);
        return out.toByteArray();
    }

    /** One value as RDB writes it: the type byte, then the body (a DUMP payload and an RDB file entry alike). */
    public static void writeValue(RdbOutput out, byte[] key, Object value) {
        if (value instanceof byte[] s) {
            out.writeByte(TYPE_STRING);
            out.writeString(s);
        } else if (value instanceof ListValue l) {
            out.writeByte(ListDump.RDB_TYPE_LIST);
            ListDump.write(l, out);
        } else if (value instanceof HashValue h) {
            // The plain RDB_TYPE_HASH form (length, then field and value strings): every Redis
            // since 1.x loads it, choosing its own encoding.
            out.writeByte(TYPE_HASH);
            out.writeLength(h.size());
            h.forEachCopy((f, v) -> {
                out.writeString(f);
                out.writeString(v);
            });
        } else if (value instanceof SetValue set) {
            out.writeByte(TYPE_SET);
            out.writeLength(set.size());
            for (byte[] m : set.toArray()) out.writeString(m);
        } else if (value instanceof SortedSet z) {
            // RDB_TYPE_ZSET_2, greatest first as Redis writes skiplists (each load then inserts
            // at the head). Redis 7.2 writes small sets as a listpack blob; it loads this form too.
            out.writeByte(TYPE_ZSET_2);
            out.writeLength(z.size());
            if (z.size() > 0) {
                z.forEach(0, z.size() - 1, true, (member, score) -> {
                    out.writeString(member);
                    out.writeLittleEndian(Double.doubleToRawLongBits(score), 8);
                });
            }
        } else if (value instanceof Stream st) {
            out.writeByte(StreamDump.RDB_TYPE_STREAM_LISTPACKS_2);
            StreamDump.write(st, out);
        } else if (value instanceof TimeSeries ts) {
            out.writeByte(TYPE_MODULE_2);
            ts.writeDump(key, out);
        } else {
            throw NOT_SUPPORTED;
        }
    }

    /** Appends the footer (RDB version, CRC64) to a payload body, as FUNCTION DUMP does too. */
    public static byte[] withFooter(RdbOutput out) {
        out.writeLittleEndian(RDB_VERSION, 2);
        out.writeLittleEndian(Crc64.update(0, out.array(), 0, out.size()), 8);
        return out.toByteArray();
    }

    /** The body of a payload whose footer checks out; BAD_PAYLOAD otherwise. */
    public static RdbInput payloadBody(byte[] payload) {
        if (!verify(payload)) throw BAD_PAYLOAD;
        return new RdbInput(payload, 0, payload.length - FOOTER);
    }

    /** True when the footer names a version we read and the checksum matches. */
    public static boolean verify(byte[] payload) {
        int n = payload.length;
        if (n < FOOTER) return false;
        int version = (payload[n - FOOTER] & 0xff) | (payload[n - FOOTER + 1] & 0xff) << 8;
        if (version > RDB_VERSION_MAX) return false;
        long crc = Crc64.update(0, payload, 0, n - 8);
        for (int i = 0; i < 8; i++) if (payload[n - 8 + i] != (byte) (crc >>> (8 * i))) return false;
        return true;
    }

    /** The value in a payload: BAD_PAYLOAD on a wrong version or checksum, BAD_FORMAT on a bad body. */
    public static Object restore(byte[] payload) {
        if (!verify(payload)) throw BAD_PAYLOAD;
        try {
            RdbInput in = new RdbInput(payload, 0, payload.length - FOOTER);
            return readValue(in.readByte(), in);
        } catch (RdbInput.Malformed e) {
            throw BAD_FORMAT;
        }
    }

    /**
     * A sorted set body: a length, then (member, score) pairs. As Redis's rdbLoadObject: an empty
     * set, a NaN score or a repeated member is malformed; the set is built as a skiplist and
     * shrunk to listpack when small (with the default limits, 128 members of at most 64 bytes:
     * the payload format carries no config).
     */
    private static SortedSet readSortedSet(RdbInput in, boolean binaryScores) {
        long n = in.readLength();
        if (n == 0 || n > Integer.MAX_VALUE) throw BAD_FORMAT;
        SortedSet z = SortedSet.skiplist((int) Math.min(n, 1 << 20));
        for (long i = 0; i < n; i++) {
            byte[] member = in.readString();
            double score = binaryScores ? Double.longBitsToDouble(in.readLittleEndian(8)) : readTextDouble(in);
            if (Double.isNaN(score) || !Double.isNaN(z.score(member))) throw BAD_FORMAT;
            z.insertNew(score, member);
        }
        z.convertToListpackIfNeeded(128, 64);
        return z;
    }

    /** A listpack of member, score pairs (scores as text or integers), as Redis 7 dumps small sets. */
    private static SortedSet sortedSetFromListpack(List<byte[]> items) {
        if (items.isEmpty() || items.size() % 2 != 0) throw BAD_FORMAT;
        SortedSet z = SortedSet.skiplist(items.size() / 2);
        for (int i = 0; i < items.size(); i += 2) {
            byte[] member = items.get(i);
            Double score = io.ferrite.server.protocol.Numbers.parseDouble(items.get(i + 1));
            if (score == null || !Double.isNaN(z.score(member))) throw BAD_FORMAT;
            z.insertNew(score, member);
        }
        z.convertToListpackIfNeeded(128, 64);
        return z;
    }

    /** RDB's old text double: a length byte (253 NaN, 254 +inf, 255 -inf) then ASCII digits. */
    private static double readTextDouble(RdbInput in) {
        int len = in.readByte();
        switch (len) {
            case 253: return Double.NaN;
            case 254: return Double.POSITIVE_INFINITY;
            case 255: return Double.NEGATIVE_INFINITY;
            default:
                byte[] text = new byte[len];
                for (int i = 0; i < len; i++) text[i] = (byte) in.readByte();
                Double d = io.ferrite.server.protocol.Numbers.parseDouble(text);
                if (d == null) throw BAD_FORMAT;
                return d;
        }
    }

    /** The value of RDB type {@code type} whose body {@code in} is at; BAD_FORMAT for a type Ferrite does not know. */
    public static Object readValue(int type, RdbInput in) {
        return switch (type) {
            case TYPE_STRING -> in.readString();
            case ListDump.RDB_TYPE_LIST, ListDump.RDB_TYPE_LIST_QUICKLIST_2 -> ListDump.read(type, in);
            // Encodings are chosen with Redis's default thresholds: the payload reader has no
            // server configuration; later writes convert with the configured ones.
            case TYPE_HASH -> orBadFormat(HashValue.load(readStrings(in, 2), false, 128, 64));
            case TYPE_HASH_LISTPACK -> orBadFormat(HashValue.load(listpack(in.readString()), true, 128, 64));
            case TYPE_SET -> orBadFormat(SetValue.load(readStrings(in, 1), SetValue.Limits.DEFAULT));
            case TYPE_SET_LISTPACK -> orBadFormat(SetValue.loadListpack(listpack(in.readString()), SetValue.Limits.DEFAULT));
            case TYPE_SET_INTSET -> orBadFormat(SetValue.loadIntset(in.readString(), SetValue.Limits.DEFAULT));
            case TYPE_ZSET, TYPE_ZSET_2 -> readSortedSet(in, type == TYPE_ZSET_2);
            case TYPE_ZSET_LISTPACK -> sortedSetFromListpack(listpack(in.readString()));
            case StreamDump.RDB_TYPE_STREAM_LISTPACKS, StreamDump.RDB_TYPE_STREAM_LISTPACKS_2,
                    StreamDump.RDB_TYPE_STREAM_LISTPACKS_3 -> StreamDump.read(type, in);
            case TYPE_MODULE_2 -> TimeSeries.readDump(in);
            default -> throw BAD_FORMAT;
        };
    }

    /** A length, then length x perItem strings. */
    private static List<byte[]> readStrings(RdbInput in, int perItem) {
        long n = in.readLength();
        if (n > Integer.MAX_VALUE / perItem) throw BAD_FORMAT;
        List<byte[]> out = new ArrayList<>((int) Math.min(n * perItem, 1 << 16));
        for (long i = 0; i < n * perItem; i++) out.add(in.readString());
        return out;
    }

    private static List<byte[]> listpack(byte[] blob) {
        return java.util.Arrays.asList(io.ferrite.server.list.ListDump.listpack(blob));
    }

    private static <T> T orBadFormat(T value) {
        if (value == null) throw BAD_FORMAT;
        return value;
    }
}
