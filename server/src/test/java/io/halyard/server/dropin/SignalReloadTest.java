package io.halyard.server.dropin;

import io.halyard.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Halyard process: real signals sent with {@code --signal} (SIGHUP reloads, SIGTERM stops), and
 * the process files nats-server harnesses read ({@code nats-server_<pid>.ports}, the pid file).
 */
@Timeout(60)
class SignalReloadTest {
    private static final String ALLOW_X = "authorization { users = [ {user: a, password: pa, "
            + "permissions: {publish: {allow: [\"x\"]}}} ] }\n";
    private static final String DENY_X = "authorization { users = [ {user: a, password: pa, "
            + "permissions: {publish: {deny: \"x\"}}} ] }\n";

    @TempDir
    Path dir;

    /** Runs {@code halyard --signal spec} in this JVM (it only sends a signal and returns). */
    private static void signal(String spec) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--signal", spec}, Map.of(), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 100 && !Files.exists(file); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void shouldReloadOnSighupAndStopOnSigterm() throws Exception {
        Path conf = dir.resolve("nats.conf");
        Files.writeString(conf, ALLOW_X);
        Path pidFile = dir.resolve("server.pid");
        int port = DropIn.freePort();
        List<String> args = List.of("-c", conf.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port),
                "--ports_file_dir", dir.toString(), "-P", pidFile.toString());
        try (DropIn.Child child = DropIn.Child.start(args, Map.of())) {
            child.awaitLine("Server is ready", Duration.ofSeconds(30));
            String url = "nats://127.0.0.1:" + port;

            Path ports = dir.resolve("nats-server_" + child.pid() + ".ports");
            awaitFile(ports); // written just after the listener is up, as nats-server does: harnesses poll for it
            assertEquals("{\"nats\":[\"nats://127.0.0.1:" + port + "\"]}", Files.readString(ports));
            assertEquals(Long.toString(child.pid()), Files.readString(pidFile));
            assertNull(DropIn.publishOutcome(url, "a", "pa", "x"));

            Files.writeString(conf, DENY_X);
            signal("reload=" + child.pid());
            child.awaitLine("Reloaded server configuration", DropIn.WAIT);
            assertEquals("Permissions Violation for Publish to \"x\"", DropIn.publishOutcome(url, "a", "pa", "x"));

            Files.writeString(conf, "this is { not a config");
            signal("reload=" + pidFile); // a pid file names the process, as in nats-server
            child.awaitLine("\\[ERR\\] Failed to reload server configuration: ", DropIn.WAIT);
            assertEquals("Permissions Violation for Publish to \"x\"", DropIn.publishOutcome(url, "a", "pa", "x"),
                    "the last good config stays");

            signal("term=" + child.pid());
            assertTrue(child.process.waitFor(15, TimeUnit.SECONDS), "SIGTERM stops the server:\n" + child.log());
            assertEquals(0, child.process.exitValue(), "exit code 0, as nats-server's");
            child.awaitLine("Server stopped", DropIn.WAIT);
            assertFalse(Files.exists(ports), "the ports file is removed on shutdown, as by nats-server");
        }
    }

    @Test
    void shouldListTheWebSocketListenerInThePortsFile() throws Exception {
        Path conf = dir.resolve("ws.conf");
        Files.writeString(conf, "websocket { host: 127.0.0.1, port: -1, no_tls: true }\n");
        List<String> args = List.of("-c", conf.toString(), "-a", "127.0.0.1", "-p", "-1",
                "--ports_file_dir", dir.toString());
        try (DropIn.Child child = DropIn.Child.start(args, Map.of())) {
            child.awaitLine("Server is ready", Duration.ofSeconds(30));
            Path ports = dir.resolve("nats-server_" + child.pid() + ".ports");
            awaitFile(ports);
            String json = Files.readString(ports);
            assertTrue(json.matches("\\{\"nats\":\\[\"nats://127\\.0\\.0\\.1:\\d+\"],"
                    + "\"websocket\":\\[\"ws://127\\.0\\.0\\.1:\\d+\"]}"), json);
        }
    }

    @Test
    void shouldEnterLameDuckModeOnSignalLdmAndEndOnTheSecond() throws Exception {
        Path conf = dir.resolve("ldm.conf");
        // A long grace period: the drain would take 20 s; the second signal ends it at once.
        Files.writeString(conf, "lame_duck_grace_period: \"20s\"\nhttp: \"127.0.0.1:-1\"\n");
        List<String> args = List.of("-c", conf.toString(), "-a", "127.0.0.1", "-p", "-1",
                "--ports_file_dir", dir.toString());
        try (DropIn.Child child = DropIn.Child.start(args, Map.of())) {
            child.awaitLine("Server is ready", Duration.ofSeconds(30));
            Path ports = dir.resolve("nats-server_" + child.pid() + ".ports");
            awaitFile(ports);
            String json = Files.readString(ports);
            assertTrue(json.matches("\\{\"nats\":\\[\"nats://127\\.0\\.0\\.1:\\d+\"],"
                    + "\"monitoring\":\\[\"http://127\\.0\\.0\\.1:\\d+\"]}"), json);

            signal("ldm=" + child.pid());
            child.awaitLine("Entering lame duck mode", DropIn.WAIT);
            assertTrue(child.process.isAlive(), "still draining during the grace period");
            signal("ldm=" + child.pid());
            assertTrue(child.process.waitFor(15, TimeUnit.SECONDS), "a second ldm ends the drain:\n" + child.log());
            assertEquals(0, child.process.exitValue(), "exit code 0, as nats-server's");
            assertFalse(Files.exists(ports), "the ports file is removed");
        }
    }

    @Test
    void shouldRefuseSignalsHalyardCannotActOn() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(1, Main.run(new String[] {"-sl", "reopen=1"}, Map.of(), System.out, errors));
        assertEquals(1, Main.run(new String[] {"--signal", "bogus=1"}, Map.of(), System.out, errors));
        assertEquals(1, Main.run(new String[] {"--signal", "reload=12x"}, Map.of(), System.out, errors));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("signal \"reopen\" is not supported by Halyard yet"), text);
        assertTrue(text.contains("unknown signal \"bogus\""), text);
        assertTrue(text.contains("invalid pid: 12x"), text);
    }
}
