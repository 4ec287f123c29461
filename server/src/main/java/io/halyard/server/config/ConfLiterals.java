package io.halyard.server.config;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an unquoted word means: an integer (with an optional size suffix), a float, a boolean, a Zulu
 * date-time, or else a string. {@code $VARIABLES} are the {@link ConfParser}'s business.
 *
 * <p>Facts from nats-server's {@code conf/lex.go} and {@code conf/parse.go}:
 * <ul>
 *   <li>Booleans are {@code true/false/yes/no/on/off}, any case.</li>
 *   <li>Size suffixes, any case: a bare letter is decimal ({@code k}=10³, {@code m}=10⁶,
 *       {@code g}=10⁹, {@code t}, {@code p}, {@code e}); the letter followed by {@code b}, {@code i}
 *       or {@code ib} is binary ({@code kb}={@code ki}={@code kib}=2¹⁰, {@code mb}=2²⁰, …). So
 *       {@code 1MB} is 1048576 and {@code 1K} is 1000.</li>
 *   <li>A consequence: an unquoted {@code 2m} is the integer 2000000, not two minutes, while
 *       {@code 10s}, {@code 1h} and {@code 500ms} stay strings. Durations should be quoted.</li>
 *   <li>Something that starts with a digit but is not a number ({@code 127.0.0.1:4222},
 *       {@code 3xyz}) is a string.</li>
 * </ul>
 * Halyard is a little more forgiving than nats-server where nats-server fails for no good reason:
 * {@code ]} ends a number (nats-server reads the last element of {@code [1, 2]} as the string
 * {@code "2"}), and an unknown suffix such as {@code 1kbb} is an error instead of a silently
 * dropped key.
 *
 * <p>Thread-safe: static methods without state.
 */
final class ConfLiterals {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern SIZED = Pattern.compile("(-?\\d+)([kKmMgGtTpPeE][bBiI]*)");
    private static final Pattern FLOAT = Pattern.compile("-?\\d+\\.\\d+");
    private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");

    private static final Map<String, Long> MULTIPLIERS = Map.ofEntries(
            Map.entry("k", 1_000L), Map.entry("kb", 1L << 10), Map.entry("ki", 1L << 10),
            Map.entry("kib", 1L << 10),
            Map.entry("m", 1_000_000L), Map.entry("mb", 1L << 20), Map.entry("mi", 1L << 20),
            Map.entry("mib", 1L << 20),
            Map.entry("g", 1_000_000_000L), Map.entry("gb", 1L << 30), Map.entry("gi", 1L << 30),
            Map.entry("gib", 1L << 30),
            Map.entry("t", 1_000_000_000_000L), Map.entry("tb", 1L << 40), Map.entry("ti", 1L << 40),
            Map.entry("tib", 1L << 40),
            Map.entry("p", 1_000_000_000_000_000L), Map.entry("pb", 1L << 50), Map.entry("pi", 1L << 50),
            Map.entry("pib", 1L << 50),
            Map.entry("e", 1_000_000_000_000_000_000L), Map.entry("eb", 1L << 60),
            Map.entry("ei", 1L << 60), Map.entry("eib", 1L << 60));

    private ConfLiterals() {
    }

    /** The value of an unquoted word that is not a variable reference. */
    static ConfValue of(ConfScanner.Word word, ConfPosition at) {
        String s = word.text();
        if (word.escaped() || s.isEmpty()) {
            return ConfValue.string(s, at);
        }
        char first = s.charAt(0);
        if ((first >= '0' && first <= '9') || (first == '-' && s.length() > 1)) {
            return number(s, at);
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return ConfValue.bool(true, at);
            case "false":
            case "no":
            case "off":
                return ConfValue.bool(false, at);
            default:
                return ConfValue.string(s, at);
        }
    }

    private static ConfValue number(String s, ConfPosition at) {
        if (INTEGER.matcher(s).matches()) {
            return ConfValue.integer(parseLong(s, s, at), at);
        }
        Matcher sized = SIZED.matcher(s);
        if (sized.matches()) {
            return ConfValue.integer(sized(sized, s, at), at);
        }
        if (FLOAT.matcher(s).matches()) {
            return ConfValue.floating(Double.parseDouble(s), at);
        }
        if (DATE_TIME.matcher(s).matches()) {
            try {
                return ConfValue.dateTime(Instant.parse(s), at);
            } catch (DateTimeParseException e) {
                throw new ConfigException(at, "invalid date-time '" + s + "'");
            }
        }
        return ConfValue.string(s, at);
    }

    private static long sized(Matcher m, String s, ConfPosition at) {
        long n = parseLong(m.group(1), s, at);
        Long multiplier = MULTIPLIERS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (multiplier == null) {
            throw new ConfigException(at, "invalid size suffix '" + m.group(2) + "' in '" + s
                    + "'; use k, kb, ki, kib, m, mb, mi, mib, g, gb, … (k = 1000, kb = ki = kib = 1024)");
        }
        try {
            return Math.multiplyExact(n, multiplier);
        } catch (ArithmeticException e) {
            throw new ConfigException(at, "integer '" + s + "' is out of range");
        }
    }

    private static long parseLong(String digits, String whole, ConfPosition at) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new ConfigException(at, "integer '" + whole + "' is out of range");
        }
    }
}
