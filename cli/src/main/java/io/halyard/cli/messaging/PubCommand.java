package io.halyard.cli.messaging;

import io.halyard.cli.connection.ConnectionOptions;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halyard pub SUBJECT [BODY]}: publishes, then flushes so the server has it before we exit. */
@Command(name = "pub", mixinStandardHelpOptions = true, description = "Publish a message.")
public final class PubCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Subject to publish to.")
    String subject;

    @Parameters(index = "1", arity = "0..1", description = "Message body (UTF-8); empty if omitted.")
    String body;

    @Option(names = {"-H", "--header"}, description = "Header as key:value; repeatable.")
    List<String> headers;

    @Option(names = "--reply", description = "Reply subject to send with the message.")
    String reply;

    @Option(names = "--count", defaultValue = "1", description = "Publish the message this many times (default: ${DEFAULT-VALUE}).")
    long count;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            byte[] data = MessageParts.utf8(body);
            for (long i = 0; i < count; i++) {
                nc.publish(subject, reply, MessageParts.headers(headers), data);
            }
            nc.flush(Duration.ofSeconds(5));
            spec.commandLine().getErr().printf("published %d message%s to %s%n", count, count == 1 ? "" : "s", subject);
        }
        return 0;
    }
}
