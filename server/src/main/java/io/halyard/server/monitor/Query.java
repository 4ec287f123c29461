package io.halyard.server.monitor;

import java.util.List;
import java.util.Map;

/** Query-string values of a monitoring request, read as nats-server reads them. */
final class Query {
    private Query() {
    }

    /** A request nats-server answers with 400 and a plain-text line. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static String string(Map<String, List<String>> query, String name, String absent) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? absent : values.get(0);
    }

    /** An integer parameter; a malformed one is a 400 naming it. */
    static int integer(Map<String, List<String>> query, String name, int absent) {
        String v = string(query, name, null);
        if (v == null) {
            return absent;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("invalid " + name + ": " + v);
        }
    }

    /** A flag parameter: {@code 1}, {@code true} (any case); absent or anything else is false. */
    static boolean flag(Map<String, List<String>> query, String name) {
        return bool(string(query, name, ""));
    }

    static boolean bool(String value) {
        return value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("t");
    }
}
