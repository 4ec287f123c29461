package io.halyard.server.config;

import io.halyard.core.subject.SubjectMappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    static ServerOptions load(String text) {
        return ConfigLoader.loadString(text, Map.of());
    }

    static String error(String text) {
        return assertThrows(ConfigException.class, () -> load(text)).getMessage();
    }

    @Nested
    class Mappings {

        @Test
        void shouldReadEveryFormInOrder() {
            ServerOptions o = load("""
                    mappings {
                      a: b
                      "c.*": {destination: "d.$1", weight: 100}
                      e: [ {dest: f, weight: "30%"}, {destination: g, weight: 70} ]
                      h: [ {destination: i, weight: 50, cluster: east} ]
                    }
                    """);
            assertEquals(List.of("a", "c.*", "e", "h"), List.copyOf(o.mappings.keySet()));
            assertEquals(List.of(new SubjectMappings.Destination("b", 100)), o.mappings.get("a"));
            assertEquals(List.of(new SubjectMappings.Destination("d.$1", 100)), o.mappings.get("c.*"));
            assertEquals(List.of(new SubjectMappings.Destination("f", 30), new SubjectMappings.Destination("g", 70)),
                    o.mappings.get("e"));
            assertEquals(List.of(), o.mappings.get("h"), "cluster-scoped destinations are left out");
            assertTrue(o.warnings.stream().anyMatch(w -> w.contains("cluster \"east\" ignored")), o.warnings.toString());
            assertTrue(o.warnings.stream().noneMatch(w -> w.contains("mappings")), o.warnings.toString());
            assertEquals(List.of("b"), List.copyOf(load("maps { a: b }").mappings.keySet()).stream()
                    .map(k -> load("maps { a: b }").mappings.get(k).get(0).subject()).toList());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "'mappings { \"a..b\": c }' | subject \"a..b\" is not a valid subject",
                "'mappings { \"a.*\": \"b.$2\" }' | wildcard index out of range in $2",
                "'mappings { \"a.*\": \"b.{{nope(1)}}\" }' | unknown function in {{nope(1)}}",
                "'mappings { a: [ {destination: b, weight: 60}, {destination: c, weight: 50} ] }' | total weight needs to be <= 100",
                "'mappings { a: [ {destination: b, weight: 10}, {destination: b, weight: 10} ] }' | duplicate entry for \"b\"",
                "'mappings { a: [ {destination: b, weight: 101} ] }' | invalid weight 101 for mapping destination",
                "'mappings { a: [ {destination: b, weight: \"x%\"} ] }' | invalid weight \"x\" for mapping destination",
                "'mappings { a: [ {destination: b} ] }' | missing weight for mapping destination \"b\"",
                "'mappings { a: [ {destination: b, weight: 1, color: red} ] }' | unknown field \"color\" for mapping destination",
                "'mappings { a: [ b ] }' | expected an entry for the mapping destination",
                "'mappings { a: 5 }' | for mapping destination",
        })
        void shouldRefuseBadMappingsWithTheirPosition(String text, String reason) {
            String message = error(text);
            assertTrue(message.contains(reason), message);
            assertTrue(message.startsWith("<string>:1:"), message);
        }
    }

    @Nested
    class Listener {

        @Test
        void shouldKeepNatsServerDefaultsForAnEmptyConfigAndWarn() {
            ServerOptions o = load("# nothing\n");
            assertEquals("0.0.0.0", o.host);
            assertEquals(4222, o.port);
            assertEquals(0, o.httpPort);
            assertEquals(1024 * 1024, o.maxPayload);
            assertEquals(Duration.ofSeconds(2), o.authTimeout);
            assertEquals(List.of("<string>: config has no values or is empty"), o.warnings);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {"127.0.0.1:4333|127.0.0.1|4333", ":4333|0.0.0.0|4333",
                "\"[::1]:4333\"|::1|4333", "4333|0.0.0.0|4333", "localhost:-1|localhost|-1",
                "0.0.0.0:0|0.0.0.0|4222"})
        void shouldReadListenAsHostAndPort(String value, String host, int port) {
            ServerOptions o = load("listen: " + value);
            assertEquals(host, o.host);
            assertEquals(port, o.port);
        }

        @Test
        void shouldReadHostNetAndPortWithTheLaterLineWinning() {
            ServerOptions o = load("net: 10.0.0.1\nport: 5000\nlisten: 127.0.0.1:6000\nport: 7000\n");
            assertEquals("127.0.0.1", o.host);
            assertEquals(7000, o.port);
            assertEquals("10.0.0.2", load("host = 10.0.0.2").host);
        }

        @Test
        void shouldTreatPortZeroAsTheDefaultAndMinusOneAsRandom() {
            assertEquals(4222, load("port: 0").port);
            assertEquals(-1, load("port: -1").port);
        }

        @Test
        void shouldReadTheMonitoringListener() {
            ServerOptions o = load("http: 127.0.0.1:8222");
            assertEquals("127.0.0.1", o.httpHost);
            assertEquals(8222, o.httpPort);
            assertEquals(8223, load("http_port: 8223").httpPort);
            assertEquals(8224, load("monitor_port: 8224").httpPort);
            assertNull(load("http: 8225").httpHost);
        }

        @Test
        void shouldReadServerNameAndRejectSpaces() {
            assertEquals("n1", load("server_name: n1").serverName);
            assertEquals("<string>:1:1: server_name: server name cannot contain spaces",
                    error("server_name: \"my server\""));
        }

        @Test
        void shouldRejectABadListenAddress() {
            assertEquals("<string>:1:1: listen: could not parse address string \"10.0.1.22:foo\"",
                    error("listen: 10.0.1.22:foo"));
            assertEquals("<string>:1:1: port: port 70000 is out of range (0 to 65535, or -1 for a random port)",
                    error("port: 70000"));
        }
    }

    @Nested
    class Limits {

        @Test
        void shouldReadEveryLimitWithItsAliases() {
            ServerOptions o = load("max_payload: 2MB\nmax_connections: 100\nmax_control_line: 8kb\n"
                    + "max_subscriptions: 50\nmax_pending: 32MB\nping_max: 5\n");
            assertEquals(2 * 1024 * 1024, o.maxPayload);
            assertEquals(100, o.maxConnections);
            assertEquals(8192, o.maxControlLine);
            assertEquals(50, o.maxSubscriptions);
            assertEquals(32L * 1024 * 1024, o.maxPending);
            assertEquals(5, o.pingMax);
            assertEquals(7, load("max_conn: 7").maxConnections);
            assertEquals(9, load("max_subs: 9").maxSubscriptions);
        }

        @Test
        void shouldKeepMaxConnectionsZeroAsRefuseEveryClient() {
            assertEquals(0, load("max_connections: 0").maxConnections);
        }

        @Test
        void shouldMatchOptionNamesIgnoringCase() {
            ServerOptions o = load("PORT: 1234\nMax_Payload: 1KB\nAuthorization { USER: a, Password: b }");
            assertEquals(1234, o.port);
            assertEquals(1024, o.maxPayload);
            assertEquals("a", o.username);
            assertEquals("b", o.password);
        }

        @Test
        void shouldRejectAMaxPayloadThatDoesNotFitAnInt() {
            assertEquals("<string>:1:1: max_payload: value is too big", error("max_payload: 4GB"));
        }

        @Test
        void shouldReadDurationsAsGoStringsOrLegacySecondsWithAWarning() {
            ServerOptions o = load("ping_interval: \"30s\"\nwrite_deadline: \"1m30s\"\n");
            assertEquals(Duration.ofSeconds(30), o.pingInterval);
            assertEquals(Duration.ofSeconds(90), o.writeDeadline);
            assertTrue(o.warnings.isEmpty());
            ServerOptions legacy = load("ping_interval: 30\nwrite_deadline = 5\n");
            assertEquals(Duration.ofSeconds(30), legacy.pingInterval);
            assertEquals(Duration.ofSeconds(5), legacy.writeDeadline);
            assertEquals(List.of(
                    "<string>:1:1: invalid use of field \"ping_interval\": ping_interval should be converted to"
                            + " a duration such as \"30s\"",
                    "<string>:2:1: invalid use of field \"write_deadline\": write_deadline should be converted to"
                            + " a duration such as \"5s\""), legacy.warnings);
        }

        @Test
        void shouldRejectABadDuration() {
            assertEquals("<string>:1:1: ping_interval: time: unknown unit \"x\" in duration \"3x\"",
                    error("ping_interval: \"3x\""));
            assertEquals("<string>:1:1: ping_interval: expected a duration such as \"2m\", got float 1.5",
                    error("ping_interval: 1.5"));
        }

        @Test
        void shouldReadLameDuckSettingsWithNatsServerLimits() {
            ServerOptions o = load("lame_duck_duration: \"45s\"\nlame_duck_grace_period: \"5s\"\n");
            assertEquals(Duration.ofSeconds(45), o.lameDuckDuration);
            assertEquals(Duration.ofSeconds(5), o.lameDuckGracePeriod);
            assertEquals("<string>:1:1: lame_duck_duration: minimum is 30 seconds, got \"5s\"",
                    error("lame_duck_duration: \"5s\""));
            assertEquals("<string>:1:1: lame_duck_grace_period: needs to be positive, got \"-1s\"",
                    error("lame_duck_grace_period: \"-1s\""));
            assertEquals("<string>:1:1: lame_duck_duration: expected a string, got integer 60",
                    error("lame_duck_duration: 60"));
        }
    }

    @Nested
    class Logging {

        @Test
        void shouldReadLoggingAndProcessFiles() {
            ServerOptions o = load("debug: true\ntrace: on\nlogtime: false\nlog_file: \"logs/h.log\"\n"
                    + "pid_file: h.pid\nports_file_dir: /var/run\n");
            assertTrue(o.debug);
            assertTrue(o.trace);
            assertFalse(o.logTime);
            assertEquals(Path.of("logs/h.log"), o.logFile);
            assertEquals(Path.of("h.pid"), o.pidFile);
            assertEquals(Path.of("/var/run"), o.portsFileDir);
            assertEquals(Path.of("a.log"), load("logfile: a.log").logFile);
            assertEquals(Path.of("a.pid"), load("pidfile: a.pid").pidFile);
        }

        @Test
        void shouldTurnTracingOnForTraceVerboseWithAWarning() {
            ServerOptions o = load("trace_verbose: true");
            assertTrue(o.trace);
            assertEquals(1, o.warnings.size());
        }
    }

    @Nested
    class JetStream {

        @ParameterizedTest
        @CsvSource({"true,true", "false,false", "enabled,true", "disabled,false", "Enable,true", "disable,false"})
        void shouldAcceptTheShortForms(String value, boolean enabled) {
            assertEquals(enabled, load("jetstream: " + value).jetStream);
        }

        @Test
        void shouldEnableWithABlockAndReadItsLimits() {
            ServerOptions o = load("jetstream {\n  store_dir: \"data/js\"\n  max_memory_store: 1G\n"
                    + "  max_file_store: \"10G\"\n}\n");
            assertTrue(o.jetStream);
            assertEquals(Path.of("data/js"), o.storeDir);
            // Unquoted 1G is the config's decimal suffix; quoted "10G" is JetStream's binary size string.
            assertEquals(1_000_000_000L, o.maxMemoryStore);
            assertEquals(10L << 30, o.maxFileStore);
            assertTrue(load("jetstream {}").jetStream);
            assertFalse(load("jetstream { enabled: false, store: x }").jetStream);
            assertEquals(512L << 20, load("jetstream { max_mem: \"512M\", max_file: 1 }").maxMemoryStore);
        }

        @Test
        void shouldReadTheSyncPolicy() {
            assertEquals(Duration.ZERO, load("jetstream {}").syncInterval); // Halyard: fsync before every ack
            assertEquals(Duration.ofMinutes(2), load("jetstream { sync_interval: \"2m\" }").syncInterval);
            assertEquals(Duration.ofMillis(500), load("jetstream { sync: \"500ms\" }").syncInterval);
            assertEquals(Duration.ZERO, load("jetstream { sync_interval: \"2m\", sync: always }").syncInterval);
            assertEquals(Duration.ZERO, load("jetstream { sync_interval: ALWAYS }").syncInterval);
            ServerOptions seconds = load("jetstream { sync_interval: 10 }");
            assertEquals(Duration.ofSeconds(10), seconds.syncInterval);
            assertEquals(1, seconds.warnings.size(), seconds.warnings::toString);
            assertEquals("<string>:1:13: jetstream.sync_interval: expected \"always\" or a positive duration such as"
                    + " \"2m\", got string \"0s\"", error("jetstream { sync_interval: \"0s\" }"));
            assertTrue(error("jetstream { sync_interval: \"often\" }").startsWith("<string>:1:13: jetstream.sync_interval: "));
        }

        @Test
        void shouldReadATopLevelStoreDirButNotTwo() {
            ServerOptions o = load("store_dir: \"js\"");
            assertEquals(Path.of("js"), o.storeDir);
            assertTrue(o.jetStream); // Halyard's JetStream is on by default; a store_dir alone does not change that
            assertEquals("<string>:2:13: jetstream.store_dir: Duplicate 'store_dir' configuration",
                    error("store_dir: a\njetstream { store_dir: b }"));
        }

        @Test
        void shouldRejectBadForms() {
            assertEquals("<string>:1:1: jetstream: expected 'enabled' or 'disabled' for string value, got 'maybe'",
                    error("jetstream: maybe"));
            assertEquals("<string>:1:13: jetstream.max_file_store: sizes written as strings must end in K, M, G or T",
                    error("jetstream { max_file_store: \"1GB\" }"));
            assertEquals("<string>:1:13: unknown field \"bogus\"", error("jetstream { bogus: 1 }"));
        }

        @Test
        void shouldWarnAboutRecognisedButUnsupportedKeys() {
            ServerOptions o = load("jetstream {\n  domain: hub\n}");
            assertEquals(List.of("<string>:2:3: option \"jetstream.domain\" is recognised but not supported"
                    + " by Halyard yet; ignored"), o.warnings);
        }
    }

    @Nested
    class Tls {

        @Test
        void shouldReadTheTlsBlockAndDeriveTheAuthTimeout() {
            ServerOptions o = load("tls {\n  cert_file: \"server.pem\"\n  key_file: \"server-key.pem\"\n"
                    + "  ca_file: ca.pem\n  verify: true\n  timeout: 1.5\n}\n");
            assertEquals(Path.of("server.pem"), o.tls.certFile);
            assertEquals(Path.of("server-key.pem"), o.tls.keyFile);
            assertEquals(Path.of("ca.pem"), o.tls.caFile);
            assertTrue(o.tls.verify);
            assertEquals(Duration.ofMillis(1500), o.tls.timeout);
            // nats-server: with TLS and no explicit authorization timeout, auth timeout = TLS timeout + 1s.
            assertEquals(Duration.ofMillis(2500), o.authTimeout);
        }

        @Test
        void shouldKeepAnExplicitAuthTimeoutWithTls() {
            ServerOptions o = load("tls { cert_file: a, key_file: b }\nauthorization { timeout: 5 }");
            assertEquals(Duration.ofSeconds(5), o.authTimeout);
            assertEquals(Duration.ofSeconds(3), load("tls { cert_file: a, key_file: b }").authTimeout);
        }

        @Test
        void shouldAcceptTimeoutAsADurationString() {
            assertEquals(Duration.ofMillis(500),
                    load("tls { cert_file: a, key_file: b, timeout: \"500ms\" }").tls.timeout);
        }

        @Test
        void shouldRequireCertificateAndKey() {
            assertEquals("<string>:1:1: tls: missing 'key_file' in TLS configuration", error("tls { cert_file: a }"));
            assertEquals("<string>:1:1: tls: missing 'cert_file' in TLS configuration", error("tls { key_file: a }"));
        }

        @Test
        void shouldRejectUnknownAndWarnAboutUnsupportedFields() {
            assertEquals("<string>:1:34: error parsing tls config, unknown field \"hello\"",
                    error("tls { cert_file: a, key_file: b, hello: 1 }"));
            ServerOptions o = load("tls { cert_file: a, key_file: b, cipher_suites: [x] }");
            assertEquals(1, o.warnings.size());
            assertTrue(o.warnings.get(0).contains("\"tls.cipher_suites\""), o.warnings.get(0));
        }
    }

    @Nested
    class WebSocket {

        @Test
        void shouldReadTheWebsocketBlock() {
            ServerOptions o = load("websocket {\n  host: 127.0.0.1\n  port: 8080\n  no_tls: true\n"
                    + "  compression: true\n}\n");
            assertEquals("127.0.0.1", o.webSocket.host);
            assertEquals(8080, o.webSocket.port);
            assertTrue(o.webSocket.noTls);
            assertTrue(o.webSocket.compression);
            ServerOptions viaListen = load("ws { listen: \"0.0.0.0:9090\", tls { cert_file: c, key_file: k } }");
            assertEquals("0.0.0.0", viaListen.webSocket.host);
            assertEquals(9090, viaListen.webSocket.port);
            assertEquals(Path.of("c"), viaListen.webSocket.tls.certFile);
        }

        @Test
        void shouldRequireTlsOrNoTlsForAWebsocketListener() {
            assertEquals("<string>:1:1: websocket requires TLS configuration (a tls block, or no_tls: true)",
                    error("websocket { port: 8080 }"));
        }

        @Test
        void shouldWarnAboutUnsupportedWebsocketOptions() {
            ServerOptions o = load("websocket { port: 8080, no_tls: true, same_origin: true }");
            assertEquals(1, o.warnings.size());
        }
    }

    @Nested
    class UnknownAndUnsupported {

        @Test
        void shouldWarnAboutANatsServerOptionHalyardDoesNotSupportYet() {
            ServerOptions o = load("port: 4222\n\ncluster {\n  port: 6222\n  routes = [nats://a:6222]\n}\n");
            assertEquals(List.of("<string>:3:1: option \"cluster\" is recognised but not supported by Halyard yet;"
                    + " ignored"), o.warnings);
        }

        @Test
        void shouldRejectAnUnknownOptionAtItsKey() {
            assertEquals("<string>:2:17: unknown field \"monitor\"",
                    error("\n                monitor = \"127.0.0.1:4442\"\n"));
        }

        @Test
        void shouldNotReportKeysUsedAsVariables() {
            ServerOptions o = load("MY_PORT = 4333\nport = $MY_PORT\nauthorization {\n  PASS = secret\n"
                    + "  user = a\n  password = $PASS\n}\n");
            assertEquals(4333, o.port);
            assertEquals("secret", o.password);
            assertTrue(o.warnings.isEmpty());
            assertEquals("<string>:1:1: unknown field \"UNUSED\"", error("UNUSED = 1"));
        }

        @Test
        void shouldNameTheOptionAndPositionOnAWrongType() {
            assertEquals("<string>:1:1: port: expected an integer, got string \"abc\"", error("port: \"abc\""));
            assertEquals("<string>:1:1: debug: expected true or false, got integer 1", error("debug: 1"));
            assertEquals("<string>:1:1: authorization: expected a block { ... }, got string \"x\"",
                    error("authorization: x"));
        }

        @Test
        void shouldReportEveryProblemOfTheFileTogether() {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> load("port: x\nfoo: 1\nmax_payload: \"big\"\n"));
            assertEquals(List.of("<string>:1:1: port: expected an integer, got string \"x\"",
                    "<string>:2:1: unknown field \"foo\"",
                    "<string>:3:1: max_payload: expected an integer, got string \"big\""), e.problems());
            assertEquals(new ConfPosition("<string>", 1, 1), e.position());
        }

        @ParameterizedTest
        @ValueSource(strings = {"accounts { A { users = [{user: a}] } }", "system_account: SYS", "mqtt { port: 1883 }",
                "leafnodes { port: 7422 }", "gateway { name: A }", "operator: op.jwt", "server_tags: [a]"})
        void shouldLoadConfigsThatUseUnsupportedFeatures(String text) {
            assertEquals(1, load(text).warnings.size());
        }
    }

    @Nested
    class ConfigFiles {

        @TempDir
        Path dir;

        @Test
        void shouldLoadAFileWithIncludesAndRememberIt() throws IOException {
            Files.writeString(dir.resolve("auth.conf"), "authorization { token: $TOKEN }\n");
            Path main = dir.resolve("main.conf");
            Files.writeString(main, "port: 4333\ninclude auth.conf\n");
            ServerOptions o = ConfigLoader.load(main, Map.of("TOKEN", "t0k3n"));
            assertEquals(main, o.configFile);
            assertEquals(4333, o.port);
            assertEquals("t0k3n", o.token);
        }

        @Test
        void shouldReportProblemsWithTheFileName() throws IOException {
            Path main = dir.resolve("bad.conf");
            Files.writeString(main, "\n  port: true\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(main, Map.of()));
            assertEquals(main + ":2:3: port: expected an integer, got boolean true", e.getMessage());
        }
    }
}
