package io.halyard.cli.format;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON for {@code --json}: indented with two spaces, object keys in the order they were built, or sorted
 * when they come from a parsed server reply (jnats' parser does not keep the order). Values are jnats'
 * {@link JsonValue}s, so a server's reply (an API response's {@code getJv()}) prints as the server sent it.
 */
public final class Json {

    private Json() {
    }

    /** The value, indented, without a trailing new line. */
    public static String pretty(JsonValue value) {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.toString();
    }

    /** An API response as the server sent it, less the {@code type} field jnats' wrapper keeps. */
    public static JsonValue reply(JsonValue response) {
        if (response == null || response.map == null || !response.map.containsKey("type")) {
            return response;
        }
        Map<String, JsonValue> copy = new TreeMap<>(response.map);
        copy.remove("type");
        return new JsonValue(copy);
    }

    public static JsonValue parse(String json) {
        return JsonParser.parseUnchecked(json);
    }

    /** Converts plain Java values: strings, numbers, booleans, times, durations (as nanoseconds), lists, maps. */
    public static JsonValue of(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof JsonValue v) {
            return v;
        }
        if (value instanceof String s) {
            return new JsonValue(s);
        }
        if (value instanceof Boolean b) {
            return new JsonValue(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return new JsonValue(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return new JsonValue(n.doubleValue());
        }
        if (value instanceof ZonedDateTime t) {
            return new JsonValue(DateTimeFormatter.ISO_INSTANT.format(t));
        }
        if (value instanceof Duration d) {
            return new JsonValue(d.toNanos());
        }
        if (value instanceof Collection<?> c) {
            List<JsonValue> list = new ArrayList<>();
            c.forEach(item -> list.add(of(item)));
            return new JsonValue(list);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, JsonValue> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), of(v)));
            return new JsonValue(map);
        }
        return new JsonValue(value.toString());
    }

    /** Starts an object whose keys keep their order. */
    public static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    /** Builds a JSON object key by key; {@code null} values are left out. */
    public static final class ObjectBuilder {
        private final Map<String, JsonValue> map = new LinkedHashMap<>();

        public ObjectBuilder put(String key, Object value) {
            if (value != null) {
                map.put(key, of(value));
            }
            return this;
        }

        public JsonValue build() {
            return new JsonValue(map);
        }
    }

    private static void write(StringBuilder out, JsonValue v, String indent) {
        if (v == null) {
            out.append("null");
            return;
        }
        switch (v.type) {
            case MAP -> {
                if (v.map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                Map<String, JsonValue> ordered = v.map instanceof LinkedHashMap ? v.map : new TreeMap<>(v.map);
                String inner = indent + "  ";
                out.append("{\n");
                int i = 0;
                for (Map.Entry<String, JsonValue> e : ordered.entrySet()) {
                    out.append(inner).append(new JsonValue(e.getKey()).toJson()).append(": ");
                    write(out, e.getValue(), inner);
                    out.append(++i < ordered.size() ? ",\n" : "\n");
                }
                out.append(indent).append('}');
            }
            case ARRAY -> {
                if (v.array.isEmpty()) {
                    out.append("[]");
                    return;
                }
                String inner = indent + "  ";
                out.append("[\n");
                for (int i = 0; i < v.array.size(); i++) {
                    out.append(inner);
                    write(out, v.array.get(i), inner);
                    out.append(i + 1 < v.array.size() ? ",\n" : "\n");
                }
                out.append(indent).append(']');
            }
            default -> out.append(v.toJson());
        }
    }
}
