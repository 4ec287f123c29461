package io.halyard.cli;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestBroker} for all the tests of a class, started before the first and closed after the last:
 * the fixture of the CLI's end-to-end tests. Register it in a static field, so that each test class has its
 * own server:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SharedBroker broker = new SharedBroker();
 * }</pre>
 */
public final class SharedBroker implements BeforeAllCallback, AfterAllCallback {

    private TestBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = TestBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        broker.close();
    }

    public int port() {
        return broker.port();
    }

    public String url() {
        return broker.url();
    }

    /** Runs the CLI against this server ({@link CliRun#against}). */
    public CliRun cli(String... args) {
        return CliRun.against(url(), args);
    }
}
