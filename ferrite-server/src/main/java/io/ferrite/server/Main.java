package io.ferrite.server;

import io.ferrite.server.config.FerriteConfig;
import java.util.concurrent.CountDownLatch;

/** {@code ferrite [config-file] [--name value ...]}, like redis-server. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        // Netty's leak detector wraps a sample of buffers and records access points: a cost on
        // every read of those buffers. The tests keep it (embedded servers); the server process
        // runs without it unless asked (-Dio.netty.leakDetection.level=...).
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-v"))) {
            System.out.println("Ferrite server v=" + Version.FERRITE + " redis_version=" + Version.REDIS);
            return;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("Usage: ferrite [/path/to/ferrite.conf] [--port 6379] [--bind 127.0.0.1] [--dir PATH] [--<config-name> value]");
            return;
        }
        FerriteConfig config;
        try {
            config = FerriteConfig.fromArgs(args);
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("*** FATAL CONFIG FILE ERROR *** " + e.getMessage());
            System.exit(1);
            return;
        }
        Warmup.atStartup(config);
        FerriteServer server;
        try {
            server = FerriteServer.startProcess(config);
        } catch (Exception e) {
            System.err.println("Could not start Ferrite: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        server.onShutdown(stopped::countDown); // SHUTDOWN: saved (if it had to) and closed already
        // SIGTERM and SIGINT: the final save if there are save points, then close and exit 0 as
        // redis-server does; if that save fails, keep running (as Redis: "can't exit") so the data
        // is not lost. A signal handler (rather than only a shutdown hook) lets System.exit run
        // every other hook too (JFR dumps).
        final FerriteServer running = server;
        for (String name : new String[] {"TERM", "INT"}) {
            // shutdown-on-sigterm / shutdown-on-sigint (CONFIG SET-able): default, or SAVE / NOSAVE / NOW / FORCE.
            String param = name.equals("TERM") ? "shutdown-on-sigterm" : "shutdown-on-sigint";
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    long flags = running.config().param(param).longValue();
                    if (running.prepareShutdown((flags & 1) != 0, (flags & 2) != 0, (flags & 8) != 0)) stopped.countDown();
                    else System.err.println("Errors trying to shut down the server: the final save failed, see the log");
                });
            } catch (IllegalArgumentException e) {
                // the platform does not let us handle this signal: the shutdown hook below covers it
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ferrite-shutdown-hook"));
        stopped.await();
        server.close();
        System.exit(0);
    }
}
