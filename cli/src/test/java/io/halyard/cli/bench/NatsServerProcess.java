package io.halyard.cli.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A nats-server child process on a free loopback port, for tests; stopped by {@link #close()}. */
final class NatsServerProcess implements AutoCloseable {

    private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/nats-server");

    private final Process process;
    private final int port;
    private final Path log;

    private NatsServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The nats-server executable: the Debian package's, else the first on PATH. */
    static Optional<Path> binary() {
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return Optional.of(DEBIAN_BINARY);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static NatsServerProcess start(Path binary) throws IOException, InterruptedException {
        int port = freePort();
        Path log = Files.createTempFile("nats-server-test-", ".log");
        Process process = new ProcessBuilder(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NatsServerProcess server = new NatsServerProcess(process, port, log);
        server.awaitListening(TimeUnit.SECONDS.toNanos(10));
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited at start: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("nats-server did not listen on port " + port + " within the timeout");
    }

    ServerUrl url() {
        return new ServerUrl("127.0.0.1", port, null, null, null);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a stale temp file is harmless
        }
    }
}
