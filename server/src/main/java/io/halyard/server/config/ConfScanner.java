package io.halyard.server.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The character level of nats-server's config format: a cursor over the text that knows lines and
 * columns, skips blanks and comments, and reads keys, quoted strings, block strings and unquoted
 * words. The {@link ConfParser} decides what the pieces mean.
 *
 * <p>Lexical facts taken from nats-server's {@code conf/lex.go}:
 * <ul>
 *   <li>Comments start with {@code #} or {@code //} and run to the end of the line.</li>
 *   <li>A key ends at white space, {@code =} or {@code :}; a key may be quoted with {@code "} or
 *       {@code '}, and then contains anything up to the closing quote (no escapes).</li>
 *   <li>Single-quoted strings are raw and may span lines. Double-quoted strings may span lines and
 *       know the escapes {@code \t \n \r \" \\ \xHH}; any other escape is an error. Unquoted words
 *       know the same escapes.</li>
 *   <li>An unquoted word ends at a space, tab, new line, {@code ;}, {@code ,}, {@code ]} or
 *       {@code }}, so {@code 127.0.0.1:4222} and {@code nats://a:b@host:4222} need no quotes.</li>
 *   <li>A block string starts with {@code (} and ends at a {@code )} alone on its own line; its text
 *       is everything in between, new lines included.</li>
 * </ul>
 *
 * <p>Not thread-safe: one scanner per parse.
 */
final class ConfScanner {

    static final int EOF = -1;

    private final String text;
    private final String source;
    private int index;
    private int line = 1;
    private int column = 1;

    /** An unquoted word and whether it contained escapes (which make it a string, whatever it says). */
    record Word(String text, boolean escaped) {
    }

    ConfScanner(String text, String source) {
        // A UTF-8 byte order mark is not part of the config.
        this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.source = source;
    }

    String source() {
        return source;
    }

    ConfPosition here() {
        return new ConfPosition(source, line, column);
    }

    int peek() {
        return peek(0);
    }

    int peek(int ahead) {
        int i = index + ahead;
        return i < text.length() ? text.charAt(i) : EOF;
    }

    int next() {
        if (index >= text.length()) {
            return EOF;
        }
        char c = text.charAt(index++);
        if (c == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        return c;
    }

    ConfigException error(String reason) {
        return new ConfigException(here(), reason);
    }

    static boolean isBlank(int c) {
        return c == ' ' || c == '\t';
    }

    static boolean isNewline(int c) {
        return c == '\n' || c == '\r';
    }

    /** Go's {@code unicode.IsSpace}: ASCII white space, NEL, NBSP and the Unicode space separators. */
    static boolean isSpace(int c) {
        if (c == EOF) {
            return false;
        }
        if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** Describes a character for an error message. */
    static String describe(int c) {
        if (c == EOF) {
            return "end of file";
        }
        if (isNewline(c)) {
            return "a new line";
        }
        return "'" + (char) c + "'";
    }

    boolean atComment() {
        int c = peek();
        return c == '#' || (c == '/' && peek(1) == '/');
    }

    /** Skips a comment up to, not including, the end of its line. */
    void skipComment() {
        while (peek() != EOF && !isNewline(peek())) {
            next();
        }
    }

    void skipBlanks() {
        while (isBlank(peek())) {
            next();
        }
    }

    void skipSpace() {
        while (isSpace(peek())) {
            next();
        }
    }

    void skipSpaceAndComments() {
        while (true) {
            skipSpace();
            if (!atComment()) {
                return;
            }
            skipComment();
        }
    }

    /** Reads a key: quoted, or up to white space, a separator, or a bracket that opens its value. */
    String readKey() {
        int c = peek();
        if (c == '"' || c == '\'') {
            ConfPosition start = here();
            next();
            StringBuilder key = new StringBuilder();
            while (peek() != c) {
                if (peek() == EOF) {
                    throw new ConfigException(start, "unterminated quoted key");
                }
                key.append((char) next());
            }
            next();
            return key.toString();
        }
        int from = index;
        while (peek() != EOF && !isSpace(peek()) && !isKeyEnd(peek())) {
            next();
        }
        return text.substring(from, index);
    }

    private static boolean isKeyEnd(int c) {
        // nats-server ends keys only at space and separators; also ending at an opening bracket lets
        // "authorization{" and "users[" read as intended instead of failing later.
        return c == '=' || c == ':' || c == '{' || c == '[';
    }

    /** Reads a single-quoted string; the cursor is on the opening quote. */
    String readSingleQuoted() {
        ConfPosition start = here();
        next();
        int from = index;
        while (peek() != '\'') {
            if (next() == EOF) {
                throw new ConfigException(start, "unterminated quoted string");
            }
        }
        String s = text.substring(from, index);
        next();
        return s;
    }

    /** Reads a double-quoted string with escapes; the cursor is on the opening quote. */
    String readDoubleQuoted() {
        ConfPosition start = here();
        next();
        Unescaper out = new Unescaper();
        while (true) {
            int c = next();
            if (c == EOF) {
                throw new ConfigException(start, "unterminated quoted string");
            }
            if (c == '"') {
                return out.finish();
            }
            if (c == '\\') {
                readEscape(out);
            } else {
                out.append((char) c);
            }
        }
    }

    /** Reads an unquoted word; the cursor is on its first character. */
    Word readUnquoted() {
        Unescaper out = new Unescaper();
        boolean escaped = false;
        while (!endsUnquoted(peek())) {
            int c = next();
            if (c == '\\') {
                readEscape(out);
                escaped = true;
            } else {
                out.append((char) c);
            }
        }
        return new Word(out.finish(), escaped);
    }

    static boolean endsUnquoted(int c) {
        return c == EOF || isBlank(c) || isNewline(c) || c == ';' || c == ',' || c == ']' || c == '}';
    }

    private void readEscape(Unescaper out) {
        ConfPosition at = here();
        int c = next();
        switch (c) {
            case 't': out.append('\t'); break;
            case 'n': out.append('\n'); break;
            case 'r': out.append('\r'); break;
            case '"': out.append('"'); break;
            case '\\': out.append('\\'); break;
            case 'x': out.appendByte(readHexByte()); break;
            default:
                throw new ConfigException(at, "invalid escape " + describe(c)
                        + "; only \\xXX, \\t, \\n, \\r, \\\" and \\\\ are allowed");
        }
    }

    private int readHexByte() {
        int hi = Character.digit(hexDigit(), 16);
        int lo = Character.digit(hexDigit(), 16);
        return hi << 4 | lo;
    }

    private int hexDigit() {
        ConfPosition at = here();
        int c = next();
        if (c == EOF || Character.digit(c, 16) < 0) {
            throw new ConfigException(at, "expected two hexadecimal digits after '\\x', found " + describe(c));
        }
        return c;
    }

    /**
     * Reads a block string; the cursor is on the {@code (}. The block ends at a {@code )} that is
     * alone on its line (the character before it a new line, the one after a new line or the end).
     */
    String readBlockString() {
        ConfPosition start = here();
        next();
        int from = index;
        while (true) {
            int c = peek();
            if (c == EOF) {
                throw new ConfigException(start, "unterminated block string: expected ')' alone on a line");
            }
            if (c == ')' && index > from && text.charAt(index - 1) == '\n'
                    && (isNewline(peek(1)) || peek(1) == EOF)) {
                String s = text.substring(from, index);
                next();
                return s;
            }
            next();
        }
    }

    /** Reads the file name of an {@code include}: quoted (raw), or a word up to space, ';' or '}'. */
    String readIncludePath() {
        int c = peek();
        if (c == '"' || c == '\'') {
            ConfPosition start = here();
            next();
            int from = index;
            while (peek() != c) {
                if (next() == EOF) {
                    throw new ConfigException(start, "unterminated quoted include file name");
                }
            }
            String s = text.substring(from, index);
            next();
            return s;
        }
        if (c == '[' || c == '{' || c == '(' || c == '\\' || c == '-' || (c >= '0' && c <= '9')
                || isNewline(c) || c == EOF) {
            throw error("expected the name of a file to include, found " + describe(c));
        }
        int from = index;
        while (!(peek() == EOF || isSpace(peek()) || peek() == ';' || peek() == '}' || peek() == '\'')) {
            next();
        }
        return text.substring(from, index);
    }

    /**
     * Builds a string from characters and {@code \xHH} bytes: runs of bytes are decoded as UTF-8, as
     * Go does when such a string is used as text.
     */
    private static final class Unescaper {
        private final StringBuilder chars = new StringBuilder();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void append(char c) {
            flushBytes();
            chars.append(c);
        }

        void appendByte(int b) {
            bytes.write(b);
        }

        String finish() {
            flushBytes();
            return chars.toString();
        }

        private void flushBytes() {
            if (bytes.size() > 0) {
                chars.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
                bytes.reset();
            }
        }
    }
}
