package io.ferrite.bench.stream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumer-group throughput of any Redis-protocol server (issue 5): a stream pre-filled with N
 * entries {@code a 1 b 2 c 3}, then C consumer threads of one group, each on its own connection,
 * looping
 * <pre>
 *   XACK key g &lt;ids of its previous batch&gt;  +  XREADGROUP GROUP g cN COUNT 100 BLOCK 5000 STREAMS key &gt;
 * </pre>
 * as one pipelined write (one round trip per batch), until all N entries are acknowledged.
 * Reports entries/s = N / (time from the consumers' start to the last XACK reply). Uses its own
 * key ({@code bench:stream}, deleted first), never FLUSHALL.
 *
 * <p>Run: {@code java -cp ferrite-bench/target/ferrite-bench.jar
 * io.ferrite.bench.stream.StreamConsumerThroughput PORT [entries=1000000] [consumers=4] [count=100]};
 * {@code tools/stream-consumers.sh} runs it against Ferrite and redis-server alternately.
 */
public final class StreamConsumerThroughput {
    private static final String KEY = "bench:stream";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long entries = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int consumers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int count = args.length > 3 ? Integer.parseInt(args[3]) : 100;

        try (Resp admin = new Resp(port)) {
            admin.call("DEL", KEY);
            fill(admin, entries);
            admin.call("XGROUP", "CREATE", KEY, "g", "0");
        }

        AtomicLong acked = new AtomicLong();
        AtomicLong endNanos = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(consumers), go = new CountDownLatch(1);
        CountDownLatch allAcked = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < consumers; i++) {
            String name = "c" + i;
            Thread t = new Thread(() -> {
                try (Resp r = new Resp(port)) {
                    ready.countDown();
                    go.await();
                    consume(r, name, count, entries, acked, endNanos, allAcked);
                } catch (Throwable e) {
                    failures.add(e);
                    allAcked.countDown();
                }
            }, "consumer-" + name);
            threads.add(t);
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        allAcked.await();
        // Consumers still blocked in XREADGROUP wake on these and exit (not timed).
        try (Resp admin = new Resp(port)) {
            for (int i = 0; i < consumers; i++) admin.call("XADD", KEY, "*", "stop", "1");
        }
        for (Thread t : threads) t.join();
        if (!failures.isEmpty()) throw new IllegalStateException(failures.get(0));
        double seconds = (endNanos.get() - start) / 1e9;
        try (Resp admin = new Resp(port)) {
            admin.call("DEL", KEY);
        }
        System.out.printf("port=%d entries=%d consumers=%d count=%d acked=%d seconds=%.3f entries_per_sec=%.0f%n",
                port, entries, consumers, count, acked.get(), seconds, entries / seconds);
    }

    /** Pipelined XADD in batches of 1000. */
    private static void fill(Resp r, long entries) throws IOException {
        long done = 0;
        while (done < entries) {
            int batch = (int) Math.min(1000, entries - done);
            for (int i = 0; i < batch; i++) r.send("XADD", KEY, "*", "a", "1", "b", "2", "c", "3");
            r.flush();
            for (int i = 0; i < batch; i++) r.read();
            done += batch;
        }
    }

    private static void consume(Resp r, String name, int count, long entries, AtomicLong acked, AtomicLong endNanos,
                                CountDownLatch allAcked) throws IOException {
        List<String> previous = List.of();
        while (true) {
            if (!previous.isEmpty()) {
                String[] ack = new String[3 + previous.size()];
                ack[0] = "XACK";
                ack[1] = KEY;
                ack[2] = "g";
                for (int i = 0; i < previous.size(); i++) ack[3 + i] = previous.get(i);
                r.send(ack);
            }
            boolean finished = acked.get() >= entries;
            if (!finished) r.send("XREADGROUP", "GROUP", "g", name, "COUNT", Integer.toString(count), "BLOCK", "5000",
                    "STREAMS", KEY, ">");
            r.flush();
            if (!previous.isEmpty()) {
                long n = (Long) r.read();
                if (acked.addAndGet(n) >= entries && endNanos.compareAndSet(0, System.nanoTime())) allAcked.countDown();
            }
            if (finished) return;
            Object reply = r.read();
            if (reply == null) return; // timed out: nothing left for this consumer
            List<String> ids = new ArrayList<>(count);
            boolean stop = false;
            for (Object entry : (List<?>) ((List<?>) ((List<?>) reply).get(0)).get(1)) {
                List<?> e = (List<?>) entry;
                List<?> fields = (List<?>) e.get(1);
                if (fields.size() == 2 && "stop".equals(fields.get(0))) stop = true;
                else ids.add((String) e.get(0));
            }
            if (stop && ids.isEmpty()) return;
            previous = ids;
        }
    }

    /** A minimal RESP2 connection: commands as bulk arrays, replies as String / Long / List / null. */
    private static final class Resp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Resp(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        }

        void send(String... args) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String a : args) {
                byte[] s = a.getBytes(StandardCharsets.UTF_8);
                b.writeBytes(("$" + s.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                b.writeBytes(s);
                b.writeBytes(new byte[] {'\r', '\n'});
            }
            b.writeTo(out);
        }

        void flush() throws IOException { out.flush(); }

        Object call(String... args) throws IOException {
            send(args);
            flush();
            return read();
        }

        Object read() throws IOException {
            String line = line();
            char type = line.charAt(0);
            String rest = line.substring(1);
            switch (type) {
                case '+': return rest;
                case '-': throw new IOException(rest);
                case ':': return Long.parseLong(rest);
                case '$': {
                    int n = Integer.parseInt(rest);
                    if (n < 0) return null;
                    byte[] s = in.readNBytes(n + 2);
                    return new String(s, 0, n, StandardCharsets.UTF_8);
                }
                case '*': {
                    int n = Integer.parseInt(rest);
                    if (n < 0) return null;
                    List<Object> l = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) l.add(read());
                    return l;
                }
                default: throw new IOException("unexpected reply " + line);
            }
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c < 0) throw new IOException("connection closed");
                sb.append((char) c);
            }
            in.read(); // '\n'
            return sb.toString();
        }

        @Override
        public void close() throws IOException { socket.close(); }
    }
}
