package io.halyard.server.it;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.External;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Source;
import io.nats.client.api.SourceInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.SubjectTransform;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream {@code sources} through jnats: a stream that aggregates others copies what they store,
 * with nats-server's {@code Nats-Stream-Source} header, through filters and subject transforms,
 * from a start sequence, across a restart without gaps or repeats, and from an origin created after
 * it; stream info reports each source; bad source configurations get nats-server's errors.
 */
class StreamSourcesTest extends JetStreamTestBase {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void origin(String name, String subjects) throws Exception {
        jsm.addStream(StreamConfiguration.builder().name(name).subjects(subjects).storageType(StorageType.File).build());
    }

    /** Waits until {@code stream} holds {@code count} messages. */
    private StreamInfo awaitMessages(String stream, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        StreamInfo info = jsm.getStreamInfo(stream);
        while (info.getStreamState().getMsgCount() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            info = jsm.getStreamInfo(stream);
        }
        assertEquals(count, info.getStreamState().getMsgCount(), stream + " holds " + info.getStreamState());
        // Counted once appended; readable once durable (a copy has no PubAck to wait for).
        long last = info.getStreamState().getLastSequence();
        while (System.nanoTime() < deadline) {
            try {
                jsm.getMessage(stream, last);
                break;
            } catch (JetStreamApiException e) {
                Thread.sleep(10);
            }
        }
        return info;
    }

