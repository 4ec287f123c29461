package io.halyard.log;

/**
 * One message read from a store. {@code headers} is empty (never null) when the message has none.
 * The arrays belong to the caller.
 */
public record StoredMessage(long sequence, long timestampNanos, String subject, byte[] headers, byte[] payload) {
    /** The size JetStream accounts for a message: subject, headers, payload and 16 bytes. */
    public long accountedBytes() {
        return StoreLimits.accountedBytes(subject.length(), headers.length, payload.length);
    }
}
