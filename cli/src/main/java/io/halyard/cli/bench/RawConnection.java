package io.halyard.cli.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NATS client connection spoken by hand over a blocking {@link SocketChannel}: the benchmark's
 * load generator must outrun the server, which a general-purpose client library does not.
 *
 * <p>Protocol handling is the minimum a well-behaved client needs: read {@code INFO}, send
 * {@code CONNECT} (non-verbose, headers and no-responders on), answer the server's {@code PING} with
 * {@code PONG}, count {@code PONG}s for {@link #flush()}, and treat any {@code -ERR} as fatal to the
 * benchmark. Inbound messages go to the {@link MessageListener}.
 *
 * <p><b>Threads.</b> One thread reads and writes (the role's thread). {@link #close()} may be called
 * from any thread; it is how a watchdog unblocks a read or write that waits too long.
 */
final class RawConnection implements MsgScanner.Handler, Closeable {

    /** Receives each inbound message; see {@link MsgScanner.Handler#onMessage}. */
    interface MessageListener {
        void onMessage(MsgScanner frame);
    }

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_CONTROL_LINE_BYTES = 1 << 20;
    private static final Pattern MAX_PAYLOAD = Pattern.compile("\"max_payload\"\\s*:\\s*(\\d+)");
    private static final Pattern TLS_REQUIRED = Pattern.compile("\"tls_required\"\\s*:\\s*true");
    private static final MessageListener IGNORE = frame -> { };

    private final SocketChannel channel;
    private final String name;
    private final ByteBuffer readBuffer;
    private final MsgScanner scanner;
    private final ByteBuffer pingFrame = ascii("PING\r\n");
    private final ByteBuffer pongFrame = ascii("PONG\r\n");
    private MessageListener listener = IGNORE;
    private long pongsReceived;
    private String info;
    private String serverError;

    private RawConnection(SocketChannel channel, String name, int readBufferBytes, int payloadPrefixBytes) {
        this.channel = channel;
        this.name = name;
        this.readBuffer = ByteBuffer.allocate(readBufferBytes);
        this.scanner = new MsgScanner(this, payloadPrefixBytes, MAX_CONTROL_LINE_BYTES);
    }

    /**
     * Opens the TCP connection (bounded by a connect timeout) but does not speak yet: register the
     * result with a watchdog, then call {@link #handshake}.
     *
     * @param payloadPrefixBytes how many payload bytes the scanner keeps per message (0..8)
     */
    static RawConnection connect(ServerUrl url, String name, int readBufferBytes, int payloadPrefixBytes)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(url.address(), CONNECT_TIMEOUT_MILLIS);
            return new RawConnection(channel, name, readBufferBytes, payloadPrefixBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads {@code INFO}, sends {@code CONNECT}, and waits for the {@code PONG} proving it was accepted. */
    void handshake(ServerUrl url) throws IOException {
        while (info == null) {
            pump();
        }
        if (TLS_REQUIRED.matcher(info).find()) {
            throw new IOException("server " + url + " requires TLS, which the bench driver does not speak");
        }
        sendLine("CONNECT " + connectJson(url, name));
        flush();
    }

    static String connectJson(ServerUrl url, String name) {
        StringBuilder json = new StringBuilder(160);
        json.append("{\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,")
                .append("\"protocol\":1,\"lang\":\"java-raw\",\"version\":\"0.1.0\",\"name\":");
        appendJsonString(json, name);
        if (url.user() != null) {
            json.append(",\"user\":");
            appendJsonString(json, url.user());
            json.append(",\"pass\":");
            appendJsonString(json, url.password());
        }
        if (url.token() != null) {
            json.append(",\"auth_token\":");
            appendJsonString(json, url.token());
        }
        return json.append('}').toString();
    }

    static void appendJsonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    void listen(MessageListener messageListener) {
        this.listener = messageListener;
    }

    /** {@code SUB subject [queue] sid}; setup only (allocates). Follow with {@link #flush()}. */
    void subscribe(String subject, String queueGroup, int sid) throws IOException {
        sendLine("SUB " + subject + (queueGroup == null ? "" : " " + queueGroup) + " " + sid);
    }

    /** Writes a control line plus CRLF; setup only (allocates). */
    void sendLine(String text) throws IOException {
        write(ascii(text + "\r\n"));
    }

    /** Writes all remaining bytes of {@code frames}, blocking as needed. */
    void write(ByteBuffer frames) throws IOException {
        while (frames.hasRemaining()) {
            channel.write(frames);
        }
    }

    /**
     * Sends {@code PING} and reads until its {@code PONG}: the server has then processed everything this
     * connection sent before. Messages that arrive meanwhile go to the listener.
     */
    void flush() throws IOException {
        long wanted = pongsReceived + 1;
        pingFrame.clear();
        write(pingFrame);
        while (pongsReceived < wanted) {
            pump();
        }
    }

    /** One blocking read, scanned. Throws on end of stream or on a server {@code -ERR}. */
    int pump() throws IOException {
        int n = channel.read(readBuffer);
        if (n < 0) {
            throw new EOFException(name + ": server closed the connection"
                    + (serverError == null ? "" : " after " + serverError));
        }
        scanner.feed(readBuffer.array(), 0, n);
        readBuffer.clear();
        if (serverError != null) {
            throw new IOException(name + ": server sent " + serverError);
        }
        return n;
    }

    /** The server's {@code max_payload} from {@code INFO}, or -1 if it did not say. */
    long maxPayload() {
        Matcher m = MAX_PAYLOAD.matcher(info == null ? "" : info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    String name() {
        return name;
    }

    @Override
    public void onMessage(MsgScanner frame) {
        listener.onMessage(frame);
    }

    @Override
    public void onPing() {
        pongFrame.clear();
        try {
            write(pongFrame);
        } catch (IOException e) {
            // The next read reports the broken connection; a PONG cannot be retried anyway.
            serverError = serverError == null ? "(connection broke while answering PING)" : serverError;
        }
    }

    @Override
    public void onPong() {
        pongsReceived++;
    }

    @Override
    public void onControl(byte[] line, int length) {
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        if (text.startsWith("INFO")) {
            info = text;
        } else if (text.startsWith("-ERR")) {
            serverError = text;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is best effort; nothing useful can be done with the failure.
        }
    }

    private static ByteBuffer ascii(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }
}
