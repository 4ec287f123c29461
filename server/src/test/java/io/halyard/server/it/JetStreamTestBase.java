package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A server of its own for every test, with a jnats connection and its JetStream contexts; stopped
 * after the test. A subclass's own {@code @BeforeEach} runs after this one (and may replace the
 * server and connection, as a restart test does: whatever they hold at the end is closed).
 */
abstract class JetStreamTestBase {
    TestServers.Running server;
    Connection nc;
    JetStreamManagement jsm;
    JetStream js;

    @BeforeEach
    void startServerAndConnect() throws Exception {
        server = TestServers.start();
        nc = server.connect();
        jsm = nc.jetStreamManagement();
        js = nc.jetStream();
    }

    @AfterEach
    void closeConnectionAndServer() throws Exception {
        nc.close();
        server.close();
    }
}
