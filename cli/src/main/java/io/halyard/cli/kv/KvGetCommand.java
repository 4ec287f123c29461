package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Payloads;
import io.halyard.cli.format.Times;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code halyard kv get BUCKET KEY}: the current value (or {@code --revision}); fails when there is none. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Get the value of a key.")
public final class KvGetCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", paramLabel = "KEY", description = "Key.")
    String key;

    @Option(names = "--revision", paramLabel = "N", description = "This revision of the key instead of the latest.")
    Long revision;

    @Option(names = "--raw", description = "Print only the value.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            KeyValue kv = connection.keyValue(nc, bucket);
            KeyValueEntry e = revision == null ? kv.get(key) : kv.get(key, revision);
            if (e == null) {
                throw new CommandFailure("no value for key " + key + " in bucket " + bucket
                        + (revision == null ? "" : " at revision " + revision));
            }
            if (output.json()) {
                output.printJson(KvEntries.json(e));
            } else if (raw) {
                output.println(Payloads.display(e.getValue()));
            } else {
                output.println(bucket + " > " + key + " revision " + e.getRevision() + ", created " + Times.format(e.getCreated())
                        + ", " + e.getDataLen() + " bytes");
                output.println("");
                output.println(Payloads.display(e.getValue()));
            }
        }
        return 0;
    }
}
