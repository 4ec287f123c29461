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

    /** Stores of servers {@link #restartKeepingStore} replaced: removed after the test. */
    private final java.util.List<java.nio.file.Path> replacedStores = new java.util.ArrayList<>();

    @AfterEach
    void closeConnectionAndServer() throws Exception {
        nc.close();
        server.close();
        replacedStores.forEach(TestServers::deleteTree);
    }

    /** Stops the server, keeping its store, starts another on that store and connects to it again. */
    void restartKeepingStore() throws Exception {
        java.nio.file.Path store = server.options().storeDir;
        nc.close();
        server.server().stop();
        replacedStores.add(store);
        server = TestServers.start(o -> o.storeDir = store);
        nc = server.connect();
        jsm = nc.jetStreamManagement();
        js = nc.jetStream();
    }

    /**
     * Waits (up to 10 s) until {@code stream}'s last sequence reaches {@code last} and that message is
     * readable: a copied message (mirror, source) is counted once appended and readable once durable,
     * and has no PubAck to wait for.
     */
    io.nats.client.api.StreamInfo awaitLastSequence(String stream, long last) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        io.nats.client.api.StreamInfo info = jsm.getStreamInfo(stream);
        while (info.getStreamState().getLastSequence() < last && System.nanoTime() < deadline) {
            Thread.sleep(20);
            info = jsm.getStreamInfo(stream);
        }
        org.junit.jupiter.api.Assertions.assertEquals(last, info.getStreamState().getLastSequence(),
                stream + ": " + info.getStreamState());
        while (System.nanoTime() < deadline) {
            try {
                jsm.getMessage(stream, last);
                break;
            } catch (io.nats.client.JetStreamApiException e) {
                Thread.sleep(10);
            }
        }
        return jsm.getStreamInfo(stream);
    }
}
