package io.halyard.core.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

    @Test
    void shouldFormatTimesAsGoRfc3339NanoWithoutTrailingZeros() {
        assertEquals("0001-01-01T00:00:00Z", ApiJson.time(0));
        assertEquals("2026-01-02T03:04:05.00000012Z", ApiJson.time(1767323045_000000120L));
        assertEquals("2026-01-02T03:04:05Z", ApiJson.time(1767323045_000000000L));
        assertEquals("2026-01-02T03:04:05.5Z", ApiJson.time(1767323045_500000000L));
        assertEquals("1970-01-01T00:00:00.000000001Z", ApiJson.time(1));
        assertEquals("1969-12-31T23:59:59.999999999Z", ApiJson.time(-1));
        assertEquals("2024-02-29T23:59:59.123456789Z", ApiJson.time(1709251199_123456789L));
    }

    @Test
    void shouldFormatEveryTimeAsTheInstantBasedFormatDoes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            // Every long of epoch nanoseconds is a year from 1677 to 2262.
            long nanos = random.nextLong(Long.MIN_VALUE / 1_000, Long.MAX_VALUE / 1_000) * 1_000;
            nanos += random.nextInt(4) == 0 ? 0 : random.nextInt(1_000);
            if (nanos == 0) {
                continue;
            }
            assertEquals(ApiJson.timeSlowly(nanos), ApiJson.time(nanos), "epoch nanos " + nanos);
        }
    }
}
