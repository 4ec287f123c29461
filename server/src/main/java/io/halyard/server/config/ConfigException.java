package io.halyard.server.config;

import java.util.List;

/**
 * A configuration that cannot be used: a syntax error in a config file, a value of the wrong type, an
 * unknown option, or a bad command-line flag. The message is one line per problem, each of the form
 * {@code file:line:col: what is wrong} when the problem has a place in a file.
 *
 * <p>Unchecked, like the config exceptions of other JVM config libraries: the caller is the start-up
 * code (print and exit) or a reload (keep the old options), and both catch it in one place.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ConfPosition position;
    private final String reason;
    private final List<String> problems;

    /** A problem without a place in a file (a command-line flag, a missing file). */
    public ConfigException(String problem) {
        this(null, problem);
    }

    /** A problem at {@code position}; the message is {@code position + ": " + reason}. */
    public ConfigException(ConfPosition position, String reason) {
        super(position == null ? reason : position + ": " + reason);
        this.position = position;
        this.reason = reason;
        this.problems = List.of(getMessage());
    }

    private ConfigException(List<ConfigException> all) {
        super(String.join("\n", all.stream().map(Throwable::getMessage).toList()));
        this.position = all.get(0).position;
        this.reason = getMessage();
        this.problems = all.stream().map(Throwable::getMessage).toList();
    }

    /** One exception reporting every problem in {@code all} (at least one), first position first. */
    public static ConfigException of(List<ConfigException> all) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no problems to report");
        }
        return all.size() == 1 ? all.get(0) : new ConfigException(List.copyOf(all));
    }

    /** Where the (first) problem is, or {@code null} when it has no place in a file. */
    public ConfPosition position() {
        return position;
    }

    /** What is wrong, without the position (for a combined exception: the whole message). */
    public String reason() {
        return reason;
    }

    /** Each problem as one {@code file:line:col: reason} line. */
    public List<String> problems() {
        return problems;
    }
}
