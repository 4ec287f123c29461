package io.halyard.server.websocket;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Halyard server on a free port of 127.0.0.1 with a WebSocket listener beside it, started on the
 * test's own event loops against the server's broker (as HalyardServer will do itself).
 */
final class WsTestServer implements AutoCloseable {
    final HalyardServer server;
    final WebSocketListener listener;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private boolean listenerStopped;

    private WsTestServer(HalyardServer server, WebSocketListener listener, EventLoopGroup boss, EventLoopGroup workers) {
        this.server = server;
        this.listener = listener;
        this.boss = boss;
        this.workers = workers;
    }

    static WsTestServer start() throws InterruptedException {
        return start(o -> { });
    }

    /** {@code configure} may change the options, {@code o.webSocket} included, before start. */
    static WsTestServer start(Consumer<ServerOptions> configure) throws InterruptedException {
        ServerOptions o = new ServerOptions();
        o.host = "127.0.0.1";
        o.port = -1;
        o.webSocket = new ServerOptions.WebSocket();
        o.webSocket.host = "127.0.0.1";
        o.webSocket.port = -1;
        o.webSocket.noTls = true;
        configure.accept(o);
        HalyardServer server = new HalyardServer(o).start();
        // JetStream reopens its store in the background and subscribes to acks when done: wait, so
        // that tests counting subscriptions see all of the server's own first.
        if (server.jetStream() != null && !server.jetStream().awaitRecovered(30, TimeUnit.SECONDS)) {
            server.stop();
            throw new IllegalStateException("JetStream did not recover within 30 s");
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        WebSocketListener listener = new WebSocketListener(server.broker(), o.webSocket, o.writeDeadline, boss, workers);
        try {
            listener.start();
        } catch (RuntimeException | InterruptedException e) {
            server.stop();
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        return new WsTestServer(server, listener, boss, workers);
    }

    URI wsUri(String path) {
        String scheme = server.options().webSocket.tls != null ? "wss" : "ws";
        return URI.create(scheme + "://127.0.0.1:" + listener.port() + path);
    }

    URI wsUri() {
        return wsUri("/");
    }

    String natsUrl() {
        return "nats://127.0.0.1:" + server.port();
    }

    int wsPort() {
        return listener.port();
    }

    void stopListener() {
        listener.stop();
        listenerStopped = true;
    }

    @Override
    public void close() {
        if (!listenerStopped) {
            listener.stop();
        }
        server.stop();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
