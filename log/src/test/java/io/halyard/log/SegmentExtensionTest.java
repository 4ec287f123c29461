package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment files extended ahead of their data ({@link LogSegment}): the file appended to is larger
 * than its data, sealed and closed files are exact, and recovery takes the zeros after the data
 * for the normal end — quietly and quickly — while a torn record before them is still a torn tail.
 *
 * <p>A crash is imitated by copying the files of a store that is still open (after its appends are
 * durable): what a SIGKILL leaves, the page cache's view of them.
 */
class SegmentExtensionTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10);
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;

    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (logged) {
                    logged.add(record.getLevel() + " " + new SimpleFormatter().formatMessage(record));
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("io.halyard.log").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("io.halyard.log").removeHandler(capture);
    }

    /** Warnings and errors logged about the store in {@code dir}. */
    private List<String> loggedAbout(Path dir) {
        String name = "store " + dir.getFileName() + ":";
        synchronized (logged) {
            return logged.stream().filter(m -> m.contains(name)).toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long append(FileStore store, int i) {
        long seq = store.append("ext." + (i % 5), null, bytes("payload-" + i));
        assertTrue(seq > 0, "append rejected: " + seq);
        return seq;
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
    }

    /** Where the valid records of a segment file end. */
    private static long dataEnd(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            return new RecordScanner(ch).scan(new RecordScanner.Visitor() {
                @Override
                public void record(ByteBuffer buf, int offset, long position) {
                }

                @Override
                public void damaged(long from, long to) {
                    throw new AssertionError(file.getFileName() + " damaged at " + from + ".." + to);
                }
            });
        }
    }

    /** The files of a (live) store as a crash would leave them, in a new directory. */
    private Path crashCopy(Path dir, String name) throws IOException {
        Path copy = root.resolve(name);
        Files.createDirectories(copy);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals("lock")) {
                    Files.copy(p, copy.resolve(p.getFileName()));
                }
            }
        }
        return copy;
    }

    private static void setLength(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static void assertExact(Path dir) throws IOException {
        for (Path p : segmentFiles(dir)) {
            assertEquals(dataEnd(p), Files.size(p), p.getFileName() + " should end at its data");
        }
    }

    @Test
    void shouldExtendTheSegmentAppendedToAheadOfItsDataAndCutItOnClose() throws Exception {
        Path dir = root.resolve("store");
        int record = RecordFormat.recordLength("ext.1".length(), 0, "payload-1".length());
        try (FileStore store = FileStore.open(StoreOptions.defaults(dir))) {
            assertTrue(store.awaitDurable(append(store, 1), WAIT));
            Path file = segmentFiles(dir).get(0);
            assertEquals(record + LogSegment.EXTEND_STEP_BYTES, Files.size(file));
            // Within the step the size stays; past it, the file grows by another step.
            long seq = 0;
            for (int i = 2; i <= 1000; i++) {
                seq = append(store, i);
            }
            assertTrue(store.awaitDurable(seq, WAIT));
            assertEquals(record + LogSegment.EXTEND_STEP_BYTES, Files.size(file));
            ByteBuffer big = ByteBuffer.allocate((int) LogSegment.EXTEND_STEP_BYTES + 1000);
            long bigSeq = store.append("ext.big", null, big);
            assertTrue(store.awaitDurable(bigSeq, WAIT));
            long end = dataEnd(file);
            assertTrue(end > LogSegment.EXTEND_STEP_BYTES, "data end " + end);
            assertEquals(end + LogSegment.EXTEND_STEP_BYTES, Files.size(file), "a record larger than the step");
        }
        assertExact(dir);
        try (FileStore store = FileStore.open(StoreOptions.defaults(dir))) {
            assertEquals(1001, store.state().messages());
            assertEquals(0, store.state().lostMessages());
        }
        assertEquals(List.of(), loggedAbout(dir));
    }

    @Test
    void shouldNeverExtendPastTheSegmentSizeExceptForARecordLargerThanASegment() throws Exception {
        Path dir = root.resolve("store");
        StoreOptions options = StoreOptions.defaults(dir).withSegmentMaxBytes(64 * 1024);
        try (FileStore store = FileStore.open(options)) {
            assertTrue(store.awaitDurable(append(store, 1), WAIT));
            assertEquals(64 * 1024, Files.size(segmentFiles(dir).get(0)));
            // Larger than a segment: alone in a segment of its own, whose file is exactly its size.
            long big = store.append("ext.big", null, ByteBuffer.allocate(100 * 1024));
            assertTrue(store.awaitDurable(big, WAIT));
            List<Path> files = segmentFiles(dir);
            assertEquals(2, files.size());
            assertEquals(dataEnd(files.get(0)), Files.size(files.get(0)), "the sealed segment is cut back");
            assertEquals(dataEnd(files.get(1)), Files.size(files.get(1)));
            long next = append(store, 2);
            assertTrue(store.awaitDurable(next, WAIT));
            assertEquals(3, segmentFiles(dir).size());
            assertEquals(64 * 1024, Files.size(segmentFiles(dir).get(2)));
        }
        assertExact(dir);
    }

    @Test
    void shouldCutEverySealedSegmentBackToItsDataWhenItRolls() throws Exception {
        Path dir = root.resolve("store");
        try (FileStore store = FileStore.open(StoreOptions.defaults(dir).withSegmentMaxBytes(4096))) {
            long seq = 0;
            for (int i = 1; i <= 500; i++) {
                seq = append(store, i);
            }
            assertTrue(store.awaitDurable(seq, WAIT));
            List<Path> files = segmentFiles(dir);
            assertTrue(files.size() > 5, "segments: " + files.size());
            for (Path sealed : files.subList(0, files.size() - 1)) {
                assertEquals(dataEnd(sealed), Files.size(sealed), sealed.getFileName() + " sealed");
            }
            Path active = files.get(files.size() - 1);
            assertEquals(4096, Files.size(active), "the segment appended to is extended to its size");
            assertTrue(dataEnd(active) < 4096);
        }
        assertExact(dir);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRecoverFilesExtendedAheadWithoutReportingDamageOrLossAndQuickly() throws Exception {
        Path dir = root.resolve("live");
        long last = 0;
        try (FileStore store = FileStore.open(StoreOptions.defaults(dir))) {
            for (int i = 1; i <= 2000; i++) {
                last = append(store, i);
            }
            assertTrue(store.awaitDurable(last, WAIT));
            Path copy = crashCopy(dir, "crashed");
            Path file = segmentFiles(copy).get(0);
            long end = dataEnd(file);
            assertTrue(Files.size(file) > end, "extended ahead: " + Files.size(file) + " vs " + end);
            // The whole segment extended: 64 MiB of zeros to recover past.
            setLength(file, StoreOptions.DEFAULT_SEGMENT_BYTES);
            long t0 = System.nanoTime();
            try (FileStore recovered = FileStore.open(StoreOptions.defaults(copy))) {
                long openMillis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(openMillis < 5_000, "open took " + openMillis + " ms");
                StoreState st = recovered.state();
                assertEquals(2000, st.messages());
                assertEquals(0, st.lostMessages());
                assertEquals(List.of(), loggedAbout(copy), "zeros never written are not a torn tail");
                // Appends go on at the end of the data, inside the extension.
                long seq = recovered.append("ext.after", null, bytes("after"));
                assertEquals(2001, seq);
                assertTrue(recovered.awaitDurable(seq, WAIT));
                assertEquals(StoreOptions.DEFAULT_SEGMENT_BYTES, Files.size(file));
                assertArrayEquals(bytes("after"), recovered.get(seq).payload());
                assertArrayEquals(bytes("payload-2000"), recovered.get(2000).payload());
            }
            assertExact(copy);
            try (FileStore reopened = FileStore.open(StoreOptions.defaults(copy))) {
                assertEquals(2001, reopened.state().messages());
            }
            assertEquals(List.of(), loggedAbout(copy));
        }
    }

    @Test
    void shouldTruncateATornRecordBeforeTheZerosAndWarnOfItsBytesOnly() throws Exception {
        Path dir = root.resolve("live");
        try (FileStore store = FileStore.open(StoreOptions.defaults(dir))) {
            long last = 0;
            for (int i = 1; i <= 10; i++) {
                last = append(store, i);
            }
            assertTrue(store.awaitDurable(last, WAIT));
            Path copy = crashCopy(dir, "torn");
            Path file = segmentFiles(copy).get(0);
            long end = dataEnd(file);
            // Half a record where the next one would go, the rest of the extension still zeros.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer torn = ByteBuffer.allocate(20);
                java.util.Arrays.fill(torn.array(), (byte) 0x5a);
                torn.putInt(0, 12345).putInt(4, 60);
                ch.write(torn, end);
            }
            try (FileStore recovered = FileStore.open(StoreOptions.defaults(copy))) {
                assertEquals(10, recovered.state().messages());
                assertEquals(0, recovered.state().lostMessages());
                assertEquals(List.of("WARNING store torn: truncating 20 bytes of torn tail from " + file.getFileName()),
                        loggedAbout(copy));
                assertEquals(end, Files.size(file), "torn record and zeros both cut");
                long seq = recovered.append("ext.after", null, bytes("after"));
                assertEquals(11, seq);
                assertTrue(recovered.awaitDurable(seq, WAIT));
                assertTrue(Files.size(file) > dataEnd(file), "extended ahead again");
            }
            try (FileStore reopened = FileStore.open(StoreOptions.defaults(copy))) {
                assertEquals(11, reopened.state().messages());
                assertArrayEquals(bytes("after"), reopened.get(11).payload());
            }
        }
    }

    @Test
    void shouldQuietlyCutZerosAfterTheDataOfASealedSegment() throws Exception {
        // A crash between a roll and the cut of the sealed segment's extension.
        Path dir = root.resolve("live");
        StoreOptions options = StoreOptions.defaults(dir).withSegmentMaxBytes(4096);
        try (FileStore store = FileStore.open(options)) {
            long last = 0;
            for (int i = 1; i <= 500; i++) {
                last = append(store, i);
            }
            assertTrue(store.awaitDurable(last, WAIT));
            assertTrue(store.delete(7));
            store.sync();
            Path copy = crashCopy(dir, "rolled");
            List<Path> files = segmentFiles(copy);
            assertTrue(files.size() >= 5, "segments: " + files.size());
            Path sealed = files.get(files.size() - 2);
            long end = dataEnd(sealed);
            setLength(sealed, 4 * MIB);
            setLength(files.get(1), 4096);
            try (FileStore recovered = FileStore.open(StoreOptions.defaults(copy).withSegmentMaxBytes(4096))) {
                StoreState st = recovered.state();
                assertEquals(499, st.messages());
                assertEquals(0, st.lostMessages());
                assertEquals(List.of(), loggedAbout(copy));
                assertEquals(end, Files.size(sealed));
                assertEquals(dataEnd(files.get(1)), Files.size(files.get(1)));
                for (int i = 1; i <= 500; i++) {
                    StoredMessage m = recovered.get(i);
                    if (i == 7) {
                        assertNull(m);
                    } else {
                        assertNotNull(m, "seq " + i);
                        assertArrayEquals(bytes("payload-" + i), m.payload());
                    }
                }
                assertEquals(501, recovered.append("ext.after", null, bytes("after")));
            }
            assertExact(copy);
        }
    }

    @Test
    void shouldDropANewSegmentThatHoldsOnlyZerosAfterACrashRightAfterItsRoll() throws Exception {
        Path dir = root.resolve("live");
        StoreOptions options = StoreOptions.defaults(dir).withSegmentMaxBytes(4096);
        try (FileStore store = FileStore.open(options)) {
            long last = 0;
            for (int i = 1; i <= 100; i++) {
                last = append(store, i);
            }
            assertTrue(store.awaitDurable(last, WAIT));
            Path copy = crashCopy(dir, "empty-new");
            List<Path> files = segmentFiles(copy);
            // The next segment was created and extended, but its first record never written.
            Path next = copy.resolve(LogSegment.fileName(last + 1));
            Files.createFile(next);
            setLength(next, 4096);
            try (FileStore recovered = FileStore.open(StoreOptions.defaults(copy).withSegmentMaxBytes(4096))) {
                assertEquals(100, recovered.state().messages());
                assertEquals(0, recovered.state().lostMessages());
                assertEquals(files.size(), recovered.segmentCount());
                assertEquals(101, recovered.append("ext.after", null, bytes("after")));
            }
        }
    }

    private static StoreOptions kvOptions(Path dir) {
        return StoreOptions.defaults(dir).withSegmentMaxBytes(64 * 1024)
                .withLimits(StoreLimits.NONE.withMaxMessagesPerSubject(1));
    }

    @Test
    void shouldWriteInterleavedMessageAndDeletionRecordsOfOneBatchToTheirFiles() throws Exception {
        // A KV update appends the new value to the segment and deletes the old one in the journal:
        // with many updates in one batch, the batch alternates between the two files.
        Path dir = root.resolve("kv");
        int keys = 20;
        int updates = 5000;
        try (FileStore store = FileStore.open(kvOptions(dir))) {
            for (int i = 1; i <= updates; i++) {
                assertEquals(i, store.append("kv." + (i % keys), null, bytes("value-" + i)));
            }
            assertTrue(store.awaitDurable(updates, WAIT));
            store.sync();
            Path copy = crashCopy(dir, "kv-crashed");
            for (Path d : List.of(copy, dir)) {
                if (d == dir) {
                    store.close();
                }
                try (FileStore reopened = FileStore.open(kvOptions(d))) {
                    StoreState st = reopened.state();
                    assertEquals(keys, st.messages(), d.getFileName().toString());
                    assertEquals(0, st.lostMessages());
                    for (int i = 1; i <= updates; i++) {
                        StoredMessage m = reopened.get(i);
                        if (i > updates - keys) {
                            assertArrayEquals(bytes("value-" + i), m.payload(), "seq " + i);
                        } else {
                            assertNull(m, "seq " + i);
                        }
                    }
                }
                assertEquals(List.of(), loggedAbout(d));
            }
        }
    }
}
