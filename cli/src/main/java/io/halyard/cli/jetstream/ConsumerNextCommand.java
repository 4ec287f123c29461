package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Payloads;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.support.JsonValue;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code halyard consumer next STREAM CONSUMER}: pulls up to {@code --count} messages from a pull consumer
 * and acknowledges each (waiting for the server to confirm), or naks or terms it. Fails when no message
 * arrives within {@code --wait}. {@code --json} prints an array of
 * {@code {stream, consumer, subject, seq, consumer_seq, delivered, pending, time, headers, data, text}}.
 */
@Command(name = "next", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Pull messages from a pull consumer and acknowledge them.")
public final class ConsumerNextCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name.")
    String consumer;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Messages to pull at most (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--ack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Acknowledge each message (default: true; --no-ack leaves them to be redelivered).")
    boolean ack;

    @Option(names = "--nak", description = "Negatively acknowledge each message (redeliver now).")
    boolean nak;

    @Option(names = "--term", description = "Terminate each message (never redeliver).")
    boolean term;

    @Option(names = "--wait", defaultValue = "5s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "How long to wait for messages, at least 1s (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--raw", description = "Print only payloads, one per line.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
            // jnats refuses pull requests that expire in under a second
            throw new ParameterException(spec.commandLine(), "--wait must be at least 1s");
        }
        if (nak && term) {
            throw new ParameterException(spec.commandLine(), "--nak and --term cannot be combined");
        }
        List<JsonValue> json = new ArrayList<>();
        int received = 0;
        try (Connection nc = connection.connect()) {
            ConsumerContext context = nc.jetStream(connection.jetStreamOptions()).getConsumerContext(stream, consumer);
            if (context.getCachedConsumerInfo().getConsumerConfiguration().getDeliverSubject() != null) {
                throw new CommandFailure("consumer " + consumer + " is a push consumer; 'next' pulls from pull consumers");
            }
            boolean acks = context.getCachedConsumerInfo().getConsumerConfiguration().getAckPolicy() != AckPolicy.None;
            FetchConsumeOptions fetch = FetchConsumeOptions.builder().maxMessages(count).expiresIn(wait.toMillis()).build();
            try (FetchConsumer messages = context.fetch(fetch)) {
                Message m;
                while ((m = messages.nextMessage()) != null) {
                    received++;
                    if (acks) {
                        settle(m);
                    }
                    if (output.json()) {
                        json.add(json(m));
                    } else {
                        print(received, m, output.out());
                    }
                }
            }
        }
        if (output.json()) {
            output.printJson(new JsonValue(json));
        }
        if (received == 0) {
            throw new CommandFailure("no message from consumer " + consumer + " of stream " + stream + " within "
                    + Durations.format(wait));
        }
        return 0;
    }

    private void settle(Message m) throws Exception {
        if (nak) {
            m.nak();
        } else if (term) {
            m.term();
        } else if (ack) {
            m.ackSync(Duration.ofSeconds(5));
        }
    }

    private JsonValue json(Message m) {
        NatsJetStreamMetaData meta = m.metaData();
        byte[] data = m.getData() == null ? new byte[0] : m.getData();
        return Json.object().put("stream", meta.getStream()).put("consumer", meta.getConsumer())
                .put("subject", m.getSubject()).put("seq", meta.streamSequence()).put("consumer_seq", meta.consumerSequence())
                .put("delivered", meta.deliveredCount()).put("pending", meta.pendingCount()).put("time", meta.timestamp())
                .put("headers", Payloads.headers(m.getHeaders())).put("data", Payloads.base64(data))
                .put("text", Payloads.text(data)).build();
    }

    private void print(int number, Message m, PrintWriter out) {
        byte[] data = m.getData() == null ? new byte[0] : m.getData();
        if (raw) {
            out.println(Payloads.display(data));
            out.flush();
            return;
        }
        NatsJetStreamMetaData meta = m.metaData();
        out.printf("#%d subject %s, stream seq %,d, consumer seq %,d, delivered %d time%s, %,d pending, %,d bytes%n", number,
                m.getSubject(), meta.streamSequence(), meta.consumerSequence(), meta.deliveredCount(),
                meta.deliveredCount() == 1 ? "" : "s", meta.pendingCount(), data.length);
        Headers headers = m.getHeaders();
        if (headers != null && !headers.isEmpty()) {
            for (String key : headers.keySet()) {
                for (String value : headers.get(key)) {
                    out.printf("%s: %s%n", key, value);
                }
            }
        }
        out.println(Payloads.display(data));
        out.println();
        out.flush();
    }
}
