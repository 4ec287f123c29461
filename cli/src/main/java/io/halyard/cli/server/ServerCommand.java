package io.halyard.cli.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code halyard server …}: what a server says about itself, and health checks for monitoring systems. */
@Command(name = "server", aliases = "srv", mixinStandardHelpOptions = true,
        description = "Inspect a server and check its health.",
        subcommands = {ServerInfoCommand.class, ServerCheckCommand.class})
public final class ServerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: info or check");
    }
}
