package io.halyard.cli.messaging;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every jnats-based subcommand shares: where to connect, and message headers. */
final class ConnectionOptions {

    @Option(names = {"-s", "--server"}, defaultValue = "nats://127.0.0.1:4222",
            description = "Server URL, nats://[user:pass@|token@]host:port (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--connect-timeout", defaultValue = "5", description = "Seconds to wait for the connection (default: ${DEFAULT-VALUE}).")
    double connectTimeoutSeconds;

    Connection connect() throws IOException, InterruptedException {
        Options options = Options.builder()
                .server(server)
                .connectionName("halyard-cli")
                .connectionTimeout(Duration.ofMillis((long) (connectTimeoutSeconds * 1000)))
                .maxReconnects(0)
                .build();
        return Nats.connect(options);
    }

    /** Parses {@code key:value} pairs; null when there are none (so no HPUB is sent). */
    static Headers headers(List<String> pairs) {
        if (pairs == null || pairs.isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a header is key:value, not '" + pair + "'");
            }
            headers.add(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return headers;
    }

    static byte[] utf8(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
