package io.halyard.server.dropin;

import io.nats.NatsRunnerUtils;
import io.nats.NatsServerRunner;
import io.nats.Output;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Halyard started by io.nats:jnats-server-runner, the launcher jnats' own test suites use, exactly as
 * it starts nats-server and with its default settings: the executable (here a generated stand-in for
 * {@code bin/nats-server}, see {@link DropIn#serverScript}) with {@code --port N}, or
 * {@code --config <temp file>} holding the given file with its port rewritten, plus {@code -js} and
 * {@code -DV} when asked. Ready means: a TCP connect to 127.0.0.1:N accepted within the runner's three
 * tries, about 200, 250 and 300 ms after the spawn; then a CONNECT written, and an {@code INFO} with
 * {@code "port":N} read, up to the second CR (the server's first PING, about 2 s after CONNECT).
 *
 * <p>A JVM reaches {@code main} ~100 ms after the spawn on a quiet machine and much later beside the
 * test JVM's own warm-up on two busy cores, so the connect window holds only because the launcher
 * binds the port before the JVM starts ({@code bin/lib/listen-first.pl}, used by the stand-in as by
 * {@code bin/nats-server}); the JVM then takes the socket over. Without perl, or off Linux, the tests
 * are skipped: the window is then met on a quiet machine only.
 */
@Timeout(120)
class JnatsServerRunnerTest {
    @TempDir
    static Path dir;
    private static Path natsServer;

    @BeforeAll
    static void standInForBinNatsServer() throws Exception {
        assumeTrue(DropIn.perl() != null && System.getProperty("os.name").contains("Linux"),
                "the launcher binds the port before the JVM on Linux, with perl; else it listens ~0.2 s after the spawn");
        natsServer = DropIn.serverScript(dir, "nats-server");
    }

    /** The server's output as the runner hands it on. */
    static final class Captured implements Output {
        final List<String> lines = new CopyOnWriteArrayList<>();

        String text() {
            return String.join("\n", lines);
        }

        @Override public void setLevel(Level level) { }
        @Override public void error(Supplier<String> msg) { lines.add(msg.get()); }
        @Override public void error(String msg) { lines.add(msg); }
        @Override public void warning(Supplier<String> msg) { lines.add(msg.get()); }
        @Override public void warning(String msg) { lines.add(msg); }
        @Override public void info(Supplier<String> msg) { lines.add(msg.get()); }
        @Override public void info(String msg) { lines.add(msg); }
        @Override public boolean isLogger() { return false; }
        @Override public Logger getLogger() { return null; }
    }

    /** The runner with its default readiness check: three connects, then INFO up to the first PING. */
    private static NatsServerRunner.Builder runner(Captured output) {
        return NatsServerRunner.builder().executablePath(natsServer).output(output);
    }

    /** The runner leaves the config file it writes for the server in the temp directory. */
    private static void deleteRunnerConfig(NatsServerRunner server) throws Exception {
        if (server.getConfigFile() != null) {
            Files.deleteIfExists(Path.of(server.getConfigFile()));
        }
    }

    private static void assertMessageExchange(String url, Options.Builder options) throws Exception {
        // The runner only checks that the port accepts; with the port bound before the JVM that is at
        // once, and the INFO follows when the JVM serves (~0.8 s quiet, more than jnats' default 2 s
        // connect timeout seen once in a full CI run at load ~6). A CI-sized connect timeout here.
        options.connectionTimeout(DropIn.WAIT);
        try (Connection nc = Nats.connect(options.server(url).maxReconnects(0).build())) {
            Subscription sub = nc.subscribe("dropin.hello");
            nc.flush(DropIn.WAIT);
            nc.publish("dropin.hello", "hi".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(DropIn.WAIT);
            assertNotNull(m, "the message came back");
            assertEquals("hi", new String(m.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldStartInCoreModeAndExchangeAMessage() throws Exception {
        Captured out = new Captured();
        try (NatsServerRunner server = runner(out).build()) {
            assertTrue(server.getCmdLine().contains(" --port " + server.getPort()), server.getCmdLine());
            assertMessageExchange(server.getURI(), new Options.Builder());
            assertTrue(out.text().contains("Listening for client connections on 0.0.0.0:" + server.getPort()), out.text());
            assertTrue(out.text().contains("Server is ready"), out.text());
        }
    }

    @Test
    void shouldStartWithJetStreamWhenAskedFor() throws Exception {
        Captured out = new Captured();
        try (NatsServerRunner server = runner(out).jetstream(true).build()) {
            assertTrue(server.getCmdLine().endsWith(" -js"), server.getCmdLine());
            assertMessageExchange(server.getURI(), new Options.Builder());
            assertTrue(out.text().contains("[INF] JetStream enabled"), out.text());
        }
    }

    @Test
    void shouldStartFromAConfigFileWithDebugAndTrace() throws Exception {
        Path conf = dir.resolve("auth.conf");
        Files.writeString(conf, """
                port: 4222
                max_payload: 64KB
                authorization {
                  user: runner
                  password: s3cret
                }
                """);
        Captured out = new Captured();
        try (NatsServerRunner server = runner(out).configFilePath(conf).debug(true).build()) {
            assertTrue(server.getCmdLine().contains(" --config "), server.getCmdLine());
            assertTrue(server.getCmdLine().endsWith(" -DV"), server.getCmdLine());
            assertMessageExchange(server.getURI(), new Options.Builder().userInfo("runner", "s3cret"));
            assertTrue(out.text().contains("[DBG]") || out.text().contains("[TRC]"), "-DV turns on debug: " + out.text());
            deleteRunnerConfig(server);
        }
    }

    @Test
    void shouldStartEveryTimeWithinTheRunnersDefaultWindow() throws Exception {
        for (int i = 0; i < 3; i++) {
            Captured out = new Captured();
            try (NatsServerRunner server = runner(out).jetstream(true).build()) {
                assertMessageExchange(server.getURI(), new Options.Builder());
            }
        }
    }

    @Test
    void shouldReportAVersionTheRunnerRecognises() {
        String version = NatsRunnerUtils.getNatsServerVersionString(natsServer.toString());
        assertNotNull(version);
        assertTrue(version.startsWith("nats-server: v"), version);
    }
}
