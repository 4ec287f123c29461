package io.halyard.cli;

import io.halyard.cli.bench.BenchCommand;
import io.halyard.cli.format.ErrorReport;
import io.halyard.cli.jetstream.ConsumerCommand;
import io.halyard.cli.jetstream.StreamCommand;
import io.halyard.cli.kv.KvCommand;
import io.halyard.cli.messaging.PubCommand;
import io.halyard.cli.messaging.ReplyCommand;
import io.halyard.cli.messaging.ReqCommand;
import io.halyard.cli.messaging.SubCommand;
import io.halyard.cli.objectstore.ObjCommand;
import io.halyard.cli.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code halyard} command line. Subcommands live in packages by concern: {@code messaging} (pub, sub,
 * req, reply), {@code jetstream} (stream, consumer), {@code kv}, {@code objectstore} (obj), {@code server}
 * (info, check) — all on jnats — and {@code bench}. {@code docs/cli.md} describes them.
 *
 * <p>Exit codes: 0 success, 1 a command failed (one line on stderr says why), 2 a usage error;
 * {@code server check} uses the Nagios codes (0 OK, 1 warning, 2 critical, 3 unknown).
 */
@Command(name = "halyard", mixinStandardHelpOptions = true, versionProvider = HalyardCli.Version.class,
        description = "Command line for Halyard, a NATS-compatible message broker (works with any NATS server).",
        subcommands = {PubCommand.class, SubCommand.class, ReqCommand.class, ReplyCommand.class, StreamCommand.class,
            ConsumerCommand.class, KvCommand.class, ObjCommand.class, ServerCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class HalyardCli implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it: error reporting, exit codes and option rules included. */
    public static CommandLine commandLine() {
        ErrorReport errors = new ErrorReport();
        CommandLine cli = new CommandLine(new HalyardCli())
                // Later values of an option win, so scripts can pass defaults and let users override them.
                .setOverwrittenOptionsAllowed(true)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        abbreviateSynopsis(cli);
        return cli;
    }

    /** "Usage: halyard stream add [OPTIONS] [STREAM]": every command has the dozen connection options. */
    private static void abbreviateSynopsis(CommandLine command) {
        command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        command.getSubcommands().values().forEach(HalyardCli::abbreviateSynopsis);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand, e.g. 'halyard stream ls'");
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
