package io.halyard.cli.bench;

import java.nio.charset.StandardCharsets;

/**
 * Incremental scanner for the server-to-client half of the NATS protocol, built for counting
 * messages at line rate rather than for handing payloads to an application.
 *
 * <p><b>Frame detection.</b> A control line ends at {@code "\r\n"}; {@code MSG} and {@code HMSG}
 * bodies are length-delimited: {@code MSG <subject> <sid> [reply] <size>\r\n} is followed by exactly
 * {@code size} bytes and {@code "\r\n"}; {@code HMSG <subject> <sid> [reply] <hdr> <total>\r\n} by
 * {@code total} bytes (headers then payload) and {@code "\r\n"}. Bodies are skipped, never copied: only
 * the first {@link #payloadPrefixLength()} bytes of the payload (at most 8, after any headers) are
 * kept so that a benchmark can read a sequence number embedded there.
 *
 * <p>Bytes may arrive split anywhere; the scanner keeps its state across {@link #feed} calls. The
 * control line is copied into an internal buffer (a few dozen bytes per message); that buffer only
 * grows, so steady-state scanning allocates nothing.
 *
 * <p><b>Pitfalls.</b> The subject/reply offsets and the payload prefix describe the frame passed to
 * {@link Handler#onMessage} and are valid only during that call.
 *
 * <p>Not thread-safe: one scanner per connection, used by the thread that reads it.
 */
public final class MsgScanner {

    /** Receives what the scanner recognises. Calls happen on the thread that calls {@link #feed}. */
    public interface Handler {
        /** A whole {@code MSG} or {@code HMSG} frame, including its trailing CRLF, has been read. */
        void onMessage(MsgScanner frame);

        void onPing();

        void onPong();

        /** {@code INFO}, {@code +OK} or {@code -ERR}; {@code line} holds {@code length} bytes, no CRLF. */
        void onControl(byte[] line, int length);
    }

