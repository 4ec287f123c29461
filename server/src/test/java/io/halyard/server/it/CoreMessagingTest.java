package io.halyard.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Core NATS messaging through the real jnats client: the behaviours an application relies on. Tests
 * share one server with default options unless they need their own; subjects are unique per test.
 */
// "try": jnats' Connection.close() declares InterruptedException, which javac's lint flags on every
// try-with-resources; closing a connection at the end of a test is exactly what we want.
@SuppressWarnings("try")
@Timeout(60)
class CoreMessagingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int ONE_MIB = 1024 * 1024;

    private static TestServers.Running server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldDeliverAPublishedMessageToASubscriber() throws Exception {
        try (Connection nc = server.connect()) {
            Subscription sub = nc.subscribe("core.hello");
            nc.flush(WAIT);
            nc.publish("core.hello", "world".getBytes(StandardCharsets.UTF_8));

            Message msg = sub.nextMessage(WAIT);
            assertNotNull(msg, "message delivered");
            assertEquals("core.hello", msg.getSubject());
            assertEquals("world", new String(msg.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldMatchStarWildcardOnExactlyOneToken() throws Exception {
        assertEquals(List.of("star.a", "star.b", "star.z"),
            subjectsReceived("star.*", "star.a", "star.a.b", "star", "stars.a", "star.b", "star.z"));
    }

    @Test
    void shouldMatchFullWildcardOnOneOrMoreTokens() throws Exception {
        assertEquals(List.of("full.a", "full.a.b.c", "full.z"),
            subjectsReceived("full.>", "full.a", "full", "fullx.a", "full.a.b.c", "full.z"));
    }

    /**
     * Publishes to each subject in order and returns the subjects the subscription on {@code filter}
     * received, up to and including the last one published (which must match: it ends the wait).
     */
    private static List<String> subjectsReceived(String filter, String... subjects) throws Exception {
        try (Connection nc = server.connect()) {
            Subscription sub = nc.subscribe(filter);
            nc.flush(WAIT);
            for (String subject : subjects) {
                nc.publish(subject, null);
            }
            String last = subjects[subjects.length - 1];
            List<String> received = new ArrayList<>();
            for (int i = 0; i < subjects.length; i++) {
                Message msg = sub.nextMessage(WAIT);
                assertNotNull(msg, "expected " + last + " to arrive; so far " + received);
                received.add(msg.getSubject());
                if (msg.getSubject().equals(last)) {
                    break;
                }
            }
            return received;
        }
    }

    @Test
    @Timeout(90)
    void shouldDeliverEachQueueMessageToExactlyOneMember() throws Exception {
        int members = 4;
        int messages = 10_000;
        AtomicIntegerArray deliveries = new AtomicIntegerArray(messages);
        AtomicInteger[] perMember = new AtomicInteger[members];
        AtomicInteger total = new AtomicInteger();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int m = 0; m < members; m++) {
                AtomicInteger count = perMember[m] = new AtomicInteger();
                Connection nc = server.connect();
                connections.add(nc);
                Dispatcher d = nc.createDispatcher(msg -> {
                    deliveries.incrementAndGet(ByteBuffer.wrap(msg.getData()).getInt());
                    count.incrementAndGet();
                    total.incrementAndGet();
                });
                d.subscribe("queue.work", "workers");
                nc.flush(WAIT);
            }
            Connection publisher = server.connect();
            connections.add(publisher);
            for (int i = 0; i < messages; i++) {
                publisher.publish("queue.work", ByteBuffer.allocate(4).putInt(i).array());
            }
            publisher.flush(WAIT);

            awaitTrue(() -> total.get() >= messages, Duration.ofSeconds(30), () -> "received " + total.get());
            Thread.sleep(200); // room for any duplicate to show up

            assertEquals(messages, total.get(), "deliveries in total");
            for (int i = 0; i < messages; i++) {
                assertEquals(1, deliveries.get(i), "deliveries of message " + i);
            }
            for (int m = 0; m < members; m++) {
                assertTrue(perMember[m].get() >= messages * 15 / 100,
                    "member " + m + " got " + perMember[m].get() + " of " + messages + " (under 15 %)");
            }
        } finally {
            closeAll(connections);
        }
    }

    @Test
    void shouldAnswerRequestsFromADispatcherThatReplies() throws Exception {
        try (Connection responder = server.connect(); Connection requester = server.connect()) {
            Dispatcher d = responder.createDispatcher(msg ->
                responder.publish(msg.getReplyTo(), ("echo:" + new String(msg.getData(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8)));
            d.subscribe("svc.echo");
            responder.flush(WAIT);

            for (int i = 0; i < 10; i++) {
                Message reply = requester.request("svc.echo", ("r" + i).getBytes(StandardCharsets.UTF_8))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals("echo:r" + i, new String(reply.getData(), StandardCharsets.UTF_8));
            }
            Message sync = requester.request("svc.echo", "sync".getBytes(StandardCharsets.UTF_8), WAIT);
            assertNotNull(sync, "synchronous request answered");
            assertEquals("echo:sync", new String(sync.getData(), StandardCharsets.UTF_8));
        }
    }

    /**
     * jnats (2.26) against nats-server: by default the request future is cancelled (CancellationException)
     * as soon as the 503 status arrives; with {@code reportNoResponders()} it fails with a
     * JetStreamStatusException "503 No Responders Available For Request"; the synchronous request returns
     * null at once. Verified on both targets.
     */
    @ParameterizedTest
    @EnumSource(ServerTarget.class)
    void shouldFailARequestWithoutRespondersPromptlyAsAgainstNatsServer(ServerTarget target) throws Exception {
        try (ServerTarget.Endpoint endpoint = target.start();
             Connection nc = Nats.connect(TestServers.clientOptions(endpoint.url()).build());
             Connection reporting = Nats.connect(TestServers.clientOptions(endpoint.url())
                 .reportNoResponders().build())) {
            long start = System.nanoTime();
            CompletableFuture<Message> cancelled = nc.request("nobody.home", new byte[0]);
            assertThrows(CancellationException.class, () -> cancelled.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));

            CompletableFuture<Message> reported = reporting.request("nobody.home", new byte[0]);
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> reported.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            JetStreamStatusException status = assertInstanceOf(JetStreamStatusException.class, e.getCause());
            assertEquals(503, status.getStatus().getCode());
            assertEquals("503 No Responders Available For Request", status.getMessage());

            assertNull(nc.request("nobody.home", new byte[0], Duration.ofSeconds(10)), "synchronous request");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis < 5_000, "no-responders must be answered at once, not by timeout: "
                + elapsedMillis + " ms");
        }
    }

    @Test
    void shouldRoundTripHeadersInOrderWithRepeatedValues() throws Exception {
        try (Connection nc = server.connect()) {
            Subscription sub = nc.subscribe("core.headers");
            nc.flush(WAIT);
            Headers headers = new Headers()
                .add("X-Trace", "abc-123")
                .add("X-Multi", "one", "two")
                .add("Content-Type", "text/plain; charset=utf-8");
            nc.publish(new NatsMessage("core.headers", "reply.here", headers,
                "body".getBytes(StandardCharsets.UTF_8)));
            nc.publish(new NatsMessage("core.headers", null, new Headers().add("Only", "headers"), new byte[0]));

            Message msg = sub.nextMessage(WAIT);
            assertNotNull(msg);
            assertTrue(msg.hasHeaders(), "headers present");
            assertEquals(List.of("abc-123"), msg.getHeaders().get("X-Trace"));
            assertEquals(List.of("one", "two"), msg.getHeaders().get("X-Multi"));
            assertEquals(List.of("text/plain; charset=utf-8"), msg.getHeaders().get("Content-Type"));
            assertEquals("reply.here", msg.getReplyTo());
            assertEquals("body", new String(msg.getData(), StandardCharsets.UTF_8));

            Message headersOnly = sub.nextMessage(WAIT);
            assertNotNull(headersOnly);
            assertEquals(List.of("headers"), headersOnly.getHeaders().get("Only"));
            assertEquals(0, headersOnly.getData().length);
        }
    }

    @Test
    void shouldNotEchoMessagesToAPublisherThatAskedForNoEcho() throws Exception {
        try (Connection quiet = server.connect(o -> o.noEcho()); Connection other = server.connect()) {
            Subscription own = quiet.subscribe("core.echo");
            Subscription others = other.subscribe("core.echo");
            quiet.flush(WAIT);
            other.flush(WAIT);

            quiet.publish("core.echo", "from-quiet".getBytes(StandardCharsets.UTF_8));
            quiet.flush(WAIT);
            other.publish("core.echo", "from-other".getBytes(StandardCharsets.UTF_8));
            other.flush(WAIT);

            // "from-quiet" was routed before "from-other" was even sent: had it been echoed, it would come first.
            Message first = own.nextMessage(WAIT);
            assertNotNull(first);
            assertEquals("from-other", new String(first.getData(), StandardCharsets.UTF_8));
            assertEquals("from-quiet", new String(others.nextMessage(WAIT).getData(), StandardCharsets.UTF_8));
            assertEquals("from-other", new String(others.nextMessage(WAIT).getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldDrainByDeliveringInFlightMessagesBeforeClosing() throws Exception {
        int messages = 200;
        AtomicInteger handled = new AtomicInteger();
        Connection nc = server.connect();
        try (Connection publisher = server.connect()) {
            Dispatcher d = nc.createDispatcher(msg -> {
                handled.incrementAndGet();
                sleepQuietly(1);
            });
            d.subscribe("core.drain");
            nc.flush(WAIT);
            for (int i = 0; i < messages; i++) {
                publisher.publish("core.drain", new byte[] {(byte) i});
            }
            publisher.flush(WAIT);
            awaitTrue(() -> handled.get() > 0, WAIT, () -> "first message handled");

            CompletableFuture<Boolean> drained = nc.drain(Duration.ofSeconds(20));
            assertTrue(drained.get(30, TimeUnit.SECONDS), "drain completed in time");
            assertEquals(messages, handled.get(), "every message published before drain was handled");
            assertEquals(Connection.Status.CLOSED, nc.getStatus());
        } finally {
            nc.close();
        }
    }

    @Test
    void shouldStopDeliveringAfterAutoUnsubscribeMax() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        try (Connection nc = server.connect(); Connection witness = server.connect()) {
            Dispatcher d = nc.createDispatcher();
            Subscription sub = d.subscribe("core.auto", msg -> handled.incrementAndGet());
            d.unsubscribe(sub, 3);
            Subscription all = witness.subscribe("core.auto");
            nc.flush(WAIT);
            witness.flush(WAIT);
            for (int i = 0; i < 6; i++) {
                witness.publish("core.auto", new byte[] {(byte) i});
            }
            witness.flush(WAIT);
            for (int i = 0; i < 6; i++) {
                assertNotNull(all.nextMessage(WAIT), "witness got message " + i);
            }
            nc.flush(WAIT);
            awaitTrue(() -> handled.get() >= 3, WAIT, () -> "handled " + handled.get());
            Thread.sleep(200);

            assertEquals(3, handled.get(), "messages delivered to the auto-unsubscribed subscription");
            assertFalse(sub.isActive(), "subscription is gone after its max");
        }
    }

    @Test
    void shouldDeliverAPayloadOfExactlyMaxPayload() throws Exception {
        byte[] payload = new byte[ONE_MIB];
        new Random(42).nextBytes(payload);
        try (Connection nc = server.connect()) {
            assertEquals(ONE_MIB, nc.getMaxPayload(), "max_payload advertised in INFO");
            Subscription sub = nc.subscribe("core.big");
            nc.flush(WAIT);
            nc.publish("core.big", payload);
            Message msg = sub.nextMessage(Duration.ofSeconds(10));
            assertNotNull(msg, "1 MiB message delivered");
            assertArrayEquals(payload, msg.getData());
        }
    }

    @Test
    void shouldRefuseAPayloadOverMaxPayloadInJnatsAndOnTheServer() throws Exception {
        try (Connection nc = server.connect()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> nc.publish("core.big", new byte[ONE_MIB + 1]));
            assertTrue(e.getMessage().contains("exceed"), e.getMessage());
            assertEquals(Connection.Status.CONNECTED, nc.getStatus(), "a refused publish does not disconnect");
        }
        try (RawClient raw = server.rawClient()) {
            raw.send("CONNECT {\"verbose\":false}\r\nPUB core.big " + (ONE_MIB + 1) + "\r\n");
            raw.expectLine("-ERR 'Maximum Payload Violation'");
            raw.expectClosed(WAIT);
        }
    }

    @Test
    void shouldFlushAndMeasureRoundTripTime() throws Exception {
        try (Connection nc = server.connect()) {
            for (int i = 0; i < 10; i++) {
                nc.flush(WAIT);
            }
            Duration rtt = nc.RTT();
            assertFalse(rtt.isNegative() || rtt.isZero(), "RTT " + rtt);
            assertTrue(rtt.compareTo(Duration.ofSeconds(1)) < 0, "RTT on loopback " + rtt);
        }
    }

    @Test
    @Timeout(90)
    void shouldExchangeMessagesOverFiftyConcurrentConnections() throws Exception {
        int clients = 50;
        int perClient = 100;
        try (var own = TestServers.start()) {
            List<Connection> connections = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Connection listener = own.connect();
                connections.add(listener);
                Subscription everything = listener.subscribe("many.*");
                listener.flush(WAIT);

                List<Subscription> subs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection nc = own.connect();
                    connections.add(nc);
                    subs.add(nc.subscribe("many." + i));
                    nc.flush(WAIT);
                }
                assertEquals(clients + 1, own.server().broker().clientCount(), "connected clients");

                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> sends = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection nc = connections.get(i + 1);
                    String target = "many." + ((i + 1) % clients);
                    sends.add(pool.submit(() -> {
                        go.await();
                        for (int k = 0; k < perClient; k++) {
                            nc.publish(target, new byte[] {(byte) k});
                        }
                        nc.flush(WAIT);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> send : sends) {
                    send.get(30, TimeUnit.SECONDS);
                }
                for (int i = 0; i < clients; i++) {
                    for (int k = 0; k < perClient; k++) {
                        Message msg = subs.get(i).nextMessage(WAIT);
                        assertNotNull(msg, "client " + i + " message " + k);
                        assertEquals(k, msg.getData()[0], "per-publisher order to client " + i);
                    }
                }
                for (int n = 0; n < clients * perClient; n++) {
                    assertNotNull(everything.nextMessage(WAIT), "wildcard listener message " + n);
                }
            } finally {
                pool.shutdownNow();
                closeAll(connections);
            }
            awaitTrue(() -> own.server().broker().clientCount() == 0, WAIT,
                () -> "clients left after all closed: " + own.server().broker().clientCount());
        }
    }

    @Test
    void shouldCloseAGarbageSendingClientWhileOthersKeepWorking() throws Exception {
        try (Connection nc = server.connect()) {
            Subscription sub = nc.subscribe("core.survivor");
            nc.flush(WAIT);
            nc.publish("core.survivor", "before".getBytes(StandardCharsets.UTF_8));
            assertEquals("before", new String(sub.nextMessage(WAIT).getData(), StandardCharsets.UTF_8));

            try (RawClient raw = server.rawClient()) {
                raw.send("CONNECT {\"verbose\":false}\r\nSUB core.survivor 1\r\n\u0000\u0001garbage\r\n");
                raw.expectLine("-ERR 'Unknown Protocol Operation'");
                raw.expectClosed(WAIT);
            }

            nc.publish("core.survivor", "after".getBytes(StandardCharsets.UTF_8));
            assertEquals("after", new String(sub.nextMessage(WAIT).getData(), StandardCharsets.UTF_8));
            nc.flush(WAIT);
            assertEquals(Connection.Status.CONNECTED, nc.getStatus());
        }
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            Thread.sleep(10);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeAll(List<Connection> connections) {
        for (Connection nc : connections) {
            try {
                nc.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ignored) {
                // closing is best effort in clean-up
            }
        }
    }
}
