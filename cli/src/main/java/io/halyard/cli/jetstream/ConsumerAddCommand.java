package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ReplayPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard consumer add STREAM NAME [flags]}: creates a durable consumer (pull unless
 * {@code --target} names a push subject) from flags with the NATS CLI's names, or from a JSON file. It never
 * prompts; what is not given takes the server's default.
 */
@Command(name = "add", aliases = {"create", "new"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create a consumer on a stream.")
public final class ConsumerAddCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CONSUMER",
            description = "Consumer name; optional with --ephemeral or --config.")
    String name;

    @Option(names = "--pull", description = "A pull consumer (the default when --target is not given).")
    boolean pull;

    @Option(names = "--target", paramLabel = "SUBJECT", description = "A push consumer delivering to this subject.")
    String target;

    @Option(names = "--deliver-group", paramLabel = "GROUP", description = "Push: deliver only to subscribers in this queue group.")
    String deliverGroup;

    @Option(names = "--ack", paramLabel = "none|all|explicit", converter = Policies.Ack.class,
            description = "Acknowledgement policy (default: explicit).")
    AckPolicy ack;

    @Option(names = "--deliver", paramLabel = "POLICY",
            description = "Where to start: all, new, last, subject (last per subject), a sequence number,"
                    + " or a duration back from now such as 1h (default: all).")
    String deliver;

    @Option(names = "--filter", split = ",", paramLabel = "SUBJECT", description = "Only messages on these subjects; repeatable.")
    List<String> filters;

    @Option(names = "--replay", paramLabel = "instant|original", converter = Policies.Replay.class,
            description = "Replay policy (default: instant).")
    ReplayPolicy replay;

    @Option(names = "--wait", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "How long the server waits for an ack before redelivering (default: 30s).")
    Duration ackWait;

    @Option(names = "--max-deliver", paramLabel = "N", description = "Deliveries of a message at most (default: unlimited).")
    Long maxDeliver;

    @Option(names = "--max-pending", paramLabel = "N", description = "Unacknowledged messages at most (default: 1,000).")
    Long maxAckPending;

    @Option(names = "--max-waiting", paramLabel = "N", description = "Pull: waiting pull requests at most (default: 512).")
    Long maxWaiting;

    @Option(names = "--heartbeat", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Idle heartbeat interval.")
    Duration heartbeat;

    @Option(names = "--flow-control", description = "Push: flow control.")
    boolean flowControl;

    @Option(names = "--headers-only", description = "Deliver only headers, not payloads.")
    boolean headersOnly;

    @Option(names = "--inactive-threshold", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Remove the consumer after this long without activity.")
    Duration inactiveThreshold;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description.")
    String description;

    @Option(names = "--ephemeral", description = "An ephemeral consumer: the server names it and removes it when idle.")
    boolean ephemeral;

    @Option(names = "--config", paramLabel = "FILE", description = "Read the configuration from a JSON file; the flags above are then ignored.")
    Path configFile;

    @Option(names = "--defaults", description = "Accepted for the NATS CLI's scripts; halyard never prompts.")
    boolean defaults;

    @Override
    public Integer call() throws Exception {
        ConsumerConfiguration config = configuration();
        try (Connection nc = connection.connect()) {
            ConsumerInfo info = connection.jetStreamManagement(nc).createConsumer(stream, config);
            output.printCreated(info.getJv(), "Consumer " + info.getName() + " was created on stream " + stream,
                    out -> ConsumerView.print(info, out));
        }
        return 0;
    }

    ConsumerConfiguration configuration() throws IOException {
        if (configFile != null) {
            ConsumerConfiguration fromFile = JsonConfigFile.read(configFile,
                    json -> ConsumerConfiguration.builder().json(json).build());
            return name == null ? fromFile : ConsumerConfiguration.builder(fromFile).durable(name).build();
        }
        if (name == null && !ephemeral) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'CONSUMER' (or --ephemeral)");
        }
        if (pull && target != null) {
            throw new ParameterException(spec.commandLine(), "--pull and --target cannot be combined");
        }
        ConsumerConfiguration.Builder b = ConsumerConfiguration.builder()
                .ackPolicy(ack == null ? AckPolicy.Explicit : ack);
        if (ephemeral) {
            if (name != null) {
                b.name(name);
            }
            if (inactiveThreshold == null) {
                b.inactiveThreshold(Duration.ofMinutes(5));
            }
        } else {
            b.durable(name);
        }
        if (target != null) {
            b.deliverSubject(target);
            if (deliverGroup != null) {
                b.deliverGroup(deliverGroup);
            }
            if (flowControl) {
                b.flowControl(heartbeat != null ? heartbeat : Duration.ofSeconds(5));
            }
        } else if (deliverGroup != null || flowControl) {
            throw new ParameterException(spec.commandLine(), "--deliver-group and --flow-control need a push consumer (--target)");
        }
        deliverPolicy(b);
        if (filters != null) {
            b.filterSubjects(filters);
        }
        if (replay != null) {
            b.replayPolicy(replay);
        }
        if (ackWait != null) {
            b.ackWait(ackWait);
        }
        if (maxDeliver != null) {
            b.maxDeliver(maxDeliver);
        }
        if (maxAckPending != null) {
            b.maxAckPending(maxAckPending);
        }
        if (maxWaiting != null) {
            b.maxPullWaiting(maxWaiting);
        }
        if (heartbeat != null && !flowControl) {
            b.idleHeartbeat(heartbeat);
        }
        if (headersOnly) {
            b.headersOnly(true);
        }
        if (inactiveThreshold != null) {
            b.inactiveThreshold(inactiveThreshold);
        }
        if (description != null) {
            b.description(description);
        }
        return b.build();
    }

    private void deliverPolicy(ConsumerConfiguration.Builder b) {
        if (deliver == null) {
            return;
        }
        String word = deliver.strip().toLowerCase(Locale.ROOT);
        switch (word) {
            case "all" -> b.deliverPolicy(DeliverPolicy.All);
            case "new" -> b.deliverPolicy(DeliverPolicy.New);
            case "last" -> b.deliverPolicy(DeliverPolicy.Last);
            case "subject", "last_per_subject", "last-per-subject" -> b.deliverPolicy(DeliverPolicy.LastPerSubject);
            default -> {
                if (word.matches("\\d+")) {
                    b.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(Long.parseLong(word));
                    return;
                }
                try {
                    Duration back = Durations.parse(word);
                    b.deliverPolicy(DeliverPolicy.ByStartTime).startTime(ZonedDateTime.now(ZoneOffset.UTC).minus(back));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--deliver is all, new, last, subject, a sequence"
                            + " or a duration, not '" + deliver + "'");
                }
            }
        }
    }
}
