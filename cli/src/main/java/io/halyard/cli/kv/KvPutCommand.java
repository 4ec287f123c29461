package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code halyard kv put BUCKET KEY [VALUE]}: stores a value, read from stdin when not given; prints its revision. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Put a value into a key (from stdin when VALUE is not given).")
public final class KvPutCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", paramLabel = "KEY", description = "Key.")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE", description = "Value (UTF-8); read from stdin when omitted.")
    String value;

    @Override
    public Integer call() throws Exception {
        byte[] data = value != null ? value.getBytes(StandardCharsets.UTF_8) : System.in.readAllBytes();
        try (Connection nc = connection.connect()) {
            long revision = connection.keyValue(nc, bucket).put(key, data);
            if (output.json()) {
                output.printJson(Json.object().put("bucket", bucket).put("key", key).put("revision", revision).build());
            } else {
                output.println("Put " + bucket + " > " + key + ": revision " + revision);
            }
        }
        return 0;
    }
}
