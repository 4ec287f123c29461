package io.halyard.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.core.Broker;
import io.halyard.core.ListenerInfo;
import io.halyard.core.BrokerConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The listener's pieces without sockets: limits, close statuses, the upgrade checks and deadline. */
class WebSocketUnitsTest {

    @Test
    void shouldLimitAMessageToEightTimesMaxPayloadCappedAt64MiB() {
        assertEquals(8 * 1024 * 1024, WebSocketListener.maxMessageBytes(1024 * 1024));
        assertEquals(8 * 1024, WebSocketListener.maxMessageBytes(1024));
        assertEquals(64 * 1024 * 1024, WebSocketListener.maxMessageBytes(64 * 1024 * 1024));
        assertEquals(8 * 1024 * 1024, WebSocketListener.maxMessageBytes(0), "0 means nats-server's 1 MiB");
    }

    @Test
    void shouldMapCloseReasonsToNatsServersStatusesAndTexts() {
        assertCause(1008, "Authentication Failure", "authentication failed");
        assertCause(1008, "Authentication Timeout", "authentication timeout");
        assertCause(1008, "Slow Consumer (Pending Bytes)", "slow consumer");
        assertCause(1008, "Maximum Connections Exceeded", null);
        assertCause(1009, "Maximum Message Payload Exceeded", "max_payload_violation");
        assertCause(1002, "Protocol Violation", "unknown_protocol_operation");
        assertCause(1001, "Stale Connection", "stale connection");
        assertCause(1001, "Server Shutdown", "server shutdown");
        assertCause(1008, "Maximum Connections Exceeded", "max connections exceeded");
        assertCause(1000, "Client Closed", "client closed");
        assertCause(1011, "something new", "something new");
    }

    private static void assertCause(int status, String text, String reason) {
        WebSocketTransport.CloseCause cause = WebSocketTransport.closeCause(reason);
        assertEquals(status, cause.status().code(), reason);
        assertEquals(text, cause.text(), reason);
    }

    @Test
    void shouldPassAStandardUpgradeRequest() {
        assertNull(UpgradeRequestCheck.refusal(upgrade("GET", "websocket", "Upgrade", "13")));
        assertNull(UpgradeRequestCheck.refusal(upgrade("GET", "WebSocket", "keep-alive, Upgrade", "13")),
                "tokens in lists, any case, as Firefox sends them");
    }

    @Test
    void shouldGiveNatsServersReasonsForRefusals() {
        assertEquals("request method must be GET", UpgradeRequestCheck.refusal(upgrade("PUT", "websocket", "Upgrade", "13")));
        assertEquals("invalid value for header 'Upgrade'", UpgradeRequestCheck.refusal(upgrade("GET", "h2c", "Upgrade", "13")));
        assertEquals("invalid value for header 'Connection'",
                UpgradeRequestCheck.refusal(upgrade("GET", "websocket", "close", "13")));
        assertEquals("invalid version", UpgradeRequestCheck.refusal(upgrade("GET", "websocket", "Upgrade", "8")));
        FullHttpRequest noHost = upgrade("GET", "websocket", "Upgrade", "13");
        noHost.headers().remove("Host");
        assertEquals("'Host' missing in request", UpgradeRequestCheck.refusal(noHost));
    }

    private static FullHttpRequest upgrade(String method, String upgrade, String connection, String version) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/");
        r.headers().set("Host", "127.0.0.1").set("Upgrade", upgrade).set("Connection", connection)
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").set("Sec-WebSocket-Version", version);
        return r;
    }

    @Test
    void shouldCloseAConnectionThatDoesNotUpgradeInTime() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new WebSocketChannelHandler(new Broker(new BrokerConfig()), new ListenerInfo("0.0.0.0", 8080, false, false), 1_000, 1_000));
        ch.pipeline().fireChannelActive();
        ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "still within the deadline");
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "closed at the deadline");
    }

    @Test
    void shouldReadTheForwardedIpOnlyWhenItIsOneValidAddress() {
        assertEquals("203.0.113.7", WebSocketChannelHandler.forwardedIp(new DefaultHttpHeaders().set("X-Forwarded-For", "203.0.113.7")));
        assertEquals("2001:db8::1", WebSocketChannelHandler.forwardedIp(new DefaultHttpHeaders().set("X-Forwarded-For", "2001:db8::1")));
        assertNull(WebSocketChannelHandler.forwardedIp(new DefaultHttpHeaders().set("X-Forwarded-For", "1.2.3.4, 5.6.7.8")));
        assertNull(WebSocketChannelHandler.forwardedIp(new DefaultHttpHeaders().set("X-Forwarded-For", "proxy")));
        assertNull(WebSocketChannelHandler.forwardedIp(new DefaultHttpHeaders()));
    }
}
