package io.halyard.cli.bench;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link BenchScenariosContract} against a Halyard server started in this JVM on a free loopback port. */
class HalyardServerBenchTest extends BenchScenariosContract {

    private static HalyardServer server;

    @BeforeAll
    static void startHalyard() throws Exception {
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        server = new HalyardServer(options).start();
    }

    @AfterAll
    static void stopHalyard() {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    protected ServerUrl server() {
        return new ServerUrl("127.0.0.1", server.port(), null, null, null);
    }
}
