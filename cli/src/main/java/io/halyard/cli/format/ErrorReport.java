package io.halyard.cli.format;

import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what went wrong into one line on stderr and an exit code: {@code halyard: <what>} with 1 for a
 * failed command, and {@code halyard: <what> (see 'halyard … --help')} with 2 for a usage error, so a
 * script can tell them apart and a person reads the cause, not a stack trace.
 *
 * <p>JetStream API errors read as the server wrote them with their code, e.g.
 * {@code halyard: stream not found (10059)}.
 */
public final class ErrorReport implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    /** Exit code of a command that failed (usage errors use picocli's, 2). */
    public static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println("halyard: " + describe(e));
        err.flush();
        return e instanceof CommandFailure failure ? failure.exitCode() : FAILED;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println("halyard: " + e.getMessage() + " (see '" + name + " --help')");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The one-line cause of {@code e}, without the {@code halyard: } prefix. */
    public static String describe(Throwable e) {
        if (e instanceof IOException && e.getCause() instanceof JetStreamApiException api) {
            return describe(api); // jnats wraps API errors met while it sets up a bucket
        }
        if (e instanceof CommandFailure) {
            return e.getMessage();
        }
        if (e instanceof JetStreamApiException api) {
            int code = api.getApiErrorCode() != 0 ? api.getApiErrorCode() : api.getErrorCode();
            return api.getErrorDescription() + " (" + code + ")";
        }
        String message = e.getMessage();
        if (e instanceof IOException && message != null && message.startsWith("Timeout or no response waiting for NATS JetStream")) {
            return "no response from JetStream (is JetStream enabled on the server?)";
        }
        if (e instanceof InterruptedException) {
            return "interrupted";
        }
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse(message);
        return e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                ? line : e.getClass().getSimpleName() + ": " + line;
    }
}
