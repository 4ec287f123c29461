package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JetStream consumers over real sockets with jnats: pull, push, the simplified API, acks, redelivery, restart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JetStreamConsumersTest extends JetStreamTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void createOrders() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").storageType(StorageType.File).build());
    }

    private void publish(int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            js.publish("orders." + i, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private JsonNode api(String subject, String body) throws Exception {
        Message reply = nc.request(subject, body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
        return JSON.readTree(reply.getData());
    }

    private static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCreateListAndDeleteADurableConsumer() throws Exception {
        publish(3);
        ConsumerInfo info = jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder()
                .durable("worker").ackPolicy(AckPolicy.Explicit).filterSubject("orders.>").build());
        assertEquals("worker", info.getName());
        assertEquals(3, info.getNumPending());
        assertEquals(Duration.ofSeconds(30), info.getConsumerConfiguration().getAckWait());
        assertEquals(1000, info.getConsumerConfiguration().getMaxAckPending());
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("other").build());
        assertEquals(List.of("other", "worker"), jsm.getConsumerNames("ORDERS"));
        assertEquals(2, jsm.getConsumers("ORDERS").size());
        assertEquals(2, jsm.getStreamInfo("ORDERS").getStreamState().getConsumerCount());
        assertTrue(jsm.deleteConsumer("ORDERS", "other"));
        assertEquals(10014, assertThrows(JetStreamApiException.class, () -> jsm.getConsumerInfo("ORDERS", "other")).getApiErrorCode());
    }

    @Test
    void shouldPageConsumerNamesAndListsFromAnOffset() throws Exception {
        for (String name : List.of("c1", "c2", "c3")) {
            jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable(name).build());
        }
        JsonNode names = api("$JS.API.CONSUMER.NAMES.ORDERS", "{\"offset\":1}");
        assertEquals(3, names.get("total").asInt());
        assertEquals(1, names.get("offset").asInt());
        assertEquals("c2", names.get("consumers").get(0).asText());
        JsonNode list = api("$JS.API.CONSUMER.LIST.ORDERS", "{\"offset\":2}");
        assertEquals("c3", list.get("consumers").get(0).get("name").asText());
        assertEquals("io.nats.jetstream.api.v1.consumer_list_response", list.get("type").asText());
    }

    @Test
    void shouldAnswerBadConsumerRequestsWithNatsServerErrorCodes() throws Exception {
        assertEquals(10059, api("$JS.API.CONSUMER.CREATE.NOPE", "{\"stream_name\":\"NOPE\",\"config\":{}}").at("/error/err_code").asInt());
        assertEquals(10056, api("$JS.API.CONSUMER.CREATE.ORDERS", "{\"stream_name\":\"X\",\"config\":{}}").at("/error/err_code").asInt());
        assertEquals(10078, api("$JS.API.CONSUMER.CREATE.ORDERS", "{\"stream_name\":\"ORDERS\"}").at("/error/err_code").asInt());
        assertEquals(10025, api("$JS.API.CONSUMER.CREATE.ORDERS", "{bad").at("/error/err_code").asInt());
        assertEquals(10020, api("$JS.API.CONSUMER.CREATE.ORDERS",
                "{\"stream_name\":\"ORDERS\",\"config\":{\"durable_name\":\"d\"}}").at("/error/err_code").asInt());
        assertEquals(10017, api("$JS.API.CONSUMER.CREATE.ORDERS.a",
                "{\"stream_name\":\"ORDERS\",\"config\":{\"durable_name\":\"b\"}}").at("/error/err_code").asInt());
        assertEquals(10131, api("$JS.API.CONSUMER.CREATE.ORDERS.a.orders.x",
                "{\"stream_name\":\"ORDERS\",\"config\":{\"filter_subject\":\"orders.y\"}}").at("/error/err_code").asInt());
        assertEquals(10016, api("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS",
                "{\"stream_name\":\"ORDERS\",\"config\":{}}").at("/error/err_code").asInt());
        assertEquals(10093, api("$JS.API.CONSUMER.CREATE.ORDERS.a",
                "{\"stream_name\":\"ORDERS\",\"config\":{\"filter_subject\":\"other.x\"}}").at("/error/err_code").asInt());
        assertEquals(10088, api("$JS.API.CONSUMER.CREATE.ORDERS.a",
                "{\"stream_name\":\"ORDERS\",\"config\":{\"idle_heartbeat\":1000000000}}").at("/error/err_code").asInt());
        assertEquals(10149, api("$JS.API.CONSUMER.CREATE.ORDERS.a",
                "{\"stream_name\":\"ORDERS\",\"action\":\"update\",\"config\":{}}").at("/error/err_code").asInt());
        api("$JS.API.CONSUMER.CREATE.ORDERS.a", "{\"stream_name\":\"ORDERS\",\"config\":{\"ack_policy\":\"explicit\"}}");
        assertEquals(10148, api("$JS.API.CONSUMER.CREATE.ORDERS.a",
                "{\"stream_name\":\"ORDERS\",\"action\":\"create\",\"config\":{\"ack_policy\":\"none\"}}").at("/error/err_code").asInt());
        assertEquals(10014, api("$JS.API.CONSUMER.INFO.ORDERS.zz", "").at("/error/err_code").asInt());
        assertEquals(10014, api("$JS.API.CONSUMER.DELETE.ORDERS.zz", "").at("/error/err_code").asInt());
    }

    @Test
    void shouldFetchAndAckWithAPullSubscription() throws Exception {
        publish(5);
        JetStreamSubscription sub = js.subscribe("orders.>", PullSubscribeOptions.builder().durable("pull").build());
        List<Message> batch = sub.fetch(10, Duration.ofSeconds(1));
        assertEquals(5, batch.size());
        assertEquals("orders.1", batch.get(0).getSubject());
        assertEquals(1, batch.get(0).metaData().streamSequence());
        assertEquals(4, batch.get(0).metaData().pendingCount());
        for (Message m : batch) {
            m.ackSync(Duration.ofSeconds(2));
        }
        ConsumerInfo info = jsm.getConsumerInfo("ORDERS", "pull");
        assertEquals(0, info.getNumAckPending());
        assertEquals(5, info.getAckFloor().getStreamSequence());
        assertEquals(5, info.getDelivered().getConsumerSequence());
        assertTrue(sub.fetch(1, Duration.ofMillis(300)).isEmpty());
        publish(2);
        var it = sub.iterate(2, Duration.ofSeconds(2));
        assertTrue(it.hasNext());
        assertEquals(6, it.next().metaData().streamSequence());
    }

    @Test
    void shouldRedeliverNakedAndUnackedMessagesAndDropTerminatedOnes() throws Exception {
        publish(3);
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("r").ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofMillis(500)).maxDeliver(3).build());
        JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "r"));
        List<Message> first = sub.fetch(3, Duration.ofSeconds(1));
        assertEquals(3, first.size());
        first.get(0).nak();
        first.get(1).term();
        first.get(2).inProgress();
        Message again = sub.fetch(1, Duration.ofSeconds(1)).get(0);
        assertEquals(1, again.metaData().streamSequence());
        assertEquals(2, again.metaData().deliveredCount());
        again.ack();
        // not acked: back after ack_wait
        Message late = sub.fetch(1, Duration.ofSeconds(3)).get(0);
        assertEquals(3, late.metaData().streamSequence());
        late.ack();
        ConsumerInfo info = jsm.getConsumerInfo("ORDERS", "r");
        assertEquals(0, info.getNumAckPending());
    }

    @Test
    void shouldPublishTheMaxDeliveriesAdvisory() throws Exception {
        io.nats.client.Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.md");
        nc.flush(Duration.ofSeconds(1));
        publish(1);
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("md").ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofMillis(300)).maxDeliver(2).build());
        JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "md"));
        assertEquals(1, sub.fetch(1, Duration.ofSeconds(1)).size());
        assertEquals(1, sub.fetch(1, Duration.ofSeconds(2)).size());
        Message advisory = advisories.nextMessage(Duration.ofSeconds(3));
        assertNotNull(advisory);
        assertEquals(2, JSON.readTree(advisory.getData()).get("deliveries").asInt());
    }

    @Test
    void shouldPublishAckMetricsAtTheSampleFrequency() throws Exception {
        io.nats.client.Subscription metrics = nc.subscribe("$JS.EVENT.METRIC.CONSUMER.ACK.ORDERS.sampled");
        nc.flush(Duration.ofSeconds(1));
        publish(1);
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("sampled").ackPolicy(AckPolicy.Explicit)
                .sampleFrequency("100%").build());
        JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "sampled"));
        sub.fetch(1, Duration.ofSeconds(1)).get(0).ackSync(Duration.ofSeconds(2));
        Message metric = metrics.nextMessage(Duration.ofSeconds(3));
        assertNotNull(metric);
        JsonNode j = JSON.readTree(metric.getData());
        assertEquals("io.nats.jetstream.metric.v1.consumer_ack", j.get("type").asText());
        assertEquals(1, j.get("stream_seq").asLong());
        assertTrue(j.get("ack_time").asLong() > 0);
        JetStreamApiException bad = assertThrows(JetStreamApiException.class, () -> jsm.addOrUpdateConsumer("ORDERS",
                ConsumerConfiguration.builder().durable("badsample").sampleFrequency("often").build()));
        assertEquals(10095, bad.getApiErrorCode());
    }

    @Test
    void shouldDeliverToSyncAndAsyncPushSubscriptions() throws Exception {
        publish(3);
        JetStreamSubscription sync = js.subscribe("orders.>", PushSubscribeOptions.builder().durable("push").build());
        for (int i = 1; i <= 3; i++) {
            Message m = sync.nextMessage(Duration.ofSeconds(2));
            assertEquals("orders." + i, m.getSubject());
            m.ack();
        }
        CountDownLatch got = new CountDownLatch(3);
        Dispatcher d = nc.createDispatcher();
        js.subscribe("orders.>", "workers", d, m -> {
            m.ack();
            got.countDown();
        }, false, PushSubscribeOptions.builder().durable("grouped").build());
        assertTrue(got.await(5, TimeUnit.SECONDS));
        assertEquals("workers", jsm.getConsumerInfo("ORDERS", "grouped").getConsumerConfiguration().getDeliverGroup());
    }

    @Test
    void shouldDeliverInOrderToAnOrderedPushConsumerWithFlowControl() throws Exception {
        publish(2000);
        JetStreamSubscription sub = js.subscribe("orders.>", PushSubscribeOptions.builder().ordered(true).build());
        for (int i = 1; i <= 2000; i++) {
            Message m = sub.nextMessage(Duration.ofSeconds(5));
            assertNotNull(m, "message " + i);
            assertEquals(i, m.metaData().streamSequence());
        }
    }

    @Test
    void shouldConsumeWithTheSimplifiedApi() throws Exception {
        publish(10);
        StreamContext stream = nc.getStreamContext("ORDERS");
        ConsumerContext cc = stream.createOrUpdateConsumer(ConsumerConfiguration.builder().durable("simple")
                .ackPolicy(AckPolicy.Explicit).build());
        Message next = cc.next(Duration.ofSeconds(2));
        assertEquals("orders.1", next.getSubject());
        next.ack();
        try (FetchConsumer fetch = cc.fetchMessages(4)) {
            for (int i = 2; i <= 5; i++) {
                Message m = fetch.nextMessage();
                assertEquals("orders." + i, m.getSubject());
                m.ack();
            }
            assertNull(fetch.nextMessage());
        }
        CountDownLatch rest = new CountDownLatch(5);
        try (MessageConsumer consumer = cc.consume(m -> {
            m.ack();
            rest.countDown();
        })) {
            assertTrue(rest.await(5, TimeUnit.SECONDS));
            consumer.stop();
        }
    }

    @Test
    void shouldAnswerNoWaitAndExpiredPullRequestsWithStatusMessages() throws Exception {
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("s").ackPolicy(AckPolicy.Explicit).build());
        Message noWait = nc.request("$JS.API.CONSUMER.MSG.NEXT.ORDERS.s", "{\"batch\":1,\"no_wait\":true}".getBytes(),
                Duration.ofSeconds(2));
        assertEquals(404, noWait.getStatus().getCode());
        assertEquals("No Messages", noWait.getStatus().getMessage());
        Message expired = nc.request("$JS.API.CONSUMER.MSG.NEXT.ORDERS.s", "{\"batch\":2,\"expires\":200000000}".getBytes(),
                Duration.ofSeconds(2));
        assertEquals(408, expired.getStatus().getCode());
        assertEquals("2", expired.getHeaders().getFirst("Nats-Pending-Messages"));
        // no such consumer: nobody answers
        assertThrows(Exception.class, () -> nc.request("$JS.API.CONSUMER.MSG.NEXT.ORDERS.none", new byte[0])
                .get(2, TimeUnit.SECONDS));
    }

    @Test
    void shouldRemoveAckedMessagesFromAWorkQueueStream() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("JOBS").subjects("jobs.>").retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File).build());
        for (int i = 0; i < 3; i++) {
            js.publish("jobs.x", new byte[] {1});
        }
        JetStreamSubscription sub = js.subscribe("jobs.>", PullSubscribeOptions.builder().durable("w").build());
        for (Message m : sub.fetch(3, Duration.ofSeconds(1))) {
            m.ackSync(Duration.ofSeconds(2));
        }
        assertEquals(0, jsm.getStreamInfo("JOBS").getStreamState().getMsgCount());
        assertEquals(10099, assertThrows(JetStreamApiException.class, () -> jsm.addOrUpdateConsumer("JOBS",
                ConsumerConfiguration.builder().durable("w2").ackPolicy(AckPolicy.Explicit).build())).getApiErrorCode());
    }

    @Test
    void shouldRemoveAMessageFromAnInterestStreamOnceEveryConsumerAckedIt() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("EVENTS").subjects("events.>").retentionPolicy(RetentionPolicy.Interest)
                .storageType(StorageType.File).build());
        JetStreamSubscription a = js.subscribe("events.>", PullSubscribeOptions.builder().durable("a").build());
        JetStreamSubscription b = js.subscribe("events.>", PullSubscribeOptions.builder().durable("b").build());
        js.publish("events.1", new byte[] {1});
        a.fetch(1, Duration.ofSeconds(1)).get(0).ackSync(Duration.ofSeconds(2));
        assertEquals(1, jsm.getStreamInfo("EVENTS").getStreamState().getMsgCount());
        b.fetch(1, Duration.ofSeconds(1)).get(0).ackSync(Duration.ofSeconds(2));
        assertEquals(0, jsm.getStreamInfo("EVENTS").getStreamState().getMsgCount());
    }

    @Test
    void shouldWaitOnlyForTheConsumersOfAnInterestStreamWhoseFiltersMatch() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("MIXED").subjects("mixed.>").retentionPolicy(RetentionPolicy.Interest)
                .storageType(StorageType.File).build());
        JetStreamSubscription all = js.subscribe("mixed.>", PullSubscribeOptions.builder().durable("all").build());
        JetStreamSubscription onlyA = js.subscribe("mixed.a", PullSubscribeOptions.builder().durable("only-a").build());
        js.publish("mixed.b", new byte[] {1});
        js.publish("mixed.a", new byte[] {2});
        for (Message m : all.fetch(2, Duration.ofSeconds(2))) {
            m.ackSync(Duration.ofSeconds(2));
        }
        // mixed.b had no other taker; mixed.a still waits for only-a.
        assertEquals(1, jsm.getStreamInfo("MIXED").getStreamState().getMsgCount());
        assertEquals("mixed.a", jsm.getMessage("MIXED", 2).getSubject());
        onlyA.fetch(1, Duration.ofSeconds(2)).get(0).ackSync(Duration.ofSeconds(2));
        assertEquals(0, jsm.getStreamInfo("MIXED").getStreamState().getMsgCount());
    }

    @Test
    void shouldNotKeepWhatNoConsumerOfAnInterestStreamWants() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("NOTICE").subjects("notice.>").retentionPolicy(RetentionPolicy.Interest)
                .storageType(StorageType.File).build());
        assertEquals(1, js.publish("notice.a", new byte[] {1}).getSeqno(), "the publisher still gets a sequence");
        assertEquals(0, jsm.getStreamInfo("NOTICE").getStreamState().getMsgCount(), "no consumer: not kept");
        jsm.addOrUpdateConsumer("NOTICE", ConsumerConfiguration.builder().durable("only-b").filterSubject("notice.b")
                .ackPolicy(AckPolicy.Explicit).build());
        js.publish("notice.a", new byte[] {2});
        js.publish("notice.b", new byte[] {3});
        assertEquals(1, jsm.getStreamInfo("NOTICE").getStreamState().getMsgCount(), "only what a filter wants is kept");
        assertEquals("notice.b", jsm.getMessage("NOTICE", 3).getSubject());
    }

    @Test
    void shouldRemoveFromAnInterestStreamWhatAnAckNoneConsumerWasSent() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("TICKS").subjects("ticks.>").retentionPolicy(RetentionPolicy.Interest)
                .storageType(StorageType.File).build());
        JetStreamSubscription sub = js.subscribe("ticks.>", PushSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().durable("fire").ackPolicy(AckPolicy.None).build()).build());
        js.publish("ticks.1", new byte[] {1});
        assertNotNull(sub.nextMessage(Duration.ofSeconds(2)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (jsm.getStreamInfo("TICKS").getStreamState().getMsgCount() != 0) {
            assertTrue(System.nanoTime() < deadline, "an ack-none delivery is done with");
            Thread.sleep(20);
        }
    }

    @Test
    void shouldPauseAndResumeAConsumer() throws Exception {
        publish(1);
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("p").ackPolicy(AckPolicy.Explicit).build());
        var paused = jsm.pauseConsumer("ORDERS", "p", java.time.ZonedDateTime.now().plusHours(1));
        assertTrue(paused.isPaused());
        JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "p"));
        assertTrue(sub.fetch(1, Duration.ofMillis(300)).isEmpty());
        assertTrue(jsm.getConsumerInfo("ORDERS", "p").getPaused());
        assertTrue(jsm.resumeConsumer("ORDERS", "p"));
        assertEquals(1, sub.fetch(1, Duration.ofSeconds(1)).size());
    }

    @Test
    void shouldKeepADurablesPositionAcrossARestart() throws Exception {
        nc.close();
        server.close();
        Path dir = Files.createTempDirectory("halyard-consumer-restart");
        try {
            try (var first = TestServers.start(o -> o.storeDir = dir); Connection c = first.connect()) {
                c.jetStreamManagement().addStream(StreamConfiguration.builder().name("Q").subjects("q.>").build());
                JetStream j = c.jetStream();
                for (int i = 1; i <= 4; i++) {
                    j.publish("q." + i, new byte[] {(byte) i});
                }
                JetStreamSubscription sub = j.subscribe("q.>", PullSubscribeOptions.builder().durable("keep").build());
                List<Message> got = sub.fetch(2, Duration.ofSeconds(1));
                for (Message m : got) {
                    m.ackSync(Duration.ofSeconds(2));
                }
            }
            try (var second = TestServers.start(o -> o.storeDir = dir); Connection c = second.connect()) {
                ConsumerInfo info = c.jetStreamManagement().getConsumerInfo("Q", "keep");
                assertEquals(2, info.getAckFloor().getStreamSequence());
                assertEquals(2, info.getNumPending());
                JetStreamSubscription sub = c.jetStream().subscribe(null, PullSubscribeOptions.bind("Q", "keep"));
                List<Message> rest = sub.fetch(10, Duration.ofSeconds(1));
                List<Long> seqs = new ArrayList<>();
                rest.forEach(m -> seqs.add(m.metaData().streamSequence()));
                assertEquals(List.of(3L, 4L), seqs);
            }
        } finally {
            TestServers.deleteTree(dir);
        }
        server = TestServers.start();
        nc = server.connect();
    }

    @Test
    void shouldStartWhereTheDeliverPolicySays() throws Exception {
        publish(3);
        JetStreamSubscription last = js.subscribe("orders.>", PullSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.Last).build()).build());
        assertEquals(3, last.fetch(5, Duration.ofMillis(500)).get(0).metaData().streamSequence());
        JetStreamSubscription bySeq = js.subscribe("orders.>", PullSubscribeOptions.builder()
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(2).build())
                .build());
        assertEquals(2, bySeq.fetch(5, Duration.ofMillis(500)).size());
    }
}
