package io.halyard.server.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * Refuses an HTTP request that is not a WebSocket upgrade nats-server would accept, before Netty's
 * handshaker sees it, with nats-server's statuses ({@code wsUpgrade} in websocket.go, after RFC 6455
 * section 4.2.1): 405 for a method other than GET; 400 when {@code Host} is missing, when
 * {@code Upgrade} lacks {@code websocket} or {@code Connection} lacks {@code Upgrade}, or when
 * {@code Sec-WebSocket-Version} is not 13. Every refusal carries {@code Sec-WebSocket-Version: 13}
 * and closes the connection.
 *
 * <h2>Pitfall</h2>
 * Without this, Netty's handshaker factory treats a request with no {@code Sec-WebSocket-Version}
 * as the pre-RFC Hixie-76 handshake and would try to speak it. The key itself is checked by Netty's
 * version-13 handshaker.
 *
 * <p>The path is not checked: nats-server upgrades on any path (its handler is registered on "/").
 * The Origin is not checked either: nats-server checks it only with {@code same_origin} or
 * {@code allowed_origins}, which Halyard does not support yet.
 *
 * <p>Removes itself once a request passes. One instance per channel.
 */
final class UpgradeRequestCheck extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String refusal = refusal(request);
        if (refusal == null) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        HttpResponseStatus status = request.method().equals(HttpMethod.GET)
                ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.METHOD_NOT_ALLOWED;
        ReferenceCountUtil.release(msg);
        refuse(ctx, status, refusal);
    }

    /** Why nats-server would refuse this upgrade request, or {@code null} if it would not. */
    static String refusal(FullHttpRequest request) {
        HttpHeaders h = request.headers();
        if (!request.method().equals(HttpMethod.GET)) {
            return "request method must be GET";
        }
        if (!h.contains(HttpHeaderNames.HOST) || h.get(HttpHeaderNames.HOST).isEmpty()) {
            return "'Host' missing in request";
        }
        if (!h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            return "invalid value for header 'Upgrade'";
        }
        if (!h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return "invalid value for header 'Connection'";
        }
        if (!h.containsValue(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13", true)) {
            return "invalid version";
        }
        return null;
    }

    /** Answers {@code status} and closes; the reason goes to the log, the body is the status text. */
    static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        WebSocketListener.LOG.log(System.Logger.Level.DEBUG, "{0} - websocket handshake error: {1}",
                ctx.channel().remoteAddress(), reason);
        byte[] body = (status.reasonPhrase() + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13")
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
