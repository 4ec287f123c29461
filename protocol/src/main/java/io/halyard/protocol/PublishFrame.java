package io.halyard.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A decoded {@code PUB} or {@code HPUB}, reused by the parser for every message (a flyweight).
 *
 * <p>Subject and reply are ASCII byte ranges inside {@link #line()}, the parser's control-line scratch
 * array. The message bytes (headers followed by payload) are {@link #messageLength()} readable bytes of
 * {@link #message()} starting at {@link #messageIndex()}; for {@code HPUB} the first
 * {@link #headerLength()} of them are the {@code NATS/1.0} header block. The buffer may be the inbound
 * network buffer itself (no copy) or the parser's accumulation buffer when the message spanned reads.
 *
 * <p>Not thread-safe; valid only during {@link ParserListener#onPublish}.
 */
public final class PublishFrame {
    byte[] line;
    int subjectOffset;
    int subjectLength;
    int replyOffset;
    int replyLength;
    int headerLength = -1;
    ByteBuf message;
    int messageIndex;
    int messageLength;

    /** The parser's control-line bytes; subject and reply are ranges of it. */
    public byte[] line() {
        return line;
    }

    public int subjectOffset() {
        return subjectOffset;
    }

    public int subjectLength() {
        return subjectLength;
    }

    /** Whether a reply subject was given. */
    public boolean hasReply() {
        return replyLength > 0;
    }

    public int replyOffset() {
        return replyOffset;
    }

    /** 0 when there is no reply subject. */
    public int replyLength() {
        return replyLength;
    }

    /** Whether this is an {@code HPUB} (headers present, possibly an empty header block). */
    public boolean hasHeaders() {
        return headerLength >= 0;
    }

    /** Bytes of the header block at the start of the message, or -1 for a plain {@code PUB}. */
    public int headerLength() {
        return headerLength;
    }

    /** The buffer holding headers + payload; do not change its indices. */
    public ByteBuf message() {
        return message;
    }

    public int messageIndex() {
        return messageIndex;
    }

    /** Total bytes: headers plus payload. */
    public int messageLength() {
        return messageLength;
    }

    /** Payload bytes only (total minus headers). */
    public int payloadLength() {
        return headerLength < 0 ? messageLength : messageLength - headerLength;
    }

    /** Allocates; for logs, errors and tests, not for the hot path. */
    public String subject() {
        return new String(line, subjectOffset, subjectLength, StandardCharsets.US_ASCII);
    }

    /** Allocates; {@code null} when there is no reply. */
    public String reply() {
        return hasReply() ? new String(line, replyOffset, replyLength, StandardCharsets.US_ASCII) : null;
    }

    /** Used by the parser (and by tests building frames by hand). */
    public void set(byte[] line, int subjectOffset, int subjectLength, int replyOffset, int replyLength,
                    int headerLength, ByteBuf message, int messageIndex, int messageLength) {
        this.line = line;
        this.subjectOffset = subjectOffset;
        this.subjectLength = subjectLength;
        this.replyOffset = replyOffset;
        this.replyLength = replyLength;
        this.headerLength = headerLength;
        this.message = message;
        this.messageIndex = messageIndex;
        this.messageLength = messageLength;
    }
}
