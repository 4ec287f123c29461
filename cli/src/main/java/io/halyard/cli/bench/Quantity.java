package io.halyard.cli.bench;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/**
 * Parses the human-friendly numbers of the command line: counts such as {@code 5M} or {@code 200k}
 * (powers of 1000) and sizes such as {@code 1KiB}, {@code 1k} or {@code 64KiB} (powers of 1024).
 */
final class Quantity {

    private Quantity() {
    }

    static long parseCount(String text) {
        return parse(text, 1000);
    }

    static long parseBytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        return parse(t, 1024);
    }

    private static long parse(String text, long base) {
        String t = text.trim().replace("_", "").toLowerCase(Locale.ROOT);
        long multiplier = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> multiplier = base;
                case 'm' -> multiplier = base * base;
                case 'g' -> multiplier = base * base * base;
                default -> multiplier = 1;
            }
        }
        String digits = multiplier == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long value = Math.multiplyExact(Long.parseLong(digits), multiplier);
            if (value < 0) {
                throw new IllegalArgumentException("must not be negative: " + text);
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a number: '" + text + "'", e);
        }
    }

    /** picocli converter for counts. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parseCount(value);
        }
    }

    /** picocli converter for byte sizes that fit an int. */
    static final class Bytes implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return Math.toIntExact(parseBytes(value));
        }
    }
}
