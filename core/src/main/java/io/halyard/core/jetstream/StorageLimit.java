package io.halyard.core.jetstream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's limit on one kind of JetStream storage ({@code max_memory_store} or
 * {@code max_file_store}) and how much of it is used, as nats-server enforces them: a stream's
 * {@code max_bytes} is reserved against the limit when it is created or updated, and publishing stops
 * with {@code 10023 insufficient resources} once the stored bytes exceed the limit.
 *
 * <p><b>Usage</b> is exact once a second (the JetStream thread sums the stores) and grows with every
 * append in between; removals are seen at the next sum. So it over-estimates between sums, never
 * under-estimates: the limit may refuse a little early, never overshoot by more than one message per
 * publisher.
 *
 * <p>Thread-safe: appends count from event loops, the sum is set on the JetStream thread.
 */
final class StorageLimit {
    /** The file store's record header, counted per message in the estimate between sums. */
    private static final int RECORD_OVERHEAD = 32;

    final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    /** @param maxBytes the limit; not positive = unlimited */
    StorageLimit(long maxBytes) {
        this.maxBytes = maxBytes > 0 ? maxBytes : Long.MAX_VALUE;
    }

    boolean exceeded() {
        return used.get() > maxBytes;
    }

    void appended(String subject, int headerBytes, int payloadBytes) {
        used.addAndGet(RECORD_OVERHEAD + subject.length() + (long) headerBytes + payloadBytes);
    }

    /** The exact total, summed from the stores. */
    void used(long bytes) {
        used.set(bytes);
    }

    long used() {
        return used.get();
    }

    /**
     * Whether a stream may reserve {@code maxBytes} (not positive: unlimited, reserving nothing but
     * still needing room) when the other streams of this storage reserve {@code reservedByOthers}.
     */
    boolean canReserve(long maxBytes, long reservedByOthers) {
        long add = maxBytes > 0 ? maxBytes : 1;
        return reservedByOthers <= this.maxBytes && add <= this.maxBytes - reservedByOthers;
    }
}
