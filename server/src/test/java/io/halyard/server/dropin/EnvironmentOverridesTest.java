package io.halyard.server.dropin;

import io.halyard.server.Main;
import io.halyard.server.config.ConfigException;
import io.halyard.server.config.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code HALYARD_<FLAG>} variables: flags placed before the command line's, over the config file. */
class EnvironmentOverridesTest {
    @TempDir
    Path dir;

    private Path config(String text) throws Exception {
        Path conf = dir.resolve("halyard.conf");
        Files.writeString(conf, text, StandardCharsets.UTF_8);
        return conf;
    }

    @Test
    void shouldTurnVariablesIntoFlagsInTheOrderOfTheirNames() {
        List<String> flags = Main.environmentFlags(Map.of(
                "HALYARD_USER", "alice", "HALYARD_PORT", "4333", "HALYARD_STORE_DIR", "/data/js",
                "PATH", "/bin", "HALYARD_JVM_OPTS", "-Xmx1g"));
        assertEquals(List.of("--port=4333", "--store_dir=/data/js", "--user=alice"), flags);
    }

    @Test
    void shouldRankFileBelowEnvironmentBelowFlags() throws Exception {
        Path conf = config("port: 1111\nauthorization { user: fileuser, password: filepass }\n");
        Map<String, String> env = Map.of("HALYARD_PORT", "2222", "HALYARD_USER", "envuser");

        ServerOptions fromEnv = Main.loadOptions(new String[] {"-c", conf.toString()}, env);
        assertEquals(2222, fromEnv.port);
        assertEquals("envuser", fromEnv.username);
        assertEquals("filepass", fromEnv.password, "what no variable sets comes from the file");

        ServerOptions fromFlags = Main.loadOptions(new String[] {"-c", conf.toString(), "-p", "3333"}, env);
        assertEquals(3333, fromFlags.port);
    }

    @Test
    void shouldReadTheConfigFileNamedByHalyardConfig() throws Exception {
        Path conf = config("max_payload: 5000\n");
        ServerOptions o = Main.loadOptions(new String[0], Map.of("HALYARD_CONFIG", conf.toString()));
        assertEquals(5000, o.maxPayload);
        assertEquals(conf, o.configFile);
    }

    @Test
    void shouldLetAnExplicitFalseFlagBeatATrueVariable() {
        ServerOptions o = Main.loadOptions(new String[] {"-D=false"}, Map.of("HALYARD_DEBUG", "true", "HALYARD_PASS", "pw"));
        assertFalse(o.debug);
        assertEquals("pw", o.password);
        assertTrue(Main.loadOptions(new String[0], Map.of("HALYARD_DEBUG", "true")).debug);
    }

    @Test
    void shouldNameAnUnknownVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Main.loadOptions(new String[0], Map.of("HALYARD_PROT", "4333")));
        assertEquals("environment variable HALYARD_PROT names no flag (unknown flag: --prot)", e.getMessage());
    }

    @Test
    void shouldNameAVariableWithABadValue() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Main.loadOptions(new String[0], Map.of("HALYARD_PORT", "abc")));
        assertTrue(e.getMessage().startsWith("environment variable HALYARD_PORT: invalid value \"abc\""), e.getMessage());
    }

    @Test
    void shouldRefuseCommandsFromTheEnvironment() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Main.loadOptions(new String[0], Map.of("HALYARD_VERSION", "true")));
        assertTrue(e.getMessage().startsWith("environment variable HALYARD_VERSION names a command"), e.getMessage());
    }

    @Test
    void shouldStopWithExitCodeOneOnAnUnknownVariable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"-p", "-1"}, Map.of("HALYARD_NOPE", "1"), System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertEquals("halyard: environment variable HALYARD_NOPE names no flag (unknown flag: --nope)\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintAVersionThatStartsLikeNatsServers() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--version"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertEquals(0, code);
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.matches("nats-server: v2\\.\\d+\\.\\d+ \\(halyard v[^)]+\\)\n"), line);
    }
}
