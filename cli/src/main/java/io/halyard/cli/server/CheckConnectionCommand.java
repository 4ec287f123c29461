package io.halyard.cli.server;

import io.halyard.cli.format.Durations;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code halyard server check connection}: connects, measures the round trip (PING/PONG) and a request
 * answered by this same connection through the server, and judges each against its thresholds.
 */
@Command(name = "connection", aliases = "conn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check that a connection, a round trip and a request/reply work, and how fast.")
public final class CheckConnectionCommand extends CheckCommand {

    @Option(names = "--connect-warn", defaultValue = "500ms", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Warn when connecting takes this long (default: ${DEFAULT-VALUE}).")
    Duration connectWarn;

    @Option(names = "--connect-critical", defaultValue = "1s", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Critical when connecting takes this long (default: ${DEFAULT-VALUE}).")
    Duration connectCritical;

    @Option(names = "--rtt-warn", defaultValue = "500ms", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Warn when the round trip takes this long (default: ${DEFAULT-VALUE}).")
    Duration rttWarn;

    @Option(names = "--rtt-critical", defaultValue = "1s", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Critical when the round trip takes this long (default: ${DEFAULT-VALUE}).")
    Duration rttCritical;

    @Option(names = "--req-warn", defaultValue = "500ms", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Warn when a request/reply takes this long (default: ${DEFAULT-VALUE}).")
    Duration requestWarn;

    @Option(names = "--req-critical", defaultValue = "1s", converter = Durations.Converter.class, paramLabel = "DURATION",
            description = "Critical when a request/reply takes this long (default: ${DEFAULT-VALUE}).")
    Duration requestCritical;

    public CheckConnectionCommand() {
        super("connection");
    }

    @Override
    void check(Connection nc, CheckResult result) throws Exception {
        Duration connected = connection.connectDuration();
        result.metric("connect_time", connected);
        result.judge("connect", connected, connectWarn, connectCritical,
                "connected to " + nc.getConnectedUrl() + " in " + Durations.format(connected));
        Duration rtt = nc.RTT();
        result.metric("rtt", rtt);
        result.judge("rtt", rtt, rttWarn, rttCritical, "rtt " + Durations.format(rtt));
        request(nc, result);
    }

    private void request(Connection nc, CheckResult result) throws InterruptedException {
        String subject = "_INBOX.halyard.check." + NUID.nextGlobal();
        Dispatcher responder = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), m.getData()));
        responder.subscribe(subject);
        try {
            nc.flush(requestCritical.multipliedBy(2));
            long start = System.nanoTime();
            Message reply = nc.request(subject, "halyard check".getBytes(), requestCritical.multipliedBy(2));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (reply == null) {
                result.critical("no reply to a request within " + Durations.format(requestCritical.multipliedBy(2)));
                return;
            }
            result.metric("request_time", took);
            result.judge("request", took, requestWarn, requestCritical, "request " + Durations.format(took));
        } catch (java.util.concurrent.TimeoutException e) {
            result.critical("request: " + e.getMessage());
        } finally {
            nc.closeDispatcher(responder);
        }
    }
}
