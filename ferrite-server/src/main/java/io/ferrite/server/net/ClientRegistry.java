package io.ferrite.server.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connected clients, by id (CLIENT LIST, CLIENT KILL, INFO clients, maxclients).
 * Touched on connect and disconnect, never per command; a concurrent map because those
 * happen on every event loop.
 */
public final class ClientRegistry {
    private final ConcurrentHashMap<Long, Client> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    long nextId() { return nextId.getAndIncrement(); }

    void add(Client c) { clients.put(c.id(), c); }

    void remove(Client c) { clients.remove(c.id()); }

    public int size() { return clients.size(); }

    public Client get(long id) { return clients.get(id); }

    /** A snapshot, in id order. */
    public List<Client> all() {
        List<Client> out = new ArrayList<>(clients.values());
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    public Collection<Client> live() { return clients.values(); }
}
