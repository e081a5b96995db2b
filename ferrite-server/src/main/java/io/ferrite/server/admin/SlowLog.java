package io.ferrite.server.admin;

import io.ferrite.server.config.FerriteConfig;
import io.ferrite.server.net.Client;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * SLOWLOG: commands slower than slowlog-log-slower-than microseconds, newest first, at most
 * slowlog-max-len entries. Arguments are truncated as Redis does (at most 32 arguments, each
 * at most 128 bytes). The check is one comparison per command; the lock is taken only to
 * record a slow one. Passwords are redacted first ({@link Redaction}).
 */
public final class SlowLog {
    private static final int MAX_ARGC = 32;
    private static final int MAX_ARG_LEN = 128;

    public record Entry(long id, long timestamp, long micros, List<byte[]> args, String peer, String clientName) {}

    private final FerriteConfig config;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public SlowLog(FerriteConfig config) {
        this.config = config;
    }

    public void offer(Client c, long micros) {
        long threshold = config.slowlogLogSlowerThan.longValue();
        if (threshold < 0 || micros < threshold) return;
        int argc = c.argc();
        byte[][] argv = Redaction.apply(config, c.argv(), argc);
        List<byte[]> args = new ArrayList<>();
        int n = Math.min(argc, MAX_ARGC);
        for (int i = 0; i < n; i++) {
            if (argc > MAX_ARGC && i == MAX_ARGC - 1) {
                args.add(("... (" + (argc - MAX_ARGC + 1) + " more arguments)").getBytes());
                break;
            }
            byte[] a = argv[i];
            if (a.length > MAX_ARG_LEN) {
                String more = "... (" + (a.length - MAX_ARG_LEN) + " more bytes)";
                byte[] t = new byte[MAX_ARG_LEN + more.length()];
                System.arraycopy(a, 0, t, 0, MAX_ARG_LEN);
                System.arraycopy(more.getBytes(), 0, t, MAX_ARG_LEN, more.length());
                a = t;
            } else {
                a = a.clone(); // the argument may now be a stored value that later changes in place
            }
            args.add(a);
        }
        synchronized (this) {
            entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, micros, args, c.address(), c.name()));
            trim();
        }
    }

    private void trim() {
        long max = config.slowlogMaxLen.longValue();
        while (entries.size() > max) entries.removeLast();
    }

    public synchronized List<Entry> newest(int count) {
        trim();
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (count >= 0 && out.size() >= count) break;
            out.add(e);
        }
        return out;
    }

    public synchronized int size() {
        trim();
        return entries.size();
    }

    public synchronized void reset() { entries.clear(); }
}
