package io.halyard.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the client→server side of the NATS protocol ({@code CONNECT}, {@code PUB}, {@code HPUB},
 * {@code SUB}, {@code UNSUB}, {@code PING}, {@code PONG}, and the {@code INFO}, {@code +OK} and
 * {@code -ERR} a client may echo) into calls on a {@link ParserListener}. It is a resumable
 * byte-at-a-time state machine modelled on nats-server's {@code server/parser.go}: {@link #parse} may be
 * given the stream cut at any byte, and produces the same calls whatever the cuts.
 *
 * <h2>Frame detection</h2>
 * <ul>
 *   <li>The verb is matched letter by letter, case-insensitively. {@code PUB}, {@code HPUB}, {@code SUB},
 *       {@code UNSUB} and {@code -ERR} need at least one space or tab after the verb; {@code CONNECT}
 *       and {@code INFO} need none ({@code CONNECT{}} is accepted, as by nats-server); {@code PING},
 *       {@code PONG} and {@code +OK} ignore every byte up to the {@code \n}.</li>
 *   <li>After the verb and its spaces, the first byte, whatever it is, starts the arguments, and the
 *       control line ends at the next {@code \n}; one {@code \r} right before it is dropped. A bare
 *       {@code \n} therefore ends a line, as it does in nats-server.</li>
 *   <li>The arguments (not the verb) may hold at most {@code maxControlLine} bytes, else
 *       {@link ProtocolError#MAX_CONTROL_LINE_EXCEEDED}; this is detected as soon as the line is too
 *       long, without waiting for its end. They are copied into a reused scratch array, which
 *       {@link PublishFrame#line()} exposes.</li>
 *   <li>{@code PUB}/{@code HPUB} arguments are split on spaces and tabs; {@code SUB}/{@code UNSUB}
 *       arguments also on {@code \r} and {@code \n} (nats-server's {@code splitArg}). Sizes are 1 to 9
 *       decimal digits. The size is checked against {@code maxPayload} on the control line, before any
 *       payload byte is read.</li>
 *   <li>The message is exactly {@code size} bytes followed by {@code \r\n} (a bare {@code \n} is an
 *       error here). When the message and its {@code \r\n} are all in the buffer given to
 *       {@link #parse}, the frame points into that buffer (no copy); when they span calls, the bytes
 *       are gathered into a parser-owned heap buffer that is reused from one message to the next.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A malformed frame is reported once through {@link ParserListener#onProtocolError}, with the
 * {@link ProtocolError} nats-server would produce; the parser then ignores all input until
 * {@link #reset()}. Nothing is thrown for any input. Which input produces which error, and which errors
 * close without an {@code -ERR} text, is written next to each check below and in
 * {@code NatsParserTest}.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A {@link PublishFrame} and the buffers it points into are valid only during
 *       {@link ParserListener#onPublish}. A listener may {@code retainedSlice()} the message: the
 *       parser notices (reference count above one after the call) and stops reusing that accumulation
 *       buffer, so a retained slice is never overwritten.</li>
 *   <li>Decisions that need session state are the listener's, not the parser's: {@code HPUB} without
 *       {@code headers:true} in {@code CONNECT}, frames before {@code CONNECT} when auth is required,
 *       invalid subjects, pedantic checks, and unparseable {@code CONNECT}/{@code INFO} JSON
 *       (nats-server closes without {@code -ERR} for the last two).</li>
 *   <li>{@code SUB}/{@code UNSUB} strings are the wire bytes decoded as ISO-8859-1 (one char per byte),
 *       so {@code getBytes(ISO_8859_1)} gives the exact wire bytes back; {@code CONNECT}/{@code INFO}
 *       JSON is decoded as UTF-8.</li>
 *   <li>nats-server is not itself consistent when a stray {@code \r} sits inside a line that ends in a
 *       bare {@code \n}: depending on where the read was cut it drops the {@code \r} or the line's last
 *       byte. This parser always keeps inner {@code \r} bytes and drops only the one before
 *       {@code \n}, so the result does not depend on fragmentation.</li>
 *   <li>An {@code UNSUB} max that is not a number is reported as -1 (no max), as nats-server's
 *       {@code parseSize} does; the session then unsubscribes at once.</li>
 *   <li>Callbacks must not throw and must not call {@link #parse} or {@link #reset()}; the limit
 *       setters may be called from a callback and apply from the next control line.</li>
 * </ul>
 *
 * <p>This class is not thread-safe: use one instance per connection, on that connection's event loop.
 */
public final class NatsParser {
    // Parser states.
    private static final int START = 0;        // expecting the first byte of a verb
    private static final int P = 1;            // after 'P': PUB, PING or PONG
    private static final int VERB = 2;         // matching the rest of VERBS[op]
    private static final int VERB_SPACE = 3;   // after a verb that needs a space or tab
    private static final int ARG_SPACE = 4;    // skipping spaces and tabs before the arguments
    private static final int LINE = 5;         // gathering the arguments up to '\n'
    private static final int SKIP_LINE = 6;    // PING, PONG, +OK: ignoring bytes up to '\n'
    private static final int PAYLOAD = 7;      // message expected, nothing gathered yet
    private static final int PAYLOAD_COPY = 8; // message spans reads: gathering into the pending buffer
    private static final int PAYLOAD_CR = 9;   // message complete, expecting '\r'
    private static final int PAYLOAD_LF = 10;  // expecting '\n'
    private static final int FAILED = 11;      // error reported; ignoring input until reset()

    // Operations, indexes into VERBS.
    private static final int OP_PUB = 0;
    private static final int OP_HPUB = 1;
    private static final int OP_SUB = 2;
    private static final int OP_UNSUB = 3;
    private static final int OP_PING = 4;
    private static final int OP_PONG = 5;
    private static final int OP_CONNECT = 6;
    private static final int OP_INFO = 7;
    private static final int OP_OK = 8;
    private static final int OP_ERR = 9;
    private static final byte[][] VERBS = {
        ascii("pub"), ascii("hpub"), ascii("sub"), ascii("unsub"), ascii("ping"), ascii("pong"),
        ascii("connect"), ascii("info"), ascii("+ok"), ascii("-err"),
    };

    /** nats-server's parseSize accepts at most 9 digits (999,999,999), so a size always fits an int. */
    private static final int MAX_SIZE_DIGITS = 9;
    /** The most arguments any client op takes: HPUB subject reply hdr total. */
    private static final int MAX_ARGS = 4;
    /** A pending buffer grown beyond this is dropped after its message instead of kept for reuse. */
    static final int RETAINED_PENDING_BYTES = 64 * 1024;
    private static final int MIN_PENDING_BYTES = 1024;
    /** The scratch line starts at nats-server's default max_control_line and grows up to the limit. */
    private static final int INITIAL_LINE_BYTES = 4096 + 1;

    private final ParserListener listener;
    private final PublishFrame frame = new PublishFrame();
    private final int[] argStart = new int[MAX_ARGS];
    private final int[] argEnd = new int[MAX_ARGS];
    private int maxControlLine;
    private int maxPayload;

    private int state = START;
    private int op;
    private int verbIndex;
    /** The control line's arguments, up to the limit plus a final '\r'; grown on demand, then reused. */
    private byte[] line;
    private int lineLength;
    /** Gathers a message that spans reads; null until first needed, or after being given away. */
    private ByteBuf pending;

    /**
     * @param maxControlLine the most argument bytes a control line may carry (nats-server's
     *                       {@code max_control_line}, 4096 by default); at least 1
     * @param maxPayload     the largest {@code PUB}/{@code HPUB} size accepted ({@code max_payload},
     *                       1 MiB by default); negative for no limit
     */
    public NatsParser(ParserListener listener, int maxControlLine, int maxPayload) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        this.listener = listener;
        setMaxControlLine(maxControlLine);
        setMaxPayload(maxPayload);
        this.line = new byte[Math.min(maxControlLine + 1, INITIAL_LINE_BYTES)];
    }

    /** Changes the control-line limit; applies from the next control line (may be called from a callback). */
    public void setMaxControlLine(int maxControlLine) {
        if (maxControlLine < 1 || maxControlLine == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxControlLine must be in [1, 2^31-2]: " + maxControlLine);
        }
        this.maxControlLine = maxControlLine;
    }

    /** Changes the payload limit (negative: none), e.g. to an account's limit once CONNECT is processed. */
    public void setMaxPayload(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    public int maxControlLine() {
        return maxControlLine;
    }

    public int maxPayload() {
        return maxPayload;
    }

    /** Forgets any partial frame and a reported error, ready for a new stream. Keeps the buffers. */
    public void reset() {
        state = START;
        lineLength = 0;
        frame.message = null;
        if (pending != null) {
            pending.clear();
        }
    }

    /**
     * Consumes all readable bytes of {@code in}, calling the listener for each complete frame. After an
     * error has been reported, the bytes are consumed and ignored.
     */
    public void parse(ByteBuf in) {
        final int end = in.writerIndex();
        int i = in.readerIndex();
        // One case per state; the byte-sized states are one line each, the others are methods that
        // take the position and return the next one. Kept as a single switch so the whole machine can
        // be read in one screen.
        while (i < end && state != FAILED) {
            switch (state) {
                case START -> state = firstByte(in.getByte(i++));
                case P -> state = afterP(in.getByte(i++));
                case VERB -> state = verbByte(in.getByte(i++));
                case VERB_SPACE -> state = isSpace(in.getByte(i++)) ? ARG_SPACE : unknownOperation();
                case ARG_SPACE -> i = skipSpaces(in, i, end);
                case LINE -> i = gatherLine(in, i, end);
                case SKIP_LINE -> i = skipLine(in, i, end);
                case PAYLOAD -> i = payload(in, i, end);
                case PAYLOAD_COPY -> i = copyPayload(in, i, end);
                case PAYLOAD_CR -> state = in.getByte(i++) == '\r' ? PAYLOAD_LF : unknownOperation();
                case PAYLOAD_LF -> {
                    if (in.getByte(i++) == '\n') {
                        deliverPending();
                    } else {
                        state = unknownOperation();
                    }
                }
                default -> i = end;
            }
        }
        in.readerIndex(end);
    }

    private int firstByte(byte b) {
        // nats-server rejects everything else, including an empty line and, for a client connection,
        // the route/leaf verbs (RS+, LS+, A+, RMSG, LMSG) and MSG.
        switch (b) {
            case 'P', 'p' -> {
                return P;
            }
            case 'H', 'h' -> op = OP_HPUB;
            case 'S', 's' -> op = OP_SUB;
            case 'U', 'u' -> op = OP_UNSUB;
            case 'C', 'c' -> op = OP_CONNECT;
            case 'I', 'i' -> op = OP_INFO;
            case '+' -> op = OP_OK;
            case '-' -> op = OP_ERR;
            default -> {
                return unknownOperation();
            }
        }
        verbIndex = 1;
        return VERB;
    }

    private int afterP(byte b) {
        switch (b) {
            case 'U', 'u' -> op = OP_PUB;
            case 'I', 'i' -> op = OP_PING;
            case 'O', 'o' -> op = OP_PONG;
            default -> {
                return unknownOperation();
            }
        }
        verbIndex = 2;
        return VERB;
    }

    private int verbByte(byte b) {
        byte[] verb = VERBS[op];
        // Only letters are compared here ('+' and '-' are matched by firstByte), and for a letter
        // (b | 0x20) is its lower case and no other byte maps to it.
        if ((b | 0x20) != verb[verbIndex]) {
            // HMSG from a client also ends here: nats-server's parser would accept it for a client and
            // then process garbage; no client sends it.
            return unknownOperation();
        }
        if (++verbIndex < verb.length) {
            return VERB;
        }
        return switch (op) {
            case OP_PING, OP_PONG, OP_OK -> SKIP_LINE;
            case OP_CONNECT, OP_INFO -> ARG_SPACE;
            default -> VERB_SPACE;
        };
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private int skipSpaces(ByteBuf in, int i, int end) {
        while (i < end) {
            byte b = in.getByte(i++);
            if (!isSpace(b)) {
                // As in nats-server, this byte starts the arguments whatever it is, even '\r' or '\n':
                // "CONNECT\n{}\n" is a CONNECT of "\n{}".
                line[0] = b;
                lineLength = 1;
                state = LINE;
                return i;
            }
        }
        return end;
    }

    private int gatherLine(ByteBuf in, int i, int end) {
        // The line may reach maxControlLine bytes plus a final '\r', so there is room for `room` more
        // bytes, and the '\n' can be at most one byte after those.
        int room = Math.max(0, maxControlLine + 1 - lineLength);
        int scanEnd = end - i <= room ? end : i + room + 1;
        int newline = in.indexOf(i, scanEnd, (byte) '\n');
        int copyEnd = newline >= 0 ? newline : Math.min(end, i + room);
        if (lineLength + (copyEnd - i) > line.length) {
            // Rare: only a line longer than any before it on this connection (and than 4 KiB) gets here.
            int doubled = (int) Math.min(2L * line.length, maxControlLine + 1L);
            line = Arrays.copyOf(line, Math.max(lineLength + (copyEnd - i), doubled));
        }
        in.getBytes(i, line, lineLength, copyEnd - i);
        lineLength += copyEnd - i;
        if (newline >= 0) {
            if (lineLength > 0 && line[lineLength - 1] == '\r') {
                lineLength--;
            }
            if (lineLength > maxControlLine) {
                return fail(ProtocolError.MAX_CONTROL_LINE_EXCEEDED, end);
            }
            state = START;
            completeLine();
            return newline + 1;
        }
        if (copyEnd < end || lineLength > maxControlLine
                && (lineLength > maxControlLine + 1 || line[lineLength - 1] != '\r')) {
            // nats-server checks the partial line at the end of each read too, to bound memory.
            return fail(ProtocolError.MAX_CONTROL_LINE_EXCEEDED, end);
        }
        return end;
    }

    private int skipLine(ByteBuf in, int i, int end) {
        int newline = in.indexOf(i, end, (byte) '\n');
        if (newline < 0) {
            return end;
        }
        state = START;
        if (op == OP_PING) {
            listener.onPing();
        } else if (op == OP_PONG) {
            listener.onPong();
        }
        // +OK from a client is ignored by nats-server.
        return newline + 1;
    }

    /** Called with state START and the arguments in line[0, lineLength). */
    private void completeLine() {
        switch (op) {
            case OP_PUB -> publishLine(false);
            case OP_HPUB -> publishLine(true);
            case OP_SUB -> subscribeLine();
            case OP_UNSUB -> unsubscribeLine();
            case OP_CONNECT -> listener.onConnect(new String(line, 0, lineLength, StandardCharsets.UTF_8));
            case OP_INFO -> listener.onInfo(new String(line, 0, lineLength, StandardCharsets.UTF_8));
            default -> fail(ProtocolError.CLIENT_SENT_ERR, 0); // -ERR
        }
    }

    /** {@code PUB <subject> [reply] <size>} or {@code HPUB <subject> [reply] <header size> <size>}. */
    private void publishLine(boolean headers) {
        int minArgs = headers ? 3 : 2;
        int count = splitArgs(minArgs + 1, false);
        if (count < minArgs || count > minArgs + 1) {
            fail(ProtocolError.PROTOCOL_VIOLATION, 0); // "processPub Parse Error"
            return;
        }
        int size = parseSize(count - 1);
        int headerSize = headers ? parseSize(count - 2) : -1;
        // nats-server's order: header size, size, header size within size, then max payload.
        if (headers && headerSize < 0 || size < 0 || headerSize > size) {
            fail(ProtocolError.PROTOCOL_VIOLATION, 0); // "Bad or Missing Size" and the like
            return;
        }
        if (maxPayload >= 0 && size > maxPayload) {
            fail(ProtocolError.MAX_PAYLOAD_VIOLATION, 0);
            return;
        }
        boolean reply = count > minArgs;
        frame.set(line, argStart[0], argEnd[0] - argStart[0],
                reply ? argStart[1] : 0, reply ? argEnd[1] - argStart[1] : 0,
                headerSize, null, 0, size);
        state = PAYLOAD;
    }

    /** {@code SUB <subject> [queue] <sid>}: nats-server checks only the count here. */
    private void subscribeLine() {
        int count = splitArgs(3, true);
        if (count != 2 && count != 3) {
            fail(ProtocolError.PROTOCOL_VIOLATION, 0); // "processSub Parse Error"
            return;
        }
        String queue = count == 3 ? argString(1) : null;
        listener.onSubscribe(argString(0), queue, argString(count - 1));
    }

    /** {@code UNSUB <sid> [max]}; a max that is not a number counts as none, as in nats-server. */
    private void unsubscribeLine() {
        int count = splitArgs(2, true);
        if (count != 1 && count != 2) {
            fail(ProtocolError.PROTOCOL_VIOLATION, 0); // "processUnsub Parse Error"
            return;
        }
        listener.onUnsubscribe(argString(0), count == 2 ? parseSize(1) : -1);
    }

    /**
     * Splits the line on spaces and tabs (and on '\r' and '\n' too with {@code lineBreaks}, as
     * nats-server's splitArg does for SUB and UNSUB), recording up to {@code max} arguments.
     *
     * @return the number of arguments, or {@code max + 1} when there are more
     */
    private int splitArgs(int max, boolean lineBreaks) {
        int count = 0;
        int start = -1;
        for (int i = 0; i <= lineLength; i++) {
            boolean separator = i == lineLength || isSpace(line[i])
                    || lineBreaks && (line[i] == '\r' || line[i] == '\n');
            if (!separator) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                if (count == max) {
                    return max + 1;
                }
                argStart[count] = start;
                argEnd[count++] = i;
                start = -1;
            }
        }
        return count;
    }

    /** nats-server's parseSize: 1 to 9 ASCII digits, else -1. */
    private int parseSize(int arg) {
        int from = argStart[arg];
        int to = argEnd[arg];
        if (to - from > MAX_SIZE_DIGITS) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            n = n * 10 + digit;
        }
        return n;
    }

    private String argString(int arg) {
        return new String(line, argStart[arg], argEnd[arg] - argStart[arg], StandardCharsets.ISO_8859_1);
    }

    private int payload(ByteBuf in, int i, int end) {
        int size = frame.messageLength;
        if (end - i >= size + 2) {
            // The whole message and its "\r\n" are here: hand out the inbound buffer itself.
            if (in.getByte(i + size) != '\r' || in.getByte(i + size + 1) != '\n') {
                return fail(ProtocolError.UNKNOWN_PROTOCOL_OPERATION, end);
            }
            state = START;
            frame.message = in;
            frame.messageIndex = i;
            listener.onPublish(frame);
            frame.message = null;
            return i + size + 2;
        }
        if (size == 0) {
            state = PAYLOAD_CR;
            return i;
        }
        // Sized by what has arrived, not by the declared size: a client announcing a large message and
        // sending one byte must not make every connection hold max_payload bytes. writeBytes grows it.
        if (pending == null) {
            pending = Unpooled.buffer(Math.min(size, Math.max(MIN_PENDING_BYTES, end - i)));
        } else {
            pending.clear();
        }
        state = PAYLOAD_COPY;
        return copyPayload(in, i, end);
    }

    private int copyPayload(ByteBuf in, int i, int end) {
        int missing = frame.messageLength - pending.writerIndex();
        int n = Math.min(missing, end - i);
        pending.writeBytes(in, i, n);
        if (n == missing) {
            state = PAYLOAD_CR;
        }
        return i + n;
    }

    private void deliverPending() {
        state = START;
        boolean empty = frame.messageLength == 0;
        frame.message = empty ? Unpooled.EMPTY_BUFFER : pending;
        frame.messageIndex = 0;
        listener.onPublish(frame);
        frame.message = null;
        if (!empty && (pending.refCnt() != 1 || pending.capacity() > RETAINED_PENDING_BYTES)) {
            // Retained by the listener (a slice is still in use), or too big to keep per connection.
            if (pending.refCnt() > 0) {
                pending.release();
            }
            pending = null;
        }
    }

    /** "Unknown Protocol Operation": nats-server's parseErr, for any byte its state machine rejects. */
    private int unknownOperation() {
        fail(ProtocolError.UNKNOWN_PROTOCOL_OPERATION, 0);
        return FAILED;
    }

    private int fail(ProtocolError error, int next) {
        state = FAILED;
        listener.onProtocolError(error);
        return next;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
