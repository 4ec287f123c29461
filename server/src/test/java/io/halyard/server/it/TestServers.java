package io.halyard.server.it;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Starts in-process Halyard servers for the integration tests: on 127.0.0.1, on a random free port, with
 * whatever options a test customises. Use in try-with-resources:
 *
 * <pre>{@code
 * try (var server = TestServers.start(o -> o.maxConnections = 2)) {
 *     try (RawClient raw = server.rawClient()) { ... }
 * }
 * }</pre>
 */
final class TestServers {
    private TestServers() {
    }

    /** A server with the default options (apart from host and port). */
    static Running start() throws Exception {
        return start(options -> { });
    }

    /** A server whose options {@code customiser} adjusts after host and port are set. */
    static Running start(Consumer<ServerOptions> customiser) throws Exception {
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        customiser.accept(options);
        HalyardServer server = new HalyardServer(options).start();
        return new Running(server, options);
    }

    /** A started server; {@link #close()} stops it. */
    static final class Running implements AutoCloseable {
        private final HalyardServer server;
        private final ServerOptions options;

        private Running(HalyardServer server, ServerOptions options) {
            this.server = server;
            this.options = options;
        }

        HalyardServer server() {
            return server;
        }

        ServerOptions options() {
            return options;
        }

        int port() {
            return server.port();
        }

        String url() {
            return "nats://127.0.0.1:" + port();
        }

        RawClient rawClient() throws IOException {
            return RawClient.connect(port());
        }

        /** A jnats connection with test-friendly defaults: no reconnects, short timeouts. */
        Connection connect() throws Exception {
            return connect(builder -> { });
        }

        /** A jnats connection with the defaults of {@link TestServers#clientOptions(String)}, adjusted by {@code customiser}. */
        Connection connect(Consumer<Options.Builder> customiser) throws Exception {
            Options.Builder builder = clientOptions(url());
            customiser.accept(builder);
            return Nats.connect(builder.build());
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    /**
     * jnats options for tests: one server, no reconnects (a broken connection must surface, not heal),
     * connect timeouts short enough for a failing test to finish quickly.
     */
    static Options.Builder clientOptions(String url) {
        return new Options.Builder()
            .server(url)
            .maxReconnects(0)
            .connectionTimeout(Duration.ofSeconds(5))
            .errorListener(new QuietErrorListener());
    }

    /** Keeps jnats from printing every expected {@code -ERR} of a negative test to stdout. */
    static class QuietErrorListener implements io.nats.client.ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
        }

        @Override
        public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
        }
    }
}
