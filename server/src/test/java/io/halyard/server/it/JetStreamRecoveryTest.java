package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server restarted on a store with several streams and durable consumers serves core NATS at once
 * and reopens JetStream in the background: publishes to a stream that is not open yet are held and
 * then stored and acknowledged, API requests are answered once recovery is done (or with 503 10008
 * when it takes too long), and {@code /healthz} is 503 until then.
 *
 * <p>To look inside the recovery, the test pauses it: a log handler on JetStream's logger blocks the
 * JetStream thread when it reports the first restored stream, until the test lets it go. At that
 * point one stream is open and the others are still waiting.
 */
@Timeout(60)
class JetStreamRecoveryTest {
    private static final Map<String, String> STREAMS = Map.of("ORDERS", "orders", "EVENTS", "events", "AUDIT", "audit");
    private static final int MESSAGES = 5;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path store;
    /** Held strongly: java.util.logging keeps loggers weakly. */
    private final Logger jetStreamLog = Logger.getLogger("io.halyard.core.jetstream.JetStream");
    private final RecoveryPause pause = new RecoveryPause();

    /** Blocks the thread that logs the first "Restored stream" until {@link #release}. */
    static final class RecoveryPause extends Handler {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        volatile String firstStream;

        @Override
        public void publish(LogRecord r) {
            if (r.getMessage() != null && r.getMessage().startsWith("Restored stream") && firstStream == null) {
                firstStream = String.valueOf(r.getParameters()[0]);
                reached.countDown();
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void release() {
            released.countDown();
        }

        @Override public void flush() { }
        @Override public void close() { }
    }

    @BeforeEach
    void storeWithStreamsAndConsumers() throws Exception {
        try (var first = TestServers.start(o -> o.storeDir = store); Connection nc = first.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStream js = nc.jetStream();
            for (Map.Entry<String, String> s : STREAMS.entrySet()) {
                jsm.addStream(StreamConfiguration.builder().name(s.getKey()).subjects(s.getValue() + ".>")
                        .storageType(StorageType.File).build());
                for (int i = 0; i < MESSAGES; i++) {
                    js.publish(s.getValue() + "." + i, ("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                for (String consumer : List.of("c1", "c2")) {
                    jsm.addOrUpdateConsumer(s.getKey(), ConsumerConfiguration.builder().durable(consumer)
                            .ackPolicy(AckPolicy.Explicit).build());
                }
            }
        }
        jetStreamLog.setLevel(java.util.logging.Level.INFO); // whatever another test did to the root logger
        jetStreamLog.addHandler(pause);
    }

    @AfterEach
    void removePause() {
        pause.release();
        jetStreamLog.removeHandler(pause);
        jetStreamLog.setLevel(null);
    }

    @Test
    void shouldServeCoreNatsAtOnceAndHoldJetStreamUntilItHasRecovered() throws Exception {
        List<String> published;
        try (var server = TestServers.startRecovering(o -> {
            o.storeDir = store;
            o.httpPort = -1;
        })) {
            assertTrue(pause.reached.await(WAIT.toSeconds(), TimeUnit.SECONDS), "recovery did not restore a stream");
            String open = pause.firstStream;
            String waiting = STREAMS.keySet().stream().filter(s -> !s.equals(open)).sorted().findFirst().orElseThrow();
            io.halyard.core.jetstream.JetStream jetStream = server.server().jetStream();
            int http = server.server().monitorPort();
            published = List.of(open, waiting);

            try (Connection nc = server.connect(); Connection other = server.connect()) {
                // Core NATS: pub/sub and no-responders work while JetStream is recovering.
                Subscription sub = other.subscribe("core.hello");
                other.flush(WAIT);
                nc.publish("core.hello", "hi".getBytes(StandardCharsets.UTF_8));
                Message m = sub.nextMessage(WAIT);
                assertNotNull(m, "core message during recovery");
                assertEquals("hi", new String(m.getData(), StandardCharsets.UTF_8));
                CompletableFuture<Message> nobody = nc.request("nobody.home", new byte[0]);
                assertTrue(failsWithin(nobody, WAIT), "no-responders during recovery");
                assertFalse(jetStream.isRecovered());
                assertEquals(503, Http.get(http, "/healthz").statusCode());

                // A publish to a stream still being recovered is held; one to the open stream goes through.
                CompletableFuture<PublishAck> held = nc.jetStream().publishAsync(STREAMS.get(waiting) + ".late",
                        "held".getBytes(StandardCharsets.UTF_8));
                CompletableFuture<PublishAck> direct = nc.jetStream().publishAsync(STREAMS.get(open) + ".now",
                        "direct".getBytes(StandardCharsets.UTF_8));
                PublishAck directAck = direct.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(open, directAck.getStream());
                assertEquals(MESSAGES + 1, directAck.getSeqno());
                // API requests wait for the recovery instead of hearing "stream not found".
                CompletableFuture<Message> info = nc.request("$JS.API.STREAM.INFO." + waiting, new byte[0]);
                Thread.sleep(300);
                assertFalse(held.isDone(), "PubAck before the stream was open");
                assertFalse(info.isDone(), "API answered during recovery: " + info.getNow(null));
                assertFalse(jetStream.isRecovered());

                pause.release();

                PublishAck heldAck = held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(waiting, heldAck.getStream());
                assertEquals(MESSAGES + 1, heldAck.getSeqno());
                JsonNode infoJson = Http.parse(new String(info.get(WAIT.toSeconds(), TimeUnit.SECONDS).getData(),
                        StandardCharsets.UTF_8));
                assertFalse(infoJson.has("error"), infoJson.toString());
                assertEquals(waiting, infoJson.path("config").path("name").asText(), infoJson.toString());
                assertTrue(jetStream.awaitRecovered(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(200, Http.get(http, "/healthz").statusCode());

                JetStreamManagement jsm = nc.jetStreamManagement();
                for (String stream : STREAMS.keySet()) {
                    assertEquals(List.of("c1", "c2"), jsm.getConsumerNames(stream).stream().sorted().toList(), stream);
                }
                assertEquals("held", new String(jsm.getMessage(waiting, MESSAGES + 1).getData(), StandardCharsets.UTF_8));
            }
        }
        // Acknowledged means on disk: the held publish is there after another restart.
        pause.release();
        try (var again = TestServers.start(o -> o.storeDir = store); Connection nc = again.connect()) {
            for (String stream : STREAMS.keySet()) {
                int expected = published.contains(stream) ? MESSAGES + 1 : MESSAGES;
                assertEquals(expected, nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount(), stream);
            }
        }
    }

    @Test
    void shouldAnswerARequestThatWaitedTooLongAsTemporarilyUnavailableAndNeverRunIt() throws Exception {
        try (var server = TestServers.startRecovering(o -> o.storeDir = store); Connection nc = server.connect()) {
            assertTrue(pause.reached.await(WAIT.toSeconds(), TimeUnit.SECONDS), "recovery did not restore a stream");
            long start = System.nanoTime();
            Message answer = nc.request("$JS.API.STREAM.CREATE.LATE",
                    "{\"name\":\"LATE\",\"subjects\":[\"late.>\"]}".getBytes(StandardCharsets.UTF_8), WAIT);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertNotNull(answer, "no answer");
            JsonNode json = Http.parse(new String(answer.getData(), StandardCharsets.UTF_8));
            assertEquals(503, json.path("error").path("code").asInt(), json.toString());
            assertEquals(10008, json.path("error").path("err_code").asInt(), json.toString());
            assertEquals("io.nats.jetstream.api.v1.stream_create_response", json.path("type").asText());
            assertTrue(waitedMillis >= 3_500, "answered after " + waitedMillis + " ms");

            pause.release();
            assertTrue(server.server().jetStream().awaitRecovered(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of("AUDIT", "EVENTS", "ORDERS"), nc.jetStreamManagement().getStreamNames().stream().sorted().toList());
        }
    }

    private static boolean failsWithin(CompletableFuture<?> future, Duration limit) throws InterruptedException {
        try {
            future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