    /** A frame the scanner cannot make sense of; the connection is unusable afterwards. */
    public static final class ScanException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScanException(String message) {
            super(message);
        }
    }

    private static final int READING_LINE = 0;
    private static final int READING_BODY = 1;
    private static final int EXPECTING_CR = 2;
    private static final int EXPECTING_LF = 3;
    private static final int MAX_ARGS = 5;

    private final Handler handler;
    private final int maxLineBytes;
    private final int prefixWanted;
    private final int[] argStart = new int[MAX_ARGS];
    private final int[] argEnd = new int[MAX_ARGS];

    private int state = READING_LINE;
    private byte[] line = new byte[256];
    private int lineLength;

    private boolean headers;
    private int subjectOffset;
    private int subjectLength;
    private int replyOffset;
    private int replyLength;
    private long sid;
    private int headerBytes;
    private int totalBytes;
    private int bodyRead;
    private long prefix;
    private int prefixLength;

    /**
     * @param handler       receives frames
     * @param prefixBytes   how many leading payload bytes to keep (0..8)
     * @param maxLineBytes  longest control line accepted (an {@code INFO} line can be a few KiB)
     */
    public MsgScanner(Handler handler, int prefixBytes, int maxLineBytes) {
        if (prefixBytes < 0 || prefixBytes > 8) {
            throw new IllegalArgumentException("prefixBytes must be 0..8: " + prefixBytes);
        }
        this.handler = handler;
        this.prefixWanted = prefixBytes;
        this.maxLineBytes = maxLineBytes;
    }

    /** Scans {@code length} bytes of {@code src} from {@code offset}, calling the handler per frame. */
    public void feed(byte[] src, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            switch (state) {
                case READING_LINE:
                    pos = scanLine(src, pos, end);
                    break;
                case READING_BODY:
                    pos = scanBody(src, pos, end);
                    break;
                case EXPECTING_CR:
                    expect(src[pos++], '\r');
                    state = EXPECTING_LF;
                    break;
                default:
                    expect(src[pos++], '\n');
                    state = READING_LINE;
                    handler.onMessage(this);
                    break;
            }
        }
    }

    private int scanLine(byte[] src, int pos, int end) {
        int newline = pos;
        while (newline < end && src[newline] != '\n') {
            newline++;
        }
        append(src, pos, newline - pos);
        if (newline == end) {
            return end;
        }
        if (lineLength == 0 || line[lineLength - 1] != '\r') {
            throw new ScanException("control line not terminated by CRLF: " + lineText());
        }
        int length = lineLength - 1;
        lineLength = 0;
        onLine(length);
        return newline + 1;
    }

    private int scanBody(byte[] src, int pos, int end) {
        int n = Math.min(totalBytes - bodyRead, end - pos);
        if (prefixLength < prefixWanted) {
            capturePrefix(src, pos, n);
        }
        bodyRead += n;
        if (bodyRead == totalBytes) {
            state = EXPECTING_CR;
        }
        return pos + n;
    }

    /** Keeps payload bytes at body offsets [headerBytes, headerBytes + prefixWanted) seen in this chunk. */
    private void capturePrefix(byte[] src, int pos, int n) {
        int want = Math.min(prefixWanted, totalBytes - headerBytes);
        int i = Math.max(0, headerBytes + prefixLength - bodyRead);
        while (i < n && prefixLength < want) {
            prefix = (prefix << 8) | (src[pos + i] & 0xFF);
            prefixLength++;
            i++;
        }
    }

    private void append(byte[] src, int pos, int n) {
        if (lineLength + n > maxLineBytes) {
            throw new ScanException("control line longer than " + maxLineBytes + " bytes");
        }
        if (lineLength + n > line.length) {
            byte[] bigger = new byte[Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + n))];
            System.arraycopy(line, 0, bigger, 0, lineLength);
            line = bigger;
        }
        System.arraycopy(src, pos, line, lineLength, n);
        lineLength += n;
    }

    private void onLine(int length) {
        if (startsWith(length, "MSG")) {
            startMessage(length, 3, false);
        } else if (startsWith(length, "HMSG")) {
            startMessage(length, 4, true);
        } else if (isWord(length, "PING")) {
            handler.onPing();
        } else if (isWord(length, "PONG")) {
            handler.onPong();
        } else if (startsWith(length, "INFO") || startsWith(length, "-ERR") || isWord(length, "+OK")) {
            handler.onControl(line, length);
        } else {
            throw new ScanException("unknown protocol line: " + text(length));
        }
    }

    private void startMessage(int length, int verbLength, boolean withHeaders) {
        int args = split(verbLength, length);
        int fixed = withHeaders ? 4 : 3;
        if (args != fixed && args != fixed + 1) {
            throw new ScanException("wrong number of arguments: " + text(length));
        }
        headers = withHeaders;
        subjectOffset = argStart[0];
        subjectLength = argEnd[0] - argStart[0];
        sid = parseNumber(1, false, length);
        boolean hasReply = args == fixed + 1;
        replyOffset = hasReply ? argStart[2] : 0;
        replyLength = hasReply ? argEnd[2] - argStart[2] : 0;
        totalBytes = (int) parseNumber(args - 1, true, length);
        headerBytes = withHeaders ? (int) parseNumber(args - 2, true, length) : 0;
        if (headerBytes > totalBytes) {
            throw new ScanException("header size exceeds total size: " + text(length));
        }
        bodyRead = 0;
        prefix = 0;
        prefixLength = 0;
        state = totalBytes == 0 ? EXPECTING_CR : READING_BODY;
    }

    /** Splits line[from, length) on spaces and tabs; returns the argument count (capped). */
    private int split(int from, int length) {
        if (from >= length || !isBlank(line[from])) {
            throw new ScanException("malformed message line: " + text(length));
        }
        int count = 0;
        int i = from;
        while (i < length) {
            while (i < length && isBlank(line[i])) {
                i++;
            }
            if (i == length) {
                break;
            }
            if (count == MAX_ARGS) {
                throw new ScanException("too many arguments: " + text(length));
            }
            argStart[count] = i;
            while (i < length && !isBlank(line[i])) {
                i++;
            }
            argEnd[count++] = i;
        }
        return count;
    }

    /** Parses a decimal argument; a non-numeric sid yields -1, a non-numeric size is an error. */
    private long parseNumber(int arg, boolean required, int length) {
        int start = argStart[arg];
        int end = argEnd[arg];
        long value = 0;
        for (int i = start; i < end; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9 || end - start > 18) {
                if (required) {
                    throw new ScanException("bad number in: " + text(length));
                }
                return -1;
            }
            value = value * 10 + digit;
        }
        if (required && value > Integer.MAX_VALUE) {
            throw new ScanException("size too large: " + value);
        }
        return value;
    }

    private boolean startsWith(int length, String verb) {
        int n = verb.length();
        if (length < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (upper(line[i]) != verb.charAt(i)) {
                return false;
            }
        }
        return length == n || isBlank(line[n]);
    }

    private boolean isWord(int length, String verb) {
        int end = length;
        while (end > 0 && isBlank(line[end - 1])) {
            end--;
        }
        return end == verb.length() && startsWith(end, verb);
    }

    private static int upper(byte b) {
        return b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static void expect(byte actual, char wanted) {
        if (actual != wanted) {
            throw new ScanException("expected " + (wanted == '\r' ? "CR" : "LF") + " after message body, got 0x"
                    + Integer.toHexString(actual & 0xFF));
        }
    }

    private String text(int length) {
        return new String(line, 0, Math.min(length, 200), StandardCharsets.US_ASCII);
    }

    private String lineText() {
        return text(lineLength);
    }

    // ---- the current frame, valid during Handler.onMessage ----

    public boolean hasHeaders() {
        return headers;
    }

    /** The control line's bytes; subject and reply offsets index into this array. */
    public byte[] lineBytes() {
        return line;
    }

    public int subjectOffset() {
        return subjectOffset;
    }

    public int subjectLength() {
        return subjectLength;
    }

    public boolean hasReply() {
        return replyLength > 0;
    }

    public int replyOffset() {
        return replyOffset;
    }

    public int replyLength() {
        return replyLength;
    }

    /** The subscription id if it is a decimal number, else -1. */
    public long sid() {
        return sid;
    }

    public int headerBytes() {
        return headerBytes;
    }

    public int totalBytes() {
        return totalBytes;
    }

    public int payloadBytes() {
        return totalBytes - headerBytes;
    }

    /** The first {@link #payloadPrefixLength()} payload bytes, big-endian. */
    public long payloadPrefix() {
        return prefix;
    }

    public int payloadPrefixLength() {
        return prefixLength;
    }

    /** For diagnostics (allocates). */
    public String subject() {
        return new String(line, subjectOffset, subjectLength, StandardCharsets.US_ASCII);
    }

    /** For diagnostics (allocates). */
    public String reply() {
        return hasReply() ? new String(line, replyOffset, replyLength, StandardCharsets.US_ASCII) : null;
    }
}
