package io.halyard.cli.messaging;

import io.halyard.cli.connection.ConnectionOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halyard sub SUBJECT}: prints messages until --count is reached, --timeout passes idle, or Ctrl-C. */
@Command(name = "sub", mixinStandardHelpOptions = true, description = "Subscribe and print messages.")
public final class SubCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Subject to subscribe to; wildcards * and > allowed.")
    String subject;

    @Option(names = {"-q", "--queue"}, description = "Join this queue group.")
    String queue;

    @Option(names = "--count", defaultValue = "0", description = "Exit after this many messages (0: no limit).")
    long count;

    @Option(names = "--timeout", defaultValue = "0", description = "Exit after this many seconds without a message (0: wait forever).")
    double idleSeconds;

    @Option(names = "--raw", description = "Print only payloads, one per line.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        MessagePrinter printer = new MessagePrinter(spec.commandLine().getOut(), raw);
        try (Connection nc = connection.connect()) {
            Subscription sub = queue == null ? nc.subscribe(subject) : nc.subscribe(subject, queue);
            nc.flush(Duration.ofSeconds(5));
            spec.commandLine().getErr().printf("listening on %s%s%n", subject, queue == null ? "" : " (queue " + queue + ")");
            Duration wait = idleSeconds > 0 ? Duration.ofMillis((long) (idleSeconds * 1000)) : Duration.ofSeconds(1);
            long received = 0;
            while (count == 0 || received < count) {
                Message message = sub.nextMessage(wait);
                if (message == null) {
                    if (idleSeconds > 0) {
                        break;
                    }
                    continue;
                }
                printer.print(++received, message);
            }
        }
        return 0;
    }
}
