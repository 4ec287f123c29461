package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.StreamInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code halyard stream info STREAM}: configuration and state; {@code --json} prints the server's stream info. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a stream's configuration and state.")
public final class StreamInfoCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            StreamInfo info = connection.jetStreamManagement(nc).getStreamInfo(stream);
            if (output.json()) {
                output.printJson(Json.reply(info.getJv()));
            } else {
                StreamView.print(info, output.out());
            }
        }
        return 0;
    }
}
