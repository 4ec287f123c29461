package io.halyard.cli.bench;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** {@link BenchScenariosContract} against a nats-server started for this class; skipped if none is installed. */
class NatsServerBenchTest extends BenchScenariosContract {

    private static NatsServerProcess nats;

    @BeforeAll
    static void startNatsServer() throws Exception {
        Optional<Path> binary = NatsServerProcess.binary();
        Assumptions.assumeTrue(binary.isPresent(),
                "nats-server is not installed (looked for /usr/sbin/nats-server and on PATH): skipping the bench"
                        + " integration test against it");
        nats = NatsServerProcess.start(binary.get());
    }

    @AfterAll
    static void stopNatsServer() throws Exception {
        if (nats != null) {
            nats.close();
        }
    }

    @Override
    protected ServerUrl server() {
        return nats.url();
    }
}
