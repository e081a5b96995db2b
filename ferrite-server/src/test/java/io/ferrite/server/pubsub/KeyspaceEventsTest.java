package io.ferrite.server.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrite.server.FerriteExtension;
import io.ferrite.server.net.RawConnection;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

class KeyspaceEventsTest {
    @RegisterExtension
    static FerriteExtension ferrite = new FerriteExtension();

    private static String pmessage(String channel, String message) {
        return "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$" + channel.length() + "\r\n" + channel + "\r\n$"
                + message.length() + "\r\n" + message + "\r\n";
    }

    private static RawConnection subscribeAll() throws IOException {
        RawConnection sub = new RawConnection(ferrite.port());
        sub.command("PSUBSCRIBE", "*");
        sub.readReply();
        return sub;
    }

    @Test
    void offByDefaultAndFlagsRoundTrip() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = subscribeAll()) {
            j.set("quiet", "1");
            assertThat(j.publish("marker", "m")).isEqualTo(1);
            assertThat(sub.readReply()).isEqualTo(pmessage("marker", "m")); // nothing before the marker
            j.configSet("notify-keyspace-events", "KA");
            assertThat(j.configGet("notify-keyspace-events").get("notify-keyspace-events")).isEqualTo("AK");
            j.configSet("notify-keyspace-events", "$lshzxeKE");
            assertThat(j.configGet("notify-keyspace-events").get("notify-keyspace-events")).isEqualTo("$lshzxeKE");
            j.configSet("notify-keyspace-events", "");
        }
    }

    @Test
    void writesOfEveryTypeEmitKeyspaceAndKeyeventMessages() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = subscribeAll()) {
            j.configSet("notify-keyspace-events", "KEA");
            try {
                j.set("s", "1");
                assertThat(sub.readReply()).isEqualTo(pmessage("__keyspace@0__:s", "set"));
                assertThat(sub.readReply()).isEqualTo(pmessage("__keyevent@0__:set", "s"));
                j.configSet("notify-keyspace-events", "KA"); // keyspace channel only from here on
                j.incrBy("s", 2);
                j.incrByFloat("s", 1.5);
                j.append("s", "0");
                j.lpush("l", "a");
                j.rpush("l", "b");
                j.lpop("l");
                j.rpop("l");
                j.sadd("st", "a");
                j.srem("st", "a");
                j.hset("h", "f", "1");
                j.hincrBy("h", "f", 1);
                j.hdel("h", "f");
                j.zadd("z", 1, "a");
                j.zincrby("z", 1, "a");
                j.zrem("z", "a");
                j.xadd("x", StreamEntryID.NEW_ENTRY, java.util.Map.of("f", "v"));
                j.expire("x", 100);
                j.persist("x");
                j.rename("x", "y");
                j.del("y");
                String[][] expected = {{"s", "incrby"}, {"s", "incrbyfloat"}, {"s", "append"}, {"l", "lpush"},
                        {"l", "rpush"}, {"l", "lpop"}, {"l", "rpop"}, {"st", "sadd"}, {"st", "srem"}, {"h", "hset"},
                        {"h", "hincrby"}, {"h", "hdel"}, {"z", "zadd"}, {"z", "zincr"}, {"z", "zrem"}, {"x", "xadd"},
                        {"x", "expire"}, {"x", "persist"}, {"x", "rename_from"}, {"y", "rename_to"}, {"y", "del"}};
                for (String[] e : expected) {
                    assertThat(sub.readReply()).isEqualTo(pmessage("__keyspace@0__:" + e[0], e[1]));
                }
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }

    @Test
    void typeClassesMaskEventsAndNewKeyEvent() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = subscribeAll()) {
            j.configSet("notify-keyspace-events", "Eln");
            try {
                j.set("a", "1"); // string class off; but "new"
                j.set("a", "2"); // not new
                j.lpush("list", "x");
                assertThat(sub.readReply()).isEqualTo(pmessage("__keyevent@0__:new", "a"));
                assertThat(sub.readReply()).isEqualTo(pmessage("__keyevent@0__:new", "list"));
                assertThat(sub.readReply()).isEqualTo(pmessage("__keyevent@0__:lpush", "list"));
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }

    @Test
    void expiredEventsFromLazyAndActiveExpiry() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = subscribeAll()) {
            j.configSet("notify-keyspace-events", "Ex");
            try {
                j.psetex("active", 50, "1"); // reclaimed by the background cycle, nobody reads it
                assertThat(sub.readReply()).isEqualTo(pmessage("__keyevent@0__:expired", "active"));
                j.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0");
                try {
                    j.psetex("lazy", 20, "1");
                    Thread.sleep(60);
                    assertThat(j.get("lazy")).isNull();
                    assertThat(sub.readReply()).isEqualTo(pmessage("__keyevent@0__:expired", "lazy"));
                } finally {
                    j.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "1");
                }
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }

    @Test
    void streamConsumerGroupsEmitTheirEvents() throws Exception {
        try (Jedis j = ferrite.jedis(); RawConnection sub = subscribeAll()) {
            j.configSet("notify-keyspace-events", "Kt");
            try {
                j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "CREATE", "ms", "g", "$", "MKSTREAM");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "CREATECONSUMER", "ms", "g", "Bob");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XADD, "ms", "1", "f", "A");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XREADGROUP, "GROUP", "g", "Alice", "STREAMS", "ms", ">");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XCLAIM, "ms", "g", "Mike", "0", "1-0", "FORCE");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "DELCONSUMER", "ms", "g", "Lee"); // none: no event
                j.sendCommand(redis.clients.jedis.Protocol.Command.XAUTOCLAIM, "ms", "g", "Bob", "0", "1-0"); // exists
                j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "DELCONSUMER", "ms", "g", "Bob");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XDEL, "ms", "1-0");
                j.sendCommand(redis.clients.jedis.Protocol.Command.XGROUP, "DESTROY", "ms", "g");
                for (String event : new String[] {"xgroup-create", "xgroup-createconsumer", "xadd",
                        "xgroup-createconsumer", "xgroup-createconsumer", "xgroup-delconsumer", "xdel", "xgroup-destroy"}) {
                    assertThat(sub.readReply()).isEqualTo(pmessage("__keyspace@0__:ms", event));
                }
            } finally {
                j.configSet("notify-keyspace-events", "");
            }
        }
    }
}
