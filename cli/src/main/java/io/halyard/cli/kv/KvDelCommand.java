package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard kv del BUCKET KEY} deletes a key (its history stays, as in jnats); {@code halyard kv del
 * BUCKET --force} deletes the whole bucket. The NATS CLI asks before deleting a bucket; halyard, which never
 * asks, wants {@code --force} so that a forgotten key cannot delete a bucket.
 */
@Command(name = "del", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a key, or with --force and no key the bucket.")
public final class KvDelCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "Key; without it the bucket is deleted (needs --force).")
    String key;

    @Option(names = {"-f", "--force"}, description = "Needed to delete a whole bucket.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (key == null && !force) {
            throw new ParameterException(spec.commandLine(), "deleting the whole bucket " + bucket + " needs --force");
        }
        try (Connection nc = connection.connect()) {
            if (key != null) {
                connection.keyValue(nc, bucket).delete(key);
            } else {
                connection.keyValue(nc, bucket); // a missing bucket is an error, as a missing stream is
                connection.keyValueManagement(nc).delete(bucket);
            }
        }
        if (output.json()) {
            output.printJson(Json.object().put("bucket", bucket).put("key", key).put("deleted", true).build());
        } else {
            output.println(key != null ? "Deleted key " + key + " from bucket " + bucket : "Deleted bucket " + bucket);
        }
        return 0;
    }
}
