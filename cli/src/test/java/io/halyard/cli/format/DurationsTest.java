package io.halyard.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shouldParseGoDurationsPlusDaysWeeksAndYearsAndBareSeconds() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMillis(2500), Durations.parse("2.5s"));
        assertEquals(Duration.ofNanos(1500), Durations.parse("1.5us"));
        assertEquals(Duration.ofDays(7), Durations.parse("1w"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d"));
        assertEquals(Duration.ofDays(365), Durations.parse("1y"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void shouldRefuseWhatIsNotADuration() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1parsec"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5s"));
    }

    @Test
    void shouldFormatCompactlyInTheLargestUnits() {
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("2d3h", Durations.format(Duration.ofHours(51)));
        assertEquals("45s", Durations.format(Duration.ofSeconds(45)));
        assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("1.25ms", Durations.format(Duration.ofNanos(1_250_000)));
        assertEquals("180µs", Durations.format(Duration.ofNanos(180_000)));
        assertEquals("1m5s", Durations.format(Duration.ofSeconds(65)));
    }
}
