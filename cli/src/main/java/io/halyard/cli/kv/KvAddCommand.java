package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.jetstream.Policies;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halyard kv add BUCKET}: creates a bucket; {@code --json} prints its stream's info. */
@Command(name = "add", aliases = "new", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create a key-value bucket.")
public final class KvAddCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Option(names = "--history", defaultValue = "1", paramLabel = "N", description = "Values kept per key, 1 to 64 (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = Durations.Converter.class, description = "How long values live (default: forever).")
    Duration ttl;

    @Option(names = "--storage", paramLabel = "file|memory", converter = Policies.Storage.class, description = "Storage (default: file).")
    StorageType storage;

    @Option(names = "--replicas", defaultValue = "1", paramLabel = "N", description = "Replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--max-value-size", paramLabel = "BYTES", converter = ByteSizes.Converter.class, description = "Largest value (default: unlimited).")
    Long maxValueSize;

    @Option(names = "--max-bucket-size", paramLabel = "BYTES", converter = ByteSizes.Converter.class, description = "Largest bucket (default: unlimited).")
    Long maxBucketSize;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description.")
    String description;

    @Override
    public Integer call() throws Exception {
        if (history < 1 || history > 64) {
            throw new ParameterException(spec.commandLine(), "--history must be between 1 and 64");
        }
        KeyValueConfiguration.Builder b = KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(history)
                .replicas(replicas).storageType(storage == null ? StorageType.File : storage);
        if (ttl != null) {
            b.ttl(ttl);
        }
        if (maxValueSize != null) {
            b.maximumValueSize(maxValueSize < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, maxValueSize));
        }
        if (maxBucketSize != null) {
            b.maxBucketSize(maxBucketSize);
        }
        if (description != null) {
            b.description(description);
        }
        try (Connection nc = connection.connect()) {
            KeyValueStatus status = connection.keyValueManagement(nc).create(b.build());
            output.printCreated(status.getBackingStreamInfo().getJv(), "Bucket " + bucket + " was created",
                    out -> KvView.print(status, out));
        }
        return 0;
    }
}
