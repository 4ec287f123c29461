package io.halyard.core.jetstream;

import io.halyard.core.Broker;
import io.halyard.core.BrokerConfig;
import io.halyard.core.client.Subscription;
import io.halyard.log.EpochClock;
import io.halyard.log.MemoryStore;
import io.halyard.log.StoreOptions;
import io.halyard.log.StoredMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The recovery hold's three steps, driven by hand: keep everything, then only a recovering stream's
 * messages, append them in order when the stream opens, then hand over to the stream's own
 * subscriptions.
 */
class RecoveryHoldTest {
    private final Broker broker = new Broker(new BrokerConfig());
    /** The stream's deferred work (PubAcks): run by the test, never inside a publish. */
    private final List<Runnable> deferred = new ArrayList<>();
    private final List<String> pubAcks = new CopyOnWriteArrayList<>();
    private final JetStream jetStream = new JetStream(broker, java.nio.file.Path.of("unused"), EpochClock.SYSTEM);
    private final RecoveryHold hold = new RecoveryHold(broker, jetStream);

    private int publish(String subject, String reply, String payload) {
        return broker.publish(subject, reply, null, payload.getBytes(StandardCharsets.UTF_8));
    }

    private Stream ordersStream() throws Exception {
        StreamConfig config = StreamConfigRules.normalize(StreamConfig.fromJson(ApiJson.parseObject(
                "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"],\"storage\":\"memory\"}".getBytes(StandardCharsets.UTF_8))));
        return new Stream(broker, deferred::add, EpochClock.SYSTEM, config, 0,
                listener -> new MemoryStore(StoreOptions.defaults(null)));
    }

    private void runDeferred() {
        while (!deferred.isEmpty()) {
            deferred.remove(0).run();
        }
    }

    private static List<String> subjects(Stream stream) {
        List<String> out = new ArrayList<>();
        for (long seq = 1; seq <= stream.store().state().lastSequence(); seq++) {
            StoredMessage m = stream.store().get(seq);
            out.add(m.subject() + "=" + StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(m.payload())));
        }
        return out;
    }

    @Test
    void shouldKeepStreamMessagesUntilTheStreamOpensThenHandOverWithoutLosingOrRepeatingAny() throws Exception {
        broker.subscribe(Subscription.internal("acks", null, (frame, from) -> {
            pubAcks.add(frame.subject());
            return true;
        }));
        hold.install();

        // Step 1: nobody knows the streams' subjects yet; everything is kept and counts as taken.
        assertEquals(1, publish("orders.1", "acks", "a"));
        assertEquals(1, publish("core.x", null, "not a stream's"));

        // Step 2: only the recovering stream's subjects are kept; others are left to no-responders.
        hold.streamsKnown(Map.of("ORDERS", List.of("orders.>")));
        assertEquals(0, publish("core.y", "inbox", "nobody"));
        assertEquals(1, publish("orders.2", "acks", "b"));

        Stream orders = ordersStream();
        List<Subscription> subscriptions = orders.startUnsubscribed();
        assertEquals(List.of(), subjects(orders));
        hold.opened("ORDERS", orders);
        assertEquals(List.of("orders.1=a", "orders.2=b"), subjects(orders));
        // Open: messages go straight to the stream.
        assertEquals(1, publish("orders.3", "acks", "c"));
        assertEquals(List.of("orders.1=a", "orders.2=b", "orders.3=c"), subjects(orders));

        // Step 3: the stream's own subscription replaces the hold.
        hold.release(subscriptions);
        assertEquals(1, broker.match("orders.4").plainCount());
        assertSame(subscriptions.get(0), broker.match("orders.4").plain(0));
        assertEquals(1, publish("orders.4", "acks", "d"));
        assertEquals(0, publish("core.z", "inbox", "nobody"));
        assertEquals(List.of("orders.1=a", "orders.2=b", "orders.3=c", "orders.4=d"), subjects(orders));

        runDeferred();
        assertEquals(4, pubAcks.size(), "one PubAck per stored message: " + pubAcks);
        assertEquals(0, hold.keptBytes());
    }

    @Test
    void shouldPublishKeptAcksAgainOnceTheConsumersListen() {
        hold.install();
        hold.streamsKnown(Map.of());
        assertEquals(1, publish("$JS.ACK.S.C.1.5.5.0.0", null, "+ACK"));
        assertEquals(1, publish("$JS.FC.S.C.1", null, ""));

        List<String> consumers = new CopyOnWriteArrayList<>();
        broker.subscribe(Subscription.internal("$JS.>", null, (frame, from) -> {
            consumers.add(frame.subject());
            return true;
        }));
        hold.consumersStarted();
        assertEquals(List.of("$JS.ACK.S.C.1.5.5.0.0", "$JS.FC.S.C.1"), consumers);

        // From now on the consumers' subscription alone takes them.
        assertEquals(1, publish("$JS.ACK.S.C.1.6.6.0.0", null, "+ACK"));
        assertEquals(3, consumers.size());
    }

    @Test
    void shouldDropWhatWasKeptForAStreamThatCouldNotBeReopened() {
        hold.install();
        hold.streamsKnown(Map.of("BROKEN", List.of("broken.>")));
        assertEquals(1, publish("broken.1", "inbox", "x"));
        hold.failed("BROKEN");
        assertEquals(0, hold.keptBytes());
        // As after recovery: nobody serves the subject, so a request hears no-responders.
        assertEquals(0, publish("broken.2", "inbox", "y"));
        hold.release(List.of());
        assertEquals(0, broker.match("broken.3").plainCount());
    }

    /** Blocks the JetStream thread when it logs the first restored stream, until released. */
    static final class PauseAtFirstRestore extends java.util.logging.Handler {
        final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void publish(java.util.logging.LogRecord r) {
            if (String.valueOf(r.getMessage()).startsWith("Restored stream") && reached.getCount() > 0) {
                reached.countDown();
                try {
                    released.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override public void flush() { }
        @Override public void close() { }
    }

    /** PUB {@code subject} with {@code payload}, as the broker would route it, for a subscription taken from a match. */
    private static io.halyard.protocol.PublishFrame frame(String subject, String payload) {
        byte[] line = subject.getBytes(StandardCharsets.US_ASCII);
        io.netty.buffer.ByteBuf message = io.netty.buffer.Unpooled.wrappedBuffer(payload.getBytes(StandardCharsets.UTF_8));
        io.halyard.protocol.PublishFrame f = new io.halyard.protocol.PublishFrame();
        f.set(line, 0, line.length, line.length, 0, -1, message, 0, message.readableBytes());
        return f;
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void shouldHandAPublishMatchedJustBeforeTheSwapToTheStreamThatNowCapturesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        JetStream first = new JetStream(broker, dir, EpochClock.SYSTEM).start();
        first.executor().execute(() -> first.create(StreamConfigRules.normalize(StreamConfig.fromJson(ApiJson.parseObject(
                "{\"name\":\"ORDERS\",\"subjects\":[\"orders.>\"]}".getBytes(StandardCharsets.UTF_8))))));
        first.close();

        java.util.logging.Logger log = java.util.logging.Logger.getLogger(JetStream.class.getName());
        PauseAtFirstRestore pause = new PauseAtFirstRestore();
        log.setLevel(java.util.logging.Level.INFO);
        log.addHandler(pause);
        Broker fresh = new Broker(new BrokerConfig());
        JetStream second = new JetStream(fresh, dir, EpochClock.SYSTEM);
        try {
            second.startHolding().startRecovery();
            assertEquals(true, pause.reached.await(10, java.util.concurrent.TimeUnit.SECONDS));
            // Routed now, delivered after the swap: only the hold is in this match.
            io.halyard.core.subject.Match<Subscription> before = fresh.match("orders.late");
            assertEquals(1, before.plainCount());
            pause.released.countDown();
            assertEquals(true, second.awaitRecovered(10, java.util.concurrent.TimeUnit.SECONDS));

            Subscription streams = fresh.match("orders.late").plain(0);
            assertEquals(false, streams == before.plain(0), "the stream's own subscription replaced the hold");
            assertEquals(true, before.plain(0).deliverInternal(frame("orders.late", "late"), null));
            // A broker-originated publish is stored from the JetStream thread (deferred).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (second.stream("ORDERS").store().durableSequence() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, second.stream("ORDERS").store().state().messages(), "stored once, by way of the hold");
            assertEquals("orders.late", second.stream("ORDERS").store().get(1).subject());
        } finally {
            pause.released.countDown();
            log.removeHandler(pause);
            log.setLevel(null);
            second.close();
        }
    }
}
