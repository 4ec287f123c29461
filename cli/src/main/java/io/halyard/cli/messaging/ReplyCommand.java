package io.halyard.cli.messaging;

import io.halyard.cli.connection.ConnectionOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halyard reply SUBJECT [BODY]}: a responder that answers each request with BODY, or echoes it. */
@Command(name = "reply", mixinStandardHelpOptions = true, description = "Answer requests on a subject.")
public final class ReplyCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Subject to serve.")
    String subject;

    @Parameters(index = "1", arity = "0..1", description = "Reply body (UTF-8); without it, requests are echoed.")
    String body;

    @Option(names = {"-q", "--queue"}, defaultValue = "halyard-reply", description = "Queue group, so several responders share the load (default: ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = {"-H", "--header"}, description = "Header to add to each reply, as key:value; repeatable.")
    List<String> headers;

    @Option(names = "--count", defaultValue = "0", description = "Exit after this many requests (0: no limit).")
    long count;

    @Option(names = "--quiet", description = "Do not print requests.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        MessagePrinter printer = new MessagePrinter(spec.commandLine().getOut(), false);
        try (Connection nc = connection.connect()) {
            Subscription sub = nc.subscribe(subject, queue);
            nc.flush(Duration.ofSeconds(5));
            spec.commandLine().getErr().printf("answering requests on %s (queue %s)%n", subject, queue);
            long served = 0;
            while (count == 0 || served < count) {
                Message request = sub.nextMessage(Duration.ofSeconds(1));
                if (request == null || request.getReplyTo() == null) {
                    continue;
                }
                byte[] data = body == null ? request.getData() : MessageParts.utf8(body);
                nc.publish(request.getReplyTo(), MessageParts.headers(headers), data);
                served++;
                if (!quiet) {
                    printer.print(served, request);
                }
            }
            nc.flush(Duration.ofSeconds(5));
        }
        return 0;
    }
}
