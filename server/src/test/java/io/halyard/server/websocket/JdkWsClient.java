package io.halyard.server.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * A raw NATS client over the JDK's WebSocket client: it sends protocol text as binary (or text)
 * messages, possibly fragmented, and collects everything the server sends as one byte stream
 * (ISO-8859-1, one char per byte). Waits are bounded.
 */
final class JdkWsClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    private final WebSocket ws;
    private final Collector collector;

    private JdkWsClient(WebSocket ws, Collector collector) {
        this.ws = ws;
        this.collector = collector;
    }

    static JdkWsClient connect(URI uri) throws Exception {
        return connect(uri, Map.of(), null);
    }

    static JdkWsClient connect(URI uri, Map<String, String> headers, SSLContext ssl) throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(WAIT);
        if (ssl != null) {
            http.sslContext(ssl);
        }
        Collector collector = new Collector();
        WebSocket.Builder b = http.build().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(b::header);
        WebSocket ws = b.buildAsync(uri, collector).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return new JdkWsClient(ws, collector);
    }

    /** Sends {@code text} as one binary message. */
    JdkWsClient send(String text) throws Exception {
        return sendFragments(text);
    }

    /** Sends one binary message in frames: the first part opens it, the others are continuations. */
    JdkWsClient sendFragments(String... parts) throws Exception {
        for (int i = 0; i < parts.length; i++) {
            ByteBuffer data = ByteBuffer.wrap(parts[i].getBytes(StandardCharsets.ISO_8859_1));
            ws.sendBinary(data, i == parts.length - 1).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Sends {@code text} as one text message. */
    JdkWsClient sendText(String text) throws Exception {
        ws.sendText(text, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends a close frame with 1000 (normal closure). */
    void sendClose() throws Exception {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until what the server sent contains {@code expected}; returns everything received so far. */
    String await(String expected) throws InterruptedException {
        return collector.await(expected);
    }

    /** Waits until the server closes the connection; returns the close status code. */
    int awaitClose() throws InterruptedException {
        return collector.awaitClose();
    }

    String received() {
        return collector.received();
    }

    int textMessages() {
        return collector.textMessages;
    }

    int binaryMessages() {
        return collector.binaryMessages;
    }

    @Override
    public void close() {
        ws.abort();
    }

    private static final class Collector implements WebSocket.Listener {
        private final StringBuilder received = new StringBuilder();
        private int textMessages;
        private int binaryMessages;
        private int closeCode = -1;
        private Throwable error;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.append(new String(bytes, StandardCharsets.ISO_8859_1));
            if (last) {
                binaryMessages++;
            }
            notifyAll();
            webSocket.request(1);
            return null;
        }

        @Override
        public synchronized CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            received.append(data);
            if (last) {
                textMessages++;
            }
            notifyAll();
            webSocket.request(1);
            return null;
        }

        @Override
        public synchronized CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            notifyAll();
            return null;
        }

        @Override
        public synchronized void onError(WebSocket webSocket, Throwable e) {
            error = e;
            notifyAll();
        }

        synchronized String received() {
            return received.toString();
        }

        synchronized String await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (received.indexOf(expected) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closeCode >= 0 || error != null) {
                    throw new AssertionError("did not receive " + show(expected) + "; received " + show(received)
                            + (closeCode >= 0 ? " (closed " + closeCode + ")" : "")
                            + (error != null ? " (error " + error + ")" : ""));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return received.toString();
        }

        synchronized int awaitClose() throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (closeCode < 0 && error == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not closed; received " + show(received));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (closeCode < 0) {
                throw new AssertionError("no close frame: " + error);
            }
            return closeCode;
        }

        private static String show(CharSequence s) {
            return "\"" + s.toString().replace("\r", "\\r").replace("\n", "\\n") + "\"";
        }
    }
}
