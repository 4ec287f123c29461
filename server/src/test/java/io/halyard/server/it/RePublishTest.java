package io.halyard.server.it;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream's {@code republish} (nats-server's RePublish) with jnats: stored messages are published
 * again on the transformed subject with nats-server's headers, once durable.
 */
class RePublishTest extends JetStreamTestBase {

    @Test
    void shouldRepublishStoredMessagesWithTheStreamHeaders() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").storageType(StorageType.File)
                .republish(Republish.builder().source("orders.>").destination("copy.orders.>").build()).build());
        Subscription copies = nc.subscribe("copy.>");
        nc.flush(Duration.ofSeconds(2));

        Headers h = new Headers().put("Trace", "t-1");
        PublishAck first = js.publish("orders.eu", h, "one".getBytes(StandardCharsets.UTF_8));
        js.publish("orders.us", "two".getBytes(StandardCharsets.UTF_8));
        PublishAck third = js.publish("orders.eu", "three".getBytes(StandardCharsets.UTF_8));

        Message m = copies.nextMessage(Duration.ofSeconds(2));
        assertNotNull(m);
        assertEquals("copy.orders.eu", m.getSubject());
        assertEquals("one", new String(m.getData(), StandardCharsets.UTF_8));
        assertEquals("t-1", m.getHeaders().getFirst("Trace"), "the message's own headers come first");
        assertEquals("ORDERS", m.getHeaders().getFirst("Nats-Stream"));
        assertEquals("orders.eu", m.getHeaders().getFirst("Nats-Subject"));
        assertEquals(Long.toString(first.getSeqno()), m.getHeaders().getFirst("Nats-Sequence"));
        assertEquals("0", m.getHeaders().getFirst("Nats-Last-Sequence"), "nothing before on orders.eu");
        Instant stamp = Instant.parse(m.getHeaders().getFirst("Nats-Time-Stamp"));
        assertEquals(jsm.getMessage("ORDERS", first.getSeqno()).getTime().toInstant(), stamp,
                "the time the stream stored it");
        assertNull(m.getHeaders().getFirst("Nats-Msg-Size"));

        assertEquals("copy.orders.us", copies.nextMessage(Duration.ofSeconds(2)).getSubject());
        Message again = copies.nextMessage(Duration.ofSeconds(2));
        assertEquals(Long.toString(third.getSeqno()), again.getHeaders().getFirst("Nats-Sequence"));
        assertEquals(Long.toString(first.getSeqno()), again.getHeaders().getFirst("Nats-Last-Sequence"),
                "the previous message on the same subject, for gap detection");
        assertNull(again.getHeaders().getFirst("Trace"));
    }

    @Test
    void shouldRepublishHeadersOnlyThroughAWildcardMapping() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("EVENTS").subjects("events.*.*").storageType(StorageType.Memory)
                .republish(Republish.builder().source("events.*.created").destination("new.{{wildcard(1)}}")
                        .headersOnly(true).build()).build());
        Subscription copies = nc.subscribe("new.>");
        nc.flush(Duration.ofSeconds(2));

        js.publish("events.user.deleted", "gone".getBytes(StandardCharsets.UTF_8)); // not matched: not republished
        js.publish("events.user.created", "hello".getBytes(StandardCharsets.UTF_8));
        Message m = copies.nextMessage(Duration.ofSeconds(2));
        assertNotNull(m);
        assertEquals("new.user", m.getSubject());
        assertEquals(0, m.getData() == null ? 0 : m.getData().length);
        assertEquals("5", m.getHeaders().getFirst("Nats-Msg-Size"));
        assertEquals("2", m.getHeaders().getFirst("Nats-Sequence"));
        assertNull(copies.nextMessage(Duration.ofMillis(200)), "one republish only");

        StreamConfiguration c = jsm.getStreamInfo("EVENTS").getConfiguration();
        assertEquals("events.*.created", c.getRepublish().getSource());
        assertEquals("new.{{wildcard(1)}}", c.getRepublish().getDestination());
        assertTrue(c.getRepublish().isHeadersOnly());
    }

    @Test
    void shouldApplyARepublishAddedByAnUpdateWithoutASource() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("LOGS").subjects("logs.>").storageType(StorageType.File).build());
        // jnats insists on a source; the API does not (empty means every subject).
        Message reply = nc.request("$JS.API.STREAM.UPDATE.LOGS", ("{\"name\":\"LOGS\",\"subjects\":[\"logs.>\"],"
                + "\"storage\":\"file\",\"republish\":{\"dest\":\"tail.>\"}}").getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(2));
        assertTrue(new String(reply.getData(), StandardCharsets.UTF_8).contains("\"republish\":{\"src\":\">\",\"dest\":\"tail.>\"}"),
                () -> new String(reply.getData(), StandardCharsets.UTF_8));
        assertEquals(">", jsm.getStreamInfo("LOGS").getConfiguration().getRepublish().getSource(),
                "an empty source means every subject, and is written as >");
        Subscription tail = nc.subscribe("tail.>");
        nc.flush(Duration.ofSeconds(2));
        js.publish("logs.app", "line".getBytes(StandardCharsets.UTF_8));
        assertEquals("tail.logs.app", tail.nextMessage(Duration.ofSeconds(2)).getSubject());
    }

    @Test
    void shouldRefuseARepublishThatFeedsTheStreamOrIsNotATransform() {
        assertEquals("stream configuration for republish destination forms a cycle", error(
                Republish.builder().source(">").destination("orders.copy.>").build()));
        assertEquals("stream configuration for republish with transform from 'orders.>' to 'copy.*' not valid", error(
                Republish.builder().source("orders.>").destination("copy.*").build()));
        assertEquals("stream configuration for republish with transform from 'orders.*' to 'copy.$2' not valid", error(
                Republish.builder().source("orders.*").destination("copy.$2").build()));
        assertEquals("stream configuration for republish with transform from 'orders.*' to 'p.{{nope(1)}}' not valid",
                error(Republish.builder().source("orders.*").destination("p.{{nope(1)}}").build()));
    }

    @Test
    void shouldRepublishThroughMappingFunctions() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("PARTS").subjects("parts.*").storageType(StorageType.Memory)
                .republish(Republish.builder().source("parts.*").destination("shard.{{partition(3,1)}}.{{left(1,2)}}")
                        .build())
                .build());
        Subscription shards = nc.subscribe("shard.>");
        nc.flush(Duration.ofSeconds(2));
        js.publish("parts.foo", "x".getBytes(StandardCharsets.UTF_8));
        js.publish("parts.bar", "y".getBytes(StandardCharsets.UTF_8));
        // FNV-1a("foo") % 3 = 0, FNV-1a("bar") % 3 = 2, as nats-server partitions them.
        assertEquals("shard.0.fo", shards.nextMessage(Duration.ofSeconds(2)).getSubject());
        assertEquals("shard.2.ba", shards.nextMessage(Duration.ofSeconds(2)).getSubject());
    }

    /** The 10052 description a stream with {@code republish} on orders.> is refused with. */
    private String error(Republish republish) {
        JetStreamApiException e = org.junit.jupiter.api.Assertions.assertThrows(JetStreamApiException.class,
                () -> jsm.addStream(StreamConfiguration.builder().name("BAD").subjects("orders.>")
                        .storageType(StorageType.Memory).republish(republish).build()));
        assertEquals(10052, e.getApiErrorCode());
        return e.getErrorDescription();
    }
}
