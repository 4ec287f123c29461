package io.halyard.cli.messaging;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halyard req SUBJECT [BODY]}: sends a request and prints the reply, or says why there is none. */
@Command(name = "req", mixinStandardHelpOptions = true, description = "Send a request and print the reply.")
public final class ReqCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Subject to send the request to.")
    String subject;

    @Parameters(index = "1", arity = "0..1", description = "Request body (UTF-8); empty if omitted.")
    String body;

    @Option(names = {"-H", "--header"}, description = "Header as key:value; repeatable.")
    List<String> headers;

    @Option(names = "--timeout", defaultValue = "2", description = "Seconds to wait for the reply (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--raw", description = "Print only the reply's payload.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
        try (Connection nc = connection.connect()) {
            long start = System.nanoTime();
            Message reply = nc.requestWithTimeout(subject, MessageParts.headers(headers),
                    MessageParts.utf8(body), timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            if (!raw) {
                spec.commandLine().getErr().printf("reply in %d µs%n", micros);
            }
            new MessagePrinter(spec.commandLine().getOut(), raw).print(1, reply);
            return 0;
        } catch (CancellationException | ExecutionException e) {
            // jnats cancels the request future when the server answers "503 no responders", and when its
            // own timer fires first ("response not registered in time").
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException || String.valueOf(cause.getMessage()).contains("not registered in time")) {
                throw new CommandFailure(String.format("no reply within %.1f s", timeoutSeconds));
            }
            throw new CommandFailure("no reply: no responders on " + subject);
        } catch (TimeoutException e) {
            throw new CommandFailure(String.format("no reply within %.1f s", timeoutSeconds));
        }
    }
}
