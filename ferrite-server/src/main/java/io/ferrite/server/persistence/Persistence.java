package io.ferrite.server.persistence;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.keyspace.Clock;
import io.ferrite.server.keyspace.RdbInput;
import io.ferrite.server.protocol.CommandError;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RDB snapshots of one server (ADR 0008): SAVE, BGSAVE, the `save` points, loading at start,
 * saving at shutdown, and the state INFO persistence, LASTSAVE and MISCONF report.
 *
 * <p>A save writes {@code temp-PID-N.rdb} in {@code dir}, forces it to disk, and renames it over
 * {@code dbfilename}, so the file is always a complete snapshot: a failed save (a full disk, a
 * directory that went away) leaves the previous one in place. After a failed background save
 * with save points configured and {@code stop-writes-on-bgsave-error yes}, write commands (and
 * PING) get MISCONF until a save succeeds, as in Redis.
 *
 * <p>Automatic persistence (loading at start, save points, saving at shutdown) belongs to the
 * server process; embedded servers (tests) get it only when asked, so they neither pick up a
 * dump.rdb from the working directory nor leave one there. SAVE and BGSAVE work everywhere.
 *
 * <p>Threading: state fields are volatile, read by INFO and the dispatcher from any event loop;
 * one background save runs at a time ({@link #bgsaveStartedAt} set under this object's monitor).
 */
public final class Persistence {
    /** Redis's reply for writes after a failed background save (server.c, shared.bgsaveerr). */
    public static final CommandError MISCONF = new CommandError("MISCONF Redis is configured to save RDB snapshots, "
            + "but it's currently unable to persist to disk. Commands that may modify the data set are disabled, "
            + "because this instance is configured to report errors during writes if RDB snapshotting fails "
            + "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.");
    private static final long RETRY_AFTER_ERROR_MILLIS = 5_000; // Redis's CONFIG_BGSAVE_RETRY_DELAY

    private static final Logger log = LoggerFactory.getLogger(Persistence.class);

    private final FerriteServer server;
    private final FerriteConfig config;
    private final boolean automatic;
    private volatile long lastSaveMillis;
    private volatile long dirtyAtLastSave;
    private volatile boolean lastBgsaveOk = true;
    private volatile long lastBgsaveSeconds = -1;
    private volatile long bgsaveStartedAt = -1; // -1: none running
    private volatile boolean bgsaveScheduled;
    private volatile long lastBgsaveTry;
    private volatile long saves, lastLoadKeys, lastLoadExpired;
    private volatile boolean abortBgsave; // FLUSHALL or SHUTDOWN wants the running background save gone
    private int tempCounter; // guarded by this
    private Thread bgsaveThread; // guarded by this

    public Persistence(FerriteServer server, boolean automatic) {
        this.server = server;
        this.config = server.config();
        this.automatic = automatic;
        this.lastSaveMillis = server.startedAt();
    }

    /** Loading at start, save points and saving at shutdown are on (the server process). */
    public boolean automatic() { return automatic; }

    /** dir/dbfilename. */
    public Path file() {
        return Path.of(config.dir.value()).resolve(config.param("dbfilename").value());
    }

    /** True when `save` lists save points (what makes SHUTDOWN and FLUSHALL save, as in Redis). */
    public boolean hasSavePoints() {
        return !config.save.value().isBlank();
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads dbfilename if it exists (before the server listens); a file that cannot be read or
     * is not a valid RDB fails the start, as redis-server refuses to start on one.
     */
    public void loadAtStart() throws IOException {
        Path f = file();
        if (!Files.exists(f)) return;
        long start = System.nanoTime();
        RdbFile.Loaded loaded = load(f);
        log.info("DB loaded from disk: {} keys ({} expired, skipped) in {} ms from {}", loaded.keys(),
                loaded.expiredSkipped(), (System.nanoTime() - start) / 1_000_000, f);
    }

    /** Loads f into the keyspace under every shard lock; IOException for an unreadable or invalid file. */
    RdbFile.Loaded load(Path f) throws IOException {
        return load(f, RdbFile.Into.EMPTY);
    }

    private RdbFile.Loaded load(Path f, RdbFile.Into into) throws IOException {
        var ks = server.keyspace();
        ks.lockAll();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            RdbFile.Loaded loaded = RdbFile.load(file, server, Clock.now(), into);
            lastLoadKeys = loaded.keys();
            lastLoadExpired = loaded.expiredSkipped();
            dirtyAtLastSave = ks.stats().dirty.sum();
            return loaded;
        } catch (RdbInput.Malformed e) {
            throw new IOException("Bad RDB file " + f + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // a value reader that met data no check anticipated
            throw new IOException("Bad RDB file " + f + ": " + e, e);
        } finally {
            ks.unlockAll();
        }
    }

    // ---------------------------------------------------------------- saving

    /** SAVE: a snapshot now, in the caller's thread. False (and logged) when it could not be written. */
    public boolean save() {
        if (bgsaveStartedAt >= 0 && !abortBgsave) throw new CommandError("ERR Background save already in progress");
        return saveInThisThread();
    }

    /** A foreground save (SAVE, FLUSHALL, the final save): written, renamed, counted. */
    private boolean saveInThisThread() {
        long dirty = server.keyspace().stats().dirty.sum();
        long start = System.nanoTime();
        boolean ok = writeFile("DB saved on disk", pacer(false));
        if (ok) saved(dirty, start);
        return ok;
    }

    /** BGSAVE [SCHEDULE]: the status reply text; an error when one already runs. */
    public synchronized String bgsave(boolean schedule) {
        if (startBgsave()) return "Background saving started";
        if (!schedule) throw new CommandError("ERR Background save already in progress");
        bgsaveScheduled = true;
        return "Background saving scheduled";
    }

    /** True while a background save runs. */
    public boolean bgsaveInProgress() { return bgsaveStartedAt >= 0; }

    /** Starts a background save unless one runs (then false). */
    private synchronized boolean startBgsave() {
        if (bgsaveStartedAt >= 0) return false;
        long dirty = server.keyspace().stats().dirty.sum();
        long start = System.nanoTime();
        bgsaveStartedAt = System.currentTimeMillis();
        lastBgsaveTry = bgsaveStartedAt;
        bgsaveScheduled = false;
        log.info("Background saving started");
        bgsaveThread = Thread.ofPlatform().name("ferrite-bgsave").daemon(true).start(() -> {
            boolean ok = false;
            try {
                ok = writeFile("Background saving terminated with success", pacer(true));
            } finally {
                synchronized (Persistence.this) {
                    // An aborted save is no failure (Redis kills its child with SIGUSR1 for that).
                    if (!abortBgsave) lastBgsaveOk = ok;
                    lastBgsaveSeconds = (System.nanoTime() - start) / 1_000_000_000L;
                    if (ok) saved(dirty, start);
                    bgsaveStartedAt = -1;
                    bgsaveThread = null;
                    abortBgsave = false;
                    Persistence.this.notifyAll();
                }
            }
        });
        return true;
    }

    private synchronized void saved(long dirtyAtStart, long startNanos) {
        dirtyAtLastSave = dirtyAtStart;
        lastSaveMillis = System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000;
        saves++;
    }

    /**
     * Tells a running background save to stop at its next table (Redis kills the save child at
     * FLUSHALL and SHUTDOWN). Does not wait: the caller may hold shard locks the save needs.
     */
    public void abortBgsave() {
        if (bgsaveStartedAt >= 0) abortBgsave = true;
    }

    /**
     * What runs after each table: rdb-key-save-delay microseconds per key (Redis's test hook for
     * slow saves), slept without any lock in slices that notice a changed delay; and, for a
     * background save, the abort that FLUSHALL or SHUTDOWN asks for.
     */
    private RdbFile.Pacer pacer(boolean background) {
        return keys -> {
            if (background && abortBgsave) throw new RdbFile.Aborted();
            long start = System.nanoTime();
            while (true) {
                long delayMicros = config.param("rdb-key-save-delay").longValue();
                if (delayMicros <= 0 || System.nanoTime() - start >= (double) keys * delayMicros * 1000) return;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RdbFile.Aborted();
                }
                if (background && abortBgsave) throw new RdbFile.Aborted();
            }
        };
    }

    /** Waits for a running background save to end (before a save at shutdown). */
    synchronized void awaitBgsave() {
        while (bgsaveStartedAt >= 0) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The save before the process exits (SHUTDOWN, SIGTERM): waits for a background save, then
     * saves in this thread. False when the file could not be written.
     */
    public boolean saveForShutdown() {
        abortBgsave();
        awaitBgsave();
        log.info("Saving the final RDB snapshot before exiting.");
        boolean ok = saveInThisThread();
        if (!ok) log.warn("Error trying to save the DB, can't exit.");
        return ok;
    }

    /**
     * A snapshot written to a new temp file in dir, for sending (SYNC); the caller deletes it.
     * Taken as BGSAVE takes it (one table at a time), on the calling thread.
     */
    Path snapshotForTransfer() throws IOException {
        Path temp = tempFile("temp-sync-");
        try {
            writeTemp(temp, RdbFile.Pacer.NONE, false);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        return temp;
    }

    private synchronized Path tempFile(String prefix) {
        return file().resolveSibling(prefix + ProcessHandle.current().pid() + "-" + (++tempCounter) + ".rdb");
    }

    /** The snapshot into temp; durable: forced to disk before it returns (a file that will replace dbfilename). */
    private RdbFile.Written writeTemp(Path temp, RdbFile.Pacer pacer, boolean durable) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            RdbFile.Written w = RdbFile.write(server, os, config.param("rdbchecksum").boolValue(),
                    config.param("rdbcompression").boolValue(), pacer);
            os.flush();
            if (durable) ch.force(true);
            return w;
        }
    }

    /** Writes the snapshot to a temp file and renames it over dbfilename; logs and returns false on an I/O error. */
    private boolean writeFile(String success, RdbFile.Pacer pacer) {
        Path target = file();
        Path temp = tempFile("temp-");
        long start = System.nanoTime();
        try {
            RdbFile.Written w = writeTemp(temp, pacer, true);
            move(temp, target);
            log.info("{}: {} keys, {} bytes in {} ms ({})", success, w.keys(), w.bytes(),
                    (System.nanoTime() - start) / 1_000_000, target);
            return true;
        } catch (RdbFile.Aborted e) {
            log.info("Background saving stopped before its end (FLUSHALL or SHUTDOWN)");
            deleteQuietly(temp);
            return false;
        } catch (IOException | RuntimeException e) {
            log.warn("Write error saving DB on disk ({}): {}", target, e.toString());
            deleteQuietly(temp);
            return false;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file in a directory that went away: nothing left to clean
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---------------------------------------------------------------- save points, status

    /**
     * Ten times a second (serverCron's part): a scheduled BGSAVE, or one a save point asks for
     * ("save 60 1000": at least 1000 changes and 60 seconds since the last save). After a failed
     * background save the next try waits 5 seconds.
     */
    public void cron() {
        if (bgsaveStartedAt >= 0) return;
        if (bgsaveScheduled) {
            startBgsave();
            return;
        }
        if (!automatic) return;
        String points = config.save.value();
        if (points.isBlank()) return;
        long now = System.currentTimeMillis();
        long changes = changesSinceLastSave();
        if (changes == 0) return;
        String[] w = points.trim().split(" ");
        for (int i = 0; i + 1 < w.length; i += 2) {
            long seconds = Long.parseLong(w[i]), minChanges = Long.parseLong(w[i + 1]);
            if (changes >= minChanges && now - lastSaveMillis > seconds * 1000
                    && (lastBgsaveOk || now - lastBgsaveTry > RETRY_AFTER_ERROR_MILLIS)) {
                log.info("{} changes in {} seconds. Saving...", minChanges, seconds);
                startBgsave();
                return;
            }
        }
    }

    /** Writes refused with MISCONF: the last background save failed and save points are set. */
    public boolean refusesWrites() {
        return !lastBgsaveOk && config.param("stop-writes-on-bgsave-error").boolValue() && hasSavePoints();
    }

    public long changesSinceLastSave() { return server.keyspace().stats().dirty.sum() - dirtyAtLastSave; }
    public long lastSaveSeconds() { return lastSaveMillis / 1000; }
    public boolean lastBgsaveOk() { return lastBgsaveOk; }
    public long lastBgsaveSeconds() { return lastBgsaveSeconds; }
    public long currentBgsaveSeconds() {
        long s = bgsaveStartedAt;
        return s < 0 ? -1 : (System.currentTimeMillis() - s) / 1000;
    }
    public long saves() { return saves; }
    public long lastLoadKeys() { return lastLoadKeys; }
    public long lastLoadExpired() { return lastLoadExpired; }

    /** After FLUSHALL: a running background save stops, and with save points Redis saves the (now empty) dataset at once. */
    public void afterFlushAll() {
        abortBgsave();
        if (automatic && hasSavePoints()) save();
    }

    /**
     * DEBUG RELOAD: save (unless not), empty every database (unless noflush or merge), load the
     * file back; with noflush a key or library already there fails the load, with merge the
     * file's replace them. The caller holds every shard lock.
     */
    public void reload(boolean save, boolean noflush, boolean merge) throws IOException {
        if (save && !save()) throw new CommandError("ERR Error trying to save the DB, check server logs.");
        var ks = server.keyspace();
        boolean flush = !noflush && !merge;
        if (flush) for (int i = 0; i < ks.databaseCount(); i++) ks.database(i).clear();
        load(file(), flush ? RdbFile.Into.EMPTY : merge ? RdbFile.Into.MERGE : RdbFile.Into.KEEP);
    }
}
