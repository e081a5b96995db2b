package io.ferrite.server.pubsub;

import io.ferrite.server.net.Client;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashSet;

/**
 * One client's subscriptions (Redis's c->pubsub_channels, pubsub_patterns and
 * pubsubshard_channels), created on its first SUBSCRIBE.
 *
 * <p>The three sets are owned by the client's event loop (only its own commands and its
 * disconnect change them), so they are plain sets; publishers on other loops never read them,
 * they read {@link PubSub}'s concurrent maps. {@code softLimitSince} is written by publishers
 * on any thread: a racy but monotone bookkeeping field for the soft output-buffer limit.
 */
public final class Subscriptions {
    final Client client;
    // Insertion-ordered: UNSUBSCRIBE without arguments replies in subscription order.
    final LinkedHashSet<ChannelName> channels = new LinkedHashSet<>();
    final LinkedHashSet<ChannelName> patterns = new LinkedHashSet<>();
    final LinkedHashSet<ChannelName> shardChannels = new LinkedHashSet<>();
    volatile long softLimitSince;
    // Push messages to this client raised by its own running command (PUBLISH to self, a
    // keyspace event of its own write): Redis 7.2 sends them after the command's reply.
    ByteBuf deferred;

    // Messages from publishers on any thread, waiting for one write on this client's loop:
    // published messages are coalesced into one write per loop turn, as Redis writes a
    // client's pending output once per event-loop iteration. Guarded by outboxLock.
    private final Object outboxLock = new Object();
    private ByteBuf outbox;
    private boolean flushScheduled;
    private final Runnable flushOutbox = this::flushOutbox;

    Subscriptions(Client client) { this.client = client; }

    /** Queues message bytes for this subscriber; returns the bytes now waiting in the outbox. */
    long offer(ByteBuf bytes) {
        boolean schedule;
        long waiting;
        synchronized (outboxLock) {
            if (outbox == null) outbox = client.channel().alloc().ioBuffer(Math.max(256, bytes.readableBytes()));
            outbox.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
            waiting = outbox.readableBytes();
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule) client.channel().eventLoop().execute(flushOutbox);
        return waiting;
    }

    private void flushOutbox() {
        ByteBuf out;
        synchronized (outboxLock) {
            out = outbox;
            outbox = null;
            flushScheduled = false;
        }
        if (out == null) return;
        if (client.channel().isActive()) client.channel().writeAndFlush(out, client.channel().voidPromise());
        else out.release();
    }

    /** SUBSCRIBE/PSUBSCRIBE count: channels plus patterns (Redis's clientSubscriptionsCount). */
    int count() { return channels.size() + patterns.size(); }

    /** All subscriptions: RESP2 subscriber mode lasts while this is above zero. */
    public int total() { return channels.size() + patterns.size() + shardChannels.size(); }
}
