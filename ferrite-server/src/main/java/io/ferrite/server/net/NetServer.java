package io.ferrite.server.net;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.exec.CommandThread;
import io.ferrite.server.exec.CounterBlock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The TCP listener: Netty with the native epoll transport where available, NIO otherwise;
 * one acceptor thread and {@code io-threads} event loops (default: one per core, and new
 * connections spread over only as many loops as the process has CPUs now, see
 * {@link CpuBoundLoopChooser}). Each connection stays on one event loop for its life and its
 * commands run there. A loop polls briefly before it sleeps ({@link PollBeforeSleep}).
 */
public final class NetServer {
    private final FerriteServer server;
    private final Dispatcher dispatcher;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<PollBeforeSleep> waits = new CopyOnWriteArrayList<>(); // one per event loop
    private int threads;
    private boolean epoll;

    public NetServer(FerriteServer server, Dispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    public void start() throws InterruptedException {
        epoll = Epoll.isAvailable() && !Boolean.getBoolean("ferrite.nio");
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // Event loops poll briefly before they sleep (io-poll-us); the accept loop just sleeps.
        LongSupplier pollLimitNanos = () -> server.config().ioPollUs.longValue() * 1000;
        SelectStrategyFactory polling = () -> {
            PollBeforeSleep p = new PollBeforeSleep(pollLimitNanos);
            waits.add(p);
            return p;
        };
        IoHandlerFactory loopFactory = epoll ? EpollIoHandler.newFactory(0, polling)
                : NioIoHandler.newFactory(SelectorProvider.provider(), polling);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int configured = server.config().ioThreads.intValue();
        threads = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ferrite-accept", true), factory);
        // io-threads 0 follows the CPUs: new connections go to as many loops as CPUs remain.
        EventExecutorChooserFactory chooser = configured > 0 ? DefaultEventExecutorChooserFactory.INSTANCE
                : new CpuBoundLoopChooser(Runtime.getRuntime()::availableProcessors);
        workers = new MultiThreadIoEventLoopGroup(threads,
                new ThreadPerTaskExecutor(new IoThreadFactory(server.counters())), chooser, loopFactory);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, server.config().param("tcp-backlog").intValue())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 8 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ClientHandler(server, dispatcher));
                    }
                });
        int port = server.config().port.intValue();
        try {
            for (String addr : server.config().bind.value().trim().split("\\s+")) {
                String host = addr.startsWith("-") ? addr.substring(1) : addr;
                if (host.equals("*")) host = "0.0.0.0";
                listeners.add(b.bind(new InetSocketAddress(host, port)).sync().channel());
                if (port == 0) port = ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
    }

    public int threads() { return threads; }

    /** The index (from 0) of an event loop of this server, or -1 for another executor. */
    public int loopIndex(EventExecutor loop) {
        int i = 0;
        for (EventExecutor e : workers) {
            if (e == loop) return i;
            i++;
        }
        return -1;
    }

    /** How the event loops have waited for work, all loops together. */
    public LoopWaits loopWaits() {
        long sleeps = 0, polls = 0;
        for (PollBeforeSleep w : waits) {
            sleeps += w.sleeps();
            polls += w.polls();
        }
        return new LoopWaits(sleeps, polls);
    }

    /** Times the event loops went to sleep for want of work, and times they looked again instead (io-poll-us). */
    public record LoopWaits(long sleeps, long polls) {}

    public String transportName() { return epoll ? "epoll" : "nio"; }

    /** Runs task every 100 ms on an event loop (INFO's ops/sec sampler). */
    public void scheduleEverySecondFraction(Runnable task) {
        workers.next().scheduleAtFixedRate(task, 100, 100, TimeUnit.MILLISECONDS);
    }

    public void close() {
        for (Channel ch : listeners) ch.close().syncUninterruptibly();
        if (boss != null) boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workers != null) workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Event-loop threads with a deep stack (64 MiB reserved): scripts start on the event
     * loop, and LuaJ's interpreter (and cmsgpack/cjson on nested data) recurse on the Java stack,
     * so a script must hit Lua's own limits here before Java's. The size is reserved address
     * space; only the pages a deep script touches are committed.
     */
    private static final class IoThreadFactory extends DefaultThreadFactory {
        private final CounterBlock counters;

        IoThreadFactory(CounterBlock counters) {
            super("ferrite-io", true);
            this.counters = counters;
        }

        @Override
        protected Thread newThread(Runnable r, String name) {
            CommandThread t = new CommandThread(threadGroup, r, name, 64L << 20);
            counters.bind(t);
            return t;
        }
    }
}
