package io.halyard.cli.bench;

import java.util.concurrent.TimeUnit;

/**
 * Limits and buffer sizes shared by every scenario of a bench run.
 *
 * @param maxMessages      messages (or requests) per scenario at most
 * @param maxNanos         time the load phase of a scenario may take at most
 * @param idleTimeoutNanos how long subscribers may go without receiving anything before the rest
 *                         counts as lost
 * @param batchBytes       size of one publisher write
 * @param readBufferBytes  size of one subscriber read
 */
record BenchSettings(long maxMessages, long maxNanos, long idleTimeoutNanos, int batchBytes, int readBufferBytes) {

    static final int DEFAULT_BATCH_BYTES = 64 * 1024;
    static final int DEFAULT_READ_BUFFER_BYTES = 256 * 1024;
    /** Setup (connects, subscriptions) and teardown get this much on top of the load phase. */
    static final long SETUP_ALLOWANCE_NANOS = TimeUnit.SECONDS.toNanos(10);

    BenchSettings {
        if (maxMessages <= 0 || maxNanos <= 0 || idleTimeoutNanos <= 0) {
            throw new IllegalArgumentException("message count, duration and idle timeout must be positive");
        }
    }

    static BenchSettings of(long maxMessages, double maxSeconds) {
        return new BenchSettings(maxMessages, (long) (maxSeconds * 1e9), TimeUnit.SECONDS.toNanos(3),
                DEFAULT_BATCH_BYTES, DEFAULT_READ_BUFFER_BYTES);
    }

    BenchSettings withLimits(long messages, double seconds) {
        return new BenchSettings(messages, (long) (seconds * 1e9), idleTimeoutNanos, batchBytes, readBufferBytes);
    }

    /** The watchdog's limit for a whole scenario: nothing may outlive it. */
    long hardLimitNanos() {
        return maxNanos + idleTimeoutNanos + SETUP_ALLOWANCE_NANOS;
    }
}
