package io.halyard.server.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Durations written the way Go's {@code time.ParseDuration} reads them, which is how nats-server reads
 * every duration option: a sequence of decimal numbers, each with an optional fraction and a unit,
 * such as {@code "300ms"}, {@code "1.5h"} or {@code "2h45m"}, with an optional sign. Units are
 * {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m} and {@code h}. A bare
 * {@code "0"} is the only number allowed without a unit.
 *
 * <p>Thread-safe: static methods without state.
 */
public final class GoDuration {

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L, // micro sign
            "\u03bcs", 1_000L, // Greek small letter mu
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private GoDuration() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with Go's wording ({@code time: invalid duration "x"},
     *                                  {@code time: missing unit in duration "x"},
     *                                  {@code time: unknown unit "u" in duration "x"})
     */
    public static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigInteger total = BigInteger.ZERO;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            boolean hasInteger = i > numberStart;
            boolean hasFraction = false;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                }
                hasFraction = i > fractionStart;
            }
            if (!hasInteger && !hasFraction) {
                throw invalid(text);
            }
            BigDecimal number = new BigDecimal(normalise(s.substring(numberStart, i)));
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                i++;
            }
            if (unitStart == i) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
            }
            String unit = s.substring(unitStart, i);
            Long nanos = UNIT_NANOS.get(unit);
            if (nanos == null) {
                throw new IllegalArgumentException(
                        "time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
            }
            total = total.add(number.multiply(BigDecimal.valueOf(nanos)).setScale(0, RoundingMode.DOWN)
                    .toBigIntegerExact());
        }
        if (negative) {
            total = total.negate();
        }
        if (total.compareTo(MIN) < 0 || total.compareTo(MAX) > 0) {
            throw invalid(text);
        }
        return Duration.ofNanos(total.longValueExact());
    }

    private static String normalise(String number) {
        // BigDecimal wants digits on both sides of the point; Go accepts "1." and ".5".
        String n = number.startsWith(".") ? "0" + number : number;
        return n.endsWith(".") ? n + "0" : n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
