package io.halyard.core.jetstream;

import java.nio.charset.StandardCharsets;

/**
 * Reads and writes NATS header blocks (ADR-4): a {@code NATS/1.0} status line (optionally with a
 * status code and text), then {@code Name: value} lines, each ended by CRLF, then an empty line.
 *
 * <p>Lookups match the name exactly, as nats-server does for its {@code Nats-*} headers, and return
 * the first value with surrounding white space removed. A malformed block (no {@code NATS/1.0}
 * prefix, a line without a colon) is read as far as it makes sense: unparsable lines are skipped,
 * never an exception. Lookups allocate only the returned value.
 *
 * <p>Stateless; thread-safe.
 */
public final class NatsHeaders {
    private static final byte[] PREFIX = "NATS/1.0".getBytes(StandardCharsets.US_ASCII);

    private NatsHeaders() {
    }

    /** The first value of header {@code name} in {@code block} (may be null or empty), or null. */
    public static String get(byte[] block, String name) {
        return block == null ? null : get(block, 0, block.length, name);
    }

    /** The first value of header {@code name} within {@code block[offset, offset+length)}, or null. */
    public static String get(byte[] block, int offset, int length, String name) {
        int end = offset + length;
        if (length < PREFIX.length || !startsWith(block, offset, PREFIX)) {
            return null;
        }
        int line = nextLine(block, offset, end);
        int nameLength = name.length();
        while (line < end) {
            int lineEnd = lineEnd(block, line, end);
            if (lineEnd == line) {
                return null; // the empty line ends the block
            }
            if (lineEnd - line > nameLength && block[line + nameLength] == ':' && nameMatches(block, line, name)) {
                int from = line + nameLength + 1;
                int to = lineEnd;
                while (from < to && (block[from] == ' ' || block[from] == '\t')) {
                    from++;
                }
                while (to > from && (block[to - 1] == ' ' || block[to - 1] == '\t')) {
                    to--;
                }
                return new String(block, from, to - from, StandardCharsets.UTF_8);
            }
            line = nextLine(block, line, end);
        }
        return null;
    }

    /** The status code of the first line ({@code NATS/1.0 503} → 503), or 0 when there is none. */
    public static int status(byte[] block) {
        if (block == null || block.length < PREFIX.length + 4 || !startsWith(block, 0, PREFIX) || block[PREFIX.length] != ' ') {
            return 0;
        }
        int code = 0;
        for (int i = PREFIX.length + 1; i < PREFIX.length + 4; i++) {
            byte b = block[i];
            if (b < '0' || b > '9') {
                return 0;
            }
            code = code * 10 + (b - '0');
        }
        return code;
    }

    /** A header block {@code NATS/1.0} with the given name/value pairs. */
    public static byte[] of(String... namesAndValues) {
        return withStatus(null, namesAndValues);
    }

    /** A header block whose first line is {@code NATS/1.0 <status>} ({@code status} e.g. "404 Message Not Found"). */
    public static byte[] withStatus(String status, String... namesAndValues) {
        StringBuilder sb = new StringBuilder(64).append("NATS/1.0");
        if (status != null) {
            sb.append(' ').append(status);
        }
        sb.append("\r\n");
        appendPairs(sb, namesAndValues);
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code block} (a complete header block, or null/empty for none) with the pairs added at its end,
     * as nats-server's {@code genHeader} adds them.
     */
    public static byte[] append(byte[] block, String... namesAndValues) {
        if (block == null || block.length < PREFIX.length + 4 || !startsWith(block, 0, PREFIX)) {
            return of(namesAndValues);
        }
        int body = block.length;
        // Drop the final empty line ("\r\n" after the last header's "\r\n").
        if (body >= 4 && block[body - 1] == '\n' && block[body - 2] == '\r' && block[body - 3] == '\n' && block[body - 4] == '\r') {
            body -= 2;
        }
        StringBuilder sb = new StringBuilder(64);
        appendPairs(sb, namesAndValues);
        byte[] extra = sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body + extra.length];
        System.arraycopy(block, 0, out, 0, body);
        System.arraycopy(extra, 0, out, body, extra.length);
        return out;
    }

    /**
     * {@code block} without the header lines whose name {@code drop} accepts (names as written); the
     * status line and every other line are kept byte for byte. Returns {@code block} itself when
     * nothing is dropped, null for null.
     */
    public static byte[] without(byte[] block, java.util.function.Predicate<String> drop) {
        if (block == null || block.length < PREFIX.length || !startsWith(block, 0, PREFIX)) {
            return block;
        }
        int end = block.length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(end);
        int first = nextLine(block, 0, end);
        out.write(block, 0, first);
        boolean dropped = false;
        for (int at = first; at < end; ) {
            int next = nextLine(block, at, end);
            int lineEnd = lineEnd(block, at, end);
            int colon = at;
            while (colon < lineEnd && block[colon] != ':') {
                colon++;
            }
            if (colon < lineEnd && drop.test(new String(block, at, colon - at, StandardCharsets.UTF_8).trim())) {
                dropped = true;
            } else {
                out.write(block, at, next - at);
            }
            at = next;
        }
        return dropped ? out.toByteArray() : block;
    }

    private static void appendPairs(StringBuilder sb, String[] namesAndValues) {
        if ((namesAndValues.length & 1) != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            sb.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        }
    }

    private static boolean startsWith(byte[] block, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (block[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean nameMatches(byte[] block, int at, String name) {
        for (int i = 0, n = name.length(); i < n; i++) {
            if (block[at + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Index of the CR (or LF, or end) that ends the line starting at {@code from}. */
    private static int lineEnd(byte[] block, int from, int end) {
        int i = from;
        while (i < end && block[i] != '\r' && block[i] != '\n') {
            i++;
        }
        return i;
    }

    /** Start of the line after the one starting at {@code from}. */
    private static int nextLine(byte[] block, int from, int end) {
        int i = lineEnd(block, from, end);
        if (i < end && block[i] == '\r') {
            i++;
        }
        if (i < end && block[i] == '\n') {
            i++;
        }
        return i;
    }
}
