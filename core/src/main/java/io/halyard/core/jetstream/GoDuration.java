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

    /**
     * Parses any Go duration as {@code time.ParseDuration} accepts it — an optional sign, then one or
     * more decimal numbers each with a unit ({@code 1h30m}, {@code 15m0s}, {@code 1.5s}, {@code -2m});
     * a bare {@code 0} is zero. Returns {@link Long#MIN_VALUE} when malformed.
     */
    static long parseStrict(String text) {
        if (text.isEmpty()) {
            return Long.MIN_VALUE;
        }
        int i = 0;
        boolean negative = false;
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            negative = text.charAt(0) == '-';
            i++;
        }
        if (text.substring(i).equals("0")) {
            return 0;
        }
        if (i == text.length()) {
            return Long.MIN_VALUE;
        }
        double total = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            if (i == start) {
                return Long.MIN_VALUE;
            }
            double value;
            try {
                value = Double.parseDouble(text.substring(start, i));
            } catch (NumberFormatException e) {
                return Long.MIN_VALUE;
            }
            int unitStart = i;
            while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
                i++;
            }
            long unit = switch (text.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 0L;
            };
            if (unit == 0) {
                return Long.MIN_VALUE;
            }
            total += value * unit;
        }
        if (total > Long.MAX_VALUE) {
            return Long.MIN_VALUE;
        }
        return negative ? -(long) total : (long) total;
    }

    /** Parses a Go duration ({@code 500ms}, {@code 2s}, {@code 1.5m}, {@code 1h30m}); 0 if malformed. */
    static long parse(String text) {
        long nanos = parseStrict(text);
        return nanos == Long.MIN_VALUE ? 0 : nanos;
    }
}
