package io.halyard.server.websocket;

import io.halyard.core.Broker;
import io.halyard.core.ListenerInfo;
import io.halyard.core.client.ClientSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Connects an upgraded WebSocket channel to a {@link ClientSession}: the session is created when
 * Netty reports the handshake complete (so INFO is the first WebSocket message); the payload of
 * each binary, text and continuation frame goes to the session's parser as it arrives; the end of
 * a socket read flushes what the read delivered; the channel's end ends the session.
 *
 * <h2>Frame detection</h2>
 * Netty's protocol handler answers pings, drops pongs and answers a close frame with a close frame
 * before closing the channel; only data frames reach this handler. Fragmented messages are not
 * reassembled: NATS is a byte stream, the parser keeps its state across reads.
 *
 * <h2>Upgrade deadline</h2>
 * A connection that has not completed its upgrade within {@link #upgradeTimeoutMillis} (counted from
 * the TCP connect, so it covers a TLS handshake and a slow request) is closed. nats-server has no
 * such limit unless {@code handshake_timeout} is set; an idle socket that never speaks should not
 * be held forever.
 *
 * <p>One instance per channel; confined to the channel's event loop.
 */
final class WebSocketChannelHandler extends ChannelInboundHandlerAdapter {
    /** The proxy header nats-server takes the client's IP from, if it holds a valid IP. */
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private final Broker broker;
    private final ListenerInfo listener;
    private final long upgradeTimeoutMillis;
    private final long closeGraceMillis;
    private ScheduledFuture<?> upgradeDeadline;
    private ClientSession session;

    /**
     * @param listener         what INFO tells the client about the websocket listener
     * @param closeGraceMillis how long a close waits for queued bytes to reach the client (write_deadline)
     */
    WebSocketChannelHandler(Broker broker, ListenerInfo listener, long upgradeTimeoutMillis, long closeGraceMillis) {
        this.broker = broker;
        this.listener = listener;
        this.upgradeTimeoutMillis = upgradeTimeoutMillis;
        this.closeGraceMillis = closeGraceMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        upgradeDeadline = ctx.executor().schedule(() -> {
            if (session == null) {
                WebSocketListener.LOG.log(System.Logger.Level.DEBUG,
                        "{0} - websocket upgrade not completed in time, closing", ctx.channel().remoteAddress());
                ctx.close();
            }
        }, upgradeTimeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done && session == null) {
            upgradeDeadline.cancel(false);
            HttpHeaders headers = done.requestHeaders();
            WebSocketTransport transport = new WebSocketTransport(ctx.channel(), forwardedIp(headers),
                    isBrowser(headers) ? WebSocketTransport.BROWSER_MAX_FRAME_BYTES : 0, closeGraceMillis,
                    this::closeReason);
            session = broker.accept(transport, listener);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame
                    || msg instanceof ContinuationWebSocketFrame) {
                ByteBuf payload = ((WebSocketFrame) msg).content();
                if (session != null) {
                    session.read(payload);
                }
            } else if (msg instanceof FullHttpRequest) {
                // Netty's handshake handler passes on requests it does not take: an URI not starting with '/'.
                UpgradeRequestCheck.refuse(ctx, HttpResponseStatus.BAD_REQUEST, "not a websocket path");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (session != null) {
            session.readComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (upgradeDeadline != null) {
            upgradeDeadline.cancel(false);
        }
        if (session != null) {
            session.transportClosed();
        }
        ctx.fireChannelInactive();
    }

    /**
     * A peer's fault — a broken socket, a malformed or oversized frame (Netty has already sent the
     * close frame for it), a bad TLS record — is logged at debug level without a stack trace, so
     * that a misbehaving client cannot flood the log; anything else is ours and logged as a warning.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof DecoderException) {
            WebSocketListener.LOG.log(System.Logger.Level.DEBUG, "{0} websocket connection error: {1}",
                    describe(ctx), cause.getMessage());
        } else {
            WebSocketListener.LOG.log(System.Logger.Level.WARNING, describe(ctx) + " closing websocket after error",
                    cause);
        }
        ctx.close();
    }

    /**
     * Server shutdown: flush what is queued for the client, then close with 1001 "going away", as
     * nats-server does ({@code ServerShutdown}). Runs on the channel's event loop. The session's own
     * shutdown does it ({@link WebSocketTransport#closeCause} maps its reason to that frame), so its
     * timers stop too: a PING written after the close frame would fail and cut the close grace short.
     */
    void serverShutdown(ChannelHandlerContext ctx) {
        if (session == null) {
            ctx.close();
            return;
        }
        session.shutdown(() -> { });
    }

    private String closeReason() {
        return session == null ? null : session.closeReason();
    }

    private Object describe(ChannelHandlerContext ctx) {
        return session != null ? session : ctx.channel().remoteAddress();
    }

    /**
     * {@code X-Forwarded-For} if its (first) value is one valid IP, as nats-server takes it; a list
     * of addresses is ignored there too.
     */
    static String forwardedIp(HttpHeaders headers) {
        String value = headers.get(X_FORWARDED_FOR);
        if (value == null) {
            return null;
        }
        String first = value.trim();
        return NetUtil.isValidIpV4Address(first) || NetUtil.isValidIpV6Address(first) ? first : null;
    }

    /** nats-server's test for a browser: a {@code User-Agent} starting with {@code Mozilla/}. */
    static boolean isBrowser(HttpHeaders headers) {
        String ua = headers.get(HttpHeaderNames.USER_AGENT);
        return ua != null && ua.startsWith("Mozilla/");
    }
}
