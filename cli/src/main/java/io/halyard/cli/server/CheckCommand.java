package io.halyard.cli.server;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A {@code halyard server check …} subcommand: connects, lets the subclass judge what it checks, and reports
 * the {@link CheckResult} with its Nagios exit code. Failing to connect is itself a finding (CRITICAL), not
 * a command failure, so monitoring systems get one status line either way.
 */
abstract class CheckCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    private final String check;

    /** @param check the check's name, first word of its report ("OK connection: …") */
    CheckCommand(String check) {
        this.check = check;
    }

    /** Measures and judges over {@code nc}, recording findings in {@code result}; the caller closes {@code nc}. */
    abstract void check(Connection nc, CheckResult result) throws Exception;

    @Override
    public final Integer call() throws Exception {
        CheckResult result = new CheckResult(check);
        Connection nc;
        try {
            nc = connection.connect();
        } catch (CommandFailure e) {
            result.critical(e.getMessage());
            return result.report(output);
        }
        try (nc) {
            check(nc, result);
        }
        return result.report(output);
    }
}
