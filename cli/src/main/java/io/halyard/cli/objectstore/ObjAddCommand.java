package io.halyard.cli.objectstore;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.jetstream.Policies;
import io.nats.client.Connection;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code halyard obj add BUCKET}: creates an object bucket; {@code --json} prints its stream's info. */
@Command(name = "add", aliases = "new", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create an object bucket.")
public final class ObjAddCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = Durations.Converter.class, description = "How long objects live (default: forever).")
    Duration ttl;

    @Option(names = "--storage", paramLabel = "file|memory", converter = Policies.Storage.class, description = "Storage (default: file).")
    StorageType storage;

    @Option(names = "--replicas", defaultValue = "1", paramLabel = "N", description = "Replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--max-bucket-size", paramLabel = "BYTES", converter = ByteSizes.Converter.class, description = "Largest bucket (default: unlimited).")
    Long maxBucketSize;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description.")
    String description;

    @Override
    public Integer call() throws Exception {
        ObjectStoreConfiguration.Builder b = ObjectStoreConfiguration.builder(bucket).replicas(replicas)
                .storageType(storage == null ? StorageType.File : storage);
        if (ttl != null) {
            b.ttl(ttl);
        }
        if (maxBucketSize != null) {
            b.maxBucketSize(maxBucketSize);
        }
        if (description != null) {
            b.description(description);
        }
        try (Connection nc = connection.connect()) {
            ObjectStoreStatus status = connection.objectStoreManagement(nc).create(b.build());
            output.printCreated(status.getBackingStreamInfo().getJv(), "Bucket " + bucket + " was created",
                    out -> ObjViews.print(status, out));
        }
        return 0;
    }
}
