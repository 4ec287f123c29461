package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bench scenario, tiny, against a real server: the driver must complete each one with exact
 * counts. Subclasses say which server ({@link #server()}); the assertions are the same for all.
 */
abstract class BenchScenariosContract {

    private static final long MESSAGES = 5_000;
    private static final BenchSettings SETTINGS = new BenchSettings(MESSAGES, TimeUnit.SECONDS.toNanos(10),
            TimeUnit.SECONDS.toNanos(5), BenchSettings.DEFAULT_BATCH_BYTES, BenchSettings.DEFAULT_READ_BUFFER_BYTES);

    /** The server under test; connections go to this URL. */
    protected abstract ServerUrl server();

    private ScenarioResult run(Scenario scenario, int clients, int size) {
        BenchRunner runner = new BenchRunner(List.of(new BenchRunner.Target("under-test", server(), 0)), SETTINGS);
        List<ScenarioResult> results = runner.run(List.of(new ScenarioRun(scenario, clients, size)), r -> { });
        assertEquals(1, results.size());
        ScenarioResult result = results.get(0);
        assertTrue(result.ok(), result.run().label() + " " + size + " B: " + result.verdict());
        return result;
    }

    @ParameterizedTest(name = "{0} B")
    @ValueSource(ints = {16, 1024})
    @Timeout(60)
    void pubShouldHaveEveryMessageAcceptedBeforeTheFinalPong(int size) {
        ScenarioResult result = run(Scenario.PUB, 1, size);
        assertEquals(MESSAGES, result.published().messages());
        assertTrue(result.published().messagesPerSecond() > 0);
        assertEquals(null, result.delivered());
    }

    @ParameterizedTest(name = "{0} B")
    @ValueSource(ints = {16, 1024})
    @Timeout(60)
    void pubsubShouldDeliverEveryMessageToTheSubscriber(int size) {
        ScenarioResult result = run(Scenario.PUBSUB, 1, size);
        assertEquals(MESSAGES, result.published().messages());
        assertEquals(MESSAGES, result.delivered().messages());
        assertEquals(new ScenarioResult.Delivery(MESSAGES, MESSAGES, 0, 0, 0), result.delivery());
    }

    @ParameterizedTest(name = "{0} B")
    @ValueSource(ints = {16, 1024})
    @Timeout(60)
    void fanoutShouldDeliverEveryMessageToEachOfFourSubscribers(int size) {
        ScenarioResult result = run(Scenario.FANOUT, 4, size);
        assertEquals(4 * MESSAGES, result.delivered().messages());
    }

    @ParameterizedTest(name = "{0} B")
    @ValueSource(ints = {16, 1024})
    @Timeout(60)
    void queueShouldDeliverEveryMessageExactlyOnceAcrossTheGroup(int size) {
        ScenarioResult result = run(Scenario.QUEUE, 4, size);
        assertEquals(new ScenarioResult.Delivery(MESSAGES, MESSAGES, 0, 0, 0), result.delivery());
    }

    @ParameterizedTest(name = "{0} requesters")
    @ValueSource(ints = {1, 8})
    @Timeout(60)
    void reqrepShouldCompleteRequestsWithSaneLatencies(int requesters) {
        ScenarioResult result = run(Scenario.REQREP, requesters, 16);
        ScenarioResult.LatencySummary latency = result.latency();
        assertNotNull(latency);
        assertEquals(result.published().messages(), latency.count());
        assertTrue(latency.count() >= MESSAGES - requesters - 500L * requesters, "completed " + latency.count());
        // Loopback round trips: more than a microsecond, and the median well under a second.
        assertTrue(latency.p50() > 1_000 && latency.p50() < 1_000_000_000L, "p50 " + latency.p50());
        assertTrue(latency.p50() <= latency.p99() && latency.p99() <= latency.p999() && latency.p999() <= latency.max());
    }

    @Test
    @Timeout(60)
    void shouldReportAFailureNotHangWhenNobodyListens() {
        ServerUrl nowhere = new ServerUrl("127.0.0.1", 1, null, null, null);
        BenchRunner runner = new BenchRunner(List.of(new BenchRunner.Target("nowhere", nowhere, 0)), SETTINGS);
        List<ScenarioResult> results = runner.run(List.of(new ScenarioRun(Scenario.PUBSUB, 1, 16)), r -> { });
        assertTrue(!results.get(0).ok() && results.get(0).error() != null);
    }
}
