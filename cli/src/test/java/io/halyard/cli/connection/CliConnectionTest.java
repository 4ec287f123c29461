package io.halyard.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.TestBroker;
import io.halyard.server.config.ServerOptions;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection options every command shares — credentials, TLS files, contexts — and what a command
 * says when it cannot connect: one line on stderr, exit code 1.
 */
@Timeout(60)
class CliConnectionTest {

    @Test
    void shouldSayInOneLineThatTheServerIsDown() throws Exception {
        String dead = TestBroker.deadUrl();
        CliRun run = CliRun.against(dead, "stream", "ls");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run.toString());
        assertTrue(run.err().startsWith("halyard: cannot connect to " + dead + ": "), run.toString());
        assertTrue(run.err().toLowerCase().contains("refused"), run.toString());
    }

    @Test
    void shouldAuthenticateWithUserAndPasswordAndReportWrongOnes() throws Exception {
        try (TestBroker broker = TestBroker.start(o -> {
            o.username = "alice";
            o.password = "secret";
        })) {
            CliRun ok = CliRun.against(broker.url(), "server", "info", "--user", "alice", "--password", "secret", "--json");
            assertEquals(0, ok.exitCode(), ok.toString());
            assertEquals(Boolean.TRUE, ok.json().map.get("info").map.get("auth_required").bool);

            CliRun wrong = CliRun.against(broker.url(), "stream", "ls", "--user", "alice", "--password", "guess");
            assertEquals(1, wrong.exitCode(), wrong.toString());
            assertEquals(1, wrong.err().lines().count(), wrong.toString());
            assertTrue(wrong.err().startsWith("halyard: cannot connect to " + broker.url() + ": "), wrong.toString());
            assertTrue(wrong.err().contains("Authorization Violation"), wrong.toString());

            CliRun none = CliRun.against(broker.url(), "pub", "x", "y");
            assertEquals(1, none.exitCode(), none.toString());
        }
    }

    @Test
    void shouldSendATokenGivenAsTokenOrAsAUserWithoutPassword() throws Exception {
        try (TestBroker broker = TestBroker.start(o -> o.token = "s3cret")) {
            assertEquals(0, CliRun.against(broker.url(), "server", "info", "--token", "s3cret").exitCode());
            assertEquals(0, CliRun.against(broker.url(), "server", "info", "--user", "s3cret").exitCode());
            assertEquals(1, CliRun.against(broker.url(), "server", "info", "--token", "wrong").exitCode());
        }
    }

    @Test
    void shouldConnectWithTlsFilesInPemIncludingAClientCertificate() throws Exception {
        try (TestBroker broker = TestBroker.start(CliConnectionTest::mutualTls)) {
            CliRun ok = CliRun.against(broker.url(), "server", "info", "--json", "--tlsca", tls("ca.pem"),
                    "--tlscert", tls("client-cert.pem"), "--tlskey", tls("client-key.pem"));
            assertEquals(0, ok.exitCode(), ok.toString());
            assertEquals(Boolean.TRUE, ok.json().map.get("info").map.get("tls_required").bool);

            CliRun pkcs1 = CliRun.against(broker.url(), "stream", "ls", "--tlsca", tls("ca.pem"),
                    "--tlscert", tls("client-cert.pem"), "--tlskey", tls("client-key-pkcs1.pem"));
            assertEquals(0, pkcs1.exitCode(), pkcs1.toString());

            CliRun noCertificate = CliRun.against(broker.url(), "stream", "ls", "--tlsca", tls("ca.pem"),
                    "--connect-timeout", "1s");
            assertEquals(1, noCertificate.exitCode(), noCertificate.toString());
            assertEquals("halyard: cannot connect to " + broker.url() + ": no answer within 1s"
                    + " (does the server want a client certificate?)\n", noCertificate.err());

            CliRun halfPair = CliRun.against(broker.url(), "stream", "ls", "--tlscert", tls("client-cert.pem"));
            assertEquals(1, halfPair.exitCode(), halfPair.toString());
            assertEquals("halyard: --tlscert and --tlskey go together: give both or neither\n", halfPair.err());
        }
    }

    @Test
    void shouldTakeServerAndCredentialsFromAContextFileAndLetFlagsOverrideThem(@TempDir Path dir) throws Exception {
        assumeTrue(CliRun.cleanEnvironment(), "NATS_* variables in the environment would override the context");
        try (TestBroker broker = TestBroker.start(o -> {
            o.username = "bob";
            o.password = "pw";
        })) {
            Path context = dir.resolve("local.json");
            Files.writeString(context, "{\"description\":\"test\",\"url\":\"" + broker.url()
                    + "\",\"user\":\"bob\",\"password\":\"pw\",\"token\":\"\",\"nsc\":\"\"}");
            CliRun viaContext = CliRun.run("kv", "ls", "--context", context.toString());
            assertEquals(0, viaContext.exitCode(), viaContext.toString());

            CliRun overridden = CliRun.run("kv", "ls", "--context", context.toString(), "--password", "nope");
            assertEquals(1, overridden.exitCode(), overridden.toString());
            assertTrue(overridden.err().contains("Authorization Violation"), overridden.toString());
        }
    }

    @Test
    void shouldRefuseAnUnknownContext() {
        CliRun run = CliRun.run("stream", "ls", "--context", "no-such-context-here");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("halyard: unknown context 'no-such-context-here' (no "), run.toString());
    }

    private static void mutualTls(ServerOptions o) {
        o.tls = new ServerOptions.Tls();
        o.tls.certFile = Path.of(tls("server-cert.pem"));
        o.tls.keyFile = Path.of(tls("server-key.pem"));
        o.tls.caFile = Path.of(tls("ca.pem"));
        o.tls.verify = true;
    }

    private static String tls(String name) {
        URL url = CliConnectionTest.class.getResource("/tls/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource tls/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
