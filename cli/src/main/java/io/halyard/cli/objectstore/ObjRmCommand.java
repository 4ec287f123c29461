package io.halyard.cli.objectstore;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard obj rm BUCKET NAME} deletes an object; {@code halyard obj rm BUCKET --force} deletes the
 * bucket (as with {@code kv del}, a whole bucket needs {@code --force} because halyard never asks).
 */
@Command(name = "rm", aliases = "del", mixinStandardHelpOptions = true, description = "Delete an object, or with --force and no name the bucket.")
public final class ObjRmCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Object name; without it the bucket is deleted (needs --force).")
    String name;

    @Option(names = {"-f", "--force"}, description = "Needed to delete a whole bucket.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (name == null && !force) {
            throw new ParameterException(spec.commandLine(), "deleting the whole bucket " + bucket + " needs --force");
        }
        try (Connection nc = connection.connect()) {
            if (name != null) {
                ObjectStore store = connection.objectStore(nc, bucket);
                ObjectInfo info = store.getInfo(name);
                if (info == null || info.isDeleted()) {
                    throw new CommandFailure("no object " + name + " in bucket " + bucket);
                }
                store.delete(name);
            } else {
                connection.objectStore(nc, bucket); // a missing bucket is an error, as a missing stream is
                connection.objectStoreManagement(nc).delete(bucket);
            }
        }
        if (output.json()) {
            output.printJson(Json.object().put("bucket", bucket).put("name", name).put("deleted", true).build());
        } else {
            output.println(name != null ? "Deleted object " + name + " from bucket " + bucket : "Deleted bucket " + bucket);
        }
        return 0;
    }
}
