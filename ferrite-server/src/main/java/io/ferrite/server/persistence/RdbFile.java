package io.ferrite.server.persistence;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.Version;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.DumpFormat;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.keyspace.RdbOutput;
import io.ferrite.server.keyspace.Shard;
import io.ferrite.server.keyspace.Value;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.scripting.FunctionCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Redis's RDB file (rdb.c), written and read, so a dump.rdb moves both ways between Ferrite and
 * redis-server 7.x.
 *
 * <pre>
 * "REDIS0010"                               magic and RDB version (Redis 7.0's; 7.0 and 7.2 load it)
 * AUX  redis-ver redis-bits ctime used-mem aof-base     0xFA, name string, value string
 * FUNCTION2 library-code ...                0xF5, string (as FUNCTION DUMP writes them)
 * per non-empty database:
 *   SELECTDB n  RESIZEDB keys expires       0xFE length; 0xFB length length
 *   per key: [EXPIRETIME_MS t] [IDLE s | FREQ f] type key body
 *            0xFC 8-byte LE unix ms; under an -lru / -lfu maxmemory-policy 0xF8 length / 0xF9 byte;
 *            then the value as DUMP writes it
 * EOF  CRC-64                               0xFF; Crc64 of every byte before it, LE (0 when rdbchecksum no)
 * </pre>
 *
 * <p>With {@code rdbcompression yes} (the default) strings over 20 bytes, listpack blobs included,
 * are written LZF-compressed when that saves 4 bytes or more, as Redis does.
 *
 * <p>Read also: RDB 1 to 11 values Ferrite knows (see {@link DumpFormat#readValue}), EXPIRETIME in
 * seconds, MODULE_AUX is refused, and a
 * database may be selected more than once.
 *
 * <p>Reading streams the file ({@link RdbInput}'s stream mode): it is never held whole, so its
 * size is not limited by memory beyond its largest value.
 *
 * <p>Writing takes one table (one database's keys in one shard) at a time under that shard's
 * lock, into a buffer that is then written out without the lock: a shard is locked for as long
 * as one table takes to serialize, never for the disk. A caller that already holds every shard
 * lock (SAVE) gets one point in time; a background save gets each table at its own point in time
 * (ADR 0008).
 */
public final class RdbFile {
    static final int VERSION = DumpFormat.RDB_VERSION;
    static final int OP_FUNCTION2 = 0xF5, OP_MODULE_AUX = 0xF7, OP_IDLE = 0xF8, OP_FREQ = 0xF9, OP_AUX = 0xFA,
            OP_RESIZEDB = 0xFB, OP_EXPIRETIME_MS = 0xFC, OP_EXPIRETIME = 0xFD, OP_SELECTDB = 0xFE, OP_EOF = 0xFF;
    private static final int OP_FUNCTION_PRE_GA = 0xF6;
    private static final byte[] MAGIC = "REDIS".getBytes(StandardCharsets.US_ASCII);
    private static final int FLUSH_BYTES = 1 << 20;

    private RdbFile() {}

    /** What a write produced. */
    record Written(long keys, long bytes) {}

    /** Called after each table, without its lock: may sleep (rdb-key-save-delay) or abort the save. */
    interface Pacer {
        Pacer NONE = keys -> {};

        void afterTable(long keys);
    }

    /** Thrown by a {@link Pacer} to stop a save (FLUSHALL, SHUTDOWN: Redis kills its save child). */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super("save aborted", null, false, false);
        }
    }

    /**
     * Writes the server's whole dataset to os (not closed). checksum: rdbchecksum. The caller
     * need not hold any lock; shard locks are reentrant, so one that holds them all gets one
     * consistent point in time.
     */
    static Written write(FerriteServer server, OutputStream os, boolean checksum, boolean compress, Pacer pacer)
            throws IOException {
        Keyspace ks = server.keyspace();
        Access access = Access.of(server, ks);
        Sink sink = new Sink(os, checksum);
        RdbOutput out = new RdbOutput();
        RdbOutput value = new RdbOutput(); // one value at a time, to put its key after its type byte
        value.compressStrings(compress);
        out.compressStrings(compress);
        out.writeBytes(MAGIC, 0, MAGIC.length);
        byte[] version = String.format("%04d", VERSION).getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(version, 0, version.length);
        aux(out, "redis-ver", Version.REDIS);
        aux(out, "redis-bits", "64");
        aux(out, "ctime", Long.toString(System.currentTimeMillis() / 1000));
        Runtime rt = Runtime.getRuntime();
        aux(out, "used-mem", Long.toString(rt.totalMemory() - rt.freeMemory()));
        aux(out, "aof-base", "0");
        ks.lockAll(); // libraries change under every shard lock (FUNCTION LOAD is lock_all)
        try {
            byte[] fn = FunctionCommands.rdbFunctions(server);
            out.writeBytes(fn, 0, fn.length);
        } finally {
            ks.unlockAll();
        }
        sink.take(out);
        long keys = 0;
        for (int d = 0; d < ks.databaseCount(); d++) {
            Database db = ks.database(d);
            boolean selected = false;
            for (int s = 0; s < ks.shardCount(); s++) {
                Shard shard = ks.shard(s);
                long n;
                shard.lock();
                try {
                    n = db.tableSize(s);
                    if (n == 0) continue;
                    if (!selected) {
                        // RESIZEDB only sizes the loader's tables: the database's counts, other shards' read unlocked.
                        out.writeByte(OP_SELECTDB);
                        out.writeLength(d);
                        out.writeByte(OP_RESIZEDB);
                        out.writeLength(db.size());
                        out.writeLength(db.expiringCount());
                        selected = true;
                    }
                    keys += n;
                    db.forEachInTable(s, e -> entry(out, value, e, ks, access));
                } finally {
                    shard.unlock();
                }
                pacer.afterTable(n);
                if (out.size() >= FLUSH_BYTES) sink.take(out);
            }
            sink.take(out);
        }
        out.writeByte(OP_EOF);
        sink.take(out);
        long crc = checksum ? sink.crc : 0;
        out.writeLittleEndian(crc, 8);
        sink.take(out);
        return new Written(keys, sink.bytes);
    }

    /** Which access record entries carry, as Redis: LRU idle time or LFU counter under such a maxmemory-policy. */
    private enum Access {
        NONE, LRU, LFU;

        static Access of(FerriteServer server, Keyspace ks) {
            return ks.lfu() ? LFU : server.config().maxmemoryPolicy.value().endsWith("-lru") ? LRU : NONE;
        }
    }

    private static void entry(RdbOutput out, RdbOutput value, DbEntry e, Keyspace ks, Access access) {
        if (e.hasExpire()) {
            out.writeByte(OP_EXPIRETIME_MS);
            out.writeLittleEndian(e.expireAt(), 8);
        }
        if (access == Access.LRU) {
            out.writeByte(OP_IDLE);
            out.writeLength(ks.idleSeconds(e));
        } else if (access == Access.LFU) {
            out.writeByte(OP_FREQ);
            out.writeByte(ks.frequency(e));
        }
        // The key comes after the type byte: write the value's type, then the key, then its body.
        value.clear();
        DumpFormat.writeValue(value, e.key(), e.value());
        out.writeByte(value.byteAt(0));
        out.writeString(e.key());
        value.copyTo(out, 1);
    }

    private static void aux(RdbOutput out, String name, String value) {
        out.writeByte(OP_AUX);
        out.writeString(name.getBytes(StandardCharsets.US_ASCII));
        out.writeString(value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Bytes on their way to the file, counted and checksummed. */
    private static final class Sink {
        private final OutputStream os;
        private final boolean checksum;
        long crc, bytes;

        Sink(OutputStream os, boolean checksum) {
            this.os = os;
            this.checksum = checksum;
        }

        void take(RdbOutput out) throws IOException {
            if (checksum) crc = out.crc64(crc);
            bytes += out.size();
            out.writeTo(os);
            out.clear();
        }
    }

    /** What a load found. */
    record Loaded(long keys, long expiredSkipped, int version) {}

    /** How a load meets what is already there (DEBUG RELOAD's options). */
    enum Into {
        /** An empty dataset (a start, DEBUG RELOAD): the file's functions replace all libraries. */
        EMPTY,
        /** NOFLUSH: a key or library already there is an error, as in Redis. */
        KEEP,
        /** MERGE: the file's keys and libraries replace their namesakes. */
        MERGE
    }

    /**
     * Loads an RDB file's contents into the server (the caller holds every shard lock). Malformed
     * input raises {@link RdbInput.Malformed} with what was wrong; keys loaded before it stay.
     */
    static Loaded load(InputStream file, FerriteServer server, long nowMillis, Into into) {
        RdbInput in = new RdbInput(file);
        byte[] header = new byte[9];
        try {
            for (int i = 0; i < header.length; i++) header[i] = (byte) in.readByte();
        } catch (RdbInput.Malformed e) {
            throw new RdbInput.Malformed("Wrong signature trying to load DB from file");
        }
        if (!Arrays.equals(header, 0, 5, MAGIC, 0, 5)) throw new RdbInput.Malformed("Wrong signature trying to load DB from file");
        int version;
        try {
            version = Integer.parseInt(new String(header, 5, 4, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RdbInput.Malformed("Wrong signature trying to load DB from file");
        }
        if (version < 1 || version > DumpFormat.RDB_VERSION_MAX) {
            throw new RdbInput.Malformed("Can't handle RDB format version " + version);
        }
        Keyspace ks = server.keyspace();
        Database db = ks.database(0);
        RdbOutput functions = new RdbOutput();
        long keys = 0, expired = 0, expireAt = DbEntry.NO_EXPIRE;
        int freq = -1;
        long idle = -1;
        while (true) {
            int type = in.readByte();
            switch (type) {
                case OP_EXPIRETIME_MS -> { expireAt = in.readLittleEndian(8); continue; }
                case OP_EXPIRETIME -> { expireAt = in.readLittleEndian(4) * 1000; continue; }
                case OP_FREQ -> { freq = in.readByte(); continue; }
                case OP_IDLE -> { idle = in.readLength(); continue; }
                case OP_RESIZEDB -> { in.readLength(); in.readLength(); continue; }
                case OP_AUX -> { in.readString(); in.readString(); continue; }
                case OP_SELECTDB -> {
                    long d = in.readLength();
                    if (d >= ks.databaseCount()) {
                        throw new RdbInput.Malformed("FATAL: Data file was created with a Redis server configured to handle "
                                + "more than " + ks.databaseCount() + " databases. Exiting");
                    }
                    db = ks.database((int) d);
                    continue;
                }
                case OP_FUNCTION2 -> {
                    functions.writeByte(OP_FUNCTION2);
                    functions.writeString(in.readString());
                    continue;
                }
                case OP_FUNCTION_PRE_GA -> throw new RdbInput.Malformed("Pre-release function format not supported");
                case OP_MODULE_AUX -> throw new RdbInput.Malformed("The RDB file contains AUX module data I can't load");
                case OP_EOF -> {
                    if (version >= 5) { // then a CRC-64 of everything before it; 0 when the writer had rdbchecksum no
                        long actual = in.crcOfRead();
                        long expected = in.readLittleEndian(8);
                        if (expected != 0 && expected != actual) throw new RdbInput.Malformed("Wrong RDB checksum");
                    }
                    try {
                        FunctionCommands.restoreRdbFunctions(server, functions, into == Into.EMPTY, into == Into.MERGE);
                    } catch (CommandError e) {
                        throw new RdbInput.Malformed("functions: " + e.getMessage());
                    }
                    return new Loaded(keys, expired, version);
                }
                default -> {
                    byte[] key = in.readString();
                    Object value;
                    try {
                        value = DumpFormat.readValue(type, in);
                    } catch (CommandError e) {
                        throw new RdbInput.Malformed("Bad data format (value of type " + type + " at key '"
                                + new String(key, StandardCharsets.UTF_8) + "')");
                    }
                    if (expireAt != DbEntry.NO_EXPIRE && expireAt <= nowMillis) {
                        expired++; // as a Redis master: keys already expired are not loaded
                    } else {
                        if (into == Into.KEEP && db.peek(key) != null) {
                            throw new RdbInput.Malformed("duplicated key '" + new String(key, StandardCharsets.UTF_8)
                                    + "' in DB " + db.index());
                        }
                        if (value instanceof Value v) v.beforeRestore(db, key);
                        db.delete(key);
                        DbEntry e = db.set(key, value, expireAt);
                        // As Redis's objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLE under any other.
                        if (freq >= 0 && ks.lfu()) ks.frequency(e, freq);
                        if (idle >= 0 && !ks.lfu()) ks.idleSeconds(e, idle);
                        keys++;
                    }
                    expireAt = DbEntry.NO_EXPIRE;
                    freq = -1;
                    idle = -1;
                }
            }
        }
    }
}
