package io.halyard.server.dropin;

import io.halyard.server.HalyardServer;
import io.halyard.server.Main;
import io.halyard.server.Reload;
import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config reload, driven in-process through {@link Reload#reload()} (what SIGHUP calls; the signal
 * itself is {@link SignalReloadTest}'s). The server is started the way {@code Main} starts it: options
 * from {@link Main#loadOptions}, the same loader used again on reload.
 */
class ReloadTest {
    private static final String ALLOW_X = """
            authorization {
              users = [
                {user: a, password: pa, permissions: {publish: {allow: ["x"]}}}
              ]
            }
            """;
    private static final String DENY_X = """
            authorization {
              users = [
                {user: a, password: pa, permissions: {publish: {deny: "x"}}}
              ]
            }
            """;
    private static final String VIOLATION = "Permissions Violation for Publish to \"x\"";

    @TempDir
    Path dir;
    private Path conf;
    private HalyardServer server;
    private Reload reload;
    private final List<LogRecord> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            log.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Held strongly: JUL keeps loggers only weakly, and a collected one would lose the handler. */
    private final Logger reloadLogger = Logger.getLogger(Reload.class.getName());

    @BeforeEach
    void captureReloadLog() {
        reloadLogger.addHandler(capture);
    }

    @AfterEach
    void stop() {
        reloadLogger.removeHandler(capture);
        if (server != null) {
            server.stop();
        }
    }

    private void start(String config, String... moreFlags) throws Exception {
        conf = dir.resolve("halyard.conf");
        Files.writeString(conf, config, StandardCharsets.UTF_8);
        String[] args = flags(moreFlags);
        ServerOptions options = Main.loadOptions(args, Map.of());
        server = new HalyardServer(options).start();
        reload = new Reload(server, options, () -> Main.loadOptions(args, Map.of()));
    }

    private String[] flags(String... more) {
        // A store of its own: without -sd the server would use data/ under the working directory.
        String[] base = {"-c", conf.toString(), "-a", "127.0.0.1", "-p", "-1", "-sd", dir.resolve("store").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private void rewrite(String config) throws Exception {
        Files.writeString(conf, config, StandardCharsets.UTF_8);
    }

    private String url() {
        return "nats://127.0.0.1:" + server.port();
    }

    private String logged(Level level) {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : log) {
            if (r.getLevel().equals(level)) {
                sb.append(new java.util.logging.SimpleFormatter().formatMessage(r)).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void shouldRefuseANewConnectionWhatTheReloadedConfigDenies() throws Exception {
        start(ALLOW_X);
        assertNull(DropIn.publishOutcome(url(), "a", "pa", "x"), "allowed before the reload");

        rewrite(DENY_X);
        assertTrue(reload.reload());

        assertEquals(VIOLATION, DropIn.publishOutcome(url(), "a", "pa", "x"));
        assertTrue(logged(Level.INFO).contains("Reloaded: authorization"), logged(Level.INFO));
        assertTrue(logged(Level.INFO).contains("Reloaded server configuration"), logged(Level.INFO));
    }

    @Test
    void shouldKeepTheConfigInForceWhenTheNewFileCannotBeRead() throws Exception {
        start(ALLOW_X);

        rewrite("authorization { users = [ {user: a, password: pa, permissions: {publish: {deny: \"x\"}}} \n");
        assertFalse(reload.reload());

        assertNull(DropIn.publishOutcome(url(), "a", "pa", "x"), "still the old permissions");
        String errors = logged(Level.SEVERE);
        assertTrue(errors.startsWith("Failed to reload server configuration: "), errors);
        assertTrue(errors.contains("halyard.conf"), "the error names the file: " + errors);
    }

    @Test
    void shouldApplyNothingWhenAnOptionThatCannotChangeChanged() throws Exception {
        start(ALLOW_X);

        rewrite(DENY_X + "server_name: renamed\n");
        assertFalse(reload.reload());

        assertNull(DropIn.publishOutcome(url(), "a", "pa", "x"), "the permissions did not change either");
        assertTrue(logged(Level.SEVERE).contains(
                "Failed to reload server configuration: config reload not supported for server_name: old=null, new=renamed"),
                logged(Level.SEVERE));
    }

    @Test
    void shouldKeepARandomPortAcrossReloads() throws Exception {
        start(ALLOW_X);
        int port = server.port();

        rewrite(DENY_X);
        assertTrue(reload.reload(), logged(Level.SEVERE));

        assertEquals(port, server.port());
    }

    @Test
    void shouldAdvertiseAReloadedMaxPayloadToNewConnections() throws Exception {
        start("max_payload: 1000\n");
        try (Connection before = Nats.connect(new Options.Builder().server(url()).maxReconnects(0).build())) {
            assertEquals(1000, before.getServerInfo().getMaxPayload());

            rewrite("max_payload: 2000\nmax_connections: 10\nping_interval: \"30s\"\n");
            assertTrue(reload.reload(), logged(Level.SEVERE));

            try (Connection after = Nats.connect(new Options.Builder().server(url()).maxReconnects(0).build())) {
                assertEquals(2000, after.getServerInfo().getMaxPayload());
            }
            assertEquals(1000, before.getServerInfo().getMaxPayload(), "an existing connection keeps its INFO");
        }
        assertEquals(10, server.broker().config().maxConnections);
        assertEquals(30_000_000_000L, server.broker().config().pingIntervalNanos);
        String info = logged(Level.INFO);
        assertTrue(info.contains("Reloaded: max_payload = 2000"), info);
        assertTrue(info.contains("Reloaded: max_connections = 10"), info);
    }

    @Test
    void shouldApplyReloadedMappingsToTheNextPublishOfAConnectionAlreadyThere() throws Exception {
        start("mappings { in: out.a }\n");
        try (Connection nc = Nats.connect(new Options.Builder().server(url()).maxReconnects(0).build())) {
            Subscription a = nc.subscribe("out.a");
            Subscription b = nc.subscribe("out.b");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("in", "1".getBytes(StandardCharsets.UTF_8));
            assertEquals("out.a", a.nextMessage(Duration.ofSeconds(2)).getSubject());

            rewrite("mappings { in: out.b }\n");
            assertTrue(reload.reload(), logged(Level.SEVERE));
            nc.publish("in", "2".getBytes(StandardCharsets.UTF_8));
            assertEquals("out.b", b.nextMessage(Duration.ofSeconds(2)).getSubject());
            assertNull(a.nextMessage(Duration.ofMillis(200)));

            rewrite("# no mappings\n");
            assertTrue(reload.reload(), logged(Level.SEVERE));
            Subscription in = nc.subscribe("in");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("in", "3".getBytes(StandardCharsets.UTF_8));
            assertEquals("in", in.nextMessage(Duration.ofSeconds(2)).getSubject());
        }
        assertTrue(logged(Level.INFO).contains("Reloaded: mappings"), logged(Level.INFO));

        rewrite("mappings { in: \"out.$1\" }\n");
        assertFalse(reload.reload(), "a bad mapping keeps the ones in force");
        assertTrue(logged(Level.SEVERE).contains("wildcard index out of range"), logged(Level.SEVERE));
    }

    @Test
    void shouldLayTheFlagsOverTheReloadedFileAsAtStart() throws Exception {
        start("max_payload: 1000\n", "--user", "flaguser", "--pass", "flagpass");

        rewrite("max_payload: 3000\nauthorization { user: fileuser, password: filepass }\n");
        assertTrue(reload.reload(), logged(Level.SEVERE));

        assertNull(DropIn.publishOutcome(url(), "flaguser", "flagpass", "x"), "the flags still win over the file");
        assertEquals(3000, server.broker().config().maxPayload);
    }

    /** A jnats connection that does not reconnect, with the -ERR texts and the moment it closed. */
    private static final class Client implements AutoCloseable {
        final DropIn.RecordingErrors errors = new DropIn.RecordingErrors();
        final CountDownLatch closed = new CountDownLatch(1);
        final Connection nc;

        Client(String url, String user, String password) throws Exception {
            Options.Builder b = new Options.Builder().server(url).noReconnect().connectionTimeout(DropIn.WAIT)
                    .errorListener(errors).connectionListener((conn, event) -> {
                        if (event == ConnectionListener.Events.CLOSED) {
                            closed.countDown();
                        }
                    });
            if (user != null) {
                b.userInfo(user, password);
            }
            nc = Nats.connect(b.build());
        }

        boolean awaitClosed() throws InterruptedException {
            return closed.await(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            nc.close();
        }
    }

    /** Publishes on {@code from} and returns whether {@code sub} got it. */
    private static boolean delivered(Connection from, Subscription sub, String subject) throws Exception {
        from.publish(subject, "probe".getBytes(StandardCharsets.UTF_8));
        from.flush(DropIn.WAIT);
        return sub.nextMessage(Duration.ofMillis(500)) != null;
    }

    @Test
    void shouldApplyReloadedPermissionsToAConnectionAlreadyThere() throws Exception {
        start(ALLOW_X);
        try (Client a = new Client(url(), "a", "pa")) {
            Subscription sub = a.nc.subscribe("x");
            a.nc.flush(DropIn.WAIT);
            assertTrue(delivered(a.nc, sub, "x"), "allowed before the reload");

            rewrite(DENY_X);
            assertTrue(reload.reload(), logged(Level.SEVERE));

            assertFalse(delivered(a.nc, sub, "x"), "the same connection is now refused");
            assertEquals(VIOLATION, a.errors.queue.poll(5, TimeUnit.SECONDS));
            assertEquals(Connection.Status.CONNECTED, a.nc.getStatus());
        }
    }

    @Test
    void shouldRemoveAnExistingSubscriptionTheReloadedPermissionsNoLongerAllow() throws Exception {
        String subscribeAll = "authorization { users = [ {user: a, password: pa} ] }\n";
        String denyOrders = "authorization { users = [ {user: a, password: pa, "
                + "permissions: {subscribe: {deny: \"orders.>\"}}} ] }\n";
        start(subscribeAll);
        try (Client a = new Client(url(), "a", "pa")) {
            Subscription orders = a.nc.subscribe("orders.new");
            Subscription other = a.nc.subscribe("other");
            a.nc.flush(DropIn.WAIT);

            rewrite(denyOrders);
            assertTrue(reload.reload(), logged(Level.SEVERE));

            String error = a.errors.queue.poll(5, TimeUnit.SECONDS);
            assertTrue(error != null && error.matches("Permissions Violation for Subscription to \"orders\\.new\" \\(sid \"\\d+\"\\)"),
                    "nats-server's text, with the sid: " + error);
            assertFalse(delivered(a.nc, orders, "orders.new"), "the subscription is gone");
            assertTrue(delivered(a.nc, other, "other"), "the others stay");
            assertEquals(Connection.Status.CONNECTED, a.nc.getStatus());
        }
    }

    @Test
    void shouldCloseAConnectionWhoseCredentialsNoLongerAuthenticate() throws Exception {
        start("authorization { users = [ {user: a, password: old} ] }\n");
        try (Client a = new Client(url(), "a", "old")) {
            rewrite("authorization { users = [ {user: a, password: new} ] }\n");
            assertTrue(reload.reload(), logged(Level.SEVERE));

            assertTrue(a.awaitClosed(), "closed");
            assertEquals("Authorization Violation", a.errors.queue.poll(5, TimeUnit.SECONDS));
        }
        assertNull(DropIn.publishOutcome(url(), "a", "new", "x"), "the new password works");
    }

    @Test
    void shouldCloseWithoutAnErrorAConnectionWhoseUserWasRemoved() throws Exception {
        start("authorization { users = [ {user: a, password: pa}, {user: b, password: pb} ] }\n");
        try (Client a = new Client(url(), "a", "pa"); Client b = new Client(url(), "b", "pb")) {
            rewrite("authorization { users = [ {user: a, password: pa} ] }\n");
            assertTrue(reload.reload(), logged(Level.SEVERE));

            assertTrue(b.awaitClosed(), "b is gone");
            assertNull(b.errors.queue.poll(500, TimeUnit.MILLISECONDS), "closed as nats-server's ClientClosed: no -ERR");
            a.nc.flush(DropIn.WAIT);
            assertEquals(Connection.Status.CONNECTED, a.nc.getStatus(), "a is still configured");
        }
    }

    @Test
    void shouldCloseConnectionsBeyondALoweredMaxConnections() throws Exception {
        start("max_connections: 10\n");
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(new Client(url(), null, null));
            }
            rewrite("max_connections: 2\n");
            assertTrue(reload.reload(), logged(Level.SEVERE));

            int closed = 0;
            for (Client c : clients) {
                if (c.closed.await(3, TimeUnit.SECONDS)) {
                    closed++;
                    assertEquals("maximum connections exceeded", c.errors.queue.poll(1, TimeUnit.SECONDS));
                } else {
                    c.nc.flush(DropIn.WAIT);
                }
            }
            assertEquals(3, closed, "closed down to the new limit");
            assertEquals(2, server.broker().clientCount());
            assertTrue(logged(Level.INFO).contains("Closed 3 connections to fall within max_connections"),
                    logged(Level.INFO));
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    @Test
    void shouldNotReloadWithoutAConfigFile() throws Exception {
        ServerOptions options = Main.loadOptions(new String[] {"-a", "127.0.0.1", "-p", "-1", "-sd",
                dir.resolve("store").toString()}, Map.of());
        server = new HalyardServer(options).start();
        reload = new Reload(server, options, () -> options);

        assertFalse(reload.reload());
        assertTrue(logged(Level.SEVERE).contains(
                "can only reload config when a file is provided using -c or --config"), logged(Level.SEVERE));
    }
}
