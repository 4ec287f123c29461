package io.halyard.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NATS over WebSocket end to end: a raw client on the JDK's WebSocket API, jnats' {@code ws://}
 * transport, and jnats on the TCP port, all on one broker.
 */
@Timeout(60)
class WebSocketMessagingTest {
    static final String CONNECT = "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"headers\":true}\r\n";
    private static final Duration WAIT = JdkWsClient.WAIT;

    private WsTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = WsTestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldSendInfoAsTheFirstBinaryMessageOnceTheUpgradeCompletes() throws Exception {
        try (JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            String got = ws.await("\r\n");
            assertTrue(got.startsWith("INFO {"), got);
            assertTrue(got.contains("\"max_payload\":1048576"), got);
            assertEquals(0, ws.textMessages(), "nats-server sends binary messages only");
            assertTrue(ws.binaryMessages() >= 1);
        }
    }

    @Test
    void shouldDeliverToItsOwnSubscriptionAndAnswerPing() throws Exception {
        try (JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send(CONNECT + "SUB foo 1\r\nPUB foo 5\r\nhello\r\nPING\r\n");
            String got = ws.await("PONG\r\n");
            assertTrue(got.contains("MSG foo 1 5\r\nhello\r\n"), got);
        }
    }

    @Test
    void shouldParseProtocolSplitAcrossContinuationFrames() throws Exception {
        try (JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            // One WebSocket message in five frames (one binary, four continuations); the cuts fall in
            // the middle of a verb, a subject, a size, a payload and the CRLF.
            ws.sendFragments(CONNECT + "SUB fo", "o 1\r\nPUB foo 1", "1\r\nhello", " world\r",
                    "\nPI", "NG\r\n");
            String got = ws.await("PONG\r\n");
            assertTrue(got.contains("MSG foo 1 11\r\nhello world\r\n"), got);
        }
    }

    @Test
    void shouldParseAMessageSentOneByteperFrame() throws Exception {
        try (JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send(CONNECT);
            String proto = "SUB bytes 9\r\nPUB bytes 3\r\nabc\r\nPING\r\n";
            String[] parts = new String[proto.length()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = proto.substring(i, i + 1);
            }
            ws.sendFragments(parts);
            String got = ws.await("PONG\r\n");
            assertTrue(got.contains("MSG bytes 9 3\r\nabc\r\n"), got);
        }
    }

    @Test
    void shouldAcceptProtocolInTextMessages() throws Exception {
        try (JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.sendText(CONNECT + "SUB t 1\r\nPUB t 2\r\nhi\r\nPING\r\n");
            String got = ws.await("PONG\r\n");
            assertTrue(got.contains("MSG t 1 2\r\nhi\r\n"), got);
        }
    }

    @Test
    void shouldUpgradeOnAnyPath() throws Exception {
        for (String path : new String[] {"/", "/nats", "/a/b/c", "/ws?token=x"}) {
            try (JdkWsClient ws = JdkWsClient.connect(server.wsUri(path))) {
                ws.await("INFO ");
                ws.send(CONNECT + "PING\r\n");
                ws.await("PONG\r\n");
            }
        }
    }

    @Test
    void shouldExchangeMessagesWithATcpClientInBothDirections() throws Exception {
        try (Connection tcp = Nats.connect(server.natsUrl());
             JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            Subscription fromWs = tcp.subscribe("to.tcp");
            tcp.flush(WAIT);
            ws.await("INFO ");
            ws.send(CONNECT + "SUB to.ws 1\r\nPING\r\n");
            ws.await("PONG\r\n");

            tcp.publish("to.ws", "from tcp".getBytes(StandardCharsets.UTF_8));
            tcp.flush(WAIT);
            ws.await("MSG to.ws 1 8\r\nfrom tcp\r\n");

            ws.send("PUB to.tcp 7\r\nfrom ws\r\n");
            Message m = fromWs.nextMessage(WAIT);
            assertNotNull(m, "the TCP subscriber got the WebSocket client's message");
            assertEquals("from ws", new String(m.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldLetAWebSocketClientAnswerATcpClientsRequest() throws Exception {
        try (Connection tcp = Nats.connect(server.natsUrl());
             JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send(CONNECT + "SUB svc.echo 7\r\nPING\r\n");
            ws.await("PONG\r\n");

            CompletableFuture<Message> reply = tcp.request("svc.echo", "ping".getBytes(StandardCharsets.UTF_8));
            String got = ws.await("ping\r\n");
            Matcher msg = Pattern.compile("MSG svc\\.echo 7 (\\S+) 4\r\nping\r\n").matcher(got);
            assertTrue(msg.find(), got);
            ws.send("PUB " + msg.group(1) + " 4\r\npong\r\n");

            Message answer = reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("pong", new String(answer.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldServeJnatsOverWebSocketWithHeadersAndRequests() throws Exception {
        Options wsOptions = new Options.Builder().server("ws://127.0.0.1:" + server.wsPort())
                .connectionTimeout(WAIT).noReconnect().build();
        try (Connection ws = Nats.connect(wsOptions); Connection tcp = Nats.connect(server.natsUrl())) {
            Subscription onWs = ws.subscribe("events.>");
            ws.flush(WAIT);
            Headers headers = new Headers().add("Trace-Id", "42");
            tcp.publish("events.created", headers, "body".getBytes(StandardCharsets.UTF_8));
            Message m = onWs.nextMessage(WAIT);
            assertNotNull(m, "jnats over ws received the TCP client's message");
            assertEquals("events.created", m.getSubject());
            assertEquals("42", m.getHeaders().getFirst("Trace-Id"));

            tcp.createDispatcher(r -> tcp.publish(r.getReplyTo(), r.getData())).subscribe("svc.tcp");
            tcp.flush(WAIT);
            Message answer = ws.request("svc.tcp", "over ws".getBytes(StandardCharsets.UTF_8), WAIT);
            assertNotNull(answer, "a request from jnats over ws was answered over TCP");
            assertEquals("over ws", new String(answer.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldCarryAPayloadLargerThanOneFrameBuffer() throws Exception {
        Options wsOptions = new Options.Builder().server("ws://127.0.0.1:" + server.wsPort())
                .connectionTimeout(WAIT).noReconnect().build();
        byte[] big = new byte[512 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        try (Connection ws = Nats.connect(wsOptions); Connection tcp = Nats.connect(server.natsUrl())) {
            Subscription onTcp = tcp.subscribe("big");
            Subscription onWs = ws.subscribe("big");
            tcp.flush(WAIT);
            ws.flush(WAIT);
            ws.publish("big", big);
            Message viaTcp = onTcp.nextMessage(WAIT);
            Message viaWs = onWs.nextMessage(WAIT);
            assertNotNull(viaTcp);
            assertNotNull(viaWs);
            assertTrue(java.util.Arrays.equals(big, viaTcp.getData()), "TCP subscriber got the bytes intact");
            assertTrue(java.util.Arrays.equals(big, viaWs.getData()), "WebSocket subscriber got the bytes intact");
        }
    }

    @Test
    void shouldEndTheSessionWhenTheClientClosesTheWebSocket() throws Exception {
        int internal = server.server.broker().subscriptionCount(); // the JetStream API's own subscription
        try (JdkWsClient ws = JdkWsClient.connect(server.wsUri())) {
            ws.await("INFO ");
            ws.send(CONNECT + "SUB gone 1\r\nPING\r\n");
            ws.await("PONG\r\n");
            assertEquals(1, server.server.broker().clientCount());
            ws.sendClose();
            assertEquals(1000, ws.awaitClose(), "the server echoes the client's close status");
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.server.broker().clientCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.server.broker().clientCount());
        assertEquals(internal, server.server.broker().subscriptionCount());
    }
}
