package io.halyard.server.config;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One value of a parsed config file, with the place it was written. The kinds are those of
 * nats-server's format: strings, 64-bit integers (size suffixes already applied), floats, booleans,
 * Zulu date-times, arrays and maps.
 *
 * <p>A value reached through a {@code $VARIABLE} is a copy carrying the position of the reference, so
 * that errors point at the line that used it; the definition it came from is marked
 * {@linkplain #isUsedAsVariable() used as a variable}, which is how nats-server (and the
 * {@link ConfigLoader}) tell a variable definition such as {@code ALICE_PASS: secret} from an unknown
 * option.
 *
 * <p>Not thread-safe while the {@link ConfParser} builds it; read-only afterwards.
 */
public final class ConfValue {

    /** What a value is. */
    public enum Kind {
        STRING("string"), INTEGER("integer"), FLOAT("float"), BOOLEAN("boolean"),
        DATETIME("date-time"), ARRAY("array"), MAP("map");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** A lower-case name for messages: "string", "integer", "map", … */
        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final Object value;
    private final ConfPosition position;
    private boolean usedAsVariable;

    private ConfValue(Kind kind, Object value, ConfPosition position) {
        this.kind = kind;
        this.value = Objects.requireNonNull(value);
        this.position = position;
    }

    static ConfValue string(String s, ConfPosition at) {
        return new ConfValue(Kind.STRING, s, at);
    }

    static ConfValue integer(long n, ConfPosition at) {
        return new ConfValue(Kind.INTEGER, n, at);
    }

    static ConfValue floating(double d, ConfPosition at) {
        return new ConfValue(Kind.FLOAT, d, at);
    }

    static ConfValue bool(boolean b, ConfPosition at) {
        return new ConfValue(Kind.BOOLEAN, b, at);
    }

    static ConfValue dateTime(Instant t, ConfPosition at) {
        return new ConfValue(Kind.DATETIME, t, at);
    }

    static ConfValue array(List<ConfValue> items, ConfPosition at) {
        return new ConfValue(Kind.ARRAY, Collections.unmodifiableList(items), at);
    }

    static ConfValue map(ConfMap map, ConfPosition at) {
        return new ConfValue(Kind.MAP, map, at);
    }

    /** The same value seen from a {@code $VARIABLE} reference at {@code at}. */
    ConfValue referencedAt(ConfPosition at) {
        return new ConfValue(kind, value, at);
    }

    void markUsedAsVariable() {
        usedAsVariable = true;
    }

    public Kind kind() {
        return kind;
    }

    /** Where the value starts (for a variable reference: where the reference is). */
    public ConfPosition position() {
        return position;
    }

    /** Whether some {@code $VARIABLE} referred to this definition. */
    public boolean isUsedAsVariable() {
        return usedAsVariable;
    }

    /**
     * The value: {@link String}, {@link Long}, {@link Double}, {@link Boolean}, {@link Instant},
     * {@code List<ConfValue>} or {@link ConfMap}.
     */
    public Object value() {
        return value;
    }

    public boolean is(Kind k) {
        return kind == k;
    }

    /** The string; only for {@link Kind#STRING}. */
    public String asString() {
        return (String) expect(Kind.STRING);
    }

    /** The integer; only for {@link Kind#INTEGER}. */
    public long asLong() {
        return (Long) expect(Kind.INTEGER);
    }

    /** The float; only for {@link Kind#FLOAT}. */
    public double asDouble() {
        return (Double) expect(Kind.FLOAT);
    }

    /** The boolean; only for {@link Kind#BOOLEAN}. */
    public boolean asBoolean() {
        return (Boolean) expect(Kind.BOOLEAN);
    }

    /** The elements; only for {@link Kind#ARRAY}. */
    @SuppressWarnings("unchecked")
    public List<ConfValue> asList() {
        return (List<ConfValue>) expect(Kind.ARRAY);
    }

    /** The map; only for {@link Kind#MAP}. */
    public ConfMap asMap() {
        return (ConfMap) expect(Kind.MAP);
    }

    private Object expect(Kind k) {
        if (kind != k) {
            throw new IllegalStateException("a " + kind.label() + " is not a " + k.label());
        }
        return value;
    }

    /**
     * The value as plain Java objects, positions dropped: maps become {@code LinkedHashMap<String,
     * Object>}, arrays {@code List<Object>}. Handy in tests and for dumping a config.
     */
    public Object toPlain() {
        switch (kind) {
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (ConfValue v : asList()) {
                    out.add(v.toPlain());
                }
                return out;
            }
            case MAP: {
                Map<String, Object> out = new LinkedHashMap<>();
                for (ConfEntry e : asMap().entries()) {
                    out.put(e.key(), e.value().toPlain());
                }
                return out;
            }
            default:
                return value;
        }
    }

    /** A short description for messages, e.g. {@code string "abc"} or {@code integer 5}. */
    public String describe() {
        switch (kind) {
            case STRING:
                return "string \"" + value + "\"";
            case ARRAY:
            case MAP:
                return kind.label();
            default:
                return kind.label() + " " + value;
        }
    }

    @Override
    public String toString() {
        return describe() + " at " + position;
    }
}
