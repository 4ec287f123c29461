package io.halyard.cli.format;

/**
 * A command could not do what it was asked, for a reason the user can act on: {@link ErrorReport} prints
 * {@code halyard: <message>} on one line and exits with {@link #exitCode()} (1 unless said otherwise).
 * No stack trace: the message is the whole story.
 */
public final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CommandFailure(String message) {
        this(message, 1);
    }

    public CommandFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
