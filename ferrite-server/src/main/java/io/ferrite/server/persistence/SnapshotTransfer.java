package io.ferrite.server.persistence;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.string.StringCommands;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultFileRegion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REPLCONF, SYNC and PSYNC as far as Ferrite goes without replication: a connection that said
 * {@code REPLCONF rdb-only 1} (what {@code redis-cli --rdb FILE} sends, Redis 7) gets one RDB
 * snapshot as a replica would ({@code $<length>\r\n} then the file, after {@code +FULLRESYNC} for
 * PSYNC), and is then closed. Any other SYNC is refused: a Redis replica would take the snapshot
 * and then wait forever for a command stream that never comes, silently stale.
 *
 * <p>The snapshot is written to a temp file in dir on a thread of its own (one table at a time,
 * as BGSAVE), then sent from the connection's event loop with sendfile and deleted.
 */
public final class SnapshotTransfer {
    private static final Logger log = LoggerFactory.getLogger(SnapshotTransfer.class);
    static final CommandError NO_REPLICATION = new CommandError("ERR Ferrite does not replicate yet: SYNC only "
            + "sends one RDB snapshot, after REPLCONF rdb-only 1 (redis-cli --rdb)");

    private SnapshotTransfer() {}

    public static void register(CommandTable.Builder t) {
        t.add("replconf", -1, "admin noscript loading stale allow_busy", "", 0, 0, 0, SnapshotTransfer::replconf,
                "Replica settings; Ferrite keeps rdb-only (REPLCONF rdb-only 1 before SYNC) and accepts the rest.");
        t.add("sync", 1, "admin noscript no_multi", "", 0, 0, 0, SnapshotTransfer::sync,
                "Sends one RDB snapshot to a connection that set REPLCONF rdb-only 1, then closes it.");
        t.add("psync", -3, "admin noscript no_multi", "", 0, 0, 0, SnapshotTransfer::psync,
                "As SYNC, after +FULLRESYNC: one RDB snapshot for a REPLCONF rdb-only 1 connection.");
    }

    /** REPLCONF option value ...: pairs; rdb-only 0|1 is remembered, the others are accepted as they are. */
    static void replconf(Client c) {
        if (c.argc() % 2 == 0) throw CommandError.SYNTAX;
        for (int i = 1; i < c.argc(); i += 2) {
            if (StringCommands.is(c.arg(i), "rdb-only")) {
                String v = new String(c.arg(i + 1), StandardCharsets.US_ASCII);
                if (!v.equals("0") && !v.equals("1")) throw CommandError.SYNTAX;
                c.rdbOnly(v.equals("1"));
            }
        }
        c.reply().ok();
    }

    static void sync(Client c) {
        if (!c.rdbOnly()) throw NO_REPLICATION;
        send(c);
    }

    static void psync(Client c) {
        if (!c.rdbOnly()) throw NO_REPLICATION;
        c.reply().simple("FULLRESYNC " + c.server().runId() + " 0");
        send(c);
    }

    private static void send(Client c) {
        Persistence p = c.server().persistence();
        Channel ch = c.channel();
        Thread.ofPlatform().name("ferrite-sync").daemon(true).start(() -> {
            Path file;
            try {
                file = p.snapshotForTransfer();
            } catch (IOException | RuntimeException e) {
                log.warn("SYNC: could not write the snapshot: {}", e.toString());
                ch.eventLoop().execute(() -> ch.writeAndFlush(Unpooled.copiedBuffer(
                        "-ERR could not write the RDB snapshot, check the server log\r\n", StandardCharsets.US_ASCII))
                        .addListener(ChannelFutureListener.CLOSE));
                return;
            }
            ch.eventLoop().execute(() -> {
                try {
                    long len = Files.size(file);
                    ch.write(Unpooled.copiedBuffer("$" + len + "\r\n", StandardCharsets.US_ASCII));
                    ch.writeAndFlush(new DefaultFileRegion(file.toFile(), 0, len)).addListener(f -> {
                        Files.deleteIfExists(file);
                        log.info("SYNC: sent a {}-byte RDB snapshot to {}", len, ch.remoteAddress());
                        ch.close();
                    });
                } catch (IOException e) {
                    log.warn("SYNC: could not send the snapshot: {}", e.toString());
                    ch.close();
                }
            });
        });
    }
}
