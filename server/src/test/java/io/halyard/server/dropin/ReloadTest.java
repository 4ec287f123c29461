package io.halyard.server.dropin;

import io.halyard.server.HalyardServer;
import io.halyard.server.Main;
import io.halyard.server.Reload;
import io.halyard.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
        String[] base = {"-c", conf.toString(), "-a", "127.0.0.1", "-p", "-1"};
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
    void shouldLayTheFlagsOverTheReloadedFileAsAtStart() throws Exception {
        start("max_payload: 1000\n", "--user", "flaguser", "--pass", "flagpass");

        rewrite("max_payload: 3000\nauthorization { user: fileuser, password: filepass }\n");
        assertTrue(reload.reload(), logged(Level.SEVERE));

        assertNull(DropIn.publishOutcome(url(), "flaguser", "flagpass", "x"), "the flags still win over the file");
        assertEquals(3000, server.broker().config().maxPayload);
    }

    @Test
    void shouldNotReloadWithoutAConfigFile() throws Exception {
        ServerOptions options = Main.loadOptions(new String[] {"-a", "127.0.0.1", "-p", "-1"}, Map.of());
        server = new HalyardServer(options).start();
        reload = new Reload(server, options, () -> options);

        assertFalse(reload.reload());
        assertTrue(logged(Level.SEVERE).contains(
                "can only reload config when a file is provided using -c or --config"), logged(Level.SEVERE));
    }
}
