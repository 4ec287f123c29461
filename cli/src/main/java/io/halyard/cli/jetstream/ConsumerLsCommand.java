package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Table;
import io.halyard.cli.format.Times;
import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code halyard consumer ls STREAM}: a stream's consumers as a table; {@code --json}: their names. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List the consumers of a stream.")
public final class ConsumerLsCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Option(names = {"-n", "--names"}, description = "Print only the names, one per line.")
    boolean namesOnly;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            List<ConsumerInfo> consumers = connection.jetStreamManagement(nc).getConsumers(stream).stream()
                    .sorted(Comparator.comparing(ConsumerInfo::getName)).toList();
            List<String> names = consumers.stream().map(ConsumerInfo::getName).toList();
            if (output.json()) {
                output.printJson(Json.of(names));
            } else if (namesOnly) {
                names.forEach(output::println);
            } else if (consumers.isEmpty()) {
                output.println("No consumers on stream " + stream);
            } else {
                Table table = Table.of("Name", "Mode", "Ack Pending", "Unprocessed", "Last Delivery").alignRight(2, 3);
                for (ConsumerInfo c : consumers) {
                    String target = c.getConsumerConfiguration().getDeliverSubject();
                    table.row(c.getName(), target == null ? "pull" : "push", String.format("%,d", c.getNumAckPending()),
                            String.format("%,d", c.getNumPending()), Times.ago(c.getDelivered().getLastActive()));
                }
                table.print(output.out());
            }
        }
        return 0;
    }
}
