package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store of hundreds of segments holds a bounded number of descriptors: one write descriptor (the
 * segment appended to) besides the delete journal and the lock file, and read descriptors within
 * the process-wide {@link ReadChannels} budget, however many segments are read, recovered or
 * compacted; and reads stay exact while the budget closes channels under concurrent readers.
 */
class FileDescriptorBudgetTest {
    private static final int SEGMENT_BYTES = 16 * 1024;
    private static final int MESSAGES = 4_000;

    @TempDir
    Path dir;
    private int previousLimit;

    @BeforeEach
    void budget() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts descriptors through /proc");
        previousLimit = ReadChannels.setLimit(8);
    }

    @AfterEach
    void restore() {
        ReadChannels.setLimit(previousLimit);
    }

    private FileStore open() throws IOException {
        return FileStore.open(StoreOptions.defaults(dir).withSegmentMaxBytes(SEGMENT_BYTES));
    }

    private static byte[] payload(long seq) {
        byte[] b = new byte[200 + (int) (seq % 300)];
        new Random(seq).nextBytes(b);
        return b;
    }

    @Test
    void sealedSegmentsGiveUpTheirWriteDescriptorAndReadsStayWithinTheBudget() throws Exception {
        try (FileStore store = open()) {
            for (long seq = 1; seq <= MESSAGES; seq++) {
                store.append("fd." + (seq % 5), (byte[]) null, payload(seq));
            }
            store.sync();
            long segments = segmentFiles();
            assertTrue(segments > 80, segments + " segments");
            // The active segment, the delete journal, the lock file: nothing per sealed segment.
            assertTrue(descriptorsInStore() <= 3, descriptorsInStore() + " descriptors after writing");

            readAll(store);
            assertTrue(descriptorsInStore() <= 3 + ReadChannels.limit(),
                    descriptorsInStore() + " descriptors after reading " + segments + " segments");
        }
        assertEquals(0, descriptorsInStore(), "all closed");

        // Recovery reads every segment and keeps a write descriptor on the newest only.
        try (FileStore store = open()) {
            assertEquals(MESSAGES, store.state().messages());
            assertTrue(descriptorsInStore() <= 3 + ReadChannels.limit(), descriptorsInStore() + " after recovery");
            readAll(store);
            assertTrue(descriptorsInStore() <= 3 + ReadChannels.limit(), descriptorsInStore() + " after reading");
        }
    }

    @Test
    void compactedSegmentsOpenWithoutAWriteDescriptor() throws Exception {
        try (FileStore store = open()) {
            for (long seq = 1; seq <= MESSAGES; seq++) {
                store.append("fd." + (seq % 5), (byte[]) null, payload(seq));
            }
            store.sync();
            long before = logBytes();
            // Delete three in four of the older half: their segments are rewritten without them.
            for (long seq = 1; seq <= MESSAGES / 2; seq++) {
                if (seq % 4 != 0) {
                    assertTrue(store.delete(seq));
                }
            }
            store.sync();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && logBytes() > before * 3 / 4) {
                Thread.sleep(20);
            }
            assertTrue(logBytes() <= before * 3 / 4, "compacted: " + before + " -> " + logBytes() + " bytes");
            for (long seq = 4; seq <= MESSAGES / 2; seq += 4) {
                StoredMessage m = store.get(seq);
                assertNotNull(m, "seq " + seq);
                assertArrayEquals(payload(seq), m.payload());
            }
            // A compaction still under way holds its output open as well. The files compaction replaced
            // stay open outside the budget until buried (30 s), for readers that still hold them.
            assertTrue(descriptorsOnLiveFiles() <= 4 + ReadChannels.limit(), descriptorsOnLiveFiles() + " after compaction");
        }
    }

    @Test
    void concurrentReadersGetExactMessagesWhileTheBudgetEvicts() throws Exception {
        ReadChannels.setLimit(2);
        try (FileStore store = open()) {
            for (long seq = 1; seq <= MESSAGES; seq++) {
                store.append("fd." + (seq % 5), (byte[]) null, payload(seq));
            }
            store.sync();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = t;
                    results.add(pool.submit(() -> {
                        Random r = new Random(seed);
                        int read = 0;
                        for (int i = 0; i < 3_000; i++) {
                            long seq = 1 + r.nextInt(MESSAGES);
                            StoredMessage m = store.get(seq);
                            assertNotNull(m, "seq " + seq);
                            assertArrayEquals(payload(seq), m.payload(), "seq " + seq);
                            read++;
                        }
                        return read;
                    }));
                }
                for (Future<Integer> f : results) {
                    assertEquals(3_000, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(ReadChannels.open() <= ReadChannels.limit() + 4, ReadChannels.open() + " read channels open");
        }
    }

    private void readAll(FileStore store) {
        for (long seq = 1; seq <= MESSAGES; seq++) {
            StoredMessage m = store.get(seq);
            assertNotNull(m, "seq " + seq);
            assertArrayEquals(payload(seq), m.payload(), "seq " + seq);
        }
    }

    private long logBytes() throws IOException {
        long n = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                try {
                    n += Files.size(p);
                } catch (IOException e) {
                    // replaced or removed meanwhile
                }
            }
        }
        return n;
    }

    private long segmentFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
        }
    }

    /** As {@link #descriptorsInStore}, without files already replaced or removed ("(deleted)"). */
    private long descriptorsOnLiveFiles() throws IOException {
        Path real = dir.toRealPath();
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(real + "/") && !target.endsWith(" (deleted)")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return n;
    }

    /** Descriptors of this process open on files in the store's directory. */
    private long descriptorsInStore() throws IOException {
        Path real = dir.toRealPath();
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(real) && !target.equals(real)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return n;
    }
}
