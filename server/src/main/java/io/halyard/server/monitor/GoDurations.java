package io.halyard.server.monitor;

/**
 * Durations as nats-server's monitoring JSON shows them: Go's {@code time.Duration.String()} for
 * round-trip times ({@code "1.364794ms"}), and nats-server's uptime form ({@code "1d2h3m4s"}) for
 * {@code uptime} and {@code idle}.
 */
final class GoDurations {
    private GoDurations() {
    }

    /** Go's {@code Duration.String()}: {@code "0s"}, {@code "850ns"}, {@code "1.5µs"}, {@code "1.364794ms"}, {@code "2h3m4.5s"}. */
    static String goString(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000L) {
            return sb.append(nanos).append("ns").toString();
        }
        if (nanos < 1_000_000L) {
            return fraction(sb, nanos, 1_000L).append("µs").toString();
        }
        if (nanos < 1_000_000_000L) {
            return fraction(sb, nanos, 1_000_000L).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long rest = nanos % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        rest %= 60_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return fraction(sb, rest, 1_000_000_000L).append('s').toString();
    }

    /** {@code value / unit} with the fraction's trailing zeros dropped. */
    private static StringBuilder fraction(StringBuilder sb, long value, long unit) {
        sb.append(value / unit);
        long frac = value % unit;
        if (frac != 0) {
            String digits = Long.toString(unit + frac).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(digits, 0, end);
        }
        return sb;
    }

    /** nats-server's uptime form: whole days, hours, minutes, seconds, leading zero units left out ({@code "0s"}, {@code "1m5s"}, {@code "2d0h0m1s"}). */
    static String uptime(long nanos) {
        long seconds = Math.max(0, nanos / 1_000_000_000L);
        long days = seconds / 86_400;
        long hours = seconds / 3_600 % 24;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        StringBuilder sb = new StringBuilder();
        if (days > 0) {
            sb.append(days).append('d').append(hours).append('h').append(minutes).append('m');
        } else if (hours > 0) {
            sb.append(hours).append('h').append(minutes).append('m');
        } else if (minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(secs).append('s').toString();
    }
}
