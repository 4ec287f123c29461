package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code max_file_store} and {@code max_memory_store} as nats-server enforces them on one server:
 * max_bytes reservations that do not fit are refused at create and update (10047 file, 10028
 * memory), publishes are refused with 10023 once the stored bytes exceed the limit, and accepted again
 * once space is freed. Nothing already stored is lost.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorageLimitsTest {
    private static final long LIMIT = 100 * 1024;

    private static StreamConfiguration.Builder stream(String name, StorageType storage) {
        return StreamConfiguration.builder().name(name).subjects(name.toLowerCase() + ".>").storageType(storage);
    }

    @Test
    void shouldRefuseReservationsThatDoNotFitTheServerLimits() throws Exception {
        try (var server = TestServers.start(o -> {
            o.maxFileStore = LIMIT;
            o.maxMemoryStore = LIMIT;
        }); Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            JetStreamApiException tooBig = assertThrows(JetStreamApiException.class,
                    () -> jsm.addStream(stream("BIG", StorageType.File).maxBytes(2 * LIMIT).build()));
            assertEquals(10047, tooBig.getApiErrorCode());
            assertEquals("insufficient storage resources available", tooBig.getErrorDescription());

            jsm.addStream(stream("A", StorageType.File).maxBytes(60 * 1024).build());
            JetStreamApiException second = assertThrows(JetStreamApiException.class,
                    () -> jsm.addStream(stream("B", StorageType.File).maxBytes(60 * 1024).build()));
            assertEquals(10047, second.getApiErrorCode());
            JetStreamApiException update = assertThrows(JetStreamApiException.class,
                    () -> jsm.updateStream(stream("A", StorageType.File).maxBytes(2 * LIMIT).build()));
            assertEquals(10047, update.getApiErrorCode());
            jsm.updateStream(stream("A", StorageType.File).maxBytes(90 * 1024).build()); // its own reservation is not counted twice

            JetStreamApiException memory = assertThrows(JetStreamApiException.class,
                    () -> jsm.addStream(stream("MEM", StorageType.Memory).maxBytes(2 * LIMIT).build()));
            assertEquals(10028, memory.getApiErrorCode());
            assertEquals("insufficient memory resources available", memory.getErrorDescription());
            jsm.addStream(stream("MEM", StorageType.Memory).maxBytes(LIMIT).build()); // memory is a separate limit
        }
    }

    @Test
    void shouldRefusePublishesOnceTheLimitIsUsedUpAndAcceptThemWhenSpaceIsFreed() throws Exception {
        try (var server = TestServers.start(o -> o.maxFileStore = LIMIT); Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(stream("FILL", StorageType.File).build());
            JetStream js = nc.jetStream();
            byte[] kib = new byte[1024];
            int stored = 0;
            JetStreamApiException refused = null;
            for (int i = 0; i < 1000 && refused == null; i++) {
                try {
                    js.publish("fill.x", kib);
                    stored++;
                } catch (JetStreamApiException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null, "publishing stopped");
            assertEquals(10023, refused.getApiErrorCode());
            assertEquals("insufficient resources", refused.getErrorDescription());
            assertTrue(stored >= 90 && stored <= 100, "about the limit's worth was stored: " + stored);
            assertEquals(stored, jsm.getStreamInfo("FILL").getStreamState().getMsgCount(), "nothing accepted was lost");

            jsm.purgeStream("FILL");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    js.publish("fill.x", kib);
                    break;
                } catch (JetStreamApiException e) {
                    assertEquals(10023, e.getApiErrorCode());
                    assertTrue(System.nanoTime() < deadline, "publishing resumes once the usage is measured again");
                    Thread.sleep(100);
                }
            }
        }
    }
}
