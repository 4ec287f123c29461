package io.halyard.core.jetstream;

/**
 * Go's {@code time.Duration.String()} for the durations nats-server writes into texts
 * ({@code 1.5s}, {@code 500ms}, {@code 1m0s}, {@code 1h0m0s}). Stateless; thread-safe.
 */
final class GoDuration {
    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        if (nanos < 0) {
            b.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000L) {
            return b.append(nanos).append("ns").toString();
        }
        if (nanos < 1_000_000L) {
            return b.append(fraction(nanos, 1_000L)).append("µs").toString();
        }
        if (nanos < 1_000_000_000L) {
            return b.append(fraction(nanos, 1_000_000L)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        long rest = nanos % 60_000_000_000L;
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        return b.append(fraction(rest, 1_000_000_000L)).append('s').toString();
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long part = value % unit;
        if (part == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + (Long.toString(unit).length() - 1) + "d", part).replaceAll("0+$", "");
        return whole + "." + digits;
    }

    /** Parses a simple Go duration ({@code 500ms}, {@code 2s}, {@code 1.5m}, {@code 1h}); 0 if malformed. */
    static long parse(String text) {
        int i = 0;
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return 0;
        }
        double value;
        try {
            value = Double.parseDouble(text.substring(0, i));
        } catch (NumberFormatException e) {
            return 0;
        }
        long unit = switch (text.substring(i)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 0L;
        };
        return (long) (value * unit);
    }
}
