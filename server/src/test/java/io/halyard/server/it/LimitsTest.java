package io.halyard.server.it;

import static io.halyard.server.it.CoreMessagingTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Server limits and liveness checks: max_connections, max_subscriptions, max_pending (slow consumers)
 * and ping_interval/ping_max (stale connections). Texts and keep/close decisions are nats-server's.
 */
// "try": jnats' Connection.close() declares InterruptedException, which javac's lint flags on every
// try-with-resources; closing a connection at the end of a test is exactly what we want.
@SuppressWarnings("try")
@Timeout(60)
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void shouldRefuseAConnectionBeyondMaxConnectionsAfterSendingInfo() throws Exception {
        try (var server = TestServers.start(o -> o.maxConnections = 2)) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    RawClient client = server.rawClient();
                    clients.add(client);
                    client.connectAndSync("{\"verbose\":false}");
                }
                try (RawClient third = server.rawClient()) { // INFO first: RawClient.connect checks it
                    third.expectLine("-ERR 'maximum connections exceeded'");
                    third.expectClosed(WAIT);
                }
                for (RawClient client : clients) {
                    client.send("PING\r\n").expectLine("PONG"); // the first two are untouched
                }

                clients.remove(0).close();
                awaitTrue(() -> server.server().broker().clientCount() < 2, WAIT, () -> "closed client removed");
                try (RawClient again = server.rawClient()) {
                    again.connectAndSync("{\"verbose\":false}"); // a freed slot can be taken
                }
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void shouldRefuseASubscriptionBeyondMaxSubscriptionsAndKeepTheConnection() throws Exception {
        try (var server = TestServers.start(o -> o.maxSubscriptions = 2); RawClient raw = server.rawClient()) {
            raw.send("CONNECT {\"verbose\":false}\r\nSUB a 1\r\nSUB b 2\r\nSUB c 3\r\nPING\r\n");
            raw.expectLine("-ERR 'maximum subscriptions exceeded'");
            raw.expectLine("PONG");

            raw.send("PUB c 1\r\nz\r\nPUB b 1\r\ny\r\nPING\r\n");
            raw.expectLine("MSG b 2 1"); // nothing for the refused subscription on c
            raw.expectLine("y");
            raw.expectLine("PONG");

            raw.send("UNSUB 1\r\nSUB c 3\r\nPUB c 1\r\nx\r\nPING\r\n"); // a freed slot can be reused
            raw.expectLine("MSG c 3 1");
            raw.expectLine("x");
            raw.expectLine("PONG");
        }
    }

    /**
     * A subscriber that never reads, with a small receive buffer, is cut off once more than max_pending
     * bytes wait for it; a subscriber that keeps up on the same subject gets everything. The publisher
     * paces itself on the fast subscriber, so "keeps up" holds on a loaded machine too and the test does
     * not depend on how long the server stalls fast producers (nats-server: 2-5 ms per wait today).
     */
    @Test
    @Timeout(120)
    void shouldCloseASlowConsumerAndKeepServingTheFastOne() throws Exception {
        int messageBytes = 1024;
        int messages = 20 * 1024; // ~20 MiB in total
        int batch = 64; // flush every 64 KiB so the fast subscriber is never far behind
        try (var server = TestServers.start(o -> {
            o.maxPending = 256 * 1024;
            o.maxPayload = 64 * 1024; // nats-server refuses a max_payload above max_pending
        });
             RawClient slow = RawClient.connect(server.port(), 4096);
             Connection fast = server.connect();
             Connection publisher = server.connect()) {
            slow.connectAndSync("{\"verbose\":false}");
            slow.send("SUB flood 1\r\nPING\r\n").expectLine("PONG");

            AtomicLong fastReceived = new AtomicLong();
            Dispatcher d = fast.createDispatcher(msg -> fastReceived.incrementAndGet());
            d.setPendingLimits(-1, -1);
            d.subscribe("flood");
            fast.flush(WAIT);

            byte[] payload = new byte[messageBytes];
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int sent = 0;
            while (sent < messages && System.nanoTime() < deadline) {
                for (int i = 0; i < batch; i++, sent++) {
                    publisher.publish("flood", payload);
                }
                // Generous: a server may stall a producer while a consumer is behind (nats-server 2.9 did so
                // for up to 1 s at a time).
                publisher.flush(Duration.ofSeconds(30));
                // Keep the fast subscriber genuinely fast: never more than 128 + 64 KiB behind, well under
                // max_pending, however the machine schedules its threads. Only the raw one falls behind.
                int mustHave = sent - 128;
                awaitTrue(() -> fastReceived.get() >= mustHave, Duration.ofSeconds(10),
                    () -> "fast subscriber keeping up: " + fastReceived.get() + " of " + mustHave + " ("
                        + fast.getStatus() + ")");
            }
            assertEquals(messages, sent, "published everything within the time limit");

            List<String> slowSaw = slow.expectClosed(Duration.ofSeconds(30));
            awaitTrue(() -> server.server().broker().stats().slowConsumers() >= 1, WAIT,
                () -> "slow consumer counted; lines the slow client saw: " + slowSaw);
            awaitTrue(() -> fastReceived.get() == messages, Duration.ofSeconds(30),
                () -> "fast subscriber received " + fastReceived.get() + " of " + messages + " (its connection is "
                    + fast.getStatus() + "; slow consumers counted: "
                    + server.server().broker().stats().slowConsumers() + ")");
            assertEquals(Connection.Status.CONNECTED, fast.getStatus());
            assertEquals(Connection.Status.CONNECTED, publisher.getStatus());
        }
    }

    @Test
    void shouldCloseAConnectionThatDoesNotAnswerPingsAsStale() throws Exception {
        try (var server = TestServers.start(o -> {
            o.pingInterval = Duration.ofMillis(200);
            o.pingMax = 2;
        }); RawClient raw = server.rawClient()) {
            raw.connectAndSync("{\"verbose\":false}");
            int pings = 0;
            String line;
            while ((line = raw.readLine(Duration.ofSeconds(3))) != null && line.equals("PING") && pings < 10) {
                pings++;
            }
            assertEquals("-ERR 'Stale Connection'", line, "after " + pings + " unanswered PINGs");
            assertTrue(pings >= 1 && pings <= 2, "PINGs before the stale verdict: " + pings);
            raw.expectClosed(WAIT);
        }
    }

    @Test
    void shouldKeepAConnectionThatAnswersPings() throws Exception {
        try (var server = TestServers.start(o -> {
            o.pingInterval = Duration.ofMillis(200);
            o.pingMax = 2;
        }); RawClient raw = server.rawClient(); Connection nc = server.connect()) {
            raw.connectAndSync("{\"verbose\":false}");
            int pongs = 0;
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < end) {
                String line = raw.pollLine(Duration.ofMillis(100));
                if (raw.isClosedByServer()) {
                    throw new AssertionError("closed although every PING was answered");
                }
                if ("PING".equals(line)) {
                    raw.send("PONG\r\n");
                    pongs++;
                } else if (line != null) {
                    throw new AssertionError("unexpected line " + line);
                }
            }
            assertTrue(pongs >= 2, "the server kept pinging: " + pongs);
            raw.send("PING\r\n");
            // The server's next PING (every 200 ms) may come before our PONG: answer it and read on.
            String line;
            while ("PING".equals(line = raw.pollLine(WAIT))) {
                raw.send("PONG\r\n");
            }
            assertEquals("PONG", line, "line from the server");
            nc.flush(WAIT); // jnats answers PINGs by itself
            assertEquals(Connection.Status.CONNECTED, nc.getStatus());
        }
    }
}
