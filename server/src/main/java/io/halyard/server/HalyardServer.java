package io.halyard.server;

import io.halyard.core.Broker;
import io.halyard.core.BrokerConfig;
import io.halyard.core.auth.Authenticator;
import io.halyard.core.auth.Permissions;
import io.halyard.core.client.ClientSession;
import io.halyard.core.jetstream.JetStream;
import io.halyard.log.EpochClock;
import io.halyard.server.config.ServerOptions;
import io.halyard.server.monitor.MonitorListener;
import io.halyard.server.websocket.WebSocketListener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Halyard server: the client listener and the broker behind it.
 *
 * <p>{@link #start()} binds; {@link #stop()} stops accepting, flushes what is queued to each client,
 * closes the clients and releases the event loops. {@link #enterLameDuckMode} drains gradually
 * instead ({@link LameDuck}). Start from one thread; stop from any (a second stop waits for the first).
 */
public final class HalyardServer {
    private static final System.Logger LOG = System.getLogger(HalyardServer.class.getName());
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final ServerOptions options;
    private final BrokerConfig brokerConfig;
    private final Broker broker;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private WebSocketListener webSocket;
    private MonitorListener monitor;
    private final AtomicBoolean stopStarted = new AtomicBoolean();
    /** Set (under this object's monitor) when lame-duck mode starts; read by /healthz. */
    private volatile LameDuck lameDuck;
    /** JetStream, or null when it is switched off. */
    private JetStream jetStream;
    /** Every client channel, so shutdown can wait for their graceful closes. */
    private final ChannelGroup clientChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final CountDownLatch stopped = new CountDownLatch(1);

    public HalyardServer(ServerOptions options) {
        this.options = options;
        this.brokerConfig = brokerConfig(options);
        this.broker = new Broker(brokerConfig);
    }

    /** Binds the client port. Throws when the port cannot be bound or TLS cannot be loaded. */
    public HalyardServer start() throws InterruptedException {
        return start(null);
    }

    /**
     * Starts serving on the client socket {@code early} (already listening, see {@link EarlyListener}),
     * or binds the client port when {@code early} is null. Throws when the port cannot be bound or TLS
     * cannot be loaded; {@code early} is then closed. Returns once core NATS is served; JetStream, when
     * on, is still reopening its streams then, holding publishes to them and API requests meanwhile
     * ({@code jetStream().awaitRecovered} waits for it).
     */
    public HalyardServer start(EarlyListener early) throws InterruptedException {
        SslContext ssl;
        try {
            ssl = options.tls == null ? null : Tls.serverContext(options.tls);
            // Publishes to the streams on disk and API requests are held from here on, so clients
            // may come as soon as the port serves; the streams are reopened after that (below).
            startJetStream();
        } catch (RuntimeException e) {
            if (early != null) {
                early.close();
            }
            throw e;
        }
        long tlsTimeoutMillis = options.tls == null ? 0 : options.tls.timeout.toMillis();
        long writeDeadlineMillis = options.writeDeadline.toMillis();
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        workerGroup = new MultiThreadIoEventLoopGroup(eventLoops(), io);
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .option(ChannelOption.SO_BACKLOG, EarlyListener.BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // The pooled allocator (what DeliveryPathBenchmark measures); Netty 4.2's default
                // adaptive allocator measured the same or slower on the side-by-side scenarios.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Large reads let one read carry thousands of PUBs, so one flush serves them all.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 64 * 1024, 1024 * 1024))
                // Back-pressure is max_pending, enforced by the session, not Netty's writability.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Integer.MAX_VALUE - 1, Integer.MAX_VALUE))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clientChannels.add(ch);
                        ch.pipeline().addLast("client", new ClientChannelHandler(broker, ssl, tlsTimeoutMillis, writeDeadlineMillis));
                    }
                });
        int port = options.port < 0 ? 0 : options.port;
        if (early != null) {
            // The early socket may already hold connections in its backlog, accepted as soon as it
            // is registered: their INFO must carry the real port, not -1.
            brokerConfig.port = early.port();
        }
        try {
            serverChannel = early == null ? bind(b, epoll, port) : serveOn(b, early, epoll, port);
        } catch (Exception e) {
            if (early != null) {
                early.close();
            }
            bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            stopJetStream();
            throw new IllegalStateException("cannot listen on " + options.host + ":" + port + ": " + e.getMessage(), e);
        }
        brokerConfig.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        LOG.log(System.Logger.Level.INFO, "Listening for client connections on {0}:{1,number,#}",
                options.host, brokerConfig.port);
        if (WebSocketListener.enabled(options)) {
            try {
                webSocket = new WebSocketListener(broker, options.webSocket, options.writeDeadline, bossGroup, workerGroup);
                webSocket.start();
            } catch (RuntimeException e) {
                serverChannel.close().syncUninterruptibly();
                bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                stopJetStream();
                throw e;
            }
        }
        if (MonitorListener.enabled(options)) {
            try {
                monitor = new MonitorListener(broker, options, this::jetStream, this::stoppingOrDraining, bossGroup, workerGroup)
                        .start();
            } catch (RuntimeException e) {
                serverChannel.close().syncUninterruptibly();
                if (webSocket != null) {
                    webSocket.stop();
                }
                bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                stopJetStream();
                throw e;
            }
        }
        LOG.log(System.Logger.Level.INFO, "Server is ready ({0} transport)", epoll ? "epoll" : "nio");
        if (jetStream != null) {
            // Only now: reading every stored record must not slow the path to the first INFO.
            jetStream.startRecovery();
        }
        return this;
    }

    /** The directory JetStream stores under: {@code store_dir}, else {@code data} in the working directory. */
    public static Path storeDirectory(ServerOptions o) {
        return o.storeDir != null ? o.storeDir : Path.of(ServerOptions.DEFAULT_STORE_DIR);
    }

    /** {@code max_memory_store}, else nats-server's default: 75% of the memory (the heap, where memory streams live). */
    public static long maxMemoryStore(ServerOptions o) {
        return o.maxMemoryStore > 0 ? o.maxMemoryStore : Runtime.getRuntime().maxMemory() / 4 * 3;
    }

    /** {@code max_file_store}, else nats-server's default: 75% of the free space where streams are stored. */
    public static long maxFileStore(ServerOptions o) {
        if (o.maxFileStore > 0) {
            return o.maxFileStore;
        }
        for (Path p = storeDirectory(o).toAbsolutePath(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.exists(p)) {
                try {
                    return java.nio.file.Files.getFileStore(p).getUsableSpace() / 4 * 3;
                } catch (java.io.IOException e) {
                    return -1; // unknown: not limited
                }
            }
        }
        return -1;
    }

    private void startJetStream() {
        if (!options.jetStream) {
            return;
        }
        Path dir = storeDirectory(options);
        jetStream = new JetStream(broker, dir, EpochClock.SYSTEM)
                .storageLimits(maxMemoryStore(options), maxFileStore(options))
                .syncInterval(options.syncInterval.toNanos()).startHolding();
        LOG.log(System.Logger.Level.INFO, "JetStream enabled, storing in {0}", dir.toAbsolutePath());
    }

    private void stopJetStream() {
        if (jetStream != null) {
            jetStream.close();
            jetStream = null;
        }
    }

    /** JetStream, or null when switched off. */
    public JetStream jetStream() {
        return jetStream;
    }

    private Channel bind(ServerBootstrap b, boolean epoll, int port) throws InterruptedException {
        return b.channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .bind(options.host, port).sync().channel();
    }

    /**
     * Registers the already listening {@code early} socket with the boss loop; being bound, the channel
     * is active at once and starts accepting, connections queued in the backlog first. The launcher's
     * socket is taken only by epoll and only when it is bound to the address of the options; else it
     * is released and the port bound anew (connections that waited in its backlog are reset).
     */
    private Channel serveOn(ServerBootstrap b, EarlyListener early, boolean epoll, int port) throws Exception {
        ServerSocketChannel channel;
        if (early.boundByLauncher()) {
            channel = epoll ? launcherSocket(early) : null;
            if (channel == null) {
                LOG.log(System.Logger.Level.WARNING, "Not serving on the client socket the launcher bound ({0}); "
                        + "binding the port anew", epoll ? "another address" : "no epoll transport");
                early.close();
                return bind(b, epoll, port);
            }
        } else {
            channel = epoll
                    ? new EpollServerSocketChannel(early.handOverDescriptor())
                    : new NioServerSocketChannel(early.handOverChannel());
        }
        try {
            return b.channelFactory((ChannelFactory<ServerSocketChannel>) () -> channel).register().sync().channel();
        } catch (Exception | Error e) {
            channel.unsafe().closeForcibly();
            throw e;
        }
    }

    /** The launcher's socket as an epoll channel when it listens on the options' address; else null. */
    private ServerSocketChannel launcherSocket(EarlyListener early) {
        EpollServerSocketChannel channel;
        try {
            channel = new EpollServerSocketChannel(0);
        } catch (RuntimeException e) {
            return null; // descriptor 0 is no socket: nothing to release either
        }
        InetSocketAddress bound = channel.localAddress();
        boolean sameHost = bound != null && (bound.getAddress().isAnyLocalAddress()
                ? options.host == null || options.host.isEmpty() || options.host.equals("0.0.0.0")
                : bound.getAddress().getHostAddress().equals(options.host));
        if (bound == null || bound.getPort() != early.port() || !sameHost) {
            return null; // not closed here: early.close() lets go of standard input
        }
        try {
            early.handOverDescriptor();
        } catch (java.io.IOException e) {
            return null;
        }
        return channel;
    }

    /**
     * Client event loops: {@code halyard.event_loops} (system property) or one per core. Each loop
     * owns its connections; messages between connections on different loops cost a cross-thread
     * hand-off.
     */
    static int eventLoops() {
        int configured = Integer.getInteger("halyard.event_loops", 0);
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** The bound client port (useful with port -1). */
    public int port() {
        return brokerConfig.port;
    }

    /** The bound monitoring port, or -1 without a monitoring listener. */
    public int monitorPort() {
        return monitor == null ? -1 : monitor.port();
    }

    /** The bound WebSocket port, or -1 without a websocket listener. */
    public int webSocketPort() {
        return webSocket == null ? -1 : webSocket.port();
    }

    public Broker broker() {
        return broker;
    }

    public ServerOptions options() {
        return options;
    }

    /**
     * Lame-duck mode (nats-server's SIGUSR2, {@code --signal ldm}): stops accepting, tells every
     * client with an INFO carrying {@code "ldm":true}, waits {@code lame_duck_grace_period}, closes
     * the clients gradually over the rest of {@code lame_duck_duration}, then {@link #stop()}s (which
     * closes JetStream after the clients, so their last writes complete) and runs {@code whenDone}.
     * Called again while draining, it closes what remains at once. Any thread; returns at once.
     */
    public synchronized void enterLameDuckMode(Runnable whenDone) {
        if (serverChannel == null || stopStarted.get()) {
            return;
        }
        if (lameDuck != null) {
            lameDuck.finishNow();
            return;
        }
        lameDuck = new LameDuck(this, options.lameDuckDuration, options.lameDuckGracePeriod, whenDone);
        lameDuck.start();
    }

    /** Whether a stop or a lame-duck drain has begun (from the moment it was asked for). */
    boolean stoppingOrDraining() {
        return stopStarted.get() || lameDuck != null;
    }

    /** Stops accepting clients on every client listener (lame duck's first step; stop's too). */
    void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
        if (webSocket != null) {
            webSocket.stopAccepting();
        }
    }

    /** Stops accepting, flushes queued bytes to clients, closes them and the event loops. */
    public void stop() {
        if (serverChannel == null) {
            return;
        }
        if (!stopStarted.compareAndSet(false, true)) {
            try {
                stopped.await(); // another thread is stopping: return once it has
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        LOG.log(System.Logger.Level.INFO, "Server shutting down");
        serverChannel.close().syncUninterruptibly();
        if (webSocket != null) {
            webSocket.stop();
        }
        // Flush and close every client on its own loop before the loops go away: Netty's group
        // shutdown would close channels without writing what is still queued.
        List<ClientSession> clients = new ArrayList<>(broker.clients());
        CountDownLatch flushed = new CountDownLatch(clients.size());
        for (ClientSession s : clients) {
            s.shutdown(flushed::countDown);
        }
        try {
            if (!flushed.await(3, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "Some clients were not flushed before shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Each close waits for its queued bytes, for at most write_deadline.
        if (!clientChannels.newCloseFuture().awaitUninterruptibly(options.writeDeadline.toMillis() + 1_000)) {
            LOG.log(System.Logger.Level.WARNING, "Some clients did not close in time; closing them now");
        }
        if (monitor != null) {
            monitor.stop();
        }
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        // The quiet period lets the closes started above finish writing.
        workerGroup.shutdownGracefully(200, 3_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        // After the clients: every append they made completes (and is fsynced) before the stores close.
        stopJetStream();
        stopped.countDown();
        LOG.log(System.Logger.Level.INFO, "Server stopped");
    }

    /** Blocks until {@link #stop()} has completed. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    static BrokerConfig brokerConfig(ServerOptions o) {
        BrokerConfig c = new BrokerConfig();
        c.serverId = newServerId();
        c.serverName = o.serverName != null ? o.serverName : c.serverId;
        c.host = o.host;
        c.port = o.port;
        c.maxPayload = o.maxPayload;
        c.maxControlLine = o.maxControlLine;
        c.maxConnections = o.maxConnections;
        c.maxSubscriptions = o.maxSubscriptions;
        c.maxPendingBytes = o.maxPending;
        c.pingIntervalNanos = o.pingInterval.toNanos();
        c.pingMax = o.pingMax;
        c.authTimeoutNanos = o.authTimeout.toNanos();
        c.tlsRequired = o.tls != null;
        c.tlsVerify = o.tls != null && o.tls.verify;
        c.jetStream = o.jetStream;
        c.authenticator = authenticator(o);
        c.mappings = o.mappings.isEmpty() ? null : io.halyard.core.subject.SubjectMappings.of(o.mappings);
        return c;
    }

    static Authenticator authenticator(ServerOptions o) {
        Permissions defaults = permissions(o.defaultPermissions);
        if (o.token != null) {
            return Authenticator.token(o.token, defaults);
        }
        List<Authenticator.User> users = new ArrayList<>();
        if (o.username != null) {
            users.add(new Authenticator.User(o.username, o.password == null ? "" : o.password, null));
        }
        for (ServerOptions.User u : o.users) {
            users.add(new Authenticator.User(u.username, u.password == null ? "" : u.password,
                    permissions(u.permissions)));
        }
        return users.isEmpty() ? Authenticator.NONE : Authenticator.users(users, o.noAuthUser, defaults);
    }

    static Permissions permissions(ServerOptions.Permissions p) {
        if (p == null) {
            return null;
        }
        return new Permissions(p.publishAllow, p.publishDeny, p.subscribeAllow, p.subscribeDeny);
    }

    /** A random id shaped like nats-server's (an upper-case base32 string starting with N). */
    static String newServerId() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder("N");
        for (int i = 0; i < 55; i++) {
            sb.append(BASE32.charAt(r.nextInt(BASE32.length())));
        }
        return sb.toString();
    }
}
