package io.halyard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One option being read by the {@link ConfigLoader}: its name (with the blocks it is in, for
 * messages), its lower-cased name for matching, and typed reads that fail with a
 * {@link ConfigException} naming the option and pointing at the value.
 *
 * <p>nats-server matches option names case-insensitively ({@code strings.ToLower} on every key of
 * every block it knows), and so does Halyard.
 *
 * <p>Not thread-safe; short-lived.
 */
final class ConfField {

    /** Seconds above which nats-server warns about an authorization or TLS timeout. */
    private static final long HIGH_TIMEOUT_SECONDS = 60;

    private final String path;
    private final String name;
    private final ConfEntry entry;

    ConfField(String section, ConfEntry entry) {
        this.entry = entry;
        this.name = entry.key().toLowerCase(Locale.ROOT);
        this.path = section.isEmpty() ? entry.key() : section + "." + entry.key();
    }

    /** The lower-cased key, for matching. */
    String name() {
        return name;
    }

    /** The key as written. */
    String key() {
        return entry.key();
    }

    /** The key with its enclosing blocks, as written: {@code authorization.timeout}. */
    String path() {
        return path;
    }

    ConfValue value() {
        return entry.value();
    }

    ConfPosition keyPosition() {
        return entry.keyPosition();
    }

    /**
     * An error about this option: {@code file:line:col: path: reason}. Like nats-server, the position
     * is the option's key (the value may come from a {@code $VARIABLE} defined far away).
     */
    ConfigException fail(String reason) {
        return new ConfigException(entry.keyPosition(), path + ": " + reason);
    }

    private ConfigException wrongType(String expected) {
        return fail("expected " + expected + ", got " + entry.value().describe());
    }

    String string() {
        if (!value().is(ConfValue.Kind.STRING)) {
            throw wrongType("a string");
        }
        return value().asString();
    }

    /** A file or directory name as written; relative names are relative to the working directory. */
    Path file() {
        return Path.of(string());
    }

    long integer() {
        if (!value().is(ConfValue.Kind.INTEGER)) {
            throw wrongType("an integer");
        }
        return value().asLong();
    }

    /** An integer that must fit Java's {@code int} (nats-server: "value is too big"). */
    int intValue() {
        long n = integer();
        if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
            throw fail("value is too big");
        }
        return (int) n;
    }

    /** A TCP port: 0 to 65535, or -1 for a random free port. */
    int port() {
        int p = intValue();
        if (p < -1 || p > 65535) {
            throw fail("port " + p + " is out of range (0 to 65535, or -1 for a random port)");
        }
        return p;
    }

    boolean bool() {
        if (!value().is(ConfValue.Kind.BOOLEAN)) {
            throw wrongType("true or false");
        }
        return value().asBoolean();
    }

    ConfMap map() {
        if (!value().is(ConfValue.Kind.MAP)) {
            throw wrongType("a block { ... }");
        }
        return value().asMap();
    }

    /** A string, or an array of strings. */
    List<String> strings() {
        if (value().is(ConfValue.Kind.STRING)) {
            return List.of(value().asString());
        }
        if (!value().is(ConfValue.Kind.ARRAY)) {
            throw wrongType("a string or an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (ConfValue v : value().asList()) {
            if (!v.is(ConfValue.Kind.STRING)) {
                throw new ConfigException(v.position(), path + ": expected strings in the array, got "
                        + v.describe());
            }
            out.add(v.asString());
        }
        return out;
    }

    /** A Go duration string such as {@code "2m"} (nats-server accepts nothing else here). */
    Duration duration() {
        try {
            return GoDuration.parse(string());
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    /**
     * A Go duration string, or (the older form, which nats-server still accepts with a warning) an
     * integer number of seconds. Used for {@code ping_interval} and {@code write_deadline}.
     */
    Duration durationOrSeconds(List<String> warnings) {
        if (value().is(ConfValue.Kind.INTEGER)) {
            warnings.add(keyPosition() + ": invalid use of field \"" + entry.key() + "\": " + entry.key()
                    + " should be converted to a duration such as \"" + value().asLong() + "s\"");
            return Duration.ofSeconds(value().asLong());
        }
        if (!value().is(ConfValue.Kind.STRING)) {
            throw wrongType("a duration such as \"2m\"");
        }
        return duration();
    }

    /**
     * Seconds as an integer or a float ({@code 0.5}), or a Go duration string. Used for the
     * authorization and TLS timeouts; like nats-server, warns above 60 seconds because an unquoted
     * {@code 1m} is the number 1000000.
     */
    Duration seconds(List<String> warnings) {
        Duration d;
        switch (value().kind()) {
            case INTEGER:
                d = Duration.ofSeconds(value().asLong());
                break;
            case FLOAT:
                d = Duration.ofNanos(Math.round(value().asDouble() * 1e9));
                break;
            case STRING:
                d = duration();
                break;
            default:
                throw wrongType("seconds or a duration such as \"2s\"");
        }
        if (d.getSeconds() > HIGH_TIMEOUT_SECONDS) {
            warnings.add(keyPosition() + ": invalid use of field \"" + entry.key() + "\": timeout of "
                    + d.getSeconds() + " seconds is high, consider keeping it under 60 seconds;"
                    + " possibly caused by an unquoted duration: use '1m' instead of 1m");
        }
        return d;
    }

    /**
     * A size in bytes, the way nats-server reads JetStream limits: an integer (config suffixes
     * already applied, so {@code 1G} is 10⁹ and {@code 1GB} 2³⁰), or a string of digits ending in
     * {@code K}, {@code M}, {@code G} or {@code T}, which are binary ({@code "1G"} is 2³⁰).
     */
    long storageSize() {
        if (value().is(ConfValue.Kind.INTEGER)) {
            return value().asLong();
        }
        String s = string();
        if (s.isEmpty()) {
            return 0;
        }
        int shift = "KMGT".indexOf(s.charAt(s.length() - 1));
        if (shift < 0) {
            throw fail("sizes written as strings must end in K, M, G or T");
        }
        try {
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return Math.multiplyExact(n, 1L << (10 * (shift + 1)));
        } catch (NumberFormatException | ArithmeticException e) {
            throw fail("invalid size \"" + s + "\"");
        }
    }

    /** {@code host:port}, {@code [ipv6]:port}, {@code :port} (any host), or just a port number. */
    HostPort hostPort() {
        if (value().is(ConfValue.Kind.INTEGER)) {
            return new HostPort("", port());
        }
        if (!value().is(ConfValue.Kind.STRING)) {
            throw wrongType("a port or host:port");
        }
        HostPort hp = HostPort.parse(value().asString());
        if (hp == null) {
            throw fail("could not parse address string \"" + value().asString() + "\"");
        }
        return hp;
    }

    /** A host and port as Go's {@code net.SplitHostPort} splits them; the host may be empty. */
    record HostPort(String host, int port) {

        /** Parses {@code host:port}, or returns {@code null} if it is not of that form. */
        static HostPort parse(String s) {
            String host;
            String port;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                    return null;
                }
                host = s.substring(1, close);
                port = s.substring(close + 2);
            } else {
                int colon = s.lastIndexOf(':');
                if (colon < 0 || s.indexOf(':') != colon) {
                    return null;
                }
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            }
            try {
                int p = Integer.parseInt(port);
                return p < -1 || p > 65535 ? null : new HostPort(host, p);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
