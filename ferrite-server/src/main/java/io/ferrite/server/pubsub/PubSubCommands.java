package io.ferrite.server.pubsub;

import io.ferrite.server.command.CommandTable;
import io.ferrite.server.config.ConfigCommands;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.CommandError;
import io.ferrite.server.protocol.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pub/Sub commands (Redis 7.2 group "pubsub"): SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE
 * PUBLISH PUBSUB (CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP) SSUBSCRIBE
 * SUNSUBSCRIBE SPUBLISH. Spec: https://redis.io/docs/latest/develop/interact/pubsub/.
 * Registry and delivery: {@link PubSub}; keyspace notifications: {@link KeyspaceEvents}.
 *
 * <p>Reply shapes follow pubsub.c of Redis 7.2.6: every (un)subscription is confirmed by its
 * own 3-element array (a push in RESP3) carrying the client's count (channels + patterns for
 * the classic kind, shard channels for the sharded kind); an UNSUBSCRIBE with no arguments
 * from a client subscribed to nothing still gets one reply with a null name. Confirmations are
 * pushes, so CLIENT REPLY OFF does not suppress them. RESP2 subscriber mode (only the
 * subscription commands, PING, QUIT and RESET) is enforced by the dispatcher.
 */
public final class PubSubCommands {
    private static final byte[] SUBSCRIBE = bytes("subscribe"), UNSUBSCRIBE = bytes("unsubscribe"),
            PSUBSCRIBE = bytes("psubscribe"), PUNSUBSCRIBE = bytes("punsubscribe"),
            SSUBSCRIBE = bytes("ssubscribe"), SUNSUBSCRIBE = bytes("sunsubscribe");

    private PubSubCommands() {}

    public static void register(CommandTable.Builder t) {
        t.add("subscribe", -2, "pubsub noscript loading stale", "@pubsub", 0, 0, 0, PubSubCommands::subscribe);
        t.add("unsubscribe", -1, "pubsub noscript loading stale", "@pubsub", 0, 0, 0, PubSubCommands::unsubscribe);
        t.add("psubscribe", -2, "pubsub noscript loading stale", "@pubsub", 0, 0, 0, PubSubCommands::psubscribe);
        t.add("punsubscribe", -1, "pubsub noscript loading stale", "@pubsub", 0, 0, 0, PubSubCommands::punsubscribe);
        t.add("publish", 3, "pubsub loading stale fast may_replicate", "@pubsub", 0, 0, 0, PubSubCommands::publish);
        t.add("ssubscribe", -2, "pubsub noscript loading stale", "@pubsub", 1, -1, 1, PubSubCommands::ssubscribe);
        t.add("sunsubscribe", -1, "pubsub noscript loading stale", "@pubsub", 1, -1, 1, PubSubCommands::sunsubscribe);
        t.add("spublish", 3, "pubsub loading stale fast may_replicate", "@pubsub", 1, 1, 1, PubSubCommands::spublish);
        t.container("pubsub", -2, "", "")
                .sub("channels", -2, "pubsub loading stale", "@pubsub", 0, 0, 0, PubSubCommands::channels)
                .sub("numsub", -2, "pubsub loading stale", "@pubsub", 0, 0, 0, PubSubCommands::numsub)
                .sub("numpat", 2, "pubsub loading stale", "@pubsub", 0, 0, 0, PubSubCommands::numpat)
                .sub("shardchannels", -2, "pubsub loading stale", "@pubsub", 0, 0, 0, PubSubCommands::shardChannels)
                .sub("shardnumsub", -2, "pubsub loading stale", "@pubsub", 0, 0, 0, PubSubCommands::shardNumsub)
                .sub("help", 2, "loading stale", "", 0, 0, 0, PubSubCommands::help);
    }

    private static PubSub registry(Client c) { return c.server().pubSub(); }

    static void subscribe(Client c) {
        denyBlocking(c, "SUBSCRIBE", true);
        Subscriptions s = PubSub.of(c);
        PubSub ps = registry(c);
        confirmations(c, s, () -> {
            for (int i = 1; i < c.argc(); i++) {
                ChannelName n = new ChannelName(c.arg(i));
                if (s.channels.add(n)) PubSub.add(ps.channels, n, s);
                confirm(c, SUBSCRIBE, n.bytes, s.count());
            }
        });
    }

    static void psubscribe(Client c) {
        denyBlocking(c, "PSUBSCRIBE", true);
        Subscriptions s = PubSub.of(c);
        PubSub ps = registry(c);
        confirmations(c, s, () -> {
            for (int i = 1; i < c.argc(); i++) {
                ChannelName n = new ChannelName(c.arg(i));
                if (s.patterns.add(n)) PubSub.add(ps.patterns, n, s);
                confirm(c, PSUBSCRIBE, n.bytes, s.count());
            }
        });
    }

    static void ssubscribe(Client c) {
        denyBlocking(c, "SSUBSCRIBE", false);
        Subscriptions s = PubSub.of(c);
        PubSub ps = registry(c);
        confirmations(c, s, () -> {
            for (int i = 1; i < c.argc(); i++) {
                ChannelName n = new ChannelName(c.arg(i));
                if (s.shardChannels.add(n)) PubSub.add(ps.shardChannels, n, s);
                confirm(c, SSUBSCRIBE, n.bytes, s.shardChannels.size());
            }
        });
    }

