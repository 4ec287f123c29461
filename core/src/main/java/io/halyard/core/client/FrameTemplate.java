package io.halyard.core.client;

import io.halyard.protocol.NatsEncoder;
import io.halyard.protocol.PublishFrame;
import io.netty.buffer.ByteBuf;

/**
 * One published message, encoded once as the {@code MSG}/{@code HMSG} frame every subscriber gets —
 * except for the sid, which differs per subscription. {@link #write} then costs two array copies and
 * one bulk write into the subscriber's buffer, instead of eight small writes per subscriber.
 *
 * <pre>
 *   head = "MSG subject "                     (or "HMSG subject ")
 *   tail = " [reply ][hdr ]total\r\n"           followed, for small messages, by the message + "\r\n"
 *   frame = head + sid + tail [+ message + "\r\n" copied from the publisher's buffer when large]
 * </pre>
 *
 * <p>Not thread-safe: one per producer ({@link DeliveryBatch}), prepared per published message.
 */
final class FrameTemplate {
    /** Messages up to this size are copied into the template once rather than once per subscriber. */
    private static final int INLINE_MESSAGE_BYTES = 512;
    private static final byte[] MSG = NatsEncoder.ascii("MSG ");
    private static final byte[] HMSG = NatsEncoder.ascii("HMSG ");

    private byte[] head = new byte[256];
    private int headLength;
    private byte[] tail = new byte[1024];
    private int tailLength;
    private byte[] assembled = new byte[2048];
    private boolean inline;
    private int messageIndex;
    private int messageLength;
    private ByteBuf message;
    /** The publish this template was prepared for (see {@link DeliveryBatch#beginMessage}). */
    long preparedFor = -1;

    /**
     * Encodes {@code f}. With {@code stripHeaders}, an HPUB is encoded as a plain MSG of its payload
     * (for subscribers that did not announce header support, as nats-server does).
     */
    void prepare(PublishFrame f, boolean stripHeaders, long publish) {
        preparedFor = publish;
        int headerLength = f.headerLength();
        messageIndex = f.messageIndex();
        messageLength = f.messageLength();
        if (headerLength >= 0 && stripHeaders) {
            messageIndex += headerLength;
            messageLength -= headerLength;
            headerLength = -1;
        }
        message = f.message();
        byte[] verb = headerLength >= 0 ? HMSG : MSG;
        headLength = 0;
        head = ensure(head, verb.length + f.subjectLength() + 1);
        headLength = put(head, headLength, verb, 0, verb.length);
        headLength = put(head, headLength, f.line(), f.subjectOffset(), f.subjectLength());
        head[headLength++] = ' ';

        inline = messageLength <= INLINE_MESSAGE_BYTES;
        tail = ensure(tail, 1 + f.replyLength() + 1 + 10 + 1 + 10 + 2 + (inline ? messageLength + 2 : 0));
        int t = 0;
        tail[t++] = ' ';
        if (f.replyLength() > 0) {
            t = put(tail, t, f.line(), f.replyOffset(), f.replyLength());
            tail[t++] = ' ';
        }
        if (headerLength >= 0) {
            t = putDecimal(tail, t, headerLength);
            tail[t++] = ' ';
        }
        t = putDecimal(tail, t, messageLength);
        tail[t++] = '\r';
        tail[t++] = '\n';
        if (inline) {
            message.getBytes(messageIndex, tail, t, messageLength);
            t += messageLength;
            tail[t++] = '\r';
            tail[t++] = '\n';
        }
        tailLength = t;
    }

    /** The frame's size for a subscription with this sid. */
    int frameSize(byte[] sid) {
        return headLength + sid.length + tailLength + (inline ? 0 : messageLength + 2);
    }

    /** Writes the frame for {@code sid} into {@code out}, which has room for {@link #frameSize}. */
    void write(ByteBuf out, byte[] sid) {
        int n = headLength + sid.length + tailLength;
        byte[] a = assembled;
        if (a.length < n) {
            a = assembled = new byte[Math.max(n, a.length * 2)];
        }
        System.arraycopy(head, 0, a, 0, headLength);
        System.arraycopy(sid, 0, a, headLength, sid.length);
        System.arraycopy(tail, 0, a, headLength + sid.length, tailLength);
        out.writeBytes(a, 0, n);
        if (!inline) {
            out.writeBytes(message, messageIndex, messageLength);
            out.writeByte('\r');
            out.writeByte('\n');
        }
    }

    private static byte[] ensure(byte[] b, int size) {
        return b.length >= size ? b : new byte[Math.max(size, b.length * 2)];
    }

    private static int put(byte[] dst, int at, byte[] src, int off, int len) {
        System.arraycopy(src, off, dst, at, len);
        return at + len;
    }

    private static int putDecimal(byte[] dst, int at, int value) {
        int n = NatsEncoder.digits(value);
        for (int i = at + n - 1; i >= at; i--) {
            dst[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + n;
    }
}
