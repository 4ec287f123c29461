package io.halyard.cli.jetstream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code halyard stream …}: JetStream stream administration, as the NATS CLI's {@code nats stream}. */
@Command(name = "stream", aliases = "str", mixinStandardHelpOptions = true,
        description = "Create, list, inspect, purge and remove JetStream streams; read their messages.",
        subcommands = {StreamAddCommand.class, StreamLsCommand.class, StreamInfoCommand.class, StreamRmCommand.class,
            StreamPurgeCommand.class, StreamGetCommand.class})
public final class StreamCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, ls, info, rm, purge or get");
    }
}
