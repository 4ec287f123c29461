package io.halyard.server.websocket;

import static io.halyard.server.websocket.WebSocketMessagingTest.CONNECT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A WebSocket client that stops reading holds its close (the queued messages, then the close frame)
 * for {@code write_deadline} at most, as a client on the client port does — not a fixed time.
 */
@Timeout(60)
class WebSocketCloseGraceTest {
    private static final int MESSAGES = 300;
    private static final int PAYLOAD_BYTES = 64 * 1024;

    /** Starts a server with {@code writeDeadline}, stalls a WebSocket subscriber, and times the listener's stop. */
    private static long stopMillisWithAStuckClient(Duration writeDeadline) throws Exception {
        try (WsTestServer server = WsTestServer.start(o -> o.writeDeadline = writeDeadline);
             RawWebSocket ws = new RawWebSocket(server.wsPort())) {
            ws.upgrade("/");
            ws.readFrame(); // INFO
            ws.send(CONNECT + "SUB big 1\r\nPING\r\n");
            ws.readUntil("PONG\r\n");
            // ~19 MB for a client that reads nothing more: far more than the socket buffers hold, far
            // less than max_pending (64 MB), so it is queued, not cut as a slow consumer.
            try (Socket publisher = new Socket("127.0.0.1", server.server.port())) {
                publisher.setSoTimeout(20_000);
                OutputStream out = publisher.getOutputStream();
                byte[] payload = new byte[PAYLOAD_BYTES];
                byte[] pub = ("PUB big " + PAYLOAD_BYTES + "\r\n").getBytes(StandardCharsets.US_ASCII);
                out.write(CONNECT.getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < MESSAGES; i++) {
                    out.write(pub);
                    out.write(payload);
                    out.write('\r');
                    out.write('\n');
                }
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                awaitPong(publisher.getInputStream());
            }
            long start = System.nanoTime();
            server.stopListener();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
    }

    private static void awaitPong(InputStream in) throws Exception {
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("PONG\r\n") < 0) {
            int b = in.read();
            assertTrue(b >= 0, "publisher closed: " + seen);
            seen.append((char) b);
        }
    }

    @Test
    void shouldGiveAStuckWebSocketClientWriteDeadlineToTakeItsClose() throws Exception {
        long shortDeadline = stopMillisWithAStuckClient(Duration.ofMillis(300));
        assertTrue(shortDeadline >= 250 && shortDeadline < 1_500,
                "closed after " + shortDeadline + " ms with write_deadline 300 ms (it was a fixed 2 s)");
        long longDeadline = stopMillisWithAStuckClient(Duration.ofMillis(3_000));
        assertTrue(longDeadline >= 2_900, "closed after " + longDeadline + " ms with write_deadline 3 s");
    }
}
