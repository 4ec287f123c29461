package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * One waiting pull request ({@code CONSUMER.MSG.NEXT}, ADR-13): where to send, how many messages and
 * bytes are still wanted, when it expires, and its heartbeat.
 *
 * <p>Not thread-safe: confined to the JetStream thread.
 */
final class PullRequest {
    final String reply;
    final boolean noWait;
    final long expiresNanos;
    final long heartbeatNanos;
    final long maxBytes;
    int remaining;
    long remainingBytes;
    int delivered;
    long deadlineNanos;
    long lastSentNanos;
    /** ADR-42 priority group fields; {@link #pinId} is set when the request is given the pin. */
    String group = "";
    long minPending;
    long minAckPending;
    String pinId = "";
    int priority;

    PullRequest(String reply, int batch, boolean noWait, long expiresNanos, long maxBytes, long heartbeatNanos) {
        this.reply = reply;
        this.remaining = batch;
        this.noWait = noWait;
        this.expiresNanos = expiresNanos;
        this.maxBytes = maxBytes;
        this.remainingBytes = maxBytes;
        this.heartbeatNanos = heartbeatNanos;
    }

    /**
     * Parses a request body: empty is a batch of one, a bare number is the batch, otherwise nats-server's
     * {@code JSApiConsumerGetNextRequest} JSON ({@code batch}, {@code expires}, {@code no_wait},
     * {@code max_bytes}, {@code idle_heartbeat}).
     */
    static PullRequest parse(String reply, byte[] body, long nowNanos) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).trim();
        PullRequest r;
        if (text.isEmpty()) {
            r = new PullRequest(reply, 1, false, 0, 0, 0);
        } else if (Character.isDigit(text.charAt(0))) {
            int batch;
            try {
                batch = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                batch = 1;
            }
            r = new PullRequest(reply, Math.max(batch, 1), false, 0, 0, 0);
        } else {
            ObjectNode j = ApiJson.parseObject(body);
            int batch = (int) Math.min(Integer.MAX_VALUE, j.path("batch").asLong(1));
            r = new PullRequest(reply, Math.max(batch, 1), j.path("no_wait").asBoolean(false),
                    Math.max(0, j.path("expires").asLong(0)), Math.max(0, j.path("max_bytes").asLong(0)),
                    Math.max(0, j.path("idle_heartbeat").asLong(0)));
            r.group = j.path("group").asText("");
            r.minPending = j.path("min_pending").asLong(0);
            r.minAckPending = j.path("min_ack_pending").asLong(0);
            r.pinId = j.path("id").asText("");
            r.priority = j.path("priority").asInt(0);
        }
        r.deadlineNanos = r.expiresNanos > 0 ? nowNanos + r.expiresNanos : Long.MAX_VALUE;
        r.lastSentNanos = nowNanos;
        return r;
    }

    boolean expired(long nowNanos) {
        return nowNanos >= deadlineNanos;
    }
}
