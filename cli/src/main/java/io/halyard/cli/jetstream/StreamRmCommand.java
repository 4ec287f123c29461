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

/** {@code halyard stream rm STREAM}: deletes a stream with its messages and consumers. */
@Command(name = "rm", aliases = {"delete", "del"}, mixinStandardHelpOptions = true,
        description = "Delete a stream, its messages and its consumers.")
public final class StreamRmCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Option(names = {"-f", "--force"}, description = "Accepted for the NATS CLI's scripts; halyard never prompts.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            connection.jetStreamManagement(nc).deleteStream(stream);
        }
        if (output.json()) {
            output.printJson(Json.object().put("stream", stream).put("deleted", true).build());
        } else {
            output.println("Deleted stream " + stream);
        }
        return 0;
    }
}
