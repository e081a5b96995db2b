package io.ferrite.server.net;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.blocking.BlockedClients;
import io.ferrite.server.keyspace.Database;
import io.ferrite.server.protocol.RespDecoder;
import io.ferrite.server.protocol.RespWriter;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Per-connection state: the selected database, the protocol version, the name, the reply
 * writer and the decoded command being run.
 *
 * <p>Owned by the connection's event loop; fields read by other threads (CLIENT LIST, CLIENT
 * KILL, INFO) are volatile or tolerate a stale read.
 */
public final class Client {
    /** CLIENT REPLY: SKIP_NEXT is set by CLIENT REPLY SKIP and turns into SKIP for the next command. */
    public enum ReplyMode { ON, OFF, SKIP_NEXT, SKIP }

    private final long id;
    private final FerriteServer server;
    private final Channel channel;
    private final RespWriter reply = new RespWriter();
    final RespDecoder decoder = new RespDecoder();
    private final long createdAt = System.currentTimeMillis();
    private final int ioThread;

    private Database db;
    private volatile String name = "";
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile boolean authenticated;
    private volatile String user = "default";
    private volatile long lastInteraction = System.currentTimeMillis();
    // Written per command by its own loop; other threads (CLIENT LIST) tolerate a stale read.
    private String lastCommand = "NULL";
    private volatile boolean monitor;
    private volatile boolean closeAfterReply;
    private volatile boolean killed;
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean noEvict;
    private boolean noTouch;
    private boolean rdbOnly;
    private long commandsProcessed;

    // Blocking state: written by this client's loop while it runs the command, and by the
    // thread serving it while the client is parked (its loop processes no input meanwhile).
    private volatile BlockedClients.Waiter waiter;
    private io.ferrite.server.command.CommandSpec currentCommand;
    private boolean serving;
    private boolean reblocked;
    private boolean neverBlock;
    private final ClientHandler handler;

    Client(long id, FerriteServer server, Channel channel, ClientHandler handler) {
        this.handler = handler;
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.ioThread = server.eventLoopIndex(channel.eventLoop());
        this.db = server.keyspace().database(0);
        this.authenticated = server.config().requirepass.value().isEmpty();
    }

    public long id() { return id; }

    /** Forgets the parked state once the reply was delivered (on this client's loop). */
    void clearBlocked() {
        waiter = null;
        onScriptThread = false;
    }

    // Set on this client's loop before its command is handed to the scripting thread, cleared
    // on the loop when the reply comes back: meanwhile the loop reads none of its input.
    private volatile boolean onScriptThread;

    /** Parks this client while its current command runs on the scripting thread. */
    public void parkForScript() { onScriptThread = true; }

    // CLIENT PAUSE: set by the pause when it parks this client's command unrun, cleared on this
    // client's loop when the command runs again.
    private volatile boolean postponed;

    public void postpone() { postponed = true; }

    void resumePostponed() { postponed = false; }

    /** The pause ended: runs the postponed command on this client's loop, then its pending input. */
    public void rerunPostponed() {
        channel.eventLoop().execute(handler::rerun);
    }

    /** Parked: blocked on keys, running on the scripting thread or postponed by CLIENT PAUSE; its reply comes later. */
    public boolean isParked() { return waiter != null || onScriptThread || postponed; }
    public FerriteServer server() { return server; }
    public Channel channel() { return channel; }
    public RespWriter reply() { return reply; }
    public byte[][] argv() { return queuedArgv != null ? queuedArgv : decoder.argv(); }
    public int argc() { return queuedArgv != null ? queuedArgv.length : decoder.argc(); }
    public byte[] arg(int i) { return argv()[i]; }

    // Transactions (MULTI/WATCH): created on first use; owned by this client's loop, its
    // dirty flag is set by writers on other loops under the watched key's shard lock.
    private io.ferrite.server.transaction.MultiState multiState;
    // EXEC runs each queued command with that command's arguments in place of EXEC's.
    private byte[][] queuedArgv;

    // Pub/Sub: this client's subscriptions, null until its first (P|S)SUBSCRIBE; owned by its loop.
    private io.ferrite.server.pubsub.Subscriptions subscriptions;

    public io.ferrite.server.pubsub.Subscriptions subscriptions() { return subscriptions; }
    public void subscriptions(io.ferrite.server.pubsub.Subscriptions s) { this.subscriptions = s; }

    /** RESP2 subscriber mode: subscribed to something over RESP2 (Redis's CLIENT_PUBSUB with resp 2). */
    public boolean inSubscriberMode() {
        return subscriptions != null && reply.protocol() == 2 && subscriptions.total() > 0;
    }

    /** This client's transaction state, null until it first uses MULTI or WATCH. */
    public io.ferrite.server.transaction.MultiState multiState() { return multiState; }
    public void multiState(io.ferrite.server.transaction.MultiState m) { this.multiState = m; }