    static void unsubscribe(Client c) { unsubscribeFrom(c, 0); }
    static void punsubscribe(Client c) { unsubscribeFrom(c, 1); }
    static void sunsubscribe(Client c) { unsubscribeFrom(c, 2); }

    /** UNSUBSCRIBE (kind 0), PUNSUBSCRIBE (1), SUNSUBSCRIBE (2): named ones, or all of that kind. */
    private static void unsubscribeFrom(Client c, int kind) {
        Subscriptions s = PubSub.of(c);
        PubSub ps = registry(c);
        Set<ChannelName> mine = kind == 0 ? s.channels : kind == 1 ? s.patterns : s.shardChannels;
        Map<ChannelName, Set<Subscriptions>> server = kind == 0 ? ps.channels : kind == 1 ? ps.patterns : ps.shardChannels;
        byte[] verb = kind == 0 ? UNSUBSCRIBE : kind == 1 ? PUNSUBSCRIBE : SUNSUBSCRIBE;
        confirmations(c, s, () -> {
            List<ChannelName> names = new ArrayList<>();
            if (c.argc() == 1) names.addAll(mine);
            else for (int i = 1; i < c.argc(); i++) names.add(new ChannelName(c.arg(i)));
            if (names.isEmpty()) {
                confirm(c, verb, null, kind == 2 ? s.shardChannels.size() : s.count());
                return;
            }
            for (ChannelName n : names) {
                if (mine.remove(n)) PubSub.remove(server, n, s);
                confirm(c, verb, n.bytes, kind == 2 ? s.shardChannels.size() : s.count());
            }
        });
    }

    /**
     * Runs body writing the confirmations; with CLIENT REPLY OFF/SKIP they go to the push
     * queue, which the dispatcher appends after the (suppressed) reply.
     */
    private static void confirmations(Client c, Subscriptions s, Runnable body) {
        if (c.replyMode() == Client.ReplyMode.ON) {
            body.run();
            return;
        }
        RespWriter w = c.reply();
        ByteBuf main = w.target();
        if (s.deferred == null) s.deferred = ByteBufAllocator.DEFAULT.buffer(64);
        w.target(s.deferred);
        try {
            body.run();
        } finally {
            w.target(main);
        }
    }

    private static void confirm(Client c, byte[] verb, byte[] name, int count) {
        RespWriter w = c.reply();
        w.push(3);
        w.bulk(verb);
        if (name == null) w.nullBulk(); else w.bulk(name);
        w.integer(count);
    }

    // Redis's CLIENT_DENY_BLOCKING: a client that expects one reply per command (MULTI for the
    // sharded kind, scripts) cannot enter a subscribed state.
    private static void denyBlocking(Client c, String name, boolean allowedInMulti) {
        if (!c.neverBlock()) return;
        if (allowedInMulti && c.multiState() != null) return;
        throw new CommandError("ERR " + name + " isn't allowed for a DENY BLOCKING client");
    }

    static void publish(Client c) {
        c.reply().integer(registry(c).publish(c.arg(1), c.arg(2), false, c));
    }

    static void spublish(Client c) {
        c.reply().integer(registry(c).publish(c.arg(1), c.arg(2), true, c));
    }

    static void channels(Client c) { listNames(c, registry(c).channels); }
    static void shardChannels(Client c) { listNames(c, registry(c).shardChannels); }

    private static void listNames(Client c, Map<ChannelName, Set<Subscriptions>> map) {
        if (c.argc() > 3) throw syntax(c);
        List<byte[]> names = PubSub.names(map, c.argc() == 3 ? c.arg(2) : null);
        c.reply().array(names.size());
        for (byte[] n : names) c.reply().bulk(n);
    }

    static void numsub(Client c) { counts(c, registry(c).channels); }
    static void shardNumsub(Client c) { counts(c, registry(c).shardChannels); }

    private static void counts(Client c, Map<ChannelName, Set<Subscriptions>> map) {
        RespWriter w = c.reply();
        // A flat array in both protocols, as Redis replies.
        w.array((c.argc() - 2) * 2L);
        for (int i = 2; i < c.argc(); i++) {
            w.bulk(c.arg(i));
            w.integer(PubSub.count(map, c.arg(i)));
        }
    }

    static void numpat(Client c) {
        c.reply().integer(registry(c).patterns.size());
    }

    static void help(Client c) {
        ConfigCommands.help(c, "PUBSUB",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)");
    }

    private static CommandError syntax(Client c) {
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                + new String(c.arg(1), StandardCharsets.UTF_8) + "'. Try "
                + new String(c.arg(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + " HELP.");
    }

    /**
     * PING in RESP2 subscriber mode: the array {@code pong <arg or "">}, as Redis replies there.
     * Called by the dispatcher instead of the ordinary PING.
     */
    public static void subscriberPing(Client c) {
        if (c.argc() > 2) throw CommandError.arity("ping");
        RespWriter w = c.reply();
        w.array(2);
        w.bulk(bytes("pong"));
        w.bulk(c.argc() == 2 ? c.arg(1) : new byte[0]);
    }

    /** RESET: drops every subscription without confirmations (Redis's clearClientConnectionState). */
    public static void reset(Client c) {
        c.server().pubSub().disconnected(c);
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.US_ASCII); }
}
