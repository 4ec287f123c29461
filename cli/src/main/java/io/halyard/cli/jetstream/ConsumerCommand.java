package io.halyard.cli.jetstream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code halyard consumer …}: JetStream consumer administration, as the NATS CLI's {@code nats consumer}. */
@Command(name = "consumer", aliases = "con", mixinStandardHelpOptions = true,
        description = "Create, list, inspect and remove JetStream consumers; pull messages from them.",
        subcommands = {ConsumerAddCommand.class, ConsumerLsCommand.class, ConsumerInfoCommand.class,
            ConsumerRmCommand.class, ConsumerNextCommand.class})
public final class ConsumerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, ls, info, rm or next");
    }
}
