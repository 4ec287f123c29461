package io.halyard.cli.format;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Times for people, in UTC to the second ({@code 2026-05-04 18:53:41 UTC}), or as an age
 * ({@code 3m20s ago}). JetStream's "never" — Go's zero time, year 1 — prints as {@code never}.
 */
public final class Times {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private Times() {
    }

    public static boolean never(ZonedDateTime t) {
        return t == null || t.getYear() <= 1;
    }

    public static String format(ZonedDateTime t) {
        return never(t) ? "never" : UTC.format(t.withZoneSameInstant(ZoneOffset.UTC));
    }

    /** {@code 3m20s ago}, to the second, relative to {@code now}. */
    public static String ago(ZonedDateTime t, ZonedDateTime now) {
        if (never(t)) {
            return "never";
        }
        Duration age = Duration.between(t, now).truncatedTo(ChronoUnit.SECONDS);
        return age.isNegative() || age.isZero() ? "now" : Durations.format(age) + " ago";
    }

    public static String ago(ZonedDateTime t) {
        return ago(t, ZonedDateTime.now(ZoneOffset.UTC));
    }
}
