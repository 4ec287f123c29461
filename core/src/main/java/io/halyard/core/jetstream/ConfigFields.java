package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed reads of a stream or consumer configuration's JSON fields, with nats-server's errors for a
 * field of the wrong type ("json: cannot unmarshal into Go struct field StreamConfig.x of type
 * string", err 10025). An absent or null field reads as its zero value.
 *
 * <p>Stateless and thread-safe.
 */
final class ConfigFields {
    private ConfigFields() {
    }

    static ApiException typeError(String struct, String field, String type) {
        return new ApiException(ApiErrors.invalidJson("json: cannot unmarshal into Go struct field " + struct + "."
                + field + " of type " + type));
    }

    static String text(ObjectNode json, String struct, String field, String absent) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isTextual()) {
            throw typeError(struct, field, "string");
        }
        return v.textValue();
    }

    static long number(ObjectNode json, String struct, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw typeError(struct, field, "int64");
        }
        return v.longValue();
    }

    static boolean bool(ObjectNode json, String struct, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw typeError(struct, field, "bool");
        }
        return v.booleanValue();
    }

    /** An enum field: absent gives {@code absent}; otherwise the value must be one of {@code allowed} (any case). */
    static String oneOf(ObjectNode json, String struct, String field, String absent, String... allowed) {
        String value = text(json, struct, field, null);
        if (value == null) {
            return absent;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw new ApiException(ApiErrors.invalidJson("can not unmarshal \"" + value + "\""));
    }
}
