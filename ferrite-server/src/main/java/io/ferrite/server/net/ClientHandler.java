package io.ferrite.server.net;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.Dispatcher;
import io.ferrite.server.exec.CommandClock;
import io.ferrite.server.exec.CommandThread;
import io.ferrite.server.protocol.ProtocolException;
import io.ferrite.server.protocol.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's pipeline end: accumulates input, decodes and runs every complete command
 * in order, and writes all their replies with a single flush when the read batch ends.
 *
 * <p>Replies are appended to one outbound buffer per read batch, so pipelined replies keep
 * the exact order of the requests and a batch of N commands costs one write syscall. When
 * the peer stops reading and the channel becomes unwritable, reading pauses until it drains
 * (the output backlog is bounded by Netty's write-buffer high water mark, not by the peer).
 */
public final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

    private final FerriteServer server;
    private final Dispatcher dispatcher;
    private Client client;
    private ByteBuf input;
    private ByteBuf output;
    // The output buffer is kept between batches up to this size; a bigger one goes back to the pool.
    private static final int KEPT_OUTPUT_CAPACITY = 8192;
    private ChannelHandlerContext ctx;

    public ClientHandler(FerriteServer server, Dispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ClientRegistry registry = server.clients();
        client = new Client(registry.nextId(), server, ctx.channel(), this);
        server.stats().connectionsReceived.increment();
        if (registry.size() >= server.config().maxclients.intValue()) {
            server.stats().rejectedConnections.increment();
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("-ERR max number of clients reached\r\n".getBytes()))
                    .addListener(f -> ctx.close());
            client = null;
            return;
        }
        if (deniedByProtectedMode(ctx)) {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(("-DENIED Running in protected mode because protected "
                    + "mode is enabled and no password is set for the default user. Connect from the loopback "
                    + "interface, or set a password with requirepass, or disable protected mode.\r\n").getBytes()))
                    .addListener(f -> ctx.close());
            client = null;
            return;
        }
        registry.add(client);
        client.decoder.maxBulkLength(server.config().protoMaxBulkLen.longValue());
    }

    private boolean deniedByProtectedMode(ChannelHandlerContext ctx) {
        if (!server.config().protectedMode.boolValue() || !server.config().requirepass.value().isEmpty()) return false;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            return !a.getAddress().isLoopbackAddress();
        }
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (client == null || client.killed()) {
            in.release();
            return;
        }
        server.stats().netInputBytes.add(in.readableBytes());
        if (input == null) {
            input = in;
        } else {
            if (input.writableBytes() < in.readableBytes()) {
                input.discardReadBytes();
                if (input.writableBytes() < in.readableBytes() || input.refCnt() > 1 || input.isReadOnly()) {
                    ByteBuf bigger = ctx.alloc().ioBuffer(Math.max(input.readableBytes() + in.readableBytes(), input.capacity() * 2));
                    bigger.writeBytes(input);
                    input.release();
                    input = bigger;
                }
            }
            input.writeBytes(in);
            in.release();
        }
        if (client.isParked()) return; // input waits until the parked command has its reply
        processInput(ctx, false);
    }

    /**
     * Decodes and runs every complete command of the input, until it runs out or the client parks;
     * first the decoded command that CLIENT PAUSE postponed when rerunPostponed is set.
     */
    private void processInput(ChannelHandlerContext ctx, boolean rerunPostponed) {
        if (output == null) output = ctx.alloc().ioBuffer(256);
        RespWriter w = client.reply();
        w.target(output);
        CommandClock clock = CommandThread.currentClock();
        client.touch(clock != null ? clock.beginBatch() : System.currentTimeMillis());
        client.decoder.maxBulkLength(server.config().protoMaxBulkLen.longValue());
        try {
            if (rerunPostponed) {
                dispatcher.execute(client);
                if (w.target() != output) output = w.target();
                if (client.isParked()) return; // postponed again, or blocked
                client.decoder.clearArgs();
            }
            runCommands(w);
        } finally {
            if (clock != null) clock.endBatch();
        }
    }

    private void runCommands(RespWriter w) {
        try {
            while (input != null && input.isReadable() && !client.closeAfterReply()) {
                if (!client.decoder.decode(input, client.authenticated())) break;
                if (client.argc() > 0) {
                    client.countCommand();
                    dispatcher.execute(client);
                    // Parked: keep argv (the command runs again when served, or is running on the
                    // scripting thread, which owns the client's writer until the reply comes back).
                    if (client.isParked()) return;
                    if (w.target() != output) output = w.target();
                }
                client.decoder.clearArgs();
            }
        } catch (ProtocolException e) {
            w.error("ERR " + e.getMessage());
            client.closeAfterReply(true);
            log.debug("protocol error from {}: {}", client.address(), e.getMessage());
        }
        if (input != null && !input.isReadable()) {
            input.release();
            input = null;
        } else if (input != null && input.readableBytes() > server.config().clientQueryBufferLimit.longValue()) {
            log.warn("closing client {}: query buffer over client-query-buffer-limit", client.address());
            client.closeAfterReply(true);
        }
    }

    /** On this loop: the CLIENT PAUSE that postponed the current command ended; run it and go on. */
    void rerun() {
        if (ctx == null || !ctx.channel().isActive()) return;
        client.resumePostponed();
        processInput(ctx, true);
        flush(ctx);
        if (client.closeAfterReply()) ctx.close();
    }

    /** On this loop: a parked command was served or timed out; send its reply and go on. */
    void resume(ByteBuf reply) {
        if (ctx == null || !ctx.channel().isActive()) {
            reply.release();
            return;
        }
        client.clearBlocked();
        client.decoder.clearArgs();
        if (output == null) output = ctx.alloc().ioBuffer(256);
        output.writeBytes(reply);
        reply.release();
        processInput(ctx, false);
        flush(ctx);
        if (client.closeAfterReply()) ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush(ctx);
        if (client != null && client.closeAfterReply()) ctx.close();
    }

    private void flush(ChannelHandlerContext ctx) {
        ByteBuf out = output;
        if (out == null || !out.isReadable()) return; // an empty buffer stays for the next batch
        output = null;
        server.stats().netOutputBytes.add(out.readableBytes());
        // Netty releases what it wrote; our extra reference lets the buffer come back when the
        // socket took it all at once (the usual case), so a batch allocates no output buffer.
        ctx.writeAndFlush(out.retain(), ctx.voidPromise());
        if (out.refCnt() == 1 && out.capacity() <= KEPT_OUTPUT_CAPACITY) {
            output = out.clear();
        } else {
            out.release(); // still queued in Netty (a slow reader), or grown by a big reply
        }
        if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (input != null) {
            input.release();
            input = null;
        }
        if (output != null) {
            output.release();
            output = null;
        }
        if (client != null) {
            var waiter = client.waiter();
            if (waiter != null) server.blockedClients().disconnected(waiter);
            server.clients().remove(client);
            server.clientPause().disconnected(client);
            server.monitors().remove(client);
            server.pubSub().disconnected(client); // drop its subscriptions from the shared registry
            server.onDisconnect(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) log.warn("closing connection after error", cause);
        ctx.close();
    }
}
