package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.MessageConsumer;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PriorityGroupState;
import io.nats.client.api.PriorityPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ADR-42 priority groups with jnats' simplified consumer API: a pinned_client group serves one client
 * (its deliveries carry {@code Nats-Pin-Id}) until the pin lapses or an UNPIN request drops it; an
 * overflow request is served only above its min_pending; the configuration errors are nats-server's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriorityGroupsTest {
    private static List<Message> fetch(ConsumerContext cc, FetchConsumeOptions options) throws Exception {
        List<Message> got = new ArrayList<>();
        try (FetchConsumer fc = cc.fetch(options)) {
            for (Message m = fc.nextMessage(); m != null; m = fc.nextMessage()) {
                got.add(m);
                m.ack();
            }
        }
        return got;
    }

    private static void fill(Connection nc, String stream, int count) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream)
                .subjects(stream.toLowerCase() + ".>").storageType(StorageType.File).build());
        for (int i = 0; i < count; i++) {
            nc.jetStream().publish(stream.toLowerCase() + ".m", ("m" + i).getBytes());
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void shouldServeOnlyThePinnedClientUntilUnpinned() throws Exception {
        try (var server = TestServers.start(); Connection first = server.connect(); Connection second = server.connect()) {
            fill(first, "PIN", 5);
            JetStreamManagement jsm = first.jetStreamManagement();
            jsm.addOrUpdateConsumer("PIN", ConsumerConfiguration.builder().durable("pc").ackPolicy(AckPolicy.Explicit)
                    .priorityGroups("A").priorityPolicy(PriorityPolicy.PinnedClient).build());
            Subscription advisories = first.subscribe("$JS.EVENT.ADVISORY.CONSUMER.*.PIN.pc");
            first.flush(Duration.ofSeconds(1));

            ConsumeOptions opts = ConsumeOptions.builder().batchSize(10).group("A").build();
            List<Message> one = new CopyOnWriteArrayList<>();
            List<Message> two = new CopyOnWriteArrayList<>();
            MessageConsumer c1 = first.getConsumerContext("PIN", "pc").consume(opts, m -> {
                one.add(m);
                m.ack();
            });
            await(() -> one.size() == 5, "the first client has the backlog");
            String pin = one.get(0).getHeaders().getFirst("Nats-Pin-Id");
            assertNotNull(pin, "deliveries carry the pin id");
            PriorityGroupState state = jsm.getConsumerInfo("PIN", "pc").getPriorityGroupStates().get(0);
            assertEquals("A", state.getGroup());
            assertEquals(pin, state.getPinnedClientId());

            MessageConsumer c2 = second.getConsumerContext("PIN", "pc").consume(opts, m -> {
                two.add(m);
                m.ack();
            });
            for (int i = 0; i < 5; i++) {
                first.jetStream().publish("pin.m", ("more" + i).getBytes());
            }
            await(() -> one.size() == 10, "the pinned client takes the new messages");
            assertTrue(two.isEmpty(), "the other client is not served while the pin holds");

            c1.stop();
            assertTrue(jsm.unpinConsumer("PIN", "pc", "A"));
            first.jetStream().publish("pin.m", "after".getBytes());
            await(() -> two.size() == 1, "the other client is pinned after the unpin");
            String newPin = two.get(0).getHeaders().getFirst("Nats-Pin-Id");
            assertTrue(newPin != null && !newPin.equals(pin));
            c2.stop();

            List<String> events = new ArrayList<>();
            for (Message m = advisories.nextMessage(Duration.ofSeconds(1)); m != null; m = advisories.nextMessage(Duration.ofMillis(300))) {
                events.add(m.getSubject());
            }
            assertEquals(List.of("$JS.EVENT.ADVISORY.CONSUMER.PINNED.PIN.pc", "$JS.EVENT.ADVISORY.CONSUMER.UNPINNED.PIN.pc",
                    "$JS.EVENT.ADVISORY.CONSUMER.PINNED.PIN.pc"), events);

            JetStreamApiException noGroup = assertThrows(JetStreamApiException.class, () -> jsm.unpinConsumer("PIN", "pc", "B"));
            assertEquals(10160, noGroup.getApiErrorCode());
        }
    }

    @Test
    void shouldServeOverflowRequestsOnlyAboveMinPending() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            fill(nc, "OVF", 10);
            nc.jetStreamManagement().addOrUpdateConsumer("OVF", ConsumerConfiguration.builder().durable("oc")
                    .ackPolicy(AckPolicy.Explicit).priorityGroups("A").priorityPolicy(PriorityPolicy.Overflow).build());
            ConsumerContext cc = nc.getConsumerContext("OVF", "oc");
            assertTrue(fetch(cc, FetchConsumeOptions.builder().maxMessages(5).expiresIn(1000).group("A").minPending(100).build())
                    .isEmpty(), "10 pending is below min_pending 100");
            assertEquals(5, fetch(cc, FetchConsumeOptions.builder().maxMessages(5).expiresIn(1000).group("A").minPending(5).build())
                    .size());
        }
    }

    @Test
    void shouldRefuseInvalidPriorityGroupConfigs() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            fill(nc, "CFG", 0);
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStreamApiException noGroups = assertThrows(JetStreamApiException.class, () -> jsm.addOrUpdateConsumer("CFG",
                    ConsumerConfiguration.builder().durable("x").priorityPolicy(PriorityPolicy.Overflow).build()));
            assertEquals(10159, noGroups.getApiErrorCode());
            JetStreamApiException push = assertThrows(JetStreamApiException.class, () -> jsm.addOrUpdateConsumer("CFG",
                    ConsumerConfiguration.builder().durable("y").deliverSubject("d").priorityGroups("A")
                            .priorityPolicy(PriorityPolicy.PinnedClient).build()));
            assertEquals(10178, push.getApiErrorCode());
        }
    }
}
