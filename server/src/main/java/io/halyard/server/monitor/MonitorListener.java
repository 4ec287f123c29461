package io.halyard.server.monitor;

import io.halyard.core.Broker;
import io.halyard.core.jetstream.JetStream;
import io.halyard.server.config.ServerOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The monitoring HTTP listener (nats-server's {@code http_port} / {@code -m}): nats-server's JSON
 * endpoints ({@code /varz}, {@code /connz}, {@code /subsz}, {@code /jsz}, {@code /healthz}), an index
 * at {@code /}, and Prometheus metrics at {@code /metrics}.
 *
 * <p><b>Threads.</b> Netty's HTTP codec decodes requests on the server's event loops; every endpoint
 * then runs on one {@code halyard-monitor} thread, never on an event loop, because reading the
 * connections means asking each client's own loop for a snapshot and waiting for the answers.
 * Requests are answered one at a time, in order.
 */
public final class MonitorListener {
    private static final System.Logger LOG = System.getLogger(MonitorListener.class.getName());
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final List<String> PATHS = List.of("/", "/varz", "/connz", "/subsz", "/subscriptionsz", "/jsz",
            "/healthz", "/metrics");

    private final Broker broker;
    private final ServerOptions options;
    private final Supplier<JetStream> jetStream;
    private final BooleanSupplier stopping;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "halyard-monitor");
        t.setDaemon(true);
        return t;
    });
    /** Requests per endpoint, for {@code /varz}'s {@code http_req_stats}; guarded by itself. */
    private final Map<String, Long> requestStats = new TreeMap<>();
    private Channel channel;
    private MonitorContext context;
    private Metrics metrics;

    public MonitorListener(Broker broker, ServerOptions options, Supplier<JetStream> jetStream, BooleanSupplier stopping,
                           EventLoopGroup boss, EventLoopGroup workers) {
        this.broker = broker;
        this.options = options;
        this.jetStream = jetStream;
        this.stopping = stopping;
        this.boss = boss;
        this.workers = workers;
    }

    /** Whether {@code options} ask for a monitoring listener ({@code http_port} not 0). */
    public static boolean enabled(ServerOptions options) {
        return options.httpPort != 0;
    }

    /** The host the listener binds: {@code http: host:port}'s host, else the client {@code host}, as nats-server. */
    public static String host(ServerOptions options) {
        return options.httpHost != null ? options.httpHost : options.host;
    }

    /** Binds the port; throws when it cannot. */
    public MonitorListener start() throws InterruptedException {
        String host = host(options);
        int port = options.httpPort < 0 ? 0 : options.httpPort;
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new Handler());
                    }
                });
        try {
            channel = b.bind(host, port).sync().channel();
        } catch (Exception e) {
            executor.shutdownNow();
            throw new IllegalStateException("cannot listen for monitoring on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        int bound = port();
        context = new MonitorContext(broker, options, jetStream, stopping, host, bound);
        metrics = new Metrics(broker, jetStream);
        LOG.log(System.Logger.Level.INFO, "Starting http monitor on {0}:{1,number,#}", host, bound);
        return this;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One answer: status, content type and body. */
    private record Answer(HttpResponseStatus status, String contentType, byte[] body) {
        static Answer json(int status, String json) {
            return new Answer(HttpResponseStatus.valueOf(status), "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        static Answer text(HttpResponseStatus status, String text) {
            return new Answer(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Runs on the monitoring thread. */
    private Answer answer(String uri) {
        QueryStringDecoder decoded = new QueryStringDecoder(uri);
        String path = decoded.path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Map<String, List<String>> query = decoded.parameters();
        if (PATHS.contains(path)) {
            synchronized (requestStats) {
                requestStats.merge(path, 1L, Long::sum);
            }
        }
        try {
            switch (path) {
                case "/": return new Answer(HttpResponseStatus.OK, "text/html; charset=utf-8", index());
                case "/varz": return Answer.json(200, Varz.json(context, requestStats));
                case "/connz": return Answer.json(200, Connz.json(context, query));
                case "/subsz", "/subscriptionsz": return Answer.json(200, Subsz.json(context, query));
                case "/jsz": return Answer.json(200, Jsz.json(context, query));
                case "/healthz": {
                    Healthz.Result r = Healthz.check(context, query);
                    return Answer.json(r.status(), r.json());
                }
                case "/metrics": return new Answer(HttpResponseStatus.OK, metrics.contentType(), metrics.scrape());
                default: return Answer.text(HttpResponseStatus.NOT_FOUND, "404 page not found\n");
            }
        } catch (Query.BadRequest e) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "monitoring request " + uri + " failed", e);
            return Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e.getMessage());
        }
    }

    private static byte[] index() {
        StringBuilder html = new StringBuilder("<html lang=\"en\"><head><title>Halyard</title></head><body>\n")
                .append("<h1>Halyard ").append(Broker.HALYARD_VERSION).append("</h1>\n");
        String[][] links = {{"varz", "General"}, {"jsz", "JetStream"}, {"connz", "Connections"},
            {"subsz", "Subscriptions"}, {"healthz", "Health Probe"}, {"metrics", "Prometheus Metrics"}};
        for (String[] l : links) {
            html.append("<a href=./").append(l[0]).append('>').append(l[1]).append("</a><br/>\n");
        }
        return html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String uri = request.uri();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpVersion version = request.protocolVersion();
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, version, false, Answer.text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
                return;
            }
            try {
                executor.execute(() -> respond(ctx, version, keepAlive, answer(uri)));
            } catch (RejectedExecutionException e) {
                respond(ctx, version, false, Answer.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "server is stopping\n"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void respond(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Answer answer) {
            ByteBuf body = Unpooled.wrappedBuffer(answer.body());
            FullHttpResponse response = new DefaultFullHttpResponse(version, answer.status(), body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
