package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code halyard consumer info STREAM CONSUMER}; {@code --json} prints the server's consumer info. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a consumer's configuration and state.")
public final class ConsumerInfoCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name.")
    String consumer;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            ConsumerInfo info = connection.jetStreamManagement(nc).getConsumerInfo(stream, consumer);
            if (output.json()) {
                output.printJson(Json.reply(info.getJv()));
            } else {
                ConsumerView.print(info, output.out());
            }
        }
        return 0;
    }
}
