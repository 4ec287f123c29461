package io.halyard.cli;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;

/**
 * A Halyard server in this JVM for the CLI's end-to-end tests: 127.0.0.1, a free port, JetStream in a
 * temporary directory that {@link #close()} removes.
 */
public final class TestBroker implements AutoCloseable {

    private final HalyardServer server;
    private final Path storeDir;

    private TestBroker(HalyardServer server, Path storeDir) {
        this.server = server;
        this.storeDir = storeDir;
    }

    public static TestBroker start() throws Exception {
        return start(o -> { });
    }

    /** A server whose options {@code customiser} adjusts (auth, TLS). */
    public static TestBroker start(Consumer<ServerOptions> customiser) throws Exception {
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        options.storeDir = Files.createTempDirectory("halyard-cli-test-");
        customiser.accept(options);
        return new TestBroker(new HalyardServer(options).start(), options.storeDir);
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "nats://127.0.0.1:" + port();
    }

    /** A loopback URL where nothing listens (the port was free a moment ago). */
    public static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "nats://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stop();
        try (var walk = Files.walk(storeDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
