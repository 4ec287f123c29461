package io.halyard.cli.format;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Byte counts as the NATS CLI's flags take them: a number with an optional unit {@code B}, {@code K},
 * {@code KB}, {@code KiB}, {@code M}…, {@code G}…, {@code T}… — every unit a power of 1,024, as there — and
 * any negative value meaning "no limit" (-1). And the reverse for people: {@code 1.5 MiB}.
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException naming the text when it is not a size */
    public static long parse(String text) {
        String s = text.strip();
        if (s.startsWith("-")) {
            return -1;
        }
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 1024, 512KB, 1GiB, -1 for no limit)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (shift == 0 && m.group(3).toLowerCase(Locale.ROOT).startsWith("i")) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 1024, 512KB, 1GiB, -1 for no limit)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** {@code 512 B}, {@code 1.0 KiB}, {@code 3.4 GiB}; negative values are "unlimited". */
    public static String format(long bytes) {
        if (bytes < 0) {
            return "unlimited";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** For picocli options of type {@code long} holding a byte count. */
    public static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
