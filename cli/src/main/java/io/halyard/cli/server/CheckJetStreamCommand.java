package io.halyard.cli.server;

import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.ErrorReport;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.AccountLimits;
import io.nats.client.api.AccountStatistics;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code halyard server check jetstream}: JetStream answers for this account, and its usage is under the
 * thresholds (percent of the account's limits; usage with no limit is reported, never judged).
 */
@Command(name = "jetstream", aliases = "js", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check that JetStream answers and that the account's usage is under the thresholds.")
public final class CheckJetStreamCommand extends CheckCommand {

    @Option(names = "--mem-warn", defaultValue = "75", paramLabel = "PERCENT", description = "Warn at this memory use, percent of the limit (default: ${DEFAULT-VALUE}).")
    int memoryWarn;

    @Option(names = "--mem-critical", defaultValue = "90", paramLabel = "PERCENT", description = "Critical at this memory use (default: ${DEFAULT-VALUE}).")
    int memoryCritical;

    @Option(names = "--store-warn", defaultValue = "75", paramLabel = "PERCENT", description = "Warn at this file storage use (default: ${DEFAULT-VALUE}).")
    int storeWarn;

    @Option(names = "--store-critical", defaultValue = "90", paramLabel = "PERCENT", description = "Critical at this file storage use (default: ${DEFAULT-VALUE}).")
    int storeCritical;

    @Option(names = "--streams-warn", defaultValue = "-1", paramLabel = "PERCENT", description = "Warn at this many streams, percent of the limit (default: off).")
    int streamsWarn;

    @Option(names = "--streams-critical", defaultValue = "-1", paramLabel = "PERCENT", description = "Critical at this many streams (default: off).")
    int streamsCritical;

    @Option(names = "--consumers-warn", defaultValue = "-1", paramLabel = "PERCENT", description = "Warn at this many consumers, percent of the limit (default: off).")
    int consumersWarn;

    @Option(names = "--consumers-critical", defaultValue = "-1", paramLabel = "PERCENT", description = "Critical at this many consumers (default: off).")
    int consumersCritical;

    public CheckJetStreamCommand() {
        super("jetstream");
    }

    @Override
    void check(Connection nc, CheckResult result) {
        if (!nc.getServerInfo().isJetStreamAvailable()) {
            result.critical("JetStream is not enabled on " + nc.getConnectedUrl());
            return;
        }
        try {
            AccountStatistics account = connection.jetStreamManagement(nc).getAccountStatistics();
            AccountLimits limits = account.getLimits();
            result.metric("memory", account.getMemory());
            result.metric("storage", account.getStorage());
            result.metric("streams", account.getStreams());
            result.metric("consumers", account.getConsumers());
            judge(result, "memory", account.getMemory(), limits.getMaxMemory(), memoryWarn, memoryCritical, true);
            judge(result, "storage", account.getStorage(), limits.getMaxStorage(), storeWarn, storeCritical, true);
            judge(result, "streams", account.getStreams(), limits.getMaxStreams(), streamsWarn, streamsCritical, false);
            judge(result, "consumers", account.getConsumers(), limits.getMaxConsumers(), consumersWarn, consumersCritical, false);
        } catch (JetStreamApiException | IOException e) {
            result.critical("JetStream: " + ErrorReport.describe(e));
        }
    }

    private static void judge(CheckResult result, String what, long used, long limit, int warnPercent, int criticalPercent,
            boolean bytes) {
        String amount = bytes ? ByteSizes.format(used) : String.format("%,d", used);
        if (limit <= 0) {
            result.ok(what + " " + amount);
            return;
        }
        long percent = used * 100 / limit;
        String text = String.format("%s %s of %s (%d%%)", what, amount, bytes ? ByteSizes.format(limit) : String.format("%,d", limit), percent);
        if (criticalPercent >= 0 && percent >= criticalPercent) {
            result.critical(text);
        } else if (warnPercent >= 0 && percent >= warnPercent) {
            result.warning(text);
        } else {
            result.ok(text);
        }
    }
}
