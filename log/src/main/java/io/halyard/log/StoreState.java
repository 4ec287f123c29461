package io.halyard.log;

/**
 * A snapshot of a store. When the store is empty, {@code firstSequence} is {@code lastSequence + 1}
 * (JetStream's convention) and both timestamps are 0. {@code deleted} counts sequences between first
 * and last that hold no message (deleted, purged by subject, or lost); {@code lostMessages} counts
 * sequences whose records failed their checksum and were never served.
 */
public record StoreState(long messages, long bytes, long firstSequence, long firstTimestampNanos,
                         long lastSequence, long lastTimestampNanos, long subjects, long deleted,
                         long lostMessages) {
}
