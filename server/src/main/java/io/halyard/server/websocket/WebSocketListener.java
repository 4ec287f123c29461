package io.halyard.server.websocket;

import io.halyard.core.Broker;
import io.halyard.core.ListenerInfo;
import io.halyard.server.Tls;
import io.halyard.server.config.ServerOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket listener ({@code websocket { }}): NATS clients that connect over WebSocket get the
 * same sessions, authentication and permissions as on the client port, through the same broker.
 *
 * <h2>What it accepts, as nats-server does (server/websocket.go)</h2>
 * <ul>
 *   <li>An upgrade on any path; no subprotocol is chosen (a requested {@code Sec-WebSocket-Protocol}
 *       gets no answer header); any Origin ({@code same_origin} and {@code allowed_origins} are not
 *       supported yet); only version 13 (see {@link UpgradeRequestCheck}).</li>
 *   <li>Masked client frames only; binary, text and continuation frames all carry NATS bytes; text
 *       frames are not checked for UTF-8. A message may be at most 8 × max_payload, capped at 64 MiB
 *       ({@code wsMaxMessageSize}); a bigger frame closes the connection with 1009.</li>
 *   <li>With {@code compression: true}, permessage-deflate when the client offers it, accepting
 *       {@code server_no_context_takeover} and answering {@code client_no_context_takeover} when
 *       offered (nats.go offers both); messages of 64 bytes or less are sent uncompressed
 *       ({@code wsCompressThreshold}); deflate at best speed, as nats-server.</li>
 *   <li>With a {@code tls} block, TLS from the first byte ({@code wss://}); nats-server refuses to
 *       start without TLS unless {@code no_tls: true}, which the config loader enforces.</li>
 * </ul>
 * The server sends INFO as soon as the upgrade completes, and binary messages only. INFO describes this
 * listener, as nats-server's does for WebSocket clients: its {@code host} and {@code port}, and
 * {@code tls_required} and {@code tls_available} when it has TLS (the client port's TLS does not
 * apply); {@code tls_verify} and everything else are the server's.
 *
 * <p>Start and stop from one thread. The event loop groups are the caller's: {@link #stop()} closes
 * this listener's connections but leaves the groups running.
 */
public final class WebSocketListener {
    static final System.Logger LOG = System.getLogger(WebSocketListener.class.getName());

    /** nats-server binds {@code websocket} to all interfaces when no host is given, whatever the client host. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Time from TCP connect to a completed upgrade before the connection is dropped. */
    static final long UPGRADE_TIMEOUT_MILLIS = 10_000;
    /** The upgrade request has no body; its headers are limited by {@link HttpServerCodec}'s defaults. */
    private static final int MAX_REQUEST_BODY_BYTES = 8 * 1024;
    /** nats-server's {@code wsCompressThreshold}: smaller messages are not worth compressing. */
    static final int COMPRESS_THRESHOLD_BYTES = 64;
    /** nats-server's {@code wsMaxMsgPayloadMultiple} and {@code wsMaxMsgPayloadLimit}. */
    private static final int MAX_MESSAGE_PAYLOAD_MULTIPLE = 8;
    private static final int MAX_MESSAGE_BYTES_LIMIT = 64 * 1024 * 1024;
    /** deflate's BEST_SPEED, nats-server's {@code flate.BestSpeed}. */
    private static final int COMPRESSION_LEVEL = 1;

    private static final WebSocketExtensionFilter SKIP_SMALL =
            (WebSocketFrame frame) -> frame.content().readableBytes() <= COMPRESS_THRESHOLD_BYTES;

    private static final WebSocketExtensionFilterProvider SMALL_MESSAGES_UNCOMPRESSED =
            new WebSocketExtensionFilterProvider() {
                @Override
                public WebSocketExtensionFilter encoderFilter() {
                    return SKIP_SMALL;
                }

                @Override
                public WebSocketExtensionFilter decoderFilter() {
                    return WebSocketExtensionFilter.NEVER_SKIP;
                }
            };

    private final Broker broker;
    private final ServerOptions.WebSocket options;
    private final long writeDeadlineMillis;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup connections = new DefaultChannelGroup("websocket", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;
    private int port;
    /** What INFO tells this listener's clients; set once bound, before the first connection. */
    private volatile ListenerInfo info;

    /**
     * @param writeDeadline how long a close waits for what is queued (the close frame last) to reach a
     *                      client, as {@code write_deadline} bounds it on the client port
     * @param boss          accepts connections (the client listener's boss group will do)
     * @param workers       runs the connections; epoll or NIO, the listener picks the matching channel type
     */
    public WebSocketListener(Broker broker, ServerOptions.WebSocket options, Duration writeDeadline,
                             EventLoopGroup boss, EventLoopGroup workers) {
        this.broker = broker;
        this.options = options;
        this.writeDeadlineMillis = writeDeadline.toMillis();
        this.bossGroup = boss;
        this.workerGroup = workers;
    }

    /** Whether the options ask for a WebSocket listener: a {@code websocket} block with a port other than 0. */
    public static boolean enabled(ServerOptions options) {
        return options.webSocket != null && options.webSocket.port != 0;
    }

    /**
     * Binds {@code websocket.host:port} (port -1: a free port) and returns the bound port. Throws
     * {@link IllegalStateException} when the port cannot be bound and {@link IllegalArgumentException}
     * when the TLS certificate or key cannot be loaded.
     */
    public int start() throws InterruptedException {
        SslContext ssl = options.tls == null ? null : Tls.serverContext(options.tls);
        long tlsTimeoutMillis = options.tls == null ? 0 : options.tls.timeout.toMillis();
        int maxMessageBytes = maxMessageBytes(broker.config().maxPayload);
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(serverChannelClass(workerGroup))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 64 * 1024, 1024 * 1024))
                // Back-pressure is max_pending, enforced by the session, not Netty's writability.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Integer.MAX_VALUE - 1, Integer.MAX_VALUE))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        pipeline(ch, ssl, tlsTimeoutMillis, maxMessageBytes);
                    }
                });
        String host = options.host == null || options.host.isEmpty() ? DEFAULT_HOST : options.host;
        int requested = options.port < 0 ? 0 : options.port;
        try {
            serverChannel = b.bind(host, requested).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for websocket clients on " + host + ":" + requested
                    + ": " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        // nats-server tells WebSocket clients the websocket listener's host and port, and sets both
        // tls_required and tls_available to whether it has TLS (client.go, generateClientInfoJSON).
        info = new ListenerInfo(host, port, ssl != null, ssl != null);
        String scheme = ssl != null ? "wss" : "ws";
        LOG.log(System.Logger.Level.INFO, "Listening for websocket clients on {0}://{1}:{2,number,#}",
                scheme, host, port);
        if (ssl == null) {
            LOG.log(System.Logger.Level.WARNING, "Websocket not configured with TLS. DO NOT USE IN PRODUCTION!");
        }
        return port;
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        return port;
    }

    /** Stops accepting new WebSocket connections and leaves the open ones (lame-duck mode closes them one by one). */
    public void stopAccepting() {
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
    }

    /**
     * Stops accepting; flushes what is queued for each WebSocket client and closes it with 1001
     * "going away". Waits for the closes, each bounded by the write deadline. Call before the event
     * loop groups shut down.
     */
    public void stop() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        serverChannel = null;
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                WebSocketChannelHandler h = ch.pipeline().get(WebSocketChannelHandler.class);
                if (h != null) {
                    h.serverShutdown(ch.pipeline().context(h));
                } else {
                    ch.close();
                }
            });
        }
        connections.newCloseFuture().awaitUninterruptibly(writeDeadlineMillis + 1_000, TimeUnit.MILLISECONDS);
    }

    private void pipeline(SocketChannel ch, SslContext ssl, long tlsTimeoutMillis, int maxMessageBytes) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            SslHandler tls = ssl.newHandler(ch.alloc());
            tls.setHandshakeTimeout(tlsTimeoutMillis, TimeUnit.MILLISECONDS);
            p.addLast("tls", tls);
        }
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY_BYTES));
        p.addLast("upgrade-check", new UpgradeRequestCheck());
        if (options.compression) {
            p.addLast("ws-deflate", new WebSocketServerExtensionHandler(deflate(maxMessageBytes)));
        }
        p.addLast("ws", new WebSocketServerProtocolHandler(protocolConfig(maxMessageBytes, options.compression)));
        p.addLast("client", new WebSocketChannelHandler(broker, info, UPGRADE_TIMEOUT_MILLIS, writeDeadlineMillis));
    }

    static WebSocketServerProtocolConfig protocolConfig(int maxMessageBytes, boolean compression) {
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessageBytes)
                .expectMaskedFrames(true)          // RFC 6455 5.1; nats-server: "mask bit missing"
                .allowMaskMismatch(false)
                .allowExtensions(compression)      // RSV1 marks a compressed message
                .closeOnProtocolViolation(true)
                .withUTF8Validator(false)          // nats-server does not check text frames
                .build();
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)             // any path, as nats-server
                .subprotocols(null)
                .handshakeTimeoutMillis(UPGRADE_TIMEOUT_MILLIS)
                .handleCloseFrames(true)           // a client's close is echoed, then the channel closes
                .sendCloseFrame(null)              // our own close frames carry nats-server's statuses
                .dropPongFrames(true)
                .decoderConfig(decoder)
                .build();
    }

    /**
     * permessage-deflate as nats-server negotiates it: no window-size parameters for the server;
     * {@code server_no_context_takeover} accepted (nats.go asks for it; Netty's default refuses the
     * whole extension then); {@code client_no_context_takeover} granted when offered.
     */
    static PerMessageDeflateServerExtensionHandshaker deflate(int maxMessageBytes) {
        return new PerMessageDeflateServerExtensionHandshaker(COMPRESSION_LEVEL, false,
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, true,
                SMALL_MESSAGES_UNCOMPRESSED, maxMessageBytes);
    }

    /** nats-server's {@code wsMaxMessageSize}: 8 × max_payload, at most 64 MiB. */
    static int maxMessageBytes(int maxPayload) {
        long payload = maxPayload > 0 ? maxPayload : 1024 * 1024; // nats-server's MAX_PAYLOAD_SIZE
        long limit = payload * MAX_MESSAGE_PAYLOAD_MULTIPLE;
        return (int) Math.min(limit, MAX_MESSAGE_BYTES_LIMIT);
    }

    private static Class<? extends ServerSocketChannel> serverChannelClass(EventLoopGroup workers) {
        boolean epoll = workers instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