    /** EXEC: makes argv()/argc() answer a queued command's arguments; null restores the decoded ones. */
    public void queuedArgv(byte[][] argv) { this.queuedArgv = argv; }
    public Database db() { return db; }
    public void select(int index) { db = server.keyspace().database(index); }
    public int protocol() { return reply.protocol(); }
    public void protocol(int v) { reply.protocol(v); }
    public String name() { return name; }
    public void name(String n) { this.name = n; }
    public String libName() { return libName; }
    public void libName(String n) { this.libName = n; }
    public String libVersion() { return libVersion; }
    public void libVersion(String v) { this.libVersion = v; }
    public boolean authenticated() { return authenticated; }
    public void authenticated(boolean v) { this.authenticated = v; }
    public String user() { return user; }
    public void user(String u) { this.user = u; }
    public long createdAt() { return createdAt; }
    /** The event loop this connection lives on, from 0 (CLIENT LIST io-thread, as in Redis 8). */
    public int ioThread() { return ioThread; }
    public long lastInteraction() { return lastInteraction; }
    void touch(long now) { lastInteraction = now; }
    public String lastCommand() { return lastCommand; }

    /** The full name of the command now running ("client|list"), from its arguments. */
    public String currentCommandName() {
        if (argc() == 0) return "NULL";
        String n = new String(arg(0), java.nio.charset.StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        var spec = server.commandTable().lookup(n);
        if (spec != null && spec.isContainer() && argc() > 1) {
            n = n + "|" + new String(arg(1), java.nio.charset.StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        }
        return n;
    }
    public void lastCommand(String c) { this.lastCommand = c; }
    public boolean monitor() { return monitor; }
    public void monitor(boolean v) { this.monitor = v; }
    public boolean closeAfterReply() { return closeAfterReply; }
    public void closeAfterReply(boolean v) { this.closeAfterReply = v; }
    public boolean killed() { return killed; }
    public ReplyMode replyMode() { return replyMode; }
    public void replyMode(ReplyMode m) { this.replyMode = m; }
    public boolean noEvict() { return noEvict; }
    public void noEvict(boolean v) { this.noEvict = v; }
    public boolean noTouch() { return noTouch; }
    /** REPLCONF rdb-only 1: a SYNC from this connection wants one RDB snapshot, then the end (redis-cli --rdb). */
    public boolean rdbOnly() { return rdbOnly; }
    public void rdbOnly(boolean v) { this.rdbOnly = v; }
    public void noTouch(boolean v) { this.noTouch = v; }
    public long commandsProcessed() { return commandsProcessed; }
    void countCommand() { commandsProcessed++; }

    /**
     * Parks this client: called by a blocking command (BLPOP, BZPOPMIN, XREAD BLOCK ...) that
     * found nothing to serve, instead of writing a reply. The client stops processing input;
     * when one of {@code keys} (in the selected database) is created or signalled, the same
     * command is run again, with its locks, in FIFO order among the clients blocked on that
     * key; if it then calls block again it stays parked where it was. When
     * {@code timeoutMillis} (0 = forever) passes first, {@code onTimeout} writes the timeout
     * reply (e.g. {@code RespWriter::nullArray}). Inside MULTI or a script the timeout reply is
     * written at once, as in Redis. See {@link io.ferrite.server.blocking.BlockedClients}.
     */
    public void block(byte[][] keys, long timeoutMillis, java.util.function.Consumer<RespWriter> onTimeout) {
        if (serving) {
            reblocked = true;
            return;
        }
        if (neverBlock) {
            onTimeout.accept(reply);
            return;
        }
        waiter = server.blockedClients().block(this, currentCommand, keys, timeoutMillis, onTimeout);
    }

    public boolean isBlocked() { return waiter != null; }
    public BlockedClients.Waiter waiter() { return waiter; }

    /** Set by the dispatcher before a command runs: the command block() parks. */
    public void currentCommand(io.ferrite.server.command.CommandSpec spec) { this.currentCommand = spec; }

    /** True while a parked command is being re-run to serve it. */
    public boolean serving() { return serving; }

    public void serving(boolean on) {
        serving = on;
        if (on) reblocked = false;
    }

    /** After a re-run: true when the command found nothing again and stays parked. */
    public boolean reblocked() { return reblocked; }

    /** MULTI and scripts: blocking commands time out at once instead of parking. */
    public void neverBlock(boolean on) { this.neverBlock = on; }

    private boolean inScript;
    private boolean scriptMayMigrate;

    /** Set while a script runs inline on this client's loop and may still move to the scripting thread. */
    public void scriptMayMigrate(boolean on) { this.scriptMayMigrate = on; }
    public boolean scriptMayMigrate() { return scriptMayMigrate; }

    /** Set while a script's redis.call runs a command for this client. */
    public void inScript(boolean on) { this.inScript = on; }
    public boolean inScript() { return inScript; }

    /**
     * True inside MULTI or a script: for commands whose immediate reply there differs from
     * their timeout reply (Redis answers BLMOVE with a null bulk there, a null array on timeout).
     */
    public boolean neverBlock() { return neverBlock; }

    /** Hands a served or timed-out blocked command's reply to this client's event loop. */
    public void resumeAfterBlock(io.netty.buffer.ByteBuf replyBytes) {
        channel.eventLoop().execute(() -> handler.resume(replyBytes));
    }

    public String address() { return format(channel.remoteAddress()); }
    public String localAddress() { return format(channel.localAddress()); }

    /** Closes the connection from any thread (CLIENT KILL, SHUTDOWN). */
    public void kill() {
        killed = true;
        channel.close();
    }

    private static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
            if (host.contains(":")) host = "[" + host + "]";
            return host + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
