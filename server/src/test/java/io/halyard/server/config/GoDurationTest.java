package io.halyard.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({"0,0", "-0,0", "+0,0", "1ns,1", "1us,1000", "1µs,1000", "1μs,1000", "1ms,1000000",
            "500ms,500000000", "10s,10000000000", "2m,120000000000", "1h,3600000000000",
            "1.5h,5400000000000", "2h45m,9900000000000", "1h2m3s4ms5us6ns,3723004005006", ".5s,500000000",
            "1.s,1000000000", "-1.5s,-1500000000", "+3s,3000000000", "1.0000000009s,1000000000"})
    void shouldParseLikeGo(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    @Test
    void shouldReportGoErrors() {
        assertEquals("time: invalid duration \"abc\"",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("abc")).getMessage());
        assertEquals("time: invalid duration \"\"",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("")).getMessage());
        assertEquals("time: invalid duration \".s\"",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(".s")).getMessage());
        assertEquals("time: missing unit in duration \"10\"",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("10")).getMessage());
        assertEquals("time: unknown unit \"d\" in duration \"1d\"",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1d")).getMessage());
        assertEquals("time: invalid duration \"9999999999h\"",
                assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("9999999999h")).getMessage());
    }
}
