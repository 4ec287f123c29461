package io.halyard.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.halyard.log.SyncLatency;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jetstream { sync_interval }}, nats-server's option: by default Halyard fsyncs before every
 * PubAck; with an interval it acknowledges once the write reached the operating system and fsyncs in
 * the background, as nats-server does by default. Either way a clean restart keeps everything.
 * (Process crashes with an interval: {@link JetStreamCrashTest}.)
 */
class SyncIntervalTest {
    private static final int MESSAGES = 200;

    @TempDir
    Path storeDir;

    @Test
    void shouldFsyncBeforeEveryPubAckByDefault() throws Exception {
        try (var server = TestServers.start(o -> o.httpPort = -1); Connection nc = server.connect()) {
            long fsyncs = publishAndCountFsyncs(nc);
            // One synchronous publisher: every PubAck waited for an fsync of its own.
            assertTrue(fsyncs >= MESSAGES / 2, () -> "fsyncs during " + MESSAGES + " publishes: " + fsyncs);
            JsonNode config = Http.json(server.server().monitorPort(), "/jsz").get("config");
            assertTrue(config.get("sync_always").asBoolean(), config::toString);
            assertFalse(config.has("sync_interval"), config::toString);
        }
    }

    @Test
    void shouldAcknowledgeWithoutWaitingForFsyncWithAnIntervalAndKeepEverythingOnRestart() throws Exception {
        try (var server = TestServers.start(o -> {
            o.storeDir = storeDir;
            o.httpPort = -1;
            o.syncInterval = Duration.ofMinutes(2);
        }); Connection nc = server.connect()) {
            long fsyncs = publishAndCountFsyncs(nc);
            assertTrue(fsyncs < 5, () -> "fsyncs during " + MESSAGES + " publishes: " + fsyncs);
            JsonNode config = Http.json(server.server().monitorPort(), "/jsz").get("config");
            assertEquals(Duration.ofMinutes(2).toNanos(), config.get("sync_interval").asLong(), config::toString);
            assertFalse(config.has("sync_always"), config::toString);

            // A consumer acks half the messages with double acks: answered without waiting for an fsync too.
            JetStream js = nc.jetStream();
            JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("SYNC", "worker"));
            List<Message> batch = sub.fetch(MESSAGES / 2, Duration.ofSeconds(5));
            assertEquals(MESSAGES / 2, batch.size());
            for (Message m : batch) {
                m.ackSync(Duration.ofSeconds(5));
            }
        }
        // A clean stop writes and fsyncs what is pending: the messages and the consumer's position are back.
        try (var server = TestServers.start(o -> {
            o.storeDir = storeDir;
            o.syncInterval = Duration.ofMinutes(2);
        }); Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(MESSAGES, jsm.getStreamInfo("SYNC").getStreamState().getMsgCount());
            assertEquals(MESSAGES / 2, jsm.getConsumerInfo("SYNC", "worker").getAckFloor().getStreamSequence());
            Message next = nc.jetStream().subscribe(null, PullSubscribeOptions.bind("SYNC", "worker"))
                    .fetch(1, Duration.ofSeconds(5)).get(0);
            assertEquals(MESSAGES / 2 + 1, next.metaData().streamSequence());
            assertEquals("m" + (MESSAGES / 2 + 1), new String(next.getData(), StandardCharsets.UTF_8));
        }
    }

    /** Creates stream SYNC with durable consumer "worker", publishes synchronously and counts the fsyncs meanwhile. */
    private static long publishAndCountFsyncs(Connection nc) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("SYNC").subjects("sync.>").storageType(StorageType.File).build());
        jsm.addOrUpdateConsumer("SYNC", ConsumerConfiguration.builder().durable("worker")
                .ackPolicy(AckPolicy.Explicit).build());
        JetStream js = nc.jetStream();
        js.publish("sync.warm", "m1".getBytes(StandardCharsets.UTF_8));
        long before = SyncLatency.snapshot().count();
        for (int i = 2; i <= MESSAGES; i++) {
            PublishAck ack = js.publish("sync.m", ("m" + i).getBytes(StandardCharsets.UTF_8));
            assertEquals(i, ack.getSeqno());
        }
        return SyncLatency.snapshot().count() - before;
    }
}
