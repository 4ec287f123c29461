package io.halyard.server.dropin;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM in Kubernetes: the kubelet stops a pod with SIGTERM, so there (or with
 * {@code halyard { lame_duck_on_sigterm: true }}) SIGTERM starts lame-duck mode — clients are told and
 * drained, then the server exits 0 — while elsewhere it stops at once as nats-server does.
 */
@Timeout(60)
class SigtermLameDuckTest {
    @TempDir
    Path dir;

    private Path config(String extra) throws Exception {
        Path conf = dir.resolve("halyard.conf");
        Files.writeString(conf, "lame_duck_grace_period: 1s\nlame_duck_duration: 30s\n" + extra);
        return conf;
    }

    private List<String> args(int port, String extraConfig) throws Exception {
        return List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-sd", dir.resolve("store").toString(),
                "-c", config(extraConfig).toString());
    }

    /** Connects a client, sends SIGTERM, and returns how long the server took to exit and what the client saw. */
    private static long terminate(DropIn.Child server, int port, List<ConnectionListener.Events> events) throws Exception {
        server.awaitLine("Server is ready", Duration.ofSeconds(30));
        Options options = new Options.Builder().server("nats://127.0.0.1:" + port).noReconnect()
                .connectionListener((conn, event) -> events.add(event))
                .errorListener(new io.nats.client.ErrorListener() { }).build();
        try (Connection nc = Nats.connect(options)) {
            nc.flush(Duration.ofSeconds(2));
            long start = System.nanoTime();
            // kill(1), not Process.destroy(): destroy also closes our end of the child's output.
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).inheritIO().start().waitFor();
            assertTrue(server.process.waitFor(20, TimeUnit.SECONDS), server.log());
            assertEquals(0, server.process.exitValue(), server.log());
            return System.nanoTime() - start;
        }
    }

    @Test
    void shouldDrainOnSigtermInKubernetes() throws Exception {
        int port = DropIn.freePort();
        List<ConnectionListener.Events> events = new CopyOnWriteArrayList<>();
        try (DropIn.Child server = DropIn.Child.start(args(port, ""), Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"))) {
            long took = terminate(server, port, events);
            assertTrue(events.contains(ConnectionListener.Events.LAME_DUCK), "clients are told: " + events);
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900), "the grace period passed first");
            server.awaitLine("Entering lame duck mode", Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldDrainOnSigtermWhenTheConfigSaysSo() throws Exception {
        int port = DropIn.freePort();
        List<ConnectionListener.Events> events = new CopyOnWriteArrayList<>();
        try (DropIn.Child server = DropIn.Child.start(args(port, "halyard {\n  lame_duck_on_sigterm: true\n}\n"), Map.of())) {
            terminate(server, port, events);
            assertTrue(events.contains(ConnectionListener.Events.LAME_DUCK), "clients are told: " + events);
        }
    }

    @Test
    void shouldStopAtOnceOnSigtermOutsideKubernetesAsNatsServerDoes() throws Exception {
        int port = DropIn.freePort();
        List<ConnectionListener.Events> events = new CopyOnWriteArrayList<>();
        try (DropIn.Child server = DropIn.Child.start(args(port, ""), Map.of())) {
            long took = terminate(server, port, events);
            assertTrue(!events.contains(ConnectionListener.Events.LAME_DUCK), "no lame duck: " + events);
            assertTrue(took < TimeUnit.MILLISECONDS.toNanos(900), "no grace period: " + took / 1_000_000 + " ms");
        }
    }
}
