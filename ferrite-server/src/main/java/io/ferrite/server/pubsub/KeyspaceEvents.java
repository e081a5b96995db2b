package io.ferrite.server.pubsub;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.config.ConfigParam;
import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.net.Client;
import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis 7.2 notify.c; https://redis.io/docs/latest/develop/use/keyspace-notifications/):
 * a write publishes {@code event} on {@code __keyspace@<db>__:<key>} and {@code key} on
 * {@code __keyevent@<db>__:<event>}, each when {@code notify-keyspace-events} enables its
 * class (K / E) and the event's type (g $ l s h z x e t d n m).
 *
 * <p>Commands call {@link #notify(Client, int, String, byte[])} once after their mutation;
 * the database raises {@code expired} (lazy and active expiry) and {@code new} through the
 * hook installed by {@link #install}. With notifications off every call costs one volatile
 * read (the parameter's number), nothing else. Events are published while the key's shard
 * lock is held, so their order per key is the order of the writes.
 */
public final class KeyspaceEvents {
    public static final int GENERIC = FerriteConfig.NOTIFY_GENERIC, STRING = FerriteConfig.NOTIFY_STRING,
            LIST = FerriteConfig.NOTIFY_LIST, SET = FerriteConfig.NOTIFY_SET, HASH = FerriteConfig.NOTIFY_HASH,
            ZSET = FerriteConfig.NOTIFY_ZSET, EXPIRED = FerriteConfig.NOTIFY_EXPIRED,
            EVICTED = FerriteConfig.NOTIFY_EVICTED, STREAM = FerriteConfig.NOTIFY_STREAM,
            KEY_MISS = FerriteConfig.NOTIFY_KEY_MISS, NEW = FerriteConfig.NOTIFY_NEW;

    private static final byte[] KEYSPACE = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT = "__keyevent@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEP = "__:".getBytes(StandardCharsets.US_ASCII);

    private KeyspaceEvents() {}

    /** Wires expiry and key-creation events of every database to pubSub. */
    static void install(FerriteServer server, PubSub pubSub) {
        ConfigParam flags = server.config().notifyKeyspaceEvents;
        for (int i = 0; i < server.keyspace().databaseCount(); i++) {
            server.keyspace().database(i).keyEvents((db, type, event, key) -> {
                long f = flags.longValue();
                if ((f & type) != 0) emit(pubSub, f, db.index(), event, key, null);
            });
        }
    }

    /** A write command's event: type is one of this class's constants, event Redis's name ("set", "lpush"). */
    public static void notify(Client c, int type, String event, byte[] key) {
        long f = c.server().config().notifyKeyspaceEvents.longValue();
        if ((f & type) == 0) return;
        emit(c.server().pubSub(), f, c.db().index(), event, key, c);
    }

    private static void emit(PubSub pubSub, long flags, int db, String event, byte[] key, Client self) {
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        byte[] dbDigits = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
        if ((flags & FerriteConfig.NOTIFY_KEYSPACE) != 0) {
            pubSub.publish(concat(KEYSPACE, dbDigits, SEP, key), ev, false, self);
        }
        if ((flags & FerriteConfig.NOTIFY_KEYEVENT) != 0) {
            pubSub.publish(concat(KEYEVENT, dbDigits, SEP, ev), key, false, self);
        }
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c, byte[] d) {
        byte[] out = new byte[a.length + b.length + c.length + d.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        System.arraycopy(d, 0, out, a.length + b.length + c.length, d.length);
        return out;
    }
}
