package io.halyard.server.it;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream's {@code subject_transform} with jnats: captured messages are stored, checked and
 * consumed under the transformed subject.
 */
class StreamSubjectTransformTest extends JetStreamTestBase {

    @Test
    void shouldStoreUnderTheTransformedSubject() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.*.*").storageType(StorageType.File)
                .subjectTransform(SubjectTransform.builder().source("orders.*.*").destination("by-kind.$2.$1").build())
                .build());
        PublishAck ack = js.publish("orders.eu.new", "one".getBytes(StandardCharsets.UTF_8));
        assertEquals("ORDERS", ack.getStream());
        assertEquals("by-kind.new.eu", jsm.getMessage("ORDERS", ack.getSeqno()).getSubject());

        // The expected-last-subject-sequence check looks at the stored subject too.
        Headers expect = new Headers().put("Nats-Expected-Last-Subject-Sequence", Long.toString(ack.getSeqno()));
        assertEquals(2, js.publish("orders.eu.new", expect, "two".getBytes(StandardCharsets.UTF_8)).getSeqno());

        // A consumer filters on the stored subjects, which lie outside the stream's own.
        jsm.addOrUpdateConsumer("ORDERS", ConsumerConfiguration.builder().durable("fresh")
                .filterSubject("by-kind.new.>").build());
        JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind("ORDERS", "fresh"));
        List<Message> got = sub.fetch(2, Duration.ofSeconds(2));
        assertEquals(2, got.size());
        assertEquals("by-kind.new.eu", got.get(0).getSubject());

        StreamConfiguration c = jsm.getStreamInfo("ORDERS").getConfiguration();
        assertEquals("orders.*.*", c.getSubjectTransform().getSource());
        assertEquals("by-kind.$2.$1", c.getSubjectTransform().getDestination());
    }

    @Test
    void shouldRepublishTheTransformedSubjectsWithAnAllToAllRepublish() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("METRICS").subjects("metrics.>").storageType(StorageType.Memory)
                .subjectTransform(SubjectTransform.builder().source("metrics.>").destination("stored.metrics.>").build())
                .republish(Republish.builder().source(">").destination(">").build()).build());
        Subscription copies = nc.subscribe("stored.>");
        nc.flush(Duration.ofSeconds(2));
        js.publish("metrics.cpu", "42".getBytes(StandardCharsets.UTF_8));
        Message m = copies.nextMessage(Duration.ofSeconds(2));
        assertEquals("stored.metrics.cpu", m.getSubject(), "nats-server's implicit republish of the stored subject");
        assertEquals("stored.metrics.cpu", m.getHeaders().getFirst("Nats-Subject"));
    }

    @Test
    void shouldRefuseInvalidTransforms() {
        JetStreamApiException source = assertThrows(JetStreamApiException.class, () -> jsm.addStream(
                StreamConfiguration.builder().name("BAD").subjects("a.>").storageType(StorageType.Memory)
                        .subjectTransform(SubjectTransform.builder().source("a..b").destination("c.>").build()).build()));
        assertEquals(10155, source.getApiErrorCode());
        JetStreamApiException destination = assertThrows(JetStreamApiException.class, () -> jsm.addStream(
                StreamConfiguration.builder().name("BAD").subjects("a.*").storageType(StorageType.Memory)
                        .subjectTransform(SubjectTransform.builder().source("a.*").destination("c.$2").build()).build()));
        assertEquals(10156, destination.getApiErrorCode());
        assertTrue(destination.getErrorDescription().startsWith("stream transform: invalid mapping destination"),
                destination.getErrorDescription());
    }
}
