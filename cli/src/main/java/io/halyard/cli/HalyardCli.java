package io.halyard.cli;

import io.halyard.cli.bench.BenchCommand;
import io.halyard.cli.messaging.PubCommand;
import io.halyard.cli.messaging.ReplyCommand;
import io.halyard.cli.messaging.ReqCommand;
import io.halyard.cli.messaging.SubCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code halyard} command line. Subcommands live in packages by concern: {@code messaging}
 * (pub, sub, req, reply on jnats) and {@code bench}; stream/consumer/kv administration will join them.
 */
@Command(name = "halyard", mixinStandardHelpOptions = true, versionProvider = HalyardCli.Version.class,
        description = "Command line for Halyard, a NATS-compatible message broker.",
        subcommands = {PubCommand.class, SubCommand.class, ReqCommand.class, ReplyCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class HalyardCli implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Later values of an option win, so scripts can pass defaults and let users override them.
        System.exit(new CommandLine(new HalyardCli()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand, e.g. 'halyard bench --help'.");
    }

    /** The version from the jar manifest when packaged, else "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = HalyardCli.class.getPackage().getImplementationVersion();
            return new String[] {"halyard " + (version == null ? "development" : version)};
        }
    }
}
