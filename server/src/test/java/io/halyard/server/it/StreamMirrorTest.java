package io.halyard.server.it;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.Mirror;
import io.nats.client.api.MirrorInfo;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream {@code mirror} through jnats: the mirror holds the origin's messages under the origin's
 * sequences (gaps included), with the origin's headers and no source header; it follows new
 * messages, resumes after a restart, reports {@code mirror} in stream info, may be promoted by
 * removing the mirror, and refuses what nats-server refuses with its error codes.
 */
class StreamMirrorTest extends JetStreamTestBase {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldHoldTheOriginsMessagesUnderTheirSequences() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("ORIGIN").subjects("o.>").storageType(StorageType.File).build());
        for (int i = 1; i <= 6; i++) {
            js.publish(NatsMessage.builder().subject("o." + i).headers(new Headers().add("H", "v" + i))
                    .data(bytes("m" + i)).build());
        }
        jsm.deleteMessage("ORIGIN", 2);
        jsm.deleteMessage("ORIGIN", 3);
        jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.File)
                .mirror(Mirror.builder().sourceName("ORIGIN").build()).build());
        StreamInfo info = awaitLastSequence("M", 6);
        assertEquals(4, info.getStreamState().getMsgCount());
        assertEquals(1, info.getStreamState().getFirstSequence());
        for (long seq : new long[] {1, 4, 5, 6}) {
            MessageInfo m = jsm.getMessage("M", seq);
            assertEquals("o." + seq, m.getSubject());
            assertEquals("m" + seq, new String(m.getData(), StandardCharsets.UTF_8));
            assertEquals("v" + seq, m.getHeaders().getFirst("H"));
            assertNull(m.getHeaders().get("Nats-Stream-Source"), "a mirror adds no source header");
            assertEquals(jsm.getMessage("ORIGIN", seq).getTime(), m.getTime(), "the origin's timestamp");
        }
        assertThrows(JetStreamApiException.class, () -> jsm.getMessage("M", 2));

        // It follows, across the origin's later gaps too.
        js.publish("o.7", bytes("m7"));
        js.publish("o.8", bytes("m8"));
        jsm.deleteMessage("ORIGIN", 7);
        js.publish("o.9", bytes("m9"));
        awaitLastSequence("M", 9);
        assertEquals("m9", new String(jsm.getMessage("M", 9).getData(), StandardCharsets.UTF_8));

        MirrorInfo mirror = jsm.getStreamInfo("M").getMirrorInfo();
        assertEquals("ORIGIN", mirror.getName());
        assertEquals(0, mirror.getLag());
        assertTrue(jsm.getStreamInfo("M").getConfiguration().getSubjects().isEmpty());
        assertEquals("ORIGIN", jsm.getStreamInfo("M").getConfiguration().getMirror().getName());
    }

    @Test
    void shouldFilterAndResumeAfterARestart() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("EV").subjects("ev.>").storageType(StorageType.File).build());
        jsm.addStream(StreamConfiguration.builder().name("EU").storageType(StorageType.File)
                .mirror(Mirror.builder().sourceName("EV").filterSubject("ev.eu.>").build()).build());
        js.publish("ev.eu.1", bytes("a"));
        js.publish("ev.us.1", bytes("b"));
        js.publish("ev.eu.2", bytes("c"));
        awaitLastSequence("EU", 3);
        assertEquals(2, jsm.getStreamInfo("EU").getStreamState().getMsgCount());
        restartKeepingStore();
        js.publish("ev.eu.3", bytes("d"));
        awaitLastSequence("EU", 4);
        Thread.sleep(200);
        StreamInfo info = jsm.getStreamInfo("EU");
        assertEquals(3, info.getStreamState().getMsgCount(), "nothing mirrored twice: " + info.getStreamState());
        assertEquals("d", new String(jsm.getMessage("EU", 4).getData(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldBePromotedByRemovingTheMirror() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("SRC").subjects("src.>").storageType(StorageType.Memory).build());
        js.publish("src.1", bytes("1"));
        StreamConfiguration mirrored = StreamConfiguration.builder().name("COPY").storageType(StorageType.Memory)
                .mirror(Mirror.builder().sourceName("SRC").build()).build();
        jsm.addStream(mirrored);
        awaitLastSequence("COPY", 1);
        // Changing the mirror is refused; removing it promotes the stream, which then takes publishes.
        JetStreamApiException e = assertThrows(JetStreamApiException.class, () -> jsm.updateStream(
                StreamConfiguration.builder(mirrored).mirror(Mirror.builder().sourceName("OTHER").build()).build()));
        assertEquals(10055, e.getApiErrorCode());
        jsm.updateStream(StreamConfiguration.builder().name("COPY").storageType(StorageType.Memory).subjects("copy.>")
                .build());
        assertNull(jsm.getStreamInfo("COPY").getMirrorInfo());
        assertEquals(2, js.publish("copy.x", bytes("own")).getSeqno());
        js.publish("src.2", bytes("2"));
        Thread.sleep(200);
        assertEquals(2, jsm.getStreamInfo("COPY").getStreamState().getLastSequence(), "no longer mirrors");
    }

    @Test
    void shouldMirrorAKeyValueBucketAsJnatsCreatesIt() throws Exception {
        io.nats.client.KeyValueManagement kvm = nc.keyValueManagement();
        kvm.create(io.nats.client.api.KeyValueConfiguration.builder().name("settings")
                .storageType(StorageType.File).build());
        io.nats.client.KeyValue settings = nc.keyValue("settings");
        settings.put("color", "blue");
        settings.put("size", "large");
        settings.put("color", "green");
        // jnats makes the bucket's stream a mirror with mirror_direct, and no subjects.
        kvm.create(io.nats.client.api.KeyValueConfiguration.builder().name("replica").storageType(StorageType.File)
                .mirror(Mirror.builder().sourceName("settings").build()).build());
        StreamInfo info = awaitLastSequence("KV_replica", 3);
        assertTrue(info.getConfiguration().getMirrorDirect());
        assertEquals("KV_settings", info.getConfiguration().getMirror().getName());
        MessageInfo color = jsm.getLastMessage("KV_replica", "$KV.settings.color");
        assertEquals("green", new String(color.getData(), StandardCharsets.UTF_8));
        assertEquals(3, color.getSeq(), "revisions are the origin's sequences");
        settings.delete("size");
        awaitLastSequence("KV_replica", 4);
        assertEquals("DEL", jsm.getLastMessage("KV_replica", "$KV.settings.size").getHeaders().getFirst("KV-Operation"));
        assertEquals(2, jsm.getStreamInfo("KV_replica").getStreamState().getMsgCount(),
                "history 1: one entry per key, as in the origin");
    }

    @Test
    void shouldRefuseBadMirrorsWithNatsServerErrors() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("A").subjects("a.>").storageType(StorageType.Memory).build());
        assertEquals(10034, error(StreamConfiguration.builder().subjects("x")
                .mirror(Mirror.builder().sourceName("A").build())));
        assertEquals(10031, error(StreamConfiguration.builder().mirror(Mirror.builder().sourceName("A").build())
                .sources(Source.builder().name("A").build())));
        assertEquals(10143, error(StreamConfiguration.builder().firstSequence(5)
                .mirror(Mirror.builder().sourceName("A").build())));
        assertEquals(10142, error(StreamConfiguration.builder().mirror(Mirror.builder().sourceName("a.b").build())));
        assertEquals(10150, error(StreamConfiguration.builder().mirror(Mirror.builder().sourceName("A").filterSubject("a.x")
                .subjectTransforms(io.nats.client.api.SubjectTransform.builder().source("a.y").destination("b").build())
                .build())));
        assertEquals(10052, error(StreamConfiguration.builder().mirrorDirect(true)));
    }

    private int error(StreamConfiguration.Builder builder) {
        JetStreamApiException e = assertThrows(JetStreamApiException.class, () -> jsm.addStream(
                builder.name("BAD").storageType(StorageType.Memory).build()));
        return e.getApiErrorCode();
    }
}
