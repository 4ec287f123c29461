package io.halyard.core.jetstream;

/**
 * One JetStream API error as nats-server reports it: the HTTP-like {@code code}, the JetStream
 * {@code err_code} clients switch on, and the description (placeholders already filled). Built only
 * by {@link ApiErrors}, the catalog. Immutable.
 */
public record ApiError(int code, int errCode, String description) {

    /** The {@code "error"} object's JSON: {@code {"code":…,"err_code":…,"description":"…"}}. */
    public String toJson() {
        StringBuilder json = new StringBuilder(64 + description.length());
        json.append("{\"code\":").append(code).append(",\"err_code\":").append(errCode).append(",\"description\":");
        ApiJson.quote(json, description);
        return json.append('}').toString();
    }
}
