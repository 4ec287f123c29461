package io.halyard.cli.kv;

import io.halyard.cli.format.Json;
import io.halyard.cli.format.Payloads;
import io.halyard.cli.format.Times;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.support.JsonValue;

/**
 * A key-value entry in output. JSON: {@code {bucket, key, revision, created, operation, value (base64),
 * text (when UTF-8)}}; for people: one heading line then the value.
 */
final class KvEntries {

    private KvEntries() {
    }

    static JsonValue json(KeyValueEntry e) {
        byte[] value = e.getValue() == null ? new byte[0] : e.getValue();
        return Json.object().put("bucket", e.getBucket()).put("key", e.getKey()).put("revision", e.getRevision())
                .put("created", e.getCreated()).put("operation", operation(e.getOperation()))
                .put("value", Payloads.base64(value)).put("text", Payloads.text(value)).build();
    }

    /** {@code PUT}, {@code DEL} or {@code PURGE}, the NATS CLI's words. */
    static String operation(KeyValueOperation op) {
        return switch (op) {
            case PUT -> "PUT";
            case DELETE -> "DEL";
            case PURGE -> "PURGE";
        };
    }

    /** {@code [2026-05-04 18:53:41 UTC] PUT profiles > alice (revision 3): value} */
    static String line(KeyValueEntry e) {
        String head = "[" + Times.format(e.getCreated()) + "] " + operation(e.getOperation()) + " " + e.getBucket()
                + " > " + e.getKey() + " (revision " + e.getRevision() + ")";
        return e.getOperation() == KeyValueOperation.PUT ? head + ": " + Payloads.display(e.getValue()) : head;
    }
}
