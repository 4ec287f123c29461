package io.halyard.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real nats-server binary as a child process, the reference that conformance tests compare Halyard
 * with. It is looked for in {@code $NATS_SERVER}, on the {@code PATH} and in the usual system folders;
 * tests that need it call {@link #startOrSkip} and are skipped (not failed) where it is missing.
 *
 * <p>The process listens on 127.0.0.1 on a free port and logs to a temporary file that is deleted on
 * {@link #close()} (its tail is in the failure message when it does not start).
 */
final class NatsServerProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Path configFile;

    private NatsServerProcess(Process process, int port, Path logFile, Path configFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.configFile = configFile;
        // Should the test JVM be stopped before close() (a fork timeout, say), take the child along.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "nats-server-reaper"));
    }

    /** The nats-server executable, if this machine has one. */
    static Optional<Path> binary() {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getenv("NATS_SERVER");
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "nats-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/sbin/nats-server"));
        candidates.add(Path.of("/usr/local/bin/nats-server"));
        candidates.add(Path.of("/usr/bin/nats-server"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    static boolean isAvailable() {
        return binary().isPresent();
    }

    /** Starts nats-server with {@code extraArgs}, or skips the calling test if there is no binary. */
    static NatsServerProcess startOrSkip(String... extraArgs) throws IOException, InterruptedException {
        Optional<Path> binary = binary();
        assumeTrue(binary.isPresent(), "nats-server is not installed (set NATS_SERVER or put it on the PATH)");
        return start(binary.get(), null, extraArgs);
    }

    /**
     * Starts nats-server with a config file whose text is {@code config}; {@code listen} is added by this
     * method and must not be in it. Skips the calling test if there is no binary.
     */
    static NatsServerProcess startWithConfigOrSkip(String config) throws IOException, InterruptedException {
        Optional<Path> binary = binary();
        assumeTrue(binary.isPresent(), "nats-server is not installed (set NATS_SERVER or put it on the PATH)");
        return start(binary.get(), config);
    }

    private static NatsServerProcess start(Path binary, String config, String... extraArgs)
            throws IOException, InterruptedException {
        int port = freePort();
        Path logFile = Files.createTempFile("nats-server-", ".log");
        Path configFile = null;
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-a", "127.0.0.1", "-p",
            Integer.toString(port)));
        if (config != null) {
            configFile = Files.createTempFile("nats-server-", ".conf");
            Files.writeString(configFile, config, StandardCharsets.UTF_8);
            command.add("-c");
            command.add(configFile.toString());
        }
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
        NatsServerProcess server = new NatsServerProcess(process, port, logFile, configFile);
        try {
            server.awaitListening();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + ": " + logTail());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nats-server did not listen on " + port + " within " + START_TIMEOUT_MILLIS
            + " ms: " + logTail());
    }

    private String logTail() {
        try {
            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A port that was free a moment ago (the usual small race is acceptable for tests). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Stops the process (forcibly after 5 s) and deletes its files; an interrupt is passed on, not lost. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(logFile);
        if (configFile != null) {
            Files.deleteIfExists(configFile);
        }
    }
}
