package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.MessageTtl;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-message TTLs (ADR-43) and subject delete markers with jnats: {@code Nats-TTL} refused where the
 * stream does not allow it (10166) or malformed (10165); messages leave after their TTL, {@code never}
 * outlives max_age; the last message of a subject leaves a marker; a KV key created with a TTL
 * disappears and watchers see a purge; TTLs survive a restart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessageTtlTest {
    @TempDir
    Path storeDir;

    private static StreamConfiguration.Builder stream(String name) {
        return StreamConfiguration.builder().name(name).subjects(name.toLowerCase() + ".>").storageType(StorageType.File);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static MessageInfo getOrNull(JetStreamManagement jsm, String stream, long seq) {
        try {
            return jsm.getMessage(stream, seq);
        } catch (JetStreamApiException e) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRefuseATtlOnAStreamThatDoesNotAllowIt() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            nc.jetStreamManagement().addStream(stream("PLAIN").build());
            JetStreamApiException e = assertThrows(JetStreamApiException.class, () -> nc.jetStream()
                    .publish("plain.a", new byte[] {1}, PublishOptions.builder().messageTtlSeconds(5).build()));
            assertEquals(10166, e.getApiErrorCode());
            assertEquals("per-message TTL is disabled", e.getErrorDescription());
        }
    }

    @Test
    void shouldRefuseAMalformedOrTooShortTtl() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            nc.jetStreamManagement().addStream(stream("TTL").allowMessageTtl().build());
            JetStream js = nc.jetStream();
            for (String bad : new String[] {"500ms", "soon", "0"}) {
                Headers h = new Headers().put("Nats-TTL", bad);
                JetStreamApiException e = assertThrows(JetStreamApiException.class,
                        () -> js.publish(NatsMessage.builder().subject("ttl.a").headers(h).data(new byte[1]).build()), bad);
                assertEquals(10165, e.getApiErrorCode(), bad);
            }
            assertEquals(0, nc.jetStreamManagement().getStreamInfo("TTL").getStreamState().getMsgCount());
        }
    }

    @Test
    void shouldExpireMessagesAfterTheirTtlAndKeepNeverPastMaxAge() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(stream("TTL").allowMessageTtl().maxAge(Duration.ofSeconds(2)).build());
            JetStream js = nc.jetStream();
            long shortLived = js.publish("ttl.short", "a".getBytes(), PublishOptions.builder().messageTtlSeconds(1).build()).getSeqno();
            long plain = js.publish("ttl.plain", "b".getBytes()).getSeqno();
            long forever = js.publish("ttl.forever", "c".getBytes(), PublishOptions.builder().messageTtlNever().build()).getSeqno();
            assertNotNull(getOrNull(jsm, "TTL", shortLived));
            await(() -> getOrNull(jsm, "TTL", shortLived) == null, "the 1 s TTL removed its message");
            assertNotNull(getOrNull(jsm, "TTL", plain), "no TTL: max_age (2 s) has not passed yet");
            await(() -> getOrNull(jsm, "TTL", plain) == null, "max_age removed the message without TTL");
            Thread.sleep(1200);
            assertNotNull(getOrNull(jsm, "TTL", forever), "Nats-TTL: never outlives max_age");
        }
    }

    @Test
    void shouldLeaveADeleteMarkerWhenTheLastMessageOfASubjectExpires() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration created = jsm.addStream(stream("SDM").maxAge(Duration.ofSeconds(1))
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(1)).build()).getConfiguration();
            assertTrue(created.isAllowMessageTtl(), "markers turn message TTLs on");
            assertTrue(created.getAllowRollup(), "and roll-ups");
            JetStream js = nc.jetStream();
            long seq = js.publish("sdm.k", "v".getBytes()).getSeqno();
            await(() -> {
                MessageInfo last = lastOrNull(jsm, "SDM", "sdm.k");
                return last != null && last.getSeq() > seq;
            }, "a marker replaced the expired message");
            MessageInfo marker = jsm.getLastMessage("SDM", "sdm.k");
            assertEquals("MaxAge", marker.getHeaders().getFirst("Nats-Marker-Reason"));
            assertNotNull(marker.getHeaders().getFirst("Nats-TTL"));
            assertEquals(0, marker.getData() == null ? 0 : marker.getData().length);
            assertNull(getOrNull(jsm, "SDM", seq));
            await(() -> lastOrNull(jsm, "SDM", "sdm.k") == null, "the marker expired too, leaving nothing");
        }
    }

    private static MessageInfo lastOrNull(JetStreamManagement jsm, String stream, String subject) {
        try {
            return jsm.getLastMessage(stream, subject);
        } catch (JetStreamApiException e) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldExpireKeyValueKeysCreatedWithATtl() throws Exception {
        try (var server = TestServers.start(); Connection nc = server.connect()) {
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("cache").storageType(StorageType.File)
                    .limitMarker(Duration.ofSeconds(1)).build());
            KeyValue kv = nc.keyValue("cache");
            List<KeyValueEntry> seen = new CopyOnWriteArrayList<>();
            kv.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    seen.add(entry);
                }

                @Override
                public void endOfData() {
                }
            });
            kv.create("session", "token".getBytes(StandardCharsets.UTF_8), MessageTtl.seconds(1));
            kv.put("config", "stays".getBytes(StandardCharsets.UTF_8));
            assertNotNull(kv.get("session"));
            await(() -> {
                try {
                    return kv.get("session") == null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the key's TTL passed");
            assertEquals("stays", new String(kv.get("config").getValue(), StandardCharsets.UTF_8));
            await(() -> seen.stream().anyMatch(e -> e.getKey().equals("session") && e.getOperation() == KeyValueOperation.PURGE),
                    "watchers saw the expiry as a purge");
        }
    }

    @Test
    void shouldKeepTtlsAcrossARestart() throws Exception {
        long seq;
        try (var first = TestServers.start(o -> o.storeDir = storeDir); Connection nc = first.connect()) {
            nc.jetStreamManagement().addStream(stream("TTL").allowMessageTtl().build());
            seq = nc.jetStream().publish("ttl.a", "x".getBytes(), PublishOptions.builder().messageTtlSeconds(2).build()).getSeqno();
        }
        try (var second = TestServers.start(o -> o.storeDir = storeDir); Connection nc = second.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            await(() -> {
                try {
                    jsm.getStreamInfo("TTL");
                    return true;
                } catch (Exception e) {
                    return false;
                }
            }, "the stream is back");
            await(() -> getOrNull(jsm, "TTL", seq) == null, "the TTL, rebuilt from the header, removed the message");
        }
    }
}
