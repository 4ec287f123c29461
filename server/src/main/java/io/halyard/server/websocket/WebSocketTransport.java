package io.halyard.server.websocket;

import io.halyard.server.ChannelTransport;

import io.halyard.core.client.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A {@link Transport} over an upgraded WebSocket channel: every {@link #write} leaves as one binary
 * message (nats-server sends binary frames only), closing sends a close frame first.
 *
 * <h2>Frame size for browsers</h2>
 * nats-server cuts what it sends to a browser (a {@code User-Agent} starting with {@code Mozilla/})
 * into messages of at most 4,096 bytes — "from experiment, web browsers behave better with limited
 * frame size" (websocket.go, {@code wsFrameSizeForBrowsers}). We do the same; any other client gets
 * one message per write, however large. The NATS parser on the other side does not care where
 * messages end.
 *
 * <h2>Close status</h2>
 * A close the session asks for sends a close frame whose status and text follow from the session's
 * close reason as in nats-server (see {@link #closeCause}): 1008 policy violation for authentication,
 * limits and slow consumers, 1002 protocol error for protocol violations, 1009 for max_payload, 1001
 * going away for a stale connection or shutdown.
 *
 * <p>Thread-safety as {@link Transport} states: writes and close on the channel's event loop.
 */
final class WebSocketTransport extends ChannelTransport {
    /** nats-server's {@code wsFrameSizeForBrowsers}. */
    static final int BROWSER_MAX_FRAME_BYTES = 4096;
    /** A close frame's payload is at most 125 bytes, two of them the status. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final int maxFrameBytes;
    private final Supplier<String> closeReason;
    private boolean closeSent;

    /**
     * @param forwardedIp      the client's address from {@code X-Forwarded-For}, or {@code null}
     * @param maxFrameBytes    largest binary message to send; 0 for no limit
     * @param closeGraceMillis how long a close waits for queued bytes (a final -ERR, the close frame)
     *                         to reach a stuck peer: write_deadline, as on the client port
     * @param closeReason      the session's close reason when it closes (may answer {@code null})
     */
    WebSocketTransport(Channel channel, String forwardedIp, int maxFrameBytes, long closeGraceMillis,
                       Supplier<String> closeReason) {
        super(channel, remoteAddress(channel, forwardedIp), closeGraceMillis);
        this.maxFrameBytes = maxFrameBytes;
        this.closeReason = closeReason;
    }

    @Override
    public void write(ByteBuf buffer) {
        int length = buffer.readableBytes();
        if (maxFrameBytes == 0 || length <= maxFrameBytes) {
            channel.write(new BinaryWebSocketFrame(buffer), channel.voidPromise());
            return;
        }
        try {
            while (buffer.isReadable()) {
                ByteBuf part = buffer.readRetainedSlice(Math.min(maxFrameBytes, buffer.readableBytes()));
                channel.write(new BinaryWebSocketFrame(part), channel.voidPromise());
            }
        } finally {
            buffer.release();
        }
    }

    @Override
    public void close() {
        CloseCause cause = closeCause(closeReason.get());
        close(cause.status(), cause.text());
    }

    /**
     * Sends a close frame with {@code status} after what is queued, then closes the channel. A second
     * call does nothing: the first close is under way and bounded by its grace timer.
     */
    private void close(WebSocketCloseStatus status, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        closeAfter(new CloseWebSocketFrame(status.code(), truncate(reason)));
    }

    /** What a close frame says: a status, and nats-server's name for the reason. */
    record CloseCause(WebSocketCloseStatus status, String text) {
    }

    /**
     * The close frame for a session's close reason, after nats-server's {@code wsEnqueueCloseMessage}
     * (status) and {@code ClosedState.String()} (text). Reasons are the session's
     * ({@code ClientSession#closeReason}): its own words, or a {@code ProtocolError} name in lower
     * case. A reason this table does not know gets 1011 with the reason itself, as nats-server's
     * default branch does.
     */
    static CloseCause closeCause(String reason) {
        if (reason == null) {
            // Only a connection refused before its session exists.
            return policy("Maximum Connections Exceeded");
        }
        return switch (reason) {
            case "authentication failed", "operation before CONNECT", "authorization_violation" ->
                    policy("Authentication Failure");
            case "authentication timeout", "authentication_timeout" -> policy("Authentication Timeout");
            case "max connections exceeded", "max_connections_exceeded" -> policy("Maximum Connections Exceeded");
            case "slow consumer" -> policy("Slow Consumer (Pending Bytes)");
            case "max_control_line_exceeded" -> policy("Maximum Control Line Exceeded");
            case "max_subscriptions_exceeded" -> policy("Maximum Subscriptions Exceeded");
            case "max_payload_violation" ->
                    new CloseCause(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Maximum Message Payload Exceeded");
            // 1001 "going away": nats-server's choice for these, since 1006 may not be sent.
            case "stale connection", "stale_connection" ->
                    new CloseCause(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "Stale Connection");
            case "server shutdown" -> new CloseCause(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "Server Shutdown");
            // A reload removed the client's user: nats-server closes it as ClientClosed, 1000.
            case "client closed" -> new CloseCause(WebSocketCloseStatus.NORMAL_CLOSURE, "Client Closed");
            case "invalid CONNECT JSON", "invalid INFO JSON", "unknown_protocol_operation", "protocol_violation" ->
                    new CloseCause(WebSocketCloseStatus.PROTOCOL_ERROR, "Protocol Violation");
            case "client_sent_err" -> new CloseCause(WebSocketCloseStatus.PROTOCOL_ERROR, "Parse Error");
            case "invalid_client_protocol" ->
                    new CloseCause(WebSocketCloseStatus.PROTOCOL_ERROR, "Bad Client Protocol Version");
            default -> new CloseCause(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, reason);
        };
    }

    private static CloseCause policy(String text) {
        return new CloseCause(WebSocketCloseStatus.POLICY_VIOLATION, text);
    }

    /** At most 123 bytes of UTF-8, cut at a character boundary, as a close frame allows. */
    private static String truncate(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        int end = reason.length();
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES - 3) {
            end--;
        }
        return reason.substring(0, end) + "...";
    }

    private static String remoteAddress(Channel channel, String forwardedIp) {
        if (channel.remoteAddress() instanceof InetSocketAddress inet) {
            String ip = forwardedIp != null ? forwardedIp : inet.getAddress().getHostAddress();
            return ip + ":" + inet.getPort();
        }
        return String.valueOf(channel.remoteAddress());
    }
}
