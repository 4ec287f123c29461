package io.halyard.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes server→client frames into a caller-owned {@link ByteBuf}. Stateless and allocation-free for
 * the data-plane frames ({@code MSG}, {@code HMSG}, {@code PING}, {@code PONG}, {@code +OK}); the
 * control frames ({@code INFO}, {@code -ERR}) encode a {@code String} and may allocate.
 *
 * <p>Frame shapes (NATS client protocol):
 * <pre>
 *   MSG  &lt;subject&gt; &lt;sid&gt; [reply] &lt;#bytes&gt;\r\n&lt;payload&gt;\r\n
 *   HMSG &lt;subject&gt; &lt;sid&gt; [reply] &lt;#header bytes&gt; &lt;#total bytes&gt;\r\n&lt;headers+payload&gt;\r\n
 * </pre>
 */
public final class NatsEncoder {
    private static final byte[] MSG = ascii("MSG ");
    private static final byte[] HMSG = ascii("HMSG ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] PING = ascii("PING\r\n");
    private static final byte[] PONG = ascii("PONG\r\n");
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] INFO = ascii("INFO ");
    private static final byte[] ERR = ascii("-ERR '");
    private static final byte[] ERR_END = ascii("'\r\n");

    private NatsEncoder() {
    }

    /**
     * The size in bytes of the {@code MSG}/{@code HMSG} frame {@link #writeMessage} would write, so a
     * caller can reserve room or account pending bytes before writing.
     */
    public static int messageFrameSize(int subjectLength, int sidLength, int replyLength, int headerLength,
                                       int messageLength) {
        int size = (headerLength >= 0 ? HMSG.length : MSG.length) + subjectLength + 1 + sidLength + 1;
        if (replyLength > 0) {
            size += replyLength + 1;
        }
        if (headerLength >= 0) {
            size += digits(headerLength) + 1;
        }
        return size + digits(messageLength) + CRLF.length + messageLength + CRLF.length;
    }

    /**
     * Writes one {@code MSG} (when {@code headerLength < 0}) or {@code HMSG} frame. Subject, sid and
     * reply are ASCII byte ranges; the message bytes (headers + payload) are copied from
     * {@code message}'s absolute range without changing its indices.
     */
    public static void writeMessage(ByteBuf out, byte[] subject, int subjectOffset, int subjectLength,
                                    byte[] sid, byte[] reply, int replyOffset, int replyLength,
                                    int headerLength, ByteBuf message, int messageIndex, int messageLength) {
        out.writeBytes(headerLength >= 0 ? HMSG : MSG);
        out.writeBytes(subject, subjectOffset, subjectLength);
        out.writeByte(' ');
        out.writeBytes(sid);
        out.writeByte(' ');
        if (replyLength > 0) {
            out.writeBytes(reply, replyOffset, replyLength);
            out.writeByte(' ');
        }
        if (headerLength >= 0) {
            writeDecimal(out, headerLength);
            out.writeByte(' ');
        }
        writeDecimal(out, messageLength);
        out.writeBytes(CRLF);
        out.writeBytes(message, messageIndex, messageLength);
        out.writeBytes(CRLF);
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


    /** Writes a non-negative int as ASCII digits, without allocating. */
    public static void writeDecimal(ByteBuf out, int value) {
        if (value < 10) {
            out.writeByte('0' + value);
            return;
        }
        int n = digits(value);
        int end = out.writerIndex() + n;
        out.ensureWritable(n);
        for (int i = end - 1; i >= end - n; i--) {
            out.setByte(i, '0' + value % 10);
            value /= 10;
        }
        out.writerIndex(end);
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
