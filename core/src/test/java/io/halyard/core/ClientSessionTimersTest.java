package io.halyard.core;

import io.halyard.core.client.ClientSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ping and auth timers, driven by an injected clock and by running the scheduled tasks by hand. */
class ClientSessionTimersTest {
    private long now = 1_000_000_000L;
    private final BrokerConfig config = new BrokerConfig();
    private final Broker broker = new Broker(config, () -> now);
    private final TimerTransport wire = new TimerTransport();

    @Test
    void shouldSendTheFirstPingAfterConnectEvenToAnActiveClientToMeasureItsRoundTrip() {
        ClientSession s = connect();
        assertEquals(1, wire.scheduled.size(), "ping timer armed by CONNECT");
        now += TimeUnit.SECONDS.toNanos(2);
        wire.runScheduled();
        assertTrue(wire.text().endsWith("PING\r\n"), wire.text());
        send(s, "PONG\r\n");
        assertTrue(s.rttNanos() > 0);
    }

    @Test
    void shouldSkipThePingWhenTheClientWasRecentlyActiveAndItsRoundTripIsKnown() {
        ClientSession s = connect();
        now += TimeUnit.SECONDS.toNanos(2);
        wire.runScheduled();
        send(s, "PONG\r\n");
        int before = count(wire.text(), "PING\r\n");
        now += TimeUnit.SECONDS.toNanos(30);
        send(s, "PUB x 0\r\n\r\n"); // activity within the 2 min interval
        now += TimeUnit.SECONDS.toNanos(60);
        wire.runScheduled();
        assertEquals(before, count(wire.text(), "PING\r\n"));
    }

    @Test
    void shouldCloseAsStaleWhenPingMaxPingsGoUnanswered() {
        connect();
        for (int i = 0; i < 3; i++) {
            now += TimeUnit.MINUTES.toNanos(3);
            wire.runScheduled();
        }
        assertTrue(wire.text().endsWith("-ERR 'Stale Connection'\r\n"), wire.text());
        assertTrue(wire.closed);
        assertEquals(1, broker.stats().snapshot(broker.clients()).staleConnections());
    }

    @Test
    void shouldCloseWithAuthenticationTimeoutWhenNoConnectArrives() {
        config.authenticator = io.halyard.core.auth.Authenticator.token("t", null);
        broker.accept(wire);
        now += config.authTimeoutNanos;
        wire.runScheduled();
        assertTrue(wire.text().endsWith("-ERR 'Authentication Timeout'\r\n"), wire.text());
        assertTrue(wire.closed);
    }

    private ClientSession connect() {
        ClientSession s = broker.accept(wire);
        send(s, "CONNECT {\"verbose\":false}\r\n");
        return s;
    }

    private void send(ClientSession s, String text) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
        b.writeCharSequence(text, StandardCharsets.US_ASCII);
        s.read(b);
        s.readComplete();
        b.release();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** Records scheduled tasks instead of running them on a clock. */
    static final class TimerTransport extends BrokerRoutingTest.RecordingTransport {
        final List<Runnable> scheduled = new ArrayList<>();
        boolean closed;

        /** Runs the tasks scheduled so far (tasks they schedule wait for the next call). */
        void runScheduled() {
            List<Runnable> due = new ArrayList<>(scheduled);
            scheduled.clear();
            due.forEach(Runnable::run);
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            scheduled.add(task);
            return () -> scheduled.remove(task);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
