package io.halyard.server.it;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

    /**
     * A server whose options {@code customiser} adjusts after host and port are set, returned once
     * JetStream has reopened what its store holds (the server itself serves before that).
     */
    static Running start(Consumer<ServerOptions> customiser) throws Exception {
        Running running = startRecovering(customiser);
        if (running.server.jetStream() != null && !running.server.jetStream().awaitRecovered(30, TimeUnit.SECONDS)) {
            running.close();
            throw new AssertionError("JetStream did not recover within 30 s");
        }
        return running;
    }

    /** As {@link #start(Consumer)}, returned as soon as the server serves, JetStream maybe still recovering. */
    static Running startRecovering(Consumer<ServerOptions> customiser) throws Exception {
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        // JetStream is on by default: each server stores in its own temporary directory, removed on
        // close, unless the test names one (a restart test).
        Path scratch = Files.createTempDirectory("halyard-it-");
        options.storeDir = scratch;
        customiser.accept(options);
        HalyardServer server;
        try {
            server = new HalyardServer(options).start();
        } catch (Exception | Error e) {
            deleteTree(scratch);
            throw e;
        }
        return new Running(server, options, scratch);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    /** A started server; {@link #close()} stops it. */
    static final class Running implements AutoCloseable {
        private final HalyardServer server;
        private final ServerOptions options;
        private final Path scratch;

        private Running(HalyardServer server, ServerOptions options, Path scratch) {
            this.server = server;
            this.options = options;
            this.scratch = scratch;
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
            deleteTree(scratch);
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
