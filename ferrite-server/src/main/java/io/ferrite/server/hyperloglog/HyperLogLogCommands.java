package io.ferrite.server.hyperloglog;

import static io.ferrite.server.string.StringCommands.is;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HyperLogLog commands (Redis 7.2 group "hyperloglog"): PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
 * Spec: https://redis.io/docs/latest/commands/pfadd/ and siblings. Layout: {@link HyperLogLog}.
 *
 * <p>Behaviour and error texts follow hyperloglog.c of Redis 7.2.6. The value is a plain string
 * owned by its key, changed in place while its size stays (dense PFADD, the cached card written
 * back by a one-key PFCOUNT, which therefore counts as a write as in Redis) and replaced, TTL
 * kept, when a sparse string grows or is promoted. PFADD on a missing key replies 1 even with
 * no elements; PFMERGE includes the destination in the union and makes it dense only when some
 * input is dense; multi-key PFCOUNT computes the union without touching any key.
 */
public final class HyperLogLogCommands {
    private HyperLogLogCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("pfadd", -2, "write denyoom fast", "@hyperloglog", 1, 1, 1, HyperLogLogCommands::pfadd);
        t.add("pfcount", -2, "readonly may_replicate", "@hyperloglog", 1, -1, 1, HyperLogLogCommands::pfcount);
        t.add("pfmerge", -2, "write denyoom", "@hyperloglog", 1, -1, 1, HyperLogLogCommands::pfmerge);
        t.add("pfdebug", 3, "write denyoom admin", "@hyperloglog", 2, 2, 1, HyperLogLogCommands::pfdebug);
        t.add("pfselftest", 1, "admin", "@hyperloglog", 0, 0, 0, HyperLogLogCommands::pfselftest);
    }

    static final CommandError NOT_HLL = new CommandError("WRONGTYPE Key is not a valid HyperLogLog string value.");
    static final CommandError CORRUPT = new CommandError("INVALIDOBJ Corrupted HLL object detected");
    static final CommandError NO_KEY = new CommandError("ERR The specified key does not exist");
    static final CommandError NOT_SPARSE = new CommandError("ERR HLL encoding is not sparse");

    /** The HLL bytes of a live entry: WRONGTYPE for a non-string, the HLL WRONGTYPE for a bad string. */
    private static byte[] hllOf(DbEntry e) {
        if (!(e.value() instanceof byte[] b)) throw CommandError.WRONGTYPE;
        if (!HyperLogLog.isValid(b)) throw NOT_HLL;
        return b;
    }

    private static long sparseMaxBytes(Client c) {
        return c.server().config().param("hll-sparse-max-bytes").longValue();
    }

    /** PFADD key [element ...]: 1 if a register changed or the key was created. */
    static void pfadd(Client c) {
        Database db = c.db();
        byte[] key = c.arg(1);
        DbEntry e = db.lookup(key);
        boolean updated = false;
        byte[] h;
        if (e == null) {
            h = HyperLogLog.create();
            e = db.add(key, h);
            updated = true;
        } else {
            h = hllOf(e);
        }
        int argc = c.argc();
        if (argc > 2) {
            if (HyperLogLog.encoding(h) == HyperLogLog.DENSE) {
                for (int j = 2; j < argc; j++) {
                    long hash = HyperLogLog.hash(c.arg(j));
                    if (DenseRegisters.raise(h, HyperLogLog.index(hash), HyperLogLog.count(hash))) updated = true;
                }
            } else {
                byte[] next = sparseAdd(c, db, e, h);
                if (next != h) {
                    db.update(e, next);
                    updated = true;
                }
            }
        }
        if (updated) {
            h = (byte[]) e.value();
            HyperLogLog.invalidateCache(h);
            db.touched(e);
        }
        c.reply().integer(updated ? 1 : 0);
    }

    /**
     * Adds elements 2.. to the sparse HLL h in a working copy, promoting on the way if needed.
     * Returns h itself when nothing changed, else the new string. On corruption the changes made
     * so far are stored (as Redis leaves them) before the error.
     */
    private static byte[] sparseAdd(Client c, Database db, DbEntry e, byte[] h) {
        long maxBytes = sparseMaxBytes(c);
        SparseRegisters s = new SparseRegisters(h);
        byte[] dense = null;
        boolean changed = false;
        for (int j = 2; j < c.argc(); j++) {
            long hash = HyperLogLog.hash(c.arg(j));
            int index = HyperLogLog.index(hash), count = HyperLogLog.count(hash);
            if (dense != null) {
                DenseRegisters.raise(dense, index, count);
                continue;
            }
            int r = s.set(index, count, maxBytes);
            if (r == 1) {
                changed = true;
            } else if (r == SparseRegisters.PROMOTE) {
                dense = s.toDense();
                if (dense == null) r = SparseRegisters.CORRUPT;
                else DenseRegisters.set(dense, index, count);
            }
            if (r == SparseRegisters.CORRUPT) {
                if (changed) db.update(e, s.toBytes());
                throw CORRUPT;
            }
        }
        if (dense != null) return dense;
        return changed ? s.toBytes() : h;
    }

    /** PFCOUNT key [key ...]: the (cached) estimate of one key, or of the union of several. */
    static void pfcount(Client c) {
        Database db = c.db();
        int argc = c.argc();
        if (argc > 2) {
            byte[] raw = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < argc; j++) {
                DbEntry e = db.lookupRead(c.arg(j));
                if (e == null) continue;
                mergeInto(raw, hllOf(e));
            }
            c.reply().integer(HyperLogLog.countRaw(raw));
            return;
        }
        DbEntry e = db.lookupRead(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        byte[] h = hllOf(e);
        long card;
        if (HyperLogLog.cacheValid(h)) {
            card = HyperLogLog.cachedCard(h);
        } else {
            card = HyperLogLog.count(h);
            if (card < 0) throw CORRUPT;
            // Writing the cache back changes the string: a write for persistence, as in Redis.
            HyperLogLog.storeCard(h, card);
            db.touched(e);
        }
        c.reply().integer(card);
    }

    /** raw = max(raw, registers of h), word at a time when dense; INVALIDOBJ for a corrupt sparse h. */
    private static void mergeInto(byte[] raw, byte[] h) {
        if (HyperLogLog.encoding(h) == HyperLogLog.DENSE) {
            DenseRegisters.mergeInto(raw, h);
        } else if (!SparseRegisters.mergeInto(raw, h)) {
            throw CORRUPT;
        }
    }

    /** PFMERGE destkey [sourcekey ...]: destkey becomes the union of itself and the sources. */
    static void pfmerge(Client c) {
        Database db = c.db();
        int argc = c.argc();
        byte[] raw = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < argc; j++) {
            DbEntry e = db.lookupRead(c.arg(j));
            if (e == null) continue;
            byte[] h = hllOf(e);
            if (HyperLogLog.encoding(h) == HyperLogLog.DENSE) useDense = true;
            mergeInto(raw, h);
        }
        byte[] key = c.arg(1);
        DbEntry e = db.lookup(key);
        byte[] h;
        if (e == null) {
            h = HyperLogLog.create();
            e = db.add(key, h);
        } else {
            h = (byte[]) e.value();
        }
        if (useDense && HyperLogLog.encoding(h) == HyperLogLog.SPARSE) {
            h = SparseRegisters.toDense(h, h.length);
            if (h == null) throw CORRUPT;
            db.update(e, h);
        }
        if (HyperLogLog.encoding(h) == HyperLogLog.DENSE) {
            // The destination took part in the union, so each register ends at the union's value.
            DenseRegisters.pack(raw, h);
        } else {
            long maxBytes = sparseMaxBytes(c);
            SparseRegisters s = new SparseRegisters(h);
            byte[] dense = null;
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                if (raw[j] == 0) continue;
                if (s.set(j, raw[j], maxBytes) == SparseRegisters.PROMOTE) {
                    dense = s.toDense();
                    if (dense != null) {
                        DenseRegisters.pack(raw, dense);
                        break;
                    }
                }
            }
            h = dense != null ? dense : s.toBytes();
            db.update(e, h);
        }
        HyperLogLog.invalidateCache(h);
        db.touched(e);
        c.reply().ok();
    }

    /** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: internals, for tests. */
    static void pfdebug(Client c) {
        Database db = c.db();
        byte[] cmd = c.arg(1);
        DbEntry e = db.lookup(c.arg(2));
        if (e == null) throw NO_KEY;
        byte[] h = hllOf(e);
        boolean sparse = HyperLogLog.encoding(h) == HyperLogLog.SPARSE;
        RespWriter w = c.reply();
        if (is(cmd, "getreg")) {
            if (sparse) h = toDense(db, e, h);
            w.array(HyperLogLog.REGISTERS);
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) w.integer(DenseRegisters.get(h, j));
        } else if (is(cmd, "decode")) {
            if (!sparse) throw NOT_SPARSE;
            w.bulk(SparseRegisters.decode(h).getBytes(StandardCharsets.US_ASCII));
        } else if (is(cmd, "encoding")) {
            w.simple(sparse ? "sparse" : "dense");
        } else if (is(cmd, "todense")) {
            if (sparse) toDense(db, e, h);
            w.integer(sparse ? 1 : 0);
        } else {
            throw new CommandError("ERR Unknown PFDEBUG subcommand '" + new String(cmd, StandardCharsets.UTF_8) + "'");
        }
    }

    private static byte[] toDense(Database db, DbEntry e, byte[] sparse) {
        byte[] d = SparseRegisters.toDense(sparse, sparse.length);
        if (d == null) throw CORRUPT;
        db.update(e, d);
        return d;
    }

    /** PFSELFTEST: register access and estimate error checks on private HLLs (slow: ~10M adds). */
    static void pfselftest(Client c) {
        String failure = selfTest(c.server().config().param("hll-sparse-max-bytes").longValue());
        if (failure != null) throw new CommandError("TESTFAILED " + failure);
        c.reply().ok();
    }

    /** Runs Redis's two self-test checks; the failure text, or null when all passed. */
    static String selfTest(long sparseMaxBytes) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        byte[] dense = DenseRegisters.withHeaderOf(HyperLogLog.create());
        byte[] expect = new byte[HyperLogLog.REGISTERS];
        for (int cycle = 0; cycle < 1000; cycle++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int r = rnd.nextInt(64);
                expect[i] = (byte) r;
                DenseRegisters.set(dense, i, r);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int v = DenseRegisters.get(dense, i);
                if (v != expect[i]) return "Register " + i + " should be " + expect[i] + " but is " + v;
            }
        }
        // Dense and sparse copies of the same stream must agree, and stay within 6 standard errors.
        dense = DenseRegisters.withHeaderOf(HyperLogLog.create());
        SparseRegisters sparse = new SparseRegisters(HyperLogLog.create());
        byte[] promoted = null;
        double relErr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long checkpoint = 1;
        long seed = rnd.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            HyperLogLog.LONG_LE.set(ele, 0, j ^ seed);
            long hash = HyperLogLog.hash(ele);
            int index = HyperLogLog.index(hash), count = HyperLogLog.count(hash);
            DenseRegisters.raise(dense, index, count);
            if (promoted != null) {
                DenseRegisters.raise(promoted, index, count);
            } else if (sparse.set(index, count, sparseMaxBytes) == SparseRegisters.PROMOTE) {
                promoted = sparse.toDense();
                DenseRegisters.set(promoted, index, count);
            }
            if (j != checkpoint) continue;
            if (j < sparseMaxBytes / 2 && promoted != null) return "sparse encoding not used";
            long d = HyperLogLog.count(dense);
            long other = promoted != null ? HyperLogLog.count(promoted) : HyperLogLog.count(sparse.toBytes());
            if (d != other) return "dense/sparse disagree";
            long absErr = Math.abs(checkpoint - d);
            long maxErr = j == 10 ? 1 : (long) Math.ceil(relErr * 6 * checkpoint);
            if (absErr > maxErr) return "Too big error. card:" + checkpoint + " abserr:" + absErr;
            checkpoint *= 10;
        }
        return null;
    }
}
