package io.halyard.server;

import io.halyard.server.config.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** On stop, what the server already accepted for a subscriber reaches it before the connection closes. */
@Timeout(60)
class GracefulShutdownTest {
    /** 30 MB: more than the kernel's socket buffers hold, so part of it is still queued in the server. */
    private static final int MESSAGES = 30_000;
    private static final int PAYLOAD = 1024;

    @Test
    void shouldFlushQueuedMessagesToSubscribersBeforeClosingOnStop() throws Exception {
        ServerOptions o = new ServerOptions();
        o.host = "127.0.0.1";
        o.port = -1;
        HalyardServer server = new HalyardServer(o).start();
        try (Socket sub = new Socket("127.0.0.1", server.port());
             Socket pub = new Socket("127.0.0.1", server.port())) {
            send(sub, "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB drain 1\r\nPING\r\n");
            InputStream subIn = sub.getInputStream();
            readUntil(subIn, "PONG\r\n");

            StringBuilder frames = new StringBuilder("CONNECT {\"verbose\":false,\"pedantic\":false}\r\n");
            String payload = "p".repeat(PAYLOAD);
            for (int i = 0; i < MESSAGES; i++) {
                frames.append("PUB drain ").append(PAYLOAD).append("\r\n").append(payload).append("\r\n");
            }
            frames.append("PING\r\n");
            send(pub, frames.toString());
            // PONG means the server has routed every PUB before it.
            readUntil(pub.getInputStream(), "PONG\r\n");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
            byte[] all = subIn.readAllBytes(); // until the server closes the connection
            stopping.get();
            String text = new String(all, StandardCharsets.US_ASCII);
            assertEquals(MESSAGES, count(text, "MSG drain 1 " + PAYLOAD + "\r\n"));
        } finally {
            server.stop();
        }
    }

    private static void send(Socket s, String text) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.US_ASCII).endsWith(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed before " + marker.trim() + "; got " + seen);
            }
            seen.write(b);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
