package io.halyard.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a store is set up: where its files live (file stores), its durability mode, segment sizes,
 * limits, clock and durability listener.
 */
public record StoreOptions(Path directory, DurabilityMode durability, long syncIntervalNanos,
                           int segmentMaxBytes, long segmentMaxAgeNanos, StoreLimits limits,
                           EpochClock clock, DurabilityListener listener) {

    public static final int DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
    public static final long DEFAULT_SYNC_INTERVAL_NANOS = 2_000_000_000L;

    public StoreOptions {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        if (segmentMaxBytes < 4096) {
            throw new IllegalArgumentException("segmentMaxBytes must be at least 4096: " + segmentMaxBytes);
        }
        if (durability == DurabilityMode.INTERVAL && syncIntervalNanos <= 0) {
            throw new IllegalArgumentException("INTERVAL durability needs a positive sync interval");
        }
    }

    /** Defaults: fsync before completing, 64 MiB segments, no limits, the system clock. */
    public static StoreOptions defaults(Path directory) {
        return new StoreOptions(directory, DurabilityMode.ALWAYS, DEFAULT_SYNC_INTERVAL_NANOS,
                DEFAULT_SEGMENT_BYTES, 0, StoreLimits.NONE, EpochClock.SYSTEM, null);
    }

    public StoreOptions withDurability(DurabilityMode mode) {
        return new StoreOptions(directory, mode, syncIntervalNanos, segmentMaxBytes, segmentMaxAgeNanos, limits, clock, listener);
    }

    public StoreOptions withSyncIntervalNanos(long nanos) {
        return new StoreOptions(directory, durability, nanos, segmentMaxBytes, segmentMaxAgeNanos, limits, clock, listener);
    }

    public StoreOptions withSegmentMaxBytes(int bytes) {
        return new StoreOptions(directory, durability, syncIntervalNanos, bytes, segmentMaxAgeNanos, limits, clock, listener);
    }

    public StoreOptions withSegmentMaxAgeNanos(long nanos) {
        return new StoreOptions(directory, durability, syncIntervalNanos, segmentMaxBytes, nanos, limits, clock, listener);
    }

    public StoreOptions withLimits(StoreLimits value) {
        return new StoreOptions(directory, durability, syncIntervalNanos, segmentMaxBytes, segmentMaxAgeNanos, value, clock, listener);
    }

    public StoreOptions withClock(EpochClock value) {
        return new StoreOptions(directory, durability, syncIntervalNanos, segmentMaxBytes, segmentMaxAgeNanos, limits, value, listener);
    }

    public StoreOptions withListener(DurabilityListener value) {
        return new StoreOptions(directory, durability, syncIntervalNanos, segmentMaxBytes, segmentMaxAgeNanos, limits, clock, value);
    }
}
