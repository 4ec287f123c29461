package io.halyard.core.jetstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * JSON as the JetStream API writes it: one shared Jackson mapper, times as RFC 3339 in UTC with
 * nanoseconds and trailing zeros trimmed (Go's {@code time.RFC3339Nano}, what nats-server emits),
 * durations as integer nanoseconds (Go's {@code time.Duration}).
 *
 * <p>Thread-safe (the mapper is configured once and only read).
 */
public final class ApiJson {
    /** Go's zero {@code time.Time}, which nats-server writes for "no time" (e.g. an empty stream's first_ts). */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * The request body as a JSON object; an empty body is an empty object.
     *
     * @throws ApiException invalid JSON (10025) when the body is not JSON or not an object
     */
    public static ObjectNode parseObject(byte[] body) {
        if (isEmpty(body)) {
            return object();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return object();
            }
            if (!node.isObject()) {
                throw new ApiException(ApiErrors.invalidJson("json: cannot unmarshal " + node.getNodeType().name().toLowerCase()
                        + " into Go value of type object"));
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new ApiException(ApiErrors.invalidJson(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new ApiException(ApiErrors.invalidJson(String.valueOf(e.getMessage())));
        }
    }

    /** Whether a request body is empty or only white space (nats-server's {@code isEmptyRequest}, minus "{}"). */
    public static boolean isEmpty(byte[] body) {
        if (body == null) {
            return true;
        }
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Whether a body is empty, white space, {@code {}} or {@code null} — what delete requests must send. */
    public static boolean isEmptyRequest(byte[] body) {
        if (isEmpty(body)) {
            return true;
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (text.equals("null")) {
            return true;
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() && node.isEmpty();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code epochNanos} as Go's RFC3339Nano in UTC (fraction without trailing zeros); 0 is Go's zero
     * time. Written digit by digit: direct get and every consumer info call this per message or request,
     * and {@code String.format} cost a fifth of a direct get.
     */
    public static String time(long epochNanos) {
        if (epochNanos == 0) {
            return ZERO_TIME;
        }
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return timeSlowly(epochNanos);
        }
        char[] out = new char[30];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, t.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, t.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, t.getHour(), 2);
        out[13] = ':';
        digits(out, 14, t.getMinute(), 2);
        out[16] = ':';
        digits(out, 17, t.getSecond(), 2);
        int end = 19;
        if (nanos != 0) {
            out[19] = '.';
            digits(out, 20, nanos, 9);
            end = 29;
            while (out[end - 1] == '0') {
                end--;
            }
        }
        out[end++] = 'Z';
        return new String(out, 0, end);
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** {@link #time} by way of {@link Instant#toString()}, for years outside 0–9999. */
    static String timeSlowly(long epochNanos) {
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
        String seconds = instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(); // ...:ssZ
        int nanos = instant.getNano();
        if (nanos == 0) {
            return seconds;
        }
        StringBuilder fraction = new StringBuilder(String.format("%09d", nanos));
        while (fraction.charAt(fraction.length() - 1) == '0') {
            fraction.setLength(fraction.length() - 1);
        }
        return seconds.substring(0, seconds.length() - 1) + '.' + fraction + 'Z';
    }

    /** Parses an RFC 3339 time (any offset) to epoch nanoseconds; throws {@link ApiException} (bad JSON) if malformed. */
    public static long parseTime(String text) {
        try {
            Instant i = OffsetDateTime.parse(text).toInstant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            throw new ApiException(ApiErrors.invalidJson("parsing time \"" + text + "\": " + e.getMessage()));
        }
    }

    /** Appends {@code text} as a JSON string (quotes and the escapes JSON requires). */
    public static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
