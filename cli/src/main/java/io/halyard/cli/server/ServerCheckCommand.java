package io.halyard.cli.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code halyard server check …}: health checks for monitoring systems, as the NATS CLI's: one line (or
 * JSON) and the Nagios exit codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Health checks with Nagios exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        subcommands = {CheckConnectionCommand.class, CheckJetStreamCommand.class})
public final class ServerCheckCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: connection or jetstream");
    }
}
