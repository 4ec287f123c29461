package io.halyard.log;

import java.time.Instant;

/** Wall-clock time in nanoseconds since the Unix epoch; injected so tests can move time. */
@FunctionalInterface
public interface EpochClock {
    EpochClock SYSTEM = () -> {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };

    long epochNanos();
}