    @Test
    void shouldAggregateOtherStreamsWithTheSourceHeader() throws Exception {
        origin("EU", "orders.eu.>");
        origin("US", "orders.us.>");
        js.publish("orders.eu.1", bytes("eu-1"));
        js.publish("orders.us.1", bytes("us-1"));
        jsm.addStream(StreamConfiguration.builder().name("ALL").storageType(StorageType.File)
                .sources(Source.builder().name("EU").build(), Source.builder().name("US").build()).build());
        js.publish("orders.eu.2", bytes("eu-2"));
        StreamInfo info = awaitMessages("ALL", 3);

        assertTrue(info.getConfiguration().getSubjects().isEmpty(), "a sourcing stream captures no subject of its own");
        Set<String> payloads = new HashSet<>();
        for (long seq = 1; seq <= 3; seq++) {
            MessageInfo m = jsm.getMessage("ALL", seq);
            payloads.add(new String(m.getData(), StandardCharsets.UTF_8));
            String header = m.getHeaders().getFirst("Nats-Stream-Source");
            String[] f = header.split(" ");
            assertEquals(5, f.length, header);
            assertEquals(m.getSubject(), f[4], header);
            assertEquals(">", f[2], header);
            assertEquals(">", f[3], header);
            assertTrue(f[0].equals("EU") || f[0].equals("US"), header);
        }
        assertEquals(Set.of("eu-1", "us-1", "eu-2"), payloads);
        assertEquals("EU 2 > > orders.eu.2", jsm.getLastMessage("ALL", "orders.eu.2").getHeaders()
                .getFirst("Nats-Stream-Source"));

        List<SourceInfo> sources = info.getSourceInfos();
        assertEquals(2, sources.size());
        for (SourceInfo s : sources) {
            assertEquals(0, s.getLag(), s.toString());
            assertTrue(s.getActive().compareTo(Duration.ZERO) >= 0 && s.getActive().compareTo(Duration.ofSeconds(10)) < 0,
                    s.toString());
        }

        // Consumers of the aggregate read it like any stream, with any filter.
        var sub = js.subscribe("orders.us.>", io.nats.client.PullSubscribeOptions.builder().stream("ALL").build());
        List<Message> got = sub.fetch(5, Duration.ofSeconds(1));
        assertEquals(1, got.size());
        assertEquals("us-1", new String(got.get(0).getData(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldFilterTransformAndStartWhereAsked() throws Exception {
        origin("EVENTS", "ev.>");
        for (int i = 1; i <= 6; i++) {
            js.publish("ev." + (i % 2 == 0 ? "even" : "odd") + "." + i, bytes("e" + i));
        }
        jsm.addStream(StreamConfiguration.builder().name("EVEN").storageType(StorageType.Memory)
                .sources(Source.builder().name("EVENTS").filterSubject("ev.even.>").build()).build());
        jsm.addStream(StreamConfiguration.builder().name("RENAMED").storageType(StorageType.Memory)
                .sources(Source.builder().name("EVENTS")
                        .subjectTransforms(SubjectTransform.builder().source("ev.odd.*").destination("odd.$1").build())
                        .build()).build());
        jsm.addStream(StreamConfiguration.builder().name("LATE").storageType(StorageType.Memory)
                .sources(Source.builder().name("EVENTS").startSeq(5).build()).build());
        awaitMessages("EVEN", 3);
        awaitMessages("RENAMED", 3);
        awaitMessages("LATE", 2);
        assertEquals("e2", new String(jsm.getMessage("EVEN", 1).getData(), StandardCharsets.UTF_8));
        MessageInfo renamed = jsm.getMessage("RENAMED", 1);
        assertEquals("odd.1", renamed.getSubject());
        assertEquals("EVENTS 1 ev.odd.* odd.$1 ev.odd.1", renamed.getHeaders().getFirst("Nats-Stream-Source"));
        assertEquals("e5", new String(jsm.getMessage("LATE", 1).getData(), StandardCharsets.UTF_8));
        assertEquals(5, Long.parseLong(jsm.getMessage("LATE", 1).getHeaders().getFirst("Nats-Stream-Source")
                .split(" ")[1]));
    }

    @Test
    void shouldWakeConsumersOfAMemoryTargetForEachBatchOfCopies() throws Exception {
        origin("FEED", "feed.>");
        jsm.addStream(StreamConfiguration.builder().name("MEM").storageType(StorageType.Memory)
                .sources(Source.builder().name("FEED").build()).build());
        io.nats.client.JetStreamSubscription sub = js.subscribe("feed.>",
                io.nats.client.PushSubscribeOptions.builder().stream("MEM").ordered(true).build());
        for (int i = 1; i <= 20; i++) {
            js.publish("feed." + i, bytes("f" + i));
        }
        for (int i = 1; i <= 20; i++) {
            Message m = sub.nextMessage(Duration.ofSeconds(5));
            assertTrue(m != null, "copy " + i + " delivered to a push consumer of the target");
            assertEquals("f" + i, new String(m.getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldKeepMessageIdsAndDropExpectationHeaders() throws Exception {
        origin("SRC", "src.>");
        Headers h = new Headers().add("Nats-Msg-Id", "once").add("Nats-Expected-Last-Sequence", "0").add("Custom", "kept");
        js.publish(NatsMessage.builder().subject("src.a").headers(h).data(bytes("a")).build());
        jsm.addStream(StreamConfiguration.builder().name("DEST").subjects("dest.>").storageType(StorageType.File)
                .sources(Source.builder().name("SRC").build()).build());
        awaitMessages("DEST", 1);
        Headers copied = jsm.getMessage("DEST", 1).getHeaders();
        assertEquals("kept", copied.getFirst("Custom"));
        assertEquals("once", copied.getFirst("Nats-Msg-Id"));
        assertNull(copied.get("Nats-Expected-Last-Sequence"), "expectations are the origin's, not checked again");
        // The target deduplicates on the copied id: a publish with the same id is a duplicate there.
        assertTrue(js.publish(NatsMessage.builder().subject("dest.x").headers(new Headers().add("Nats-Msg-Id", "once"))
                .data(bytes("dup")).build()).isDuplicate());
        // It still captures its own subjects beside the copies.
        js.publish("dest.own", bytes("own"));
        awaitMessages("DEST", 2);
    }

    @Test
    void shouldAttachToAnOriginCreatedLaterAndAfterItIsRecreated() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("WAITS").storageType(StorageType.Memory)
                .sources(Source.builder().name("LATER").build()).build());
        assertEquals(0, jsm.getStreamInfo("WAITS").getStreamState().getMsgCount());
        origin("LATER", "later.>");
        js.publish("later.1", bytes("1"));
        awaitMessages("WAITS", 1);
        jsm.deleteStream("LATER");
        origin("LATER", "later.>");
        js.publish("later.2", bytes("2"));
        js.publish("later.3", bytes("3"));
        // The new origin starts at sequence 1 again; the copy resumes after the last sequence it copied.
        awaitMessages("WAITS", 2);
        assertEquals("3", new String(jsm.getMessage("WAITS", 2).getData(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldResumeAfterARestartWithoutGapsOrRepeats() throws Exception {
        origin("IN", "in.>");
        jsm.addStream(StreamConfiguration.builder().name("COPY").storageType(StorageType.File)
                .sources(Source.builder().name("IN").build()).build());
        for (int i = 1; i <= 50; i++) {
            js.publish("in." + i, bytes("m" + i));
        }
        awaitMessages("COPY", 50);
        restartKeepingStore();
        for (int i = 51; i <= 60; i++) {
            js.publish("in." + i, bytes("m" + i));
        }
        awaitMessages("COPY", 60);
        Thread.sleep(200);
        assertEquals(60, jsm.getStreamInfo("COPY").getStreamState().getMsgCount(), "nothing copied twice");
        for (long seq = 1; seq <= 60; seq++) {
            assertEquals("m" + seq, new String(jsm.getMessage("COPY", seq).getData(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldNotCopyAgainWhatTheTargetsLimitsRemovedAcrossARestart() throws Exception {
        origin("A", "a.>");
        origin("B", "b.>");
        jsm.addStream(StreamConfiguration.builder().name("T").storageType(StorageType.File).maxMessages(2)
                .sources(Source.builder().name("A").build(), Source.builder().name("B").build()).build());
        for (int i = 1; i <= 5; i++) {
            js.publish("a." + i, bytes("a" + i));
        }
        awaitLastSequence("T", 5);
        js.publish("b.1", bytes("b1"));
        js.publish("b.2", bytes("b2"));
        awaitLastSequence("T", 7);
        // Only B's copies are left: A's position survives in the saved positions, not in a header.
        Thread.sleep(1_500);
        restartKeepingStore();
        js.publish("b.3", bytes("b3"));
        awaitLastSequence("T", 8);
        Thread.sleep(300);
        assertEquals(8, jsm.getStreamInfo("T").getStreamState().getLastSequence(), "A copied again");
    }

    @Test
    void shouldRefuseBadSourcesWithNatsServerErrors() throws Exception {
        origin("A", "a.>");
        assertEquals(10141, error(Source.builder().name("has.dot").build()));
        // jnats' builder drops an equal second source: the duplicate goes as raw JSON.
        Message dup = nc.request("$JS.API.STREAM.CREATE.BAD", bytes("{\"name\":\"BAD\",\"storage\":\"memory\","
                + "\"sources\":[{\"name\":\"A\"},{\"name\":\"A\",\"filter_subject\":\">\"}]}"), Duration.ofSeconds(2));
        String reply = new String(dup.getData(), StandardCharsets.UTF_8);
        assertTrue(reply.contains("\"err_code\":10140") && reply.contains("duplicate source configuration detected"), reply);
        assertEquals(10144, error(Source.builder().name("A").filterSubject("a.x")
                .subjectTransforms(SubjectTransform.builder().source("a.y").destination("b.y").build()).build()));
        assertEquals(10146, error(Source.builder().name("A")
                .subjectTransforms(SubjectTransform.builder().source("a.*").destination("b.$2").build()).build()));
        assertEquals(10147, error(Source.builder().name("A").subjectTransforms(
                SubjectTransform.builder().source("a.>").destination("b.>").build(),
                SubjectTransform.builder().source("a.x.>").destination("c.>").build()).build()));
        assertEquals(10052, error(Source.builder().name("A").external(External.builder().api("$JS.hub.API").build())
                .build()));
        JetStreamApiException self = assertThrows(JetStreamApiException.class, () -> jsm.addStream(
                StreamConfiguration.builder().name("SELF").subjects("self").storageType(StorageType.Memory)
                        .sources(Source.builder().name("SELF").build()).build()));
        assertEquals(10052, self.getApiErrorCode());
    }

    private int error(Source... sources) {
        JetStreamApiException e = assertThrows(JetStreamApiException.class, () -> jsm.addStream(
                StreamConfiguration.builder().name("BAD").storageType(StorageType.Memory).sources(sources).build()));
        return e.getApiErrorCode();
    }
}
