package io.halyard.server.websocket;

import static io.halyard.server.websocket.WebSocketMessagingTest.CONNECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.server.websocket.RawWebSocket.Frame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upgrade and the framing at the byte level, against what nats-server does (server/websocket.go):
 * which requests are refused with which status, which headers come back, and how frames look.
 */
@Timeout(60)
class WebSocketHandshakeTest {
    private WsTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = WsTestServer.start(o -> o.maxPayload = 1024);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldAnswerTheUpgradeWithTheAcceptKeyAndNoSubprotocol() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            String key = RawWebSocket.newKey();
            int status = ws.request(RawWebSocket.upgradeRequest("/", key, "Sec-WebSocket-Protocol: nats, mqtt"));
            assertEquals(101, status, ws.statusLine);
            assertEquals(RawWebSocket.acceptFor(key), ws.responseHeaders.get("sec-websocket-accept"));
            assertFalse(ws.responseHeaders.containsKey("sec-websocket-protocol"),
                    "nats-server chooses no subprotocol: " + ws.responseHeaders);
            assertFalse(ws.responseHeaders.containsKey("sec-websocket-extensions"),
                    "no compression unless configured: " + ws.responseHeaders);
        }
    }

    @Test
    void shouldSendInfoAsOneFinalBinaryFrame() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            assertEquals(101, ws.upgrade("/"));
            Frame info = ws.readFrame();
            assertEquals(RawWebSocket.OP_BINARY, info.opcode());
            assertTrue(info.fin());
            assertEquals(0, info.rsv());
            assertTrue(info.text().startsWith("INFO {") && info.text().endsWith("}\r\n"), info.text());
        }
    }

    @Test
    void shouldAcceptAnyOrigin() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            assertEquals(101, ws.upgrade("/", "Origin: https://elsewhere.example"), ws.statusLine);
        }
    }

    @Test
    void shouldRefuseANonGetRequestWith405() throws Exception {
        String post = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Content-Length: 0\r\n\r\n";
        assertRefused(post, 405);
    }

    @Test
    void shouldRefuseAPlainHttpGetWith400() throws Exception {
        assertRefused("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400);
    }

    @Test
    void shouldRefuseAnUpgradeWithoutConnectionUpgradeWith400() throws Exception {
        assertRefused("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);
    }

    @Test
    void shouldRefuseAVersionOtherThan13With400() throws Exception {
        assertRefused("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\nSec-WebSocket-Version: 8\r\n\r\n", 400);
    }

    @Test
    void shouldRefuseARequestWithoutHostWith400() throws Exception {
        assertRefused("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);
    }

    @Test
    void shouldRefuseAMissingKeyWith400() throws Exception {
        assertRefused("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", 400);
    }

    private void assertRefused(String request, int expectedStatus) throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            assertEquals(expectedStatus, ws.request(request), ws.statusLine);
            assertTrue(ws.closedByPeer(), "the connection is closed after the refusal");
        }
        assertEquals(0, server.server.broker().clientCount(), "no session for a refused upgrade");
    }

    @Test
    void shouldAnswerAPingFrameWithAPongCarryingItsPayload() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/");
            ws.readFrame(); // INFO
            ws.writeFrame(true, RawWebSocket.OP_PING, "hb-1".getBytes(StandardCharsets.US_ASCII), true);
            Frame pong = ws.readFrame();
            assertEquals(RawWebSocket.OP_PONG, pong.opcode());
            assertEquals("hb-1", pong.text());
        }
    }

    @Test
    void shouldCloseWithProtocolErrorOnAnUnmaskedFrame() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/");
            ws.readFrame(); // INFO
            ws.writeFrame(true, RawWebSocket.OP_BINARY, (CONNECT + "PING\r\n").getBytes(StandardCharsets.US_ASCII),
                    false);
            Frame close = ws.readUntilClose();
            assertEquals(1002, close.closeCode(), "RFC 6455 5.1: a client frame must be masked");
            assertTrue(ws.closedByPeer());
        }
    }

    @Test
    void shouldCloseWithMessageTooBigWhenAFrameExceedsEightTimesMaxPayload() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/");
            ws.readFrame(); // INFO
            ws.writeFrame(true, RawWebSocket.OP_BINARY, new byte[8 * 1024 + 1], true);
            assertEquals(1009, ws.readUntilClose().closeCode());
        }
    }

    @Test
    void shouldCutMessagesToABrowserInto4096ByteFrames() throws Exception {
        List<Frame> frames = framesOfALargeDelivery("User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
        for (Frame f : frames) {
            assertEquals(RawWebSocket.OP_BINARY, f.opcode());
            assertTrue(f.fin(), "each part is a whole message");
            assertTrue(f.payload().length <= WebSocketTransport.BROWSER_MAX_FRAME_BYTES, "frame of " + f.payload().length);
        }
        assertTrue(frames.size() >= 3, "a 10,000-byte message takes several frames: " + frames.size());
    }

    @Test
    void shouldNotCutMessagesToOtherClients() throws Exception {
        List<Frame> frames = framesOfALargeDelivery("User-Agent: nats.go");
        assertTrue(frames.stream().anyMatch(f -> f.payload().length > WebSocketTransport.BROWSER_MAX_FRAME_BYTES),
                "a write leaves as one frame, however large");
    }

    /** Publishes (via TCP) one 10,000-byte message to a WebSocket subscriber; returns the frames it got. */
    private static List<Frame> framesOfALargeDelivery(String userAgentHeader) throws Exception {
        List<Frame> frames = new ArrayList<>();
        try (WsTestServer big = WsTestServer.start();
             RawWebSocket ws = new RawWebSocket(big.wsPort());
             io.nats.client.Connection tcp = io.nats.client.Nats.connect(big.natsUrl())) {
            ws.upgrade("/", userAgentHeader);
            ws.readFrame(); // INFO
            ws.send(CONNECT + "SUB big 1\r\nPING\r\n");
            ws.readUntil("PONG\r\n");
            byte[] payload = new byte[10_000];
            java.util.Arrays.fill(payload, (byte) 'x');
            tcp.publish("big", payload);
            tcp.flush(JdkWsClient.WAIT);
            ws.send("PING\r\n");
            StringBuilder all = new StringBuilder();
            while (all.indexOf("PONG\r\n") < 0) {
                Frame f = ws.readFrame();
                frames.add(f);
                all.append(f.text());
            }
            assertTrue(all.toString().contains("MSG big 1 10000\r\n" + new String(payload, StandardCharsets.US_ASCII)
                    + "\r\n"), "the message arrives intact");
        }
        return frames;
    }

    @Test
    void shouldTakeTheClientIpFromXForwardedForWhenItIsOneAddress() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/", "X-Forwarded-For: 203.0.113.7");
            assertTrue(ws.readFrame().text().contains("\"client_ip\":\"203.0.113.7\""));
        }
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/", "X-Forwarded-For: 203.0.113.7, 10.0.0.1");
            assertTrue(ws.readFrame().text().contains("\"client_ip\":\"127.0.0.1\""), "a list is ignored");
        }
    }

    @Test
    void shouldCloseClientsWithGoingAwayWhenTheListenerStops() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/");
            ws.readFrame(); // INFO
            ws.send(CONNECT + "PING\r\n");
            ws.readUntil("PONG\r\n");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stopListener);
            Frame close = ws.readUntilClose();
            assertEquals(1001, close.closeCode());
            assertEquals("Server Shutdown", close.text().substring(2), "nats-server's text for the reason");
            assertTrue(ws.closedByPeer());
            stopping.get(10, TimeUnit.SECONDS);
        }
    }
}
