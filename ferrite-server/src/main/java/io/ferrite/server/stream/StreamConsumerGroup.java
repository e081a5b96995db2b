package io.ferrite.server.stream;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group of a {@link Stream}: its last delivered ID, its entries-read counter (Redis 7
 * lag), its pending entries list (PEL) and its consumers. Owned by the stream's shard.
 *
 * <p>The group PEL and each consumer's PEL are {@code TreeMap}s keyed by entry ID sharing the
 * same {@link Nack} objects, as Redis shares streamNACK between the two radix trees: an entry is
 * pending in the group iff it is pending for exactly one consumer ({@link Nack#consumer}).
 * Consumers are ordered by name in byte order, as XINFO CONSUMERS lists them.
 */
final class StreamConsumerGroup {
    /** A delivered, not yet acknowledged entry. */
    static final class Nack {
        Consumer consumer;
        long deliveryTime;
        long deliveryCount;

        Nack(Consumer consumer, long now) {
            this.consumer = consumer;
            this.deliveryTime = now;
            this.deliveryCount = 1;
        }
    }

    /** A consumer: its name, seen-time (last attempt), active-time (last success), its PEL. */
    static final class Consumer {
        final byte[] name;
        long seenTime;
        long activeTime = -1;
        final TreeMap<StreamId, Nack> pel = new TreeMap<>();

        Consumer(byte[] name, long now) {
            this.name = name;
            this.seenTime = now;
        }
    }

    final byte[] name;
    StreamId lastId;
    long entriesRead;
    final TreeMap<StreamId, Nack> pel = new TreeMap<>();
    final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    StreamConsumerGroup(byte[] name, StreamId lastId, long entriesRead) {
        this.name = name;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    Consumer consumer(byte[] name) { return consumers.get(name); }

    /** The consumer, created when missing (XREADGROUP, XCLAIM). */
    Consumer consumerOrCreate(byte[] name, long now) {
        Consumer c = consumers.get(name);
        if (c == null) {
            c = new Consumer(name, now);
            consumers.put(name, c);
        }
        return c;
    }

    /** Removes a consumer and its pending entries (Redis drops them from the group PEL too). */
    long deleteConsumer(Consumer c) {
        long n = c.pel.size();
        for (StreamId id : c.pel.keySet()) pel.remove(id);
        consumers.remove(c.name);
        return n;
    }

    /** Removes id from the PEL (group and owner); true when it was pending. */
    boolean ack(StreamId id) {
        Nack n = pel.remove(id);
        if (n == null) return false;
        n.consumer.pel.remove(id);
        return true;
    }

    /** Delivers id to consumer now: a new NACK, or an existing one moved to it with count 1. */
    Nack deliver(StreamId id, Consumer to, long now) {
        Nack n = pel.get(id);
        if (n == null) {
            n = new Nack(to, now);
            pel.put(id, n);
        } else {
            n.consumer.pel.remove(id);
            n.consumer = to;
            n.deliveryTime = now;
            n.deliveryCount = 1;
        }
        to.pel.put(id, n);
        return n;
    }

    /** Moves an existing NACK to another consumer (XCLAIM/XAUTOCLAIM). */
    void transfer(StreamId id, Nack n, Consumer to) {
        if (n.consumer != to) {
            n.consumer.pel.remove(id);
            n.consumer = to;
            to.pel.put(id, n);
        }
    }

    StreamConsumerGroup copy() {
        StreamConsumerGroup g = new StreamConsumerGroup(name, lastId, entriesRead);
        for (Consumer c : consumers.values()) {
            Consumer cc = new Consumer(c.name, c.seenTime);
            cc.activeTime = c.activeTime;
            g.consumers.put(cc.name, cc);
        }
        for (Map.Entry<StreamId, Nack> e : pel.entrySet()) {
            Nack n = e.getValue();
            Consumer owner = g.consumers.get(n.consumer.name);
            Nack nn = new Nack(owner, n.deliveryTime);
            nn.deliveryCount = n.deliveryCount;
            g.pel.put(e.getKey(), nn);
            owner.pel.put(e.getKey(), nn);
        }
        return g;
    }
}
