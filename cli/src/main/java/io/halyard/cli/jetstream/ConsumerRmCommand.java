package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code halyard consumer rm STREAM CONSUMER}. */
@Command(name = "rm", aliases = {"delete", "del"}, mixinStandardHelpOptions = true, description = "Delete a consumer.")
public final class ConsumerRmCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name.")
    String consumer;

    @Option(names = {"-f", "--force"}, description = "Accepted for the NATS CLI's scripts; halyard never prompts.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            connection.jetStreamManagement(nc).deleteConsumer(stream, consumer);
        }
        if (output.json()) {
            output.printJson(Json.object().put("stream", stream).put("consumer", consumer).put("deleted", true).build());
        } else {
            output.println("Deleted consumer " + consumer + " of stream " + stream);
        }
        return 0;
    }
}
