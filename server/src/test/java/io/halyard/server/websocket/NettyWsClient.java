package io.halyard.server.websocket;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtensionHandshaker;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A NATS-over-WebSocket test client on Netty's WebSocket client, for what the JDK client cannot do:
 * permessage-deflate. It records the RSV bits of each data frame as it arrives (before any
 * decompression) and counts the bytes read from the socket, so a test can see compression happen.
 */
final class NettyWsClient implements AutoCloseable {
    private static final Duration WAIT = JdkWsClient.WAIT;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<HttpHeaders> handshake = new CompletableFuture<>();
    private final StringBuilder received = new StringBuilder();
    private final List<Integer> dataFrameRsv = new ArrayList<>();
    private long wireBytesIn;
    private Channel channel;

    /**
     * @param deflate the client's permessage-deflate offer, or {@code null} for none
     */
    static NettyWsClient connect(URI uri, WebSocketClientExtensionHandshaker deflate) throws Exception {
        NettyWsClient c = new NettyWsClient();
        try {
            c.open(uri, deflate);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void open(URI uri, WebSocketClientExtensionHandshaker deflate) throws Exception {
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, true, new DefaultHttpHeaders(), 64 * 1024 * 1024);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("count", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                synchronized (NettyWsClient.this) {
                                    wireBytesIn += ((ByteBuf) msg).readableBytes();
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        p.addLast("http", new HttpClientCodec());
                        // After the upgrade the frame decoder sits before this, the inflater after it.
                        p.addLast("spy", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof WebSocketFrame f && !(msg instanceof CloseWebSocketFrame)) {
                                    synchronized (NettyWsClient.this) {
                                        dataFrameRsv.add(f.rsv());
                                    }
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        p.addLast("aggregator", new HttpObjectAggregator(64 * 1024));
                        if (deflate != null) {
                            p.addLast("extensions", new WebSocketClientExtensionHandler(deflate));
                        }
                        p.addLast("app", new App(handshaker));
                    }
                });
        channel = b.connect(uri.getHost(), uri.getPort()).sync().channel();
        handshake.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The upgrade response's headers. */
    HttpHeaders responseHeaders() throws Exception {
        return handshake.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void send(String text) throws Exception {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1)))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized String await(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received.indexOf(expected) < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("did not receive " + expected + "; received " + received);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return received.toString();
    }

    synchronized List<Integer> dataFrameRsv() {
        return new ArrayList<>(dataFrameRsv);
    }

    synchronized long wireBytesIn() {
        return wireBytesIn;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(WAIT.toMillis());
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
    }

    private final class App extends ChannelInboundHandlerAdapter {
        private final WebSocketClientHandshaker handshaker;

        App(WebSocketClientHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse response) {
                    handshaker.finishHandshake(ctx.channel(), response);
                    handshake.complete(response.headers().copy());
                } else if (msg instanceof WebSocketFrame f && !(msg instanceof CloseWebSocketFrame)) {
                    synchronized (NettyWsClient.this) {
                        received.append(f.content().toString(StandardCharsets.ISO_8859_1));
                        NettyWsClient.this.notifyAll();
                    }
                }
            } catch (RuntimeException e) {
                handshake.completeExceptionally(e);
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            ctx.close();
        }
    }
}
