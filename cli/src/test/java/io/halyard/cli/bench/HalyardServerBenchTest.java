package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.server.HalyardServer;
import io.halyard.server.config.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BenchScenariosContract} against a Halyard server started in this JVM on a free loopback port. */
class HalyardServerBenchTest extends BenchScenariosContract {

    private static HalyardServer server;

    @BeforeAll
    static void startHalyard() throws Exception {
        ServerOptions options = new ServerOptions();
        options.host = "127.0.0.1";
        options.port = -1;
        options.storeDir = Files.createTempDirectory("halyard-bench-store");
        server = new HalyardServer(options).start();
    }

    @AfterAll
    static void stopHalyard() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @Timeout(60)
    void shouldCountEveryPubAckOfAWindowedJetStreamPublish() {
        BenchSettings settings = new BenchSettings(20_000, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(5),
                64 * 1024, BenchSettings.DEFAULT_READ_BUFFER_BYTES);
        BenchRunner runner = new BenchRunner(List.of(new BenchRunner.Target("halyard", server(), 0)), settings);
        ScenarioResult r = runner.run(List.of(new ScenarioRun(Scenario.JSPUB, 256, 128)), x -> { }).get(0);
        assertTrue(r.ok(), r.verdict());
        assertEquals(20_000, r.delivery().expected());
        assertEquals(20_000, r.published().messages());
        assertTrue(r.published().messagesPerSecond() > 0);
    }

    @Test
    @Timeout(120)
    void shouldDrainAFilledStreamWithPullClientsAckingEveryMessageOnce() {
        BenchSettings settings = new BenchSettings(6_000, TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(5),
                64 * 1024, BenchSettings.DEFAULT_READ_BUFFER_BYTES);
        BenchRunner runner = new BenchRunner(List.of(new BenchRunner.Target("halyard", server(), 0)), settings,
                new JetStreamSettings(6_000, 100, 10));
        List<ScenarioRun> runs = List.of(new ScenarioRun(Scenario.JSPULL, 1, 64), new ScenarioRun(Scenario.JSPULL, 3, 64),
                new ScenarioRun(Scenario.JSPULL_ACKALL, 1, 64), new ScenarioRun(Scenario.JSPULL_ACKALL, 3, 64));
        for (ScenarioResult r : runner.run(runs, x -> { })) {
            assertTrue(r.ok(), r.run().label() + ": " + r.verdict());
            assertEquals(new ScenarioResult.Delivery(6_000, 6_000, 0, 0, 0), r.delivery(), r.run().label());
            assertEquals(6_000, r.published().messages(), r.run().label() + ": acks the server applied");
        }
    }

    @Test
    @Timeout(120)
    void shouldPutThenGetWithEveryKeyValueClient() {
        BenchSettings settings = new BenchSettings(2_000, TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(5),
                64 * 1024, BenchSettings.DEFAULT_READ_BUFFER_BYTES);
        BenchRunner runner = new BenchRunner(List.of(new BenchRunner.Target("halyard", server(), 0)), settings,
                new JetStreamSettings(1_000, 100, 50));
        ScenarioResult r = runner.run(List.of(new ScenarioRun(Scenario.KV, 4, 128)), x -> { }).get(0);
        assertTrue(r.ok(), r.verdict());
        assertEquals(2_000, r.published().messages(), "puts");
        assertEquals(2_000, r.delivered().messages(), "gets");
        assertEquals(2_000, r.latency().count());
        assertEquals(2_000, r.readLatency().count());
        assertTrue(r.latency().p50() > 0 && r.readLatency().p50() > 0);
    }

    @Test
    @Timeout(120)
    void shouldCopyAFilledStreamThroughAMirrorAndASource() {
        BenchSettings settings = new BenchSettings(5_000, TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(5),
                64 * 1024, BenchSettings.DEFAULT_READ_BUFFER_BYTES);
        BenchRunner runner = new BenchRunner(List.of(new BenchRunner.Target("halyard", server(), 0)), settings,
                new JetStreamSettings(5_000, 100, 10));
        for (ScenarioResult r : runner.run(List.of(new ScenarioRun(Scenario.MIRROR, 1, 64),
                new ScenarioRun(Scenario.SOURCE, 1, 64)), x -> { })) {
            assertTrue(r.ok(), r.run().label() + ": " + r.verdict());
            assertEquals(5_000, r.published().messages(), r.run().label() + ": copied");
            assertTrue(r.published().messagesPerSecond() > 0);
        }
    }

    @Override
    protected ServerUrl server() {
        return new ServerUrl("127.0.0.1", server.port(), null, null, null);
    }
}
