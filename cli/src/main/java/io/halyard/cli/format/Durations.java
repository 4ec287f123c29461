package io.halyard.cli.format;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as the NATS CLI's flags take them: Go's notation ({@code 1h30m}, {@code 500ms}, {@code 2.5s},
 * units {@code ns us µs ms s m h}) plus {@code d} (24 h), {@code w} (7 d) and {@code y} (365 d); a bare
 * number is seconds. And the reverse, compact and exact for people: {@code 1h30m}, {@code 250ms}.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d|w|y)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text when it is not a duration */
    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(s) * 1e9));
        }
        Matcher m = PART.matcher(s);
        long nanos = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            nanos += Math.round(Double.parseDouble(m.group(1)) * unitNanos(m.group(2)));
            at = m.end();
        }
        if (at != s.length() || s.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30s, 1h30m, 500ms, 7d)");
        }
        return Duration.ofNanos(nanos);
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs", "μs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86_400e9;
            case "w" -> 7 * 86_400e9;
            default -> 365 * 86_400e9; // y
        };
    }

    /** {@code 1d2h3m4s}, {@code 1.5s}, {@code 250ms}, {@code 0s}: the largest units, zero parts left out. */
    public static String format(Duration d) {
        if (d == null) {
            return "-";
        }
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        nanos = Math.abs(nanos);
        if (nanos < 1_000_000_000L) {
            if (nanos % 1_000_000 == 0) {
                return sign + nanos / 1_000_000 + "ms";
            }
            if (nanos >= 1_000_000) {
                return sign + String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
            }
            if (nanos < 1000) {
                return sign + nanos + "ns";
            }
            return sign + (nanos % 1000 == 0 ? nanos / 1000 + "µs" : String.format(Locale.ROOT, "%.1fµs", nanos / 1e3));
        }
        long seconds = nanos / 1_000_000_000L;
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        long fraction = nanos % 1_000_000_000L;
        StringBuilder out = new StringBuilder(sign);
        if (days > 0) {
            out.append(days).append('d');
        }
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds < 60 && fraction > 0) {
            String digits = String.format(Locale.ROOT, "%09d", fraction).replaceAll("0+$", "");
            out.append(rest).append('.').append(digits.length() > 3 ? digits.substring(0, 3) : digits).append('s');
        } else if (rest > 0) {
            out.append(rest).append('s');
        }
        return out.toString();
    }

    /** For picocli options of type {@link Duration}. */
    public static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
