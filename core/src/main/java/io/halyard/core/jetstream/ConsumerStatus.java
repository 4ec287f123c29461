package io.halyard.core.jetstream;

import java.nio.charset.StandardCharsets;

/**
 * The status messages a consumer sends, with nats-server's exact status lines and headers
 * (clients match them): pull request ends (404, 408, 409 …), idle heartbeats and flow control.
 *
 * <p>Stateless; thread-safe.
 */
final class ConsumerStatus {
    static final String PENDING_MESSAGES = "Nats-Pending-Messages";
    static final String PENDING_BYTES = "Nats-Pending-Bytes";
    static final String LAST_CONSUMER = "Nats-Last-Consumer";
    static final String LAST_STREAM = "Nats-Last-Stream";
    static final String STALLED = "Nats-Consumer-Stalled";

    static final byte[] NO_MESSAGES = bytes("NATS/1.0 404 No Messages\r\n\r\n");
    static final byte[] CONSUMER_DELETED = bytes("NATS/1.0 409 Consumer Deleted\r\n\r\n");
    static final byte[] PUSH_BASED = bytes("NATS/1.0 409 Consumer is push based\r\n\r\n");
    static final byte[] EXCEEDED_MAX_WAITING = bytes("NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n");
    static final byte[] FLOW_CONTROL_REQUEST = bytes("NATS/1.0 100 FlowControl Request\r\n\r\n");
    static final byte[] EMPTY = new byte[0];

    private ConsumerStatus() {
    }

    static byte[] requestTimeout(int messages, long bytes) {
        return withPending("408 Request Timeout", messages, bytes);
    }

    static byte[] maxBytesExceeded(int messages, long bytes) {
        return withPending("409 Message Size Exceeds MaxBytes", messages, bytes);
    }

    /** A request refused for what it asked (400 Bad Request - …), as nats-server words it. */
    static byte[] badRequest(String why) {
        return bytes("NATS/1.0 400 Bad Request - " + why + "\r\n\r\n");
    }

    /** A pinned request whose pin id is not the current one, when the request arrives. */
    static final byte[] PIN_ID_MISMATCH = bytes("NATS/1.0 423 Nats-Pin-Id mismatch\r\n\r\n");

    /** A waiting pinned request left behind by a new pin. */
    static byte[] wrongPinId(int messages, long bytes) {
        return withPending("423 Nats-Wrong-Pin-Id", messages, bytes);
    }

    static byte[] exceeded(String what) {
        return bytes("NATS/1.0 409 Exceeded " + what + "\r\n\r\n");
    }

    static byte[] idleHeartbeat(long lastConsumerSeq, long lastStreamSeq, String stalledReply) {
        StringBuilder b = new StringBuilder(96).append("NATS/1.0 100 Idle Heartbeat\r\n")
                .append(LAST_CONSUMER).append(": ").append(lastConsumerSeq).append("\r\n")
                .append(LAST_STREAM).append(": ").append(lastStreamSeq).append("\r\n");
        if (stalledReply != null) {
            b.append(STALLED).append(": ").append(stalledReply).append("\r\n");
        }
        return bytes(b.append("\r\n").toString());
    }

    private static byte[] withPending(String status, int messages, long bytes) {
        return bytes("NATS/1.0 " + status + "\r\n" + PENDING_MESSAGES + ": " + messages + "\r\n"
                + PENDING_BYTES + ": " + bytes + "\r\n\r\n");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
