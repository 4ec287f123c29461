package io.halyard.server.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * WebSocket at the byte level over a plain socket, for what a real client would never do or never
 * show: arbitrary upgrade requests, unmasked frames, frame headers (opcode, RSV bits), close codes.
 * Reads have a socket timeout, so every wait is bounded.
 */
final class RawWebSocket implements AutoCloseable {
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** Status line and headers (lower-case names) of the upgrade response. */
    String statusLine;
    final Map<String, String> responseHeaders = new LinkedHashMap<>();

    /** One frame as received. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.ISO_8859_1);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    RawWebSocket(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A key for Sec-WebSocket-Key. */
    static String newKey() {
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    static String acceptFor(String key) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    /** A standard upgrade of {@code path} with the extra header lines given ("Name: value"). */
    static String upgradeRequest(String path, String key, String... extraHeaders) {
        StringBuilder sb = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Sends a standard upgrade request and reads the response head; returns the status code. */
    int upgrade(String path, String... extraHeaders) throws IOException {
        return request(upgradeRequest(path, newKey(), extraHeaders));
    }

    /** Sends {@code request} verbatim and reads the response's status line and headers. */
    int request(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        String[] lines = head.split("\r\n");
        statusLine = lines[0];
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 64 * 1024) {
                throw new IOException("response head too long");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes one frame; client frames are masked unless {@code masked} is false. */
    void writeFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            f.write(maskBit | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(maskBit | 127);
            long len = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) (len >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] key = {0x11, 0x22, 0x33, 0x44};
            f.write(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        f.write(body);
        out.write(f.toByteArray());
        out.flush();
    }

    void send(String text) throws IOException {
        writeFrame(true, OP_BINARY, text.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    /** Reads the next frame (the server's frames are never masked). */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frame is masked");
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 0x7, b0 & 0xF, payload);
    }

    /** Reads data frames until their payloads together contain {@code expected}; returns them joined. */
    String readUntil(String expected) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.indexOf(expected) < 0) {
            Frame f = readFrame();
            if (f.opcode() == OP_CLOSE) {
                throw new AssertionError("closed (" + f.closeCode() + ") before " + expected + "; got " + sb);
            }
            sb.append(f.text());
        }
        return sb.toString();
    }

    /** Reads frames until a close frame; returns it. */
    Frame readUntilClose() throws IOException {
        for (int i = 0; i < 10_000; i++) {
            Frame f = readFrame();
            if (f.opcode() == OP_CLOSE) {
                return f;
            }
        }
        throw new AssertionError("no close frame");
    }

    /** Whether the server closed the TCP connection (EOF) within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            for (int i = 0; i < 1_000_000; i++) {
                if (in.read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
