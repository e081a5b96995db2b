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

    Subscriptions(Client client) { this.client = client; }

    /** SUBSCRIBE/PSUBSCRIBE count: channels plus patterns (Redis's clientSubscriptionsCount). */
    int count() { return channels.size() + patterns.size(); }

    /** All subscriptions: RESP2 subscriber mode lasts while this is above zero. */
    public int total() { return channels.size() + patterns.size() + shardChannels.size(); }
}
