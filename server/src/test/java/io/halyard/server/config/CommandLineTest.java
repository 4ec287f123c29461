package io.halyard.server.config;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @TempDir
    Path dir;

    private static ServerOptions load(String... args) {
        return CommandLine.load(args, Map.of());
    }

    private static String error(String... args) {
        return assertThrows(ConfigException.class, () -> load(args)).getMessage();
    }

    private Path config(String text) throws IOException {
        Path file = dir.resolve("halyard.conf");
        Files.writeString(file, text);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-p 4333", "--p 4333", "-port 4333", "--port 4333", "-p=4333", "--port=4333"})
    void shouldAcceptOneOrTwoDashesAndASpaceOrAnEqualsSign(String args) {
        assertEquals(4333, load(args.split(" ")).port);
    }

    @Test
    void shouldAskForARandomPortWithMinusOne() {
        assertEquals(-1, load("-p", "-1").port);
        assertEquals(4222, load("-p", "0").port);
    }

    @Test
    void shouldSetEveryServerFlag() {
        ServerOptions o = load("-a", "127.0.0.1", "-n", "hub-1", "-m", "8222", "-js", "-sd", "data",
                "--user", "u", "--pass", "p", "-D", "-V", "-T=false", "-l", "h.log", "-P", "h.pid",
                "--ports_file_dir", "run");
        assertEquals("127.0.0.1", o.host);
        assertEquals("hub-1", o.serverName);
        assertEquals(8222, o.httpPort);
        assertTrue(o.jetStream);
        assertEquals(Path.of("data"), o.storeDir);
        assertEquals("u", o.username);
        assertEquals("p", o.password);
        assertTrue(o.debug);
        assertTrue(o.trace);
        assertFalse(o.logTime);
        assertEquals(Path.of("h.log"), o.logFile);
        assertEquals(Path.of("h.pid"), o.pidFile);
        assertEquals(Path.of("run"), o.portsFileDir);
        assertTrue(o.warnings.isEmpty());
    }

    @ParameterizedTest
    @CsvSource({"--addr,host", "--net,host", "--name,serverName", "--server_name,serverName", "--auth,token"})
    void shouldAcceptTheLongAliases(String flag, String field) throws ReflectiveOperationException {
        ServerOptions o = load(flag, "x");
        assertEquals("x", ServerOptions.class.getField(field).get(o));
    }

    @Test
    void shouldAcceptTheOtherAliases() {
        assertEquals(8, load("--http_port", "8").httpPort);
        assertTrue(load("--jetstream").jetStream);
        assertEquals(Path.of("d"), load("--store_dir=d").storeDir);
        assertTrue(load("--debug").debug);
        assertTrue(load("--trace").trace);
        assertFalse(load("--logtime=false").logTime);
        assertEquals(Path.of("x.log"), load("--log", "x.log").logFile);
        assertEquals(Path.of("x.pid"), load("--pid", "x.pid").pidFile);
    }

    @ParameterizedTest
    @CsvSource({"-DV,true,true", "-DVV,true,true", "-VV,false,true", "-D -V -DV=false,false,false",
            "-DV -V=false,true,false"})
    void shouldCombineDebugAndTrace(String args, boolean debug, boolean trace) {
        ServerOptions o = load(args.split(" "));
        assertEquals(debug, o.debug);
        assertEquals(trace, o.trace);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "true", "TRUE", "True"})
    void shouldReadGoBooleanSpellings(String value) {
        assertTrue(load("-D=" + value).debug);
    }

    @Test
    void shouldRecordActionsWithoutActing() {
        assertTrue(CommandLine.parse("-v").showVersion());
        assertTrue(CommandLine.parse("--version").showVersion());
        assertTrue(CommandLine.parse("version").showVersion());
        assertTrue(CommandLine.parse("-h").showHelp());
        assertTrue(CommandLine.parse("--help").showHelp());
        assertTrue(CommandLine.parse("HELP").showHelp());
        assertTrue(CommandLine.parse("--help_tls").showTlsHelp());
        assertEquals("reload", CommandLine.parse("--signal", "reload").signal());
        assertEquals("stop=h.pid", CommandLine.parse("-sl=stop=h.pid").signal());
        CommandLine.Parsed parsed = CommandLine.parse("-t", "-c", "a.conf");
        assertTrue(parsed.testConfig());
        assertEquals(Path.of("a.conf"), parsed.configFile());
        assertEquals(List.of("t", "c"), parsed.flagNames());
        CommandLine.Parsed none = CommandLine.parse();
        assertFalse(none.showVersion() || none.showHelp() || none.testConfig());
        assertNull(none.signal());
        assertNull(none.configFile());
    }

    @Test
    void shouldLetGivenFlagsOverrideTheConfigFile() throws IOException {
        Path file = config("port: 5000\ndebug: true\nserver_name: from-file\nmax_payload: 2MB\n");
        ServerOptions o = load("-c", file.toString(), "-p", "6000", "-D=false");
        assertEquals(file, o.configFile);
        assertEquals(6000, o.port);
        assertFalse(o.debug);
        assertEquals("from-file", o.serverName);
        assertEquals(2 * 1024 * 1024, o.maxPayload);
    }

    @Test
    void shouldApplyFlagsInOrderWhateverTheirPlaceRelativeToC() throws IOException {
        Path file = config("port: 5000\n");
        assertEquals(7000, load("-p", "6000", "--config", file.toString(), "--port=7000").port);
    }

    @Test
    void shouldResolveConfigVariablesFromTheGivenEnvironment() throws IOException {
        Path file = config("port: $HALYARD_TEST_PORT\n");
        assertEquals(4555, CommandLine.load(new String[] {"-c", file.toString()},
                Map.of("HALYARD_TEST_PORT", "4555")).port);
    }

    @Test
    void shouldRequireAConfigFileToTestIt() throws IOException {
        assertEquals("must specify [-c, --config] option to check configuration file syntax", error("-t"));
        assertEquals(5000, load("-t", "-c", config("port: 5000").toString()).port);
    }

    @Test
    void shouldReportConfigFileProblems() throws IOException {
        Path file = config("port: nope\n");
        assertEquals(file + ":1:1: port: expected an integer, got string \"nope\"", error("-c", file.toString()));
    }

    @Test
    void shouldRejectBadCommandLinesInOneLine() {
        assertEquals("unknown flag: --foo", error("--foo"));
        assertEquals("unknown flag: -x", error("-x=1"));
        assertEquals("flag needs an argument: -p", error("-p"));
        assertEquals("invalid value \"abc\" for flag --port: not an integer", error("--port", "abc"));
        assertEquals("invalid boolean value \"maybe\" for flag -D", error("-D=maybe"));
        assertEquals("bad flag syntax: ---p", error("---p"));
        assertEquals("unrecognized command: \"serve\"", error("serve"));
        assertEquals("port 70000 is out of range (0 to 65535, or -1 for a random port)", error("-p", "70000"));
        assertEquals("server name cannot contain spaces", error("-n", "a b"));
    }

    @Test
    void shouldNotLetABooleanFlagTakeTheNextArgument() {
        // Go's flag package: "-D false" is -D followed by the command "false".
        assertEquals("unrecognized command: \"false\"", error("-D", "false"));
    }

    @Test
    void shouldStopAtDoubleDash() {
        assertTrue(CommandLine.parse("-D", "--", "version").showVersion());
        assertEquals("unrecognized command: \"-p\"", error("--", "-p", "1"));
    }

    @Test
    void shouldAcceptUnsupportedNatsServerFlagsWithAWarning() {
        ServerOptions o = load("--cluster", "nats://0.0.0.0:6222", "--routes=nats://a:6222", "-s", "--profile", "6060");
        assertEquals(List.of(
                "flag -cluster is recognised but not supported by Halyard yet; ignored",
                "flag -routes is recognised but not supported by Halyard yet; ignored",
                "flag -s is recognised but not supported by Halyard yet; ignored",
                "flag -profile is recognised but not supported by Halyard yet; ignored"), o.warnings);
        assertEquals("invalid value \"x\" for flag --profile: not an integer", error("--profile", "x"));
    }

    @Test
    void shouldBuildTlsFromTheTlsFlags() {
        ServerOptions o = load("--tls", "--tlscert", "s.pem", "--tlskey", "s.key");
        assertEquals(Path.of("s.pem"), o.tls.certFile);
        assertEquals(Path.of("s.key"), o.tls.keyFile);
        assertNull(o.tls.caFile);
        assertFalse(o.tls.verify);
        assertEquals(Duration.ofSeconds(3), o.authTimeout);
        ServerOptions verified = load("--tlsverify", "--tlscert=s.pem", "--tlskey=s.key", "--tlscacert=ca.pem");
        assertTrue(verified.tls.verify);
        assertEquals(Path.of("ca.pem"), verified.tls.caFile);
    }

    @Test
    void shouldRequireCertificateAndKeyForTlsFlags() {
        assertEquals("TLS Server certificate must be present and valid", error("--tls"));
        assertEquals("TLS Server private key must be present and valid", error("--tlscert", "a.pem"));
    }

    @Test
    void shouldReplaceTheFileTlsWithTheFlagsButKeepItsTimeout() throws IOException {
        Path file = config("tls { cert_file: f.pem, key_file: f.key, ca_file: ca.pem, timeout: 4 }\n"
                + "authorization { timeout: 7 }\n");
        ServerOptions o = load("-c", file.toString(), "--tlscert", "flag.pem", "--tlskey", "flag.key");
        assertEquals(Path.of("flag.pem"), o.tls.certFile);
        assertNull(o.tls.caFile, "flags replace the whole TLS setting, as in nats-server");
        assertEquals(Duration.ofSeconds(4), o.tls.timeout);
        assertEquals(Duration.ofSeconds(7), o.authTimeout, "an explicit authorization timeout stays");
    }

    @Test
    void shouldTurnTheFileTlsOffWithTlsFalse() throws IOException {
        Path file = config("tls { cert_file: f.pem, key_file: f.key }\n");
        assertNull(load("-c", file.toString(), "--tls=false", "--tlscert", "x").tls);
        assertTrue(load("-c", file.toString()).tls != null);
    }

    @Test
    void shouldListTheFlagsInTheUsage() {
        String usage = CommandLine.usage();
        for (String flag : List.of("-p, --port PORT", "-a, --addr, --net HOST", "-c, --config FILE", "-js, --jetstream",
                "-sd, --store_dir DIR", "--tlsverify", "-DV", "-t ", "-sl, --signal", "--ports_file_dir DIR",
                "-v, --version", "-h, --help")) {
            assertTrue(usage.contains(flag), flag + " in\n" + usage);
        }
        assertTrue(usage.contains("--cluster, --cluster_listen"), usage);
    }
}
