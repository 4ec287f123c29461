package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard stream add NAME [flags]}: creates a stream from flags (the NATS CLI's names) or from a
 * JSON configuration file, and prints it. Unlike the NATS CLI it never prompts: what is not given takes
 * the server's default, so {@code --defaults} is accepted and changes nothing.
 */
@Command(name = "add", aliases = {"create", "new"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create a stream.")
public final class StreamAddCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STREAM", description = "Stream name; optional with --config.")
    String name;

    @Option(names = "--subjects", split = ",", paramLabel = "SUBJECT",
            description = "Subjects the stream stores, comma-separated or repeated; wildcards allowed (default: the stream name).")
    List<String> subjects;

    @Option(names = "--mirror", paramLabel = "STREAM",
            description = "Mirror this stream of the server: its messages under its sequences (no --subjects).")
    String mirror;

    @Option(names = "--source", split = ",", paramLabel = "STREAM",
            description = "Copy the messages of these streams of the server in; comma-separated or repeated.")
    List<String> sources;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description.")
    String description;

    @Option(names = "--storage", paramLabel = "file|memory", converter = Policies.Storage.class,
            description = "Storage (default: file).")
    StorageType storage;

    @Option(names = "--retention", paramLabel = "limits|interest|workq", converter = Policies.Retention.class,
            description = "Retention policy (default: limits).")
    RetentionPolicy retention;

    @Option(names = "--discard", paramLabel = "old|new", converter = Policies.Discard.class,
            description = "What to discard at a limit (default: old).")
    DiscardPolicy discard;

    @Option(names = "--max-msgs", paramLabel = "N", description = "Most messages to keep (default: unlimited).")
    Long maxMessages;

    @Option(names = "--max-msgs-per-subject", paramLabel = "N", description = "Most messages to keep per subject (default: unlimited).")
    Long maxMessagesPerSubject;

    @Option(names = "--max-bytes", paramLabel = "BYTES", converter = ByteSizes.Converter.class,
            description = "Most bytes to keep, e.g. 1GB (default: unlimited).")
    Long maxBytes;

    @Option(names = "--max-age", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Oldest message to keep, e.g. 1h, 7d (default: unlimited).")
    Duration maxAge;

    @Option(names = "--max-msg-size", paramLabel = "BYTES", converter = ByteSizes.Converter.class,
            description = "Largest message accepted (default: unlimited).")
    Long maxMessageSize;

    @Option(names = "--max-consumers", paramLabel = "N", description = "Most consumers (default: unlimited).")
    Long maxConsumers;

    @Option(names = "--dupe-window", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Window for Nats-Msg-Id duplicate detection (default: 2m).")
    Duration duplicateWindow;

    @Option(names = "--replicas", paramLabel = "N", description = "Replicas (default: 1).")
    Integer replicas;

    @Option(names = "--allow-rollup", description = "Allow Nats-Rollup headers.")
    boolean allowRollup;

    @Option(names = "--deny-delete", description = "Refuse message deletes through the API.")
    boolean denyDelete;

    @Option(names = "--deny-purge", description = "Refuse purges through the API.")
    boolean denyPurge;

    @Option(names = "--allow-direct", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Allow direct gets (default: true; --no-allow-direct to turn off).")
    boolean allowDirect;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read the configuration from a JSON file (nats-server's stream config); the flags above are then ignored.")
    Path configFile;

    @Option(names = "--defaults", description = "Accepted for the NATS CLI's scripts; halyard never prompts.")
    boolean defaults;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (name == null && configFile == null) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'STREAM'");
        }
        StreamConfiguration config = configuration();
        try (Connection nc = connection.connect()) {
            StreamInfo info = connection.jetStreamManagement(nc).addStream(config);
            output.printCreated(info.getJv(), "Stream " + info.getConfiguration().getName() + " was created",
                    out -> StreamView.print(info, out));
        }
        return 0;
    }

    StreamConfiguration configuration() throws IOException {
        if (configFile != null) {
            StreamConfiguration fromFile = JsonConfigFile.read(configFile, StreamConfiguration::instance);
            return name == null ? fromFile : StreamConfiguration.builder(fromFile).name(name).build();
        }
        StreamConfiguration.Builder b = StreamConfiguration.builder().name(name).allowDirect(allowDirect);
        if (subjects != null) {
            b.subjects(subjects);
        }
        if (mirror != null) {
            b.mirror(io.nats.client.api.Mirror.builder().sourceName(mirror).build());
        }
        if (sources != null) {
            for (String source : sources) {
                b.addSource(io.nats.client.api.Source.builder().name(source).build());
            }
        }
        if (description != null) {
            b.description(description);
        }
        if (storage != null) {
            b.storageType(storage);
        }
        if (retention != null) {
            b.retentionPolicy(retention);
        }
        if (discard != null) {
            b.discardPolicy(discard);
        }
        if (maxMessages != null) {
            b.maxMessages(maxMessages);
        }
        if (maxMessagesPerSubject != null) {
            b.maxMessagesPerSubject(maxMessagesPerSubject);
        }
        if (maxBytes != null) {
            b.maxBytes(maxBytes);
        }
        if (maxAge != null) {
            b.maxAge(maxAge);
        }
        if (maxMessageSize != null) {
            b.maximumMessageSize(maxMessageSize < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, maxMessageSize));
        }
        if (maxConsumers != null) {
            b.maxConsumers(maxConsumers);
        }
        if (duplicateWindow != null) {
            b.duplicateWindow(duplicateWindow);
        }
        if (replicas != null) {
            b.replicas(replicas);
        }
        return b.allowRollup(allowRollup).denyDelete(denyDelete).denyPurge(denyPurge).build();
    }
}
