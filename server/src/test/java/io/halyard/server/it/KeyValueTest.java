package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jnats' KeyValue API end to end: buckets are streams, reads are direct gets, and keys, history and
 * watch are ordered push consumers with flow control and heartbeats.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyValueTest {
    private TestServers.Running server;
    private Connection nc;
    private KeyValue kv;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start();
        nc = server.connect();
        KeyValueManagement kvm = nc.keyValueManagement();
        kvm.create(KeyValueConfiguration.builder().name("profiles").maxHistoryPerKey(5).storageType(StorageType.File).build());
        kv = nc.keyValue("profiles");
    }

    @AfterEach
    void stop() throws Exception {
        nc.close();
        server.close();
    }

    private static String value(KeyValueEntry e) {
        return new String(e.getValue(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldPutGetUpdateAndDeleteKeys() throws Exception {
        long first = kv.put("alice", "v1");
        assertEquals("v1", value(kv.get("alice")));
        long second = kv.update("alice", "v2".getBytes(StandardCharsets.UTF_8), first);
        assertTrue(second > first);
        assertEquals(10071, assertThrows(JetStreamApiException.class,
                () -> kv.update("alice", "stale".getBytes(StandardCharsets.UTF_8), first)).getApiErrorCode());
        kv.put("bob", "b");
        kv.delete("bob");
        assertNull(kv.get("bob"));
        assertEquals(List.of("alice"), kv.keys());
    }

    @Test
    void shouldHaveRolledUpAKeyWhenItsPurgeReturns() throws Exception {
        // The purge marker rolls the key up; its PubAck must come after the older revisions are gone.
        for (int round = 0; round < 20; round++) {
            String key = "p" + round;
            for (int i = 0; i < 3; i++) {
                kv.put(key, ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            kv.purge(key);
            List<KeyValueEntry> history = kv.history(key);
            assertEquals(1, history.size(), "round " + round + ": " + history);
            assertEquals(KeyValueOperation.PURGE, history.get(0).getOperation());
        }
    }

    @Test
    void shouldListTheHistoryOfAKey() throws Exception {
        kv.put("k", "1");
        kv.put("k", "2");
        kv.put("k", "3");
        List<KeyValueEntry> history = kv.history("k");
        assertEquals(List.of("1", "2", "3"), history.stream().map(KeyValueTest::value).toList());
    }

    @Test
    void shouldWatchExistingAndNewValues() throws Exception {
        kv.put("a", "1");
        List<KeyValueEntry> seen = new CopyOnWriteArrayList<>();
        CountDownLatch initial = new CountDownLatch(1);
        CountDownLatch updates = new CountDownLatch(3);
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                seen.add(entry);
                updates.countDown();
            }

            @Override
            public void endOfData() {
                initial.countDown();
            }
        };
        try (var watch = kv.watchAll(watcher)) {
            assertTrue(initial.await(5, TimeUnit.SECONDS), "end of initial data");
            kv.put("b", "2");
            kv.delete("a");
            assertTrue(updates.await(5, TimeUnit.SECONDS));
        }
        assertEquals(KeyValueOperation.DELETE, seen.get(2).getOperation());
        assertEquals("a", seen.get(2).getKey());
    }
}
