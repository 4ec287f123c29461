package io.halyard.server.websocket;

import static io.halyard.server.websocket.WebSocketMessagingTest.CONNECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** permessage-deflate (RFC 7692) with {@code websocket { compression: true }}. */
@Timeout(60)
class WebSocketCompressionTest {
    /** RSV1, as Netty's {@code WebSocketFrame.rsv()} reports it, marks a compressed message. */
    private static final int RSV1 = 0x4;

    /** What nats.go offers: "permessage-deflate; server_no_context_takeover; client_no_context_takeover". */
    private static PerMessageDeflateClientExtensionHandshaker natsGoOffer() {
        return new PerMessageDeflateClientExtensionHandshaker(6, false, 15, true, true);
    }

    /** What browsers offer: "permessage-deflate; client_max_window_bits". */
    private static PerMessageDeflateClientExtensionHandshaker browserOffer() {
        return new PerMessageDeflateClientExtensionHandshaker();
    }

    private static String compressible(int length) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append("{\"order\":42,\"status\":\"shipped\"} ");
        }
        return sb.substring(0, length);
    }

    @Test
    void shouldNegotiateNoContextTakeoverAsNatsGoOffersIt() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.webSocket.compression = true);
             NettyWsClient ws = NettyWsClient.connect(server.wsUri(), natsGoOffer())) {
            String extensions = ws.responseHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
            assertNotNull(extensions, "compression was negotiated");
            assertTrue(extensions.contains("permessage-deflate"), extensions);
            assertTrue(extensions.contains("server_no_context_takeover"), extensions);
            assertTrue(extensions.contains("client_no_context_takeover"), extensions);
            assertExchangesCompressedMessages(server, ws);
        }
    }

    @Test
    void shouldNegotiateABrowsersOffer() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.webSocket.compression = true);
             NettyWsClient ws = NettyWsClient.connect(server.wsUri(), browserOffer())) {
            String extensions = ws.responseHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
            assertNotNull(extensions);
            assertTrue(extensions.contains("permessage-deflate"), extensions);
            assertExchangesCompressedMessages(server, ws);
        }
    }

    /**
     * A big compressible message each way: the server's arrives with RSV1 set and in far fewer
     * bytes than its payload; the client's (compressed by the client) reaches a TCP subscriber
     * intact. Messages of 64 bytes or less (PONG) are sent uncompressed, as nats-server does.
     */
    private static void assertExchangesCompressedMessages(WsTestServer server, NettyWsClient ws) throws Exception {
        String big = compressible(50_000);
        try (Connection tcp = Nats.connect(server.natsUrl())) {
            Subscription fromWs = tcp.subscribe("from.ws");
            tcp.flush(JdkWsClient.WAIT);
            ws.await("INFO ");
            ws.send(CONNECT + "SUB to.ws 1\r\nPING\r\n");
            ws.await("PONG\r\n");
            List<Integer> beforeBig = ws.dataFrameRsv();
            assertEquals(RSV1, beforeBig.get(0).intValue(), "INFO (over 64 bytes) is compressed: " + beforeBig);
            assertEquals(0, beforeBig.get(beforeBig.size() - 1).intValue(), "PONG (6 bytes) is not: " + beforeBig);

            long wireBefore = ws.wireBytesIn();
            tcp.publish("to.ws", big.getBytes(StandardCharsets.ISO_8859_1));
            ws.await("MSG to.ws 1 50000\r\n" + big + "\r\n");
            long wireBytes = ws.wireBytesIn() - wireBefore;
            assertTrue(wireBytes < 10_000, "50,000 compressible bytes took " + wireBytes + " bytes on the wire");
            assertTrue(ws.dataFrameRsv().stream().anyMatch(rsv -> (rsv & RSV1) != 0), "a frame had RSV1 set");

            ws.send("PUB from.ws 50000\r\n" + big + "\r\n");
            Message m = fromWs.nextMessage(JdkWsClient.WAIT);
            assertNotNull(m, "the server inflated the client's compressed message");
            assertEquals(big, new String(m.getData(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void shouldIgnoreTheOfferWhenCompressionIsOff() throws Exception {
        try (WsTestServer server = WsTestServer.start();
             NettyWsClient ws = NettyWsClient.connect(server.wsUri(), natsGoOffer())) {
            assertFalse(ws.responseHeaders().contains(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS),
                    ws.responseHeaders().toString());
            ws.await("INFO ");
            String big = compressible(20_000);
            ws.send(CONNECT + "SUB echo 1\r\nPUB echo 20000\r\n" + big + "\r\nPING\r\n");
            ws.await("PONG\r\n");
            assertTrue(ws.dataFrameRsv().stream().allMatch(rsv -> rsv == 0));
            assertTrue(ws.wireBytesIn() > 20_000, "sent as is");
        }
    }

    @Test
    void shouldServeAClientWithoutAnOfferWhenCompressionIsOn() throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.webSocket.compression = true);
             JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            String big = compressible(20_000);
            ws.send(CONNECT + "SUB echo 1\r\nPUB echo 20000\r\n" + big + "\r\nPING\r\n");
            String got = ws.await("PONG\r\n");
            assertTrue(got.contains("MSG echo 1 20000\r\n" + big + "\r\n"));
        }
    }
}
