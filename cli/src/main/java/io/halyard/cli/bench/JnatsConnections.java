package io.halyard.cli.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;

/** jnats connections for the JetStream scenarios (setup, and the clients of {@code jspull} and {@code kv}). */
final class JnatsConnections {
    private JnatsConnections() {
    }

    /** Connects to {@code url} with its credentials, without reconnecting: a broken connection fails the run. */
    static Connection connect(ServerUrl url, String name) throws IOException, InterruptedException {
        Options.Builder options = new Options.Builder().server(url.toString()).connectionName(name)
                .connectionTimeout(Duration.ofSeconds(5)).noReconnect();
        if (url.user() != null) {
            options.userInfo(url.user(), url.password() == null ? "" : url.password());
        } else if (url.token() != null) {
            options.token(url.token().toCharArray());
        }
        return Nats.connect(options.build());
    }
}
