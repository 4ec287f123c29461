package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code halyard kv info BUCKET}: configuration and state; {@code --json} prints the bucket stream's info. */
@Command(name = "info", aliases = "status", mixinStandardHelpOptions = true, description = "Show a bucket's configuration and state.")
public final class KvInfoCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            KeyValueStatus status = connection.keyValue(nc, bucket).getStatus();
            if (output.json()) {
                output.printJson(Json.reply(status.getBackingStreamInfo().getJv()));
            } else {
                KvView.print(status, output.out());
            }
        }
        return 0;
    }
}
