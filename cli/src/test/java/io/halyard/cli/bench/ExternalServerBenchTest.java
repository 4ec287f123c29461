package io.halyard.cli.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link BenchScenariosContract} against any running server named by the system property
 * {@code halyard.bench.url} (e.g. {@code -Dhalyard.bench.url=nats://127.0.0.1:4222}); skipped without it.
 */
class ExternalServerBenchTest extends BenchScenariosContract {

    private static final String PROPERTY = "halyard.bench.url";

    @BeforeAll
    static void requireUrl() {
        Assumptions.assumeTrue(System.getProperty(PROPERTY) != null,
                "no -D" + PROPERTY + "=nats://host:port given: skipping the bench test against an external server");
    }

    @Override
    protected ServerUrl server() {
        return ServerUrl.parse(System.getProperty(PROPERTY));
    }
}
