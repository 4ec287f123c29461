package io.halyard.server.it;

import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jnats' ObjectStore API end to end: a bucket is a stream ({@code OBJ_<bucket>}), an object's chunks
 * are messages on its chunk subject, its info a rolled-up message on its meta subject; reads are an
 * ordered consumer, and jnats checks the SHA-256 digest of what it reads back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObjectStoreTest {
    private TestServers.Running server;
    private Connection nc;
    private ObjectStore os;

    @BeforeEach
    void start() throws Exception {
        server = TestServers.start();
        nc = server.connect();
        ObjectStoreManagement osm = nc.objectStoreManagement();
        osm.create(ObjectStoreConfiguration.builder("files").storageType(StorageType.File).build());
        os = nc.objectStore("files");
    }

    @AfterEach
    void stop() throws Exception {
        nc.close();
        server.close();
    }

    @Test
    void shouldPutAndGetAnObjectOfManyChunksWithItsDigestChecked() throws Exception {
        byte[] data = new byte[300_000]; // five 64 KiB chunks
        new Random(7).nextBytes(data);
        ObjectInfo put = os.put(ObjectMeta.builder("report.bin").chunkSize(64 * 1024).build(),
                new ByteArrayInputStream(data));
        assertEquals(data.length, put.getSize());
        assertTrue(put.getChunks() > 1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ObjectInfo got = os.get("report.bin", out); // jnats verifies the digest
        assertArrayEquals(data, out.toByteArray());
        assertEquals(put.getDigest(), got.getDigest());
        assertEquals(data.length, os.getInfo("report.bin").getSize());
    }

    @Test
    void shouldListReplaceDeleteAndLinkObjects() throws Exception {
        os.put("a.txt", "first".getBytes());
        os.put("b.txt", "second".getBytes());
        os.put("a.txt", "replaced".getBytes());
        List<ObjectInfo> list = os.getList();
        assertEquals(List.of("a.txt", "b.txt"), list.stream().map(ObjectInfo::getObjectName).sorted().toList());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        os.get("a.txt", out);
        assertEquals("replaced", out.toString());

        ObjectInfo link = os.addLink("latest", os.getInfo("b.txt"));
        assertTrue(link.isLink());
        out.reset();
        os.get("latest", out);
        assertEquals("second", out.toString());

        os.delete("b.txt");
        assertTrue(os.getInfo("b.txt", true).isDeleted());
        assertEquals(List.of("a.txt", "latest"), os.getList().stream().map(ObjectInfo::getObjectName).sorted().toList());
    }
}
