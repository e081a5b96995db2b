package io.ferrite.server.string;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.keyspace.DbEntry;
import io.ferrite.server.keyspace.Keyspace;
import io.ferrite.server.keyspace.Value;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;

/** Helpers shared by the string and bitmap tests. */
final class StringTestSupport {
    private StringTestSupport() {}

    /** Sends any command through Jedis and returns its raw reply (byte[], Long, List, ...). */
    static Object cmd(Jedis j, String... args) {
        byte[] name = args[0].getBytes(StandardCharsets.UTF_8);
        ProtocolCommand command = () -> name;
        return j.sendCommand(command, Arrays.copyOfRange(args, 1, args.length));
    }

    /** A raw reply as text (bulk strings decoded as ISO-8859-1, so binary bytes survive). */
    static String text(Object reply) {
        return reply == null ? null : new String((byte[]) reply, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The absolute expire time of key in database 0: -1 none, -2 no such key. */
    static long expireAt(FerriteExtension ferrite, String key) {
        Keyspace ks = ferrite.server().keyspace();
        ks.lockAll();
        try {
            DbEntry e = ks.database(0).peek(key.getBytes(StandardCharsets.UTF_8));
            if (e == null) return -2;
            return e.hasExpire() ? e.expireAt() : -1;
        } finally {
            ks.unlockAll();
        }
    }

    /** Remaining TTL in ms (-1 none, -2 missing), read inside the server (TTL is another family's). */
    static long pttl(FerriteExtension ferrite, String key) {
        long at = expireAt(ferrite, key);
        return at < 0 ? at : at - System.currentTimeMillis();
    }

    /** Stores a value of another type (a stand-in list) at key in database 0, for WRONGTYPE checks. */
    static void putNonString(FerriteExtension ferrite, String key) {
        Keyspace ks = ferrite.server().keyspace();
        ks.lockAll();
        try {
            ks.database(0).set(key.getBytes(StandardCharsets.UTF_8), new FakeList());
        } finally {
            ks.unlockAll();
        }
    }

    /** The keyspace change counter (INFO rdb_changes_since_last_save). */
    static long dirty(FerriteExtension ferrite) {
        return ferrite.server().keyspace().stats().dirty.sum();
    }

    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private static final class FakeList implements Value {
        @Override public String typeName() { return "list"; }
        @Override public String encoding() { return "listpack"; }
        @Override public Value copy() { return new FakeList(); }
    }
}
