package io.halyard.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes server→client control frames into a caller-owned {@link ByteBuf}: {@code PING}, {@code PONG}
 * and {@code +OK} without allocating, {@code INFO} and {@code -ERR} from a {@code String}. Message
 * frames ({@code MSG}, {@code HMSG}) are encoded once per publish by core's {@code FrameTemplate},
 * which uses {@link #digits} for their sizes.
 *
 * <p>Frame shapes (NATS client protocol):
 * <pre>
 *   MSG  &lt;subject&gt; &lt;sid&gt; [reply] &lt;#bytes&gt;\r\n&lt;payload&gt;\r\n
 *   HMSG &lt;subject&gt; &lt;sid&gt; [reply] &lt;#header bytes&gt; &lt;#total bytes&gt;\r\n&lt;headers+payload&gt;\r\n
 * </pre>
 */
public final class NatsEncoder {
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] PING = ascii("PING\r\n");
    private static final byte[] PONG = ascii("PONG\r\n");
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] INFO = ascii("INFO ");
    private static final byte[] ERR = ascii("-ERR '");
    private static final byte[] ERR_END = ascii("'\r\n");

    private NatsEncoder() {
    }

    public static void writePing(ByteBuf out) {
        out.writeBytes(PING);
    }

    public static void writePong(ByteBuf out) {
        out.writeBytes(PONG);
    }

    public static void writeOk(ByteBuf out) {
        out.writeBytes(OK);
    }

    /** {@code INFO <json>\r\n}. */
    public static void writeInfo(ByteBuf out, String json) {
        out.writeBytes(INFO);
        out.writeCharSequence(json, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    /** {@code -ERR '<text>'\r\n}. */
    public static void writeError(ByteBuf out, String text) {
        out.writeBytes(ERR);
        out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.writeBytes(ERR_END);
    }


    /** Number of decimal digits of a non-negative int. */
    public static int digits(int value) {
        int n = 1;
        while (value >= 10) {
            value /= 10;
            n++;
        }
        return n;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
