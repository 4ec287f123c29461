package io.halyard.server.monitor;

import java.time.Instant;

/**
 * A small streaming JSON writer for the monitoring endpoints: fields are appended to one
 * {@link StringBuilder}, commas placed by the writer, strings escaped as Go's encoder does for the
 * characters that must be escaped. No tree, no reflection: an endpoint's JSON costs about its size.
 *
 * <p>Not thread-safe; one per response.
 */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the current object or array already has a member (a comma comes before the next). */
    private boolean[] hasMember = new boolean[16];
    private int depth;

    JsonWriter beginObject() {
        separate();
        out.append('{');
        push();
        return this;
    }

    JsonWriter beginObject(String name) {
        key(name);
        out.append('{');
        push();
        return this;
    }

    JsonWriter endObject() {
        depth--;
        out.append('}');
        return this;
    }

    JsonWriter beginArray(String name) {
        key(name);
        out.append('[');
        push();
        return this;
    }

    JsonWriter endArray() {
        depth--;
        out.append(']');
        return this;
    }

    JsonWriter field(String name, String value) {
        key(name);
        if (value == null) {
            out.append("null");
        } else {
            quoted(value);
        }
        return this;
    }

    /** The field only when {@code value} is neither null nor empty (Go's {@code omitempty}). */
    JsonWriter fieldOmitEmpty(String name, String value) {
        return value == null || value.isEmpty() ? this : field(name, value);
    }

    JsonWriter field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    JsonWriter field(String name, double value) {
        key(name);
        out.append(Double.isFinite(value) ? Double.toString(value) : "0");
        return this;
    }

    JsonWriter field(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    /** An RFC 3339 time in UTC with nanoseconds, as Go's {@code time.Time} marshals. */
    JsonWriter time(String name, long epochNanos) {
        return field(name, Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)).toString());
    }

    /** A field whose value is already JSON text. */
    JsonWriter raw(String name, String json) {
        key(name);
        out.append(json);
        return this;
    }

    /** A string element of the current array. */
    JsonWriter value(String value) {
        separate();
        quoted(value);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void key(String name) {
        separate();
        quoted(name);
        out.append(':');
    }

    private void separate() {
        if (depth > 0) {
            if (hasMember[depth - 1]) {
                out.append(',');
            }
            hasMember[depth - 1] = true;
        }
    }

    private void push() {
        if (depth == hasMember.length) {
            hasMember = java.util.Arrays.copyOf(hasMember, depth * 2);
        }
        hasMember[depth++] = false;
    }

    private void quoted(String text) {
        out.append('"');
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                // Go escapes these for safe embedding in HTML, so tools see the same bytes.
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(c);
                default -> {
                    if (c < 0x20) {
                        unicode(c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void unicode(char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
