package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lame-duck mode: a jnats client with two servers in its list is told ({@code "ldm":true}), is
 * closed within the drain and reconnects to the other server, where its subscription works again;
 * the drained server then stops, with its stream's writes on disk.
 */
class LameDuckTest {

    @Test
    void shouldDrainClientsToTheOtherServerAndStop() throws Exception {
        try (TestServers.Running other = TestServers.start();
             TestServers.Running ducking = TestServers.start(o -> {
                 o.httpPort = -1;
                 o.lameDuckGracePeriod = Duration.ofSeconds(1);
                 o.lameDuckDuration = Duration.ofSeconds(3);
             })) {
            CopyOnWriteArrayList<ConnectionListener.Events> events = new CopyOnWriteArrayList<>();
            CountDownLatch reconnected = new CountDownLatch(1);
            Options options = new Options.Builder()
                    .servers(new String[] {ducking.url(), other.url()})
                    .noRandomize()
                    .maxReconnects(-1)
                    .reconnectWait(Duration.ofMillis(50))
                    .connectionTimeout(Duration.ofSeconds(5))
                    .errorListener(new TestServers.QuietErrorListener())
                    .connectionListener((conn, event) -> {
                        events.add(event);
                        if (event == ConnectionListener.Events.RECONNECTED) {
                            reconnected.countDown();
                        }
                    })
                    .build();
            try (Connection client = Nats.connect(options);
                 Connection publisher = other.connect()) {
                assertTrue(client.getConnectedUrl().endsWith(":" + ducking.port()), client.getConnectedUrl());
                Subscription sub = client.subscribe("ldm.orders");
                client.flush(Duration.ofSeconds(2));
                // A file stream with writes just made: they must be on disk when the server stops.
                client.jetStreamManagement().addStream(StreamConfiguration.builder().name("LDM").subjects("ldm.js")
                        .storageType(StorageType.File).build());
                PublishAck ack = client.jetStream().publish("ldm.js", "kept".getBytes());
                assertEquals(1, ack.getSeqno());

                assertEquals(200, Http.get(ducking.server().monitorPort(), "/healthz").statusCode());
                CountDownLatch done = new CountDownLatch(1);
                long start = System.nanoTime();
                ducking.server().enterLameDuckMode(done::countDown);

                // Health turns unavailable at once, so a readiness probe stops routing to the pod.
                HttpResponse<String> health = Http.get(ducking.server().monitorPort(), "/healthz");
                assertEquals(503, health.statusCode(), health.body());

                assertTrue(reconnected.await(10, TimeUnit.SECONDS), "no reconnect; events " + events);
                assertTrue(events.contains(ConnectionListener.Events.LAME_DUCK), "no LAME_DUCK event: " + events);
                assertTrue(client.getConnectedUrl().endsWith(":" + other.port()), client.getConnectedUrl());
                // Not before the grace period: clients are closed only after it.
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1_000));

                // Just reconnected: on a loaded machine the first round trip can take a few seconds.
                publisher.flush(Duration.ofSeconds(10));
                client.flush(Duration.ofSeconds(10));
                publisher.publish("ldm.orders", "after".getBytes());
                Message m = sub.nextMessage(Duration.ofSeconds(5));
                assertNotNull(m, "subscription did not move to the other server");
                assertEquals("after", new String(m.getData()));

                assertTrue(done.await(10, TimeUnit.SECONDS), "the lame-duck server did not stop");
                assertEquals(0, ducking.server().broker().clientCount());
            }
            // The stream's message survived the stop: reopen the store directory in a new server.
            try (TestServers.Running reopened = TestServers.start(o -> o.storeDir = ducking.options().storeDir)) {
                assertEquals(1, reopened.server().jetStream().stream("LDM").store().state().messages());
            }
        }
    }

    @Test
    void shouldCloseWhatRemainsOnASecondTrigger() throws Exception {
        try (TestServers.Running server = TestServers.start(o -> {
            o.lameDuckGracePeriod = Duration.ofSeconds(30);
            o.lameDuckDuration = Duration.ofMinutes(2);
        })) {
            try (Connection client = server.connect(o -> o.maxReconnects(0))) {
                CountDownLatch done = new CountDownLatch(1);
                server.server().enterLameDuckMode(done::countDown);
                Thread.sleep(100);
                assertEquals(1, server.server().broker().clientCount(), "closed before the grace period");
                server.server().enterLameDuckMode(null); // the second signal
                assertTrue(done.await(10, TimeUnit.SECONDS), "a second trigger did not end the drain");
                assertEquals(0, server.server().broker().clientCount());
            }
        }
    }
}
