package io.ferrite.server.pubsub;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.Glob;
import io.ferrite.server.net.Client;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's subscription registry and message delivery (Redis's server.pubsub_channels,
 * pubsub_patterns and pubsubshard_channels; pubsub.c).
 *
 * <p><b>Threads.</b> Subscribers and publishers live on different event loops, and keyspace
 * events are also raised by the active-expiry thread, so the three maps are
 * {@link ConcurrentHashMap}s from a name to a concurrent set of subscribers. A name's set is
 * only changed inside {@code compute} on that name, so "add to a set that is being removed
 * because it became empty" cannot happen; publishers iterate the sets without locks (weakly
 * consistent: a subscription racing with a PUBLISH may or may not get that message, as two
 * clients racing in Redis would).
 *
 * <p><b>Delivery.</b> A message is encoded once per protocol (RESP2 array, RESP3 push) and
 * the same bytes are appended to each subscriber's outbox, which its own loop writes with one
 * flush per loop turn however many messages arrived meanwhile (see {@link Subscriptions#offer});
 * the messages of one publisher reach each subscriber in publishing order. A message to the client whose command
 * raised it is appended after that command's reply instead (Redis 7.2 behaviour; see
 * {@link #flushDeferred}).
 *
 * <p><b>Slow subscribers.</b> After each write the subscriber's pending output (Netty counts
 * queued writes at submission) is checked against {@code client-output-buffer-limit pubsub}:
 * over the hard limit, or over the soft limit for longer than its seconds, the subscriber is
 * closed, as Redis's checkClientOutputBufferLimits does.
 */
public final class PubSub {
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SMESSAGE = "smessage".getBytes(StandardCharsets.US_ASCII);

    private final FerriteServer server;
    final ConcurrentHashMap<ChannelName, Set<Subscriptions>> channels = new ConcurrentHashMap<>();
    final ConcurrentHashMap<ChannelName, Set<Subscriptions>> patterns = new ConcurrentHashMap<>();
    final ConcurrentHashMap<ChannelName, Set<Subscriptions>> shardChannels = new ConcurrentHashMap<>();

    // client-output-buffer-limit pubsub, re-parsed only when the parameter's text changes.
    private volatile String limitText;
    private volatile long[] limits = {0, 0, 0};

    public PubSub(FerriteServer server) {
        this.server = server;
        KeyspaceEvents.install(server, this);
    }

    /** The client's subscription state, created on first use. */
    static Subscriptions of(Client c) {
        Subscriptions s = c.subscriptions();
        if (s == null) {
            s = new Subscriptions(c);
            c.subscriptions(s);
        }
        return s;
    }

    static void add(Map<ChannelName, Set<Subscriptions>> map, ChannelName name, Subscriptions s) {
        map.compute(name, (k, set) -> {
            if (set == null) set = ConcurrentHashMap.newKeySet();
            set.add(s);
            return set;
        });
    }

    static void remove(Map<ChannelName, Set<Subscriptions>> map, ChannelName name, Subscriptions s) {
        map.computeIfPresent(name, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set; // no empty entries: PUBSUB CHANNELS lists live ones
        });
    }

    /** Drops every subscription of a client that disconnected, without replies. */
    public void disconnected(Client c) {
        Subscriptions s = c.subscriptions();
        if (s == null) return;
        for (ChannelName n : s.channels) remove(channels, n, s);
        for (ChannelName n : s.patterns) remove(patterns, n, s);
        for (ChannelName n : s.shardChannels) remove(shardChannels, n, s);
        s.channels.clear();
        s.patterns.clear();
        s.shardChannels.clear();
        if (s.deferred != null) {
            s.deferred.release();
            s.deferred = null;
        }
    }

    /**
     * PUBLISH / SPUBLISH / keyspace events: delivers message to the subscribers of channel
     * (and, unless sharded, of matching patterns); returns the number of receivers. self is
     * the client whose command publishes (null for the expiry cycle).
     */
    public int publish(byte[] channel, byte[] message, boolean sharded, Client self) {
        int receivers = 0;
        Set<Subscriptions> direct = (sharded ? shardChannels : channels).get(new ChannelName(channel));
        if (direct != null && !direct.isEmpty()) {
            Encoded enc = new Encoded(sharded ? SMESSAGE : MESSAGE, null, channel, message);
            try {
                for (Subscriptions s : direct) {
                    if (gone(s)) continue;
                    deliver(s, enc, self);
                    receivers++;
                }
            } finally {
                enc.release();
            }
        }
        if (sharded || patterns.isEmpty()) return receivers;
        for (Map.Entry<ChannelName, Set<Subscriptions>> e : patterns.entrySet()) {
            byte[] pattern = e.getKey().bytes;
            if (!Glob.matches(pattern, channel, false)) continue;
            Encoded enc = new Encoded(PMESSAGE, pattern, channel, message);
            try {
                for (Subscriptions s : e.getValue()) {
                    if (gone(s)) continue;
                    deliver(s, enc, self);
                    receivers++;
                }
            } finally {
                enc.release();
            }
        }
        return receivers;
    }

    // A subscriber whose connection closed is unregistered on its own event loop, a moment
    // later; until then it must not count as a receiver (Redis frees it synchronously).
    private static boolean gone(Subscriptions s) {
        return !s.client.channel().isActive() || s.client.killed();
    }

    private void deliver(Subscriptions s, Encoded enc, Client self) {
        Client target = s.client;
        ByteBuf bytes = enc.forProtocol(target.protocol());
        if (target == self) {
            // Its reply is still being built on this thread: queue the push behind it.
            if (s.deferred == null) s.deferred = ByteBufAllocator.DEFAULT.buffer(bytes.readableBytes());
            s.deferred.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
            return;
        }
        Channel ch = target.channel();
        if (!ch.isActive()) return;
        server.stats().netOutputBytes.add(bytes.readableBytes());
        long waiting = s.offer(bytes);
        checkLimits(s, ch, waiting);
    }

    /** Enforces client-output-buffer-limit pubsub on one subscriber after a write. */
    private void checkLimits(Subscriptions s, Channel ch, long waiting) {
        long[] l = limits();
        long hard = l[0], soft = l[1], softSeconds = l[2];
        if (hard == 0 && soft == 0) return;
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (out == null) return; // closed meanwhile
        long pending = out.totalPendingWriteBytes() + waiting;
        if (hard > 0 && pending > hard) {
            s.client.kill();
            return;
        }
        if (soft > 0 && pending > soft) {
            long now = System.currentTimeMillis();
            long since = s.softLimitSince;
            if (since == 0) s.softLimitSince = now;
            else if (now - since > softSeconds * 1000) s.client.kill();
        } else if (s.softLimitSince != 0) {
            s.softLimitSince = 0;
        }
    }

    private long[] limits() {
        String text = server.config().param("client-output-buffer-limit").value();
        if (text != limitText) {
            // "normal h s t slave h s t pubsub h s t", canonical form written by the config parser.
            String[] w = text.split(" ");
            long[] l = {0, 0, 0};
            for (int i = 0; i + 3 < w.length; i += 4) {
                if (w[i].equals("pubsub")) {
                    l = new long[] {Long.parseLong(w[i + 1]), Long.parseLong(w[i + 2]), Long.parseLong(w[i + 3])};
                }
            }
            limits = l;
            limitText = text;
        }
        return limits;
    }

    /**
     * Called after a client's top-level command: appends the pushes that the command sent to
     * its own client (PUBLISH to a channel it is subscribed to) after the command's reply.
     */
    public static void flushDeferred(Client c) {
        Subscriptions s = c.subscriptions();
        if (s == null || s.deferred == null) return;
        ByteBuf d = s.deferred;
        s.deferred = null;
        c.reply().target().writeBytes(d);
        d.release();
    }

    /** Names in a map matching pattern (null: all), for PUBSUB CHANNELS / SHARDCHANNELS. */
    static List<byte[]> names(Map<ChannelName, Set<Subscriptions>> map, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (ChannelName n : map.keySet()) {
            if (pattern == null || Glob.matches(pattern, n.bytes, false)) out.add(n.bytes);
        }
        return out;
    }

    static int count(Map<ChannelName, Set<Subscriptions>> map, byte[] name) {
        Set<Subscriptions> set = map.get(new ChannelName(name));
        return set == null ? 0 : set.size();
    }

    /** One message encoded lazily per protocol version, shared by all its receivers. */
    private static final class Encoded {
        private final byte[] kind, pattern, channel, message;
        private ByteBuf resp2, resp3;

        Encoded(byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
            this.kind = kind;
            this.pattern = pattern;
            this.channel = channel;
            this.message = message;
        }

        ByteBuf forProtocol(int protocol) {
            if (protocol == 3) {
                if (resp3 == null) resp3 = encode('>');
                return resp3;
            }
            if (resp2 == null) resp2 = encode('*');
            return resp2;
        }

        private ByteBuf encode(char type) {
            int n = pattern == null ? 3 : 4;
            ByteBuf b = ByteBufAllocator.DEFAULT.buffer(48 + kind.length + channel.length + message.length
                    + (pattern == null ? 0 : pattern.length));
            b.writeByte(type).writeByte('0' + n).writeByte('\r').writeByte('\n');
            bulk(b, kind);
            if (pattern != null) bulk(b, pattern);
            bulk(b, channel);
            bulk(b, message);
            return b;
        }

        private static void bulk(ByteBuf b, byte[] v) {
            b.writeByte('$');
            b.writeCharSequence(Integer.toString(v.length), StandardCharsets.US_ASCII);
            b.writeByte('\r').writeByte('\n');
            b.writeBytes(v);
            b.writeByte('\r').writeByte('\n');
        }

        void release() {
            if (resp2 != null) resp2.release();
            if (resp3 != null) resp3.release();
        }
    }
}
