package io.halyard.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A NATS client made of nothing but a {@link Socket}: it writes the exact bytes a test gives it and reads
 * the server's answer line by line, so a test sees the wire as it is (no client library in between to
 * answer PINGs, hide {@code -ERR}s or reconnect).
 *
 * <p>Every read has a deadline; a read that runs past it fails the test instead of hanging. Lines are
 * returned without their CRLF. A connection reset counts as a close, as it does for a real client.
 *
 * <p>Not thread-safe: one test thread drives one client.
 */
final class RawClient implements AutoCloseable {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int bufferStart;
    private int bufferEnd;
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private boolean closedByServer;
    private final String info;

    private RawClient(Socket socket, boolean readInfo) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.info = readInfo ? readInfoLine() : null;
    }

    /** Connects to 127.0.0.1:{@code port} and reads the server's INFO line. */
    static RawClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects with a receive buffer of {@code receiveBufferBytes} (0 = the system default) and reads the
     * INFO line. A small buffer lets a test build up back-pressure on the server quickly.
     */
    static RawClient connect(int port, int receiveBufferBytes) throws IOException {
        return new RawClient(openSocket(port, receiveBufferBytes), true);
    }

    /** Connects without reading anything, for tests that want to see the very first bytes themselves. */
    static RawClient connectWithoutInfo(int port) throws IOException {
        return new RawClient(openSocket(port, 0), false);
    }

    private static Socket openSocket(int port, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            // Must be set before connect() for the TCP window to honour it.
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_TIMEOUT.toMillis());
        return socket;
    }

    private String readInfoLine() throws IOException {
        String line = readLine(DEFAULT_TIMEOUT);
        if (line == null || !line.startsWith("INFO ")) {
            fail("expected the server's INFO line first, got " + quote(line));
        }
        return line;
    }

    /** The INFO line the server sent on connect (without CRLF), or null for {@link #connectWithoutInfo}. */
    String info() {
        return info;
    }

    /** Sends the string as UTF-8, exactly as given (the caller writes the CRLFs). */
    RawClient send(String protocol) throws IOException {
        return send(protocol.getBytes(StandardCharsets.UTF_8));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends {@code CONNECT <json>} followed by {@code PING} and waits for the {@code PONG}. */
    RawClient connectAndSync(String connectJson) throws IOException {
        send("CONNECT " + connectJson + "\r\nPING\r\n");
        expectLine("PONG");
        return this;
    }

    /**
     * Reads one line, waiting at most {@code timeout}. Returns the line without CRLF, or {@code null} when
     * the server closed the connection first; fails the test when the time runs out.
     */
    String readLine(Duration timeout) throws IOException {
        String line = pollLine(timeout);
        if (line == null && !closedByServer) {
            fail("no complete line from the server within " + timeout.toMillis() + " ms (partial: "
                + quote(partialLine.toString(StandardCharsets.UTF_8)) + ")");
        }
        return line;
    }

    /**
     * Like {@link #readLine(Duration)} but returns {@code null} also when the time runs out; tell the two
     * apart with {@link #isClosedByServer()}. A partial line is kept for the next call.
     */
    String pollLine(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            while (bufferStart < bufferEnd) {
                byte b = buffer[bufferStart++];
                if (b == '\n') {
                    byte[] bytes = partialLine.toByteArray();
                    partialLine.reset();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                partialLine.write(b);
            }
            if (!fillOrTimeout(deadline)) {
                if (closedByServer && partialLine.size() > 0) {
                    fail("connection closed in the middle of a line: "
                        + quote(partialLine.toString(StandardCharsets.UTF_8)));
                }
                return null;
            }
        }
    }

    /** Reads a line within the default timeout. */
    String readLine() throws IOException {
        return readLine(DEFAULT_TIMEOUT);
    }

    /** Reads one line and asserts it is exactly {@code expected} (without CRLF). */
    void expectLine(String expected) throws IOException {
        expectLine(expected, DEFAULT_TIMEOUT);
    }

    void expectLine(String expected, Duration timeout) throws IOException {
        String line = readLine(timeout);
        assertEquals(expected, line, "line from the server");
    }

    /** Reads exactly {@code count} bytes (a message payload, say) within {@code timeout}. */
    byte[] readBytes(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] result = new byte[count];
        int filled = 0;
        while (filled < count) {
            if (bufferStart == bufferEnd && !fill(deadline)) {
                fail("connection closed after " + filled + " of " + count + " bytes");
            }
            int n = Math.min(count - filled, bufferEnd - bufferStart);
            System.arraycopy(buffer, bufferStart, result, filled, n);
            bufferStart += n;
            filled += n;
        }
        return result;
    }

    /**
     * Reads and discards whatever still arrives until the server closes the connection; fails if it is
     * still open after {@code timeout}. Returns the discarded bytes' lines (up to a few) for messages.
     */
    List<String> expectClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        StringBuilder partial = new StringBuilder();
        while (true) {
            while (bufferStart < bufferEnd) {
                char c = (char) (buffer[bufferStart++] & 0xff);
                if (c == '\n') {
                    if (seen.size() < 20) {
                        seen.add(partial.toString().strip());
                    }
                    partial.setLength(0);
                } else if (partial.length() < 200) {
                    partial.append(c);
                }
            }
            if (!fillOrTimeout(deadline)) {
                if (closedByServer) {
                    return seen;
                }
                fail("connection still open after " + timeout.toMillis() + " ms; last lines: " + seen);
            }
        }
    }

    /** Asserts that nothing at all arrives within {@code quiet} and the connection stays open. */
    void expectNothing(Duration quiet) throws IOException {
        long deadline = System.nanoTime() + quiet.toNanos();
        if (bufferStart < bufferEnd || fillOrTimeout(deadline)) {
            fail("expected silence but got " + quote(new String(buffer, bufferStart, bufferEnd - bufferStart,
                StandardCharsets.UTF_8)));
        }
        if (closedByServer) {
            fail("expected the connection to stay open, but the server closed it");
        }
    }

    /** Whether a read has already seen the server close the connection. */
    boolean isClosedByServer() {
        return closedByServer;
    }

    /** Fills the buffer; false on close; fails on timeout. */
    private boolean fill(long deadlineNanos) throws IOException {
        if (fillOrTimeout(deadlineNanos)) {
            return true;
        }
        if (!closedByServer) {
            fail("no data from the server within the timeout");
        }
        return false;
    }

    /** Fills the buffer; false on close or when the deadline passes (see {@link #closedByServer}). */
    private boolean fillOrTimeout(long deadlineNanos) throws IOException {
        if (closedByServer) {
            return false;
        }
        bufferStart = 0;
        bufferEnd = 0;
        while (true) {
            long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (SocketException e) {
                // "Connection reset": the server closed while data we sent was still unread.
                closedByServer = true;
                return false;
            }
            if (n < 0) {
                closedByServer = true;
                return false;
            }
            if (n > 0) {
                bufferEnd = n;
                return true;
            }
        }
    }

    private static String quote(String s) {
        return s == null ? "<closed>" : "\"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
