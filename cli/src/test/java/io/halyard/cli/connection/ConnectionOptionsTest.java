package io.halyard.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.halyard.cli.CliRun;
import io.nats.client.Options;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Which setting wins: flag over context over default; the NATS CLI's token conventions. */
class ConnectionOptionsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        ConnectionOptions connection;
    }

    @BeforeEach
    void needsNoNatsVariables() {
        assumeTrue(CliRun.cleanEnvironment(), "NATS_* variables in the environment would act as flags");
    }

    private static Options options(NatsContext context, String... args) throws Exception {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.connection.builder(context).build();
    }

    private static NatsContext context(String url, String user, String password, String token) {
        return new NatsContext("test", url, user, password, token, null, null, null, null, false, "_CTX_INBOX", null, null);
    }

    @Test
    void shouldTakeTheFlagOverTheContextOverTheDefault() throws Exception {
        NatsContext ctx = context("nats://ctx:4222", "ctx-user", "ctx-pass", null);
        assertEquals("nats://127.0.0.1:4222", options(NatsContext.NONE).getServers().get(0).toString());
        assertEquals("nats://ctx:4222", options(ctx).getServers().get(0).toString());
        Options flagged = options(ctx, "-s", "nats://a:1,nats://b:2", "--password", "flag-pass");
        assertEquals(List.of("nats://a:1", "nats://b:2"), flagged.getServers().stream().map(Object::toString).toList());
        assertEquals("ctx-user", flagged.getUsername());
        assertEquals("flag-pass", flagged.getPassword());
        assertEquals("_CTX_INBOX.", flagged.getInboxPrefix());
    }

    @Test
    void shouldSendAUserWithoutPasswordAsATokenAsTheNatsCliDoes() throws Exception {
        Options options = options(NatsContext.NONE, "--user", "t0ken");
        assertEquals("t0ken", options.getToken());
        assertNull(options.getUsername());
        assertEquals("s3cret", options(context(null, null, null, "s3cret")).getToken());
    }

    @Test
    void shouldBuildTlsFromPemFilesOnlyWhenAskedTo() throws Exception {
        assertNull(options(NatsContext.NONE).getSslContext());
        String ca = Path.of(ConnectionOptionsTest.class.getResource("/tls/ca.pem").toURI()).toString();
        Options tls = options(NatsContext.NONE, "--tlsca", ca, "--tlsfirst");
        assertTrue(tls.getSslContext() != null);
        assertTrue(tls.isTlsFirst());
    }
}
