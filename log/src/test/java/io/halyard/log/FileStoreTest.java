package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does: files, restarts, torn writes, damage, group commit. */
class FileStoreTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    private StoreOptions options() {
        return StoreOptions.defaults(dir).withSegmentMaxBytes(4096);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long appendDurable(StreamStore store, String subject, String payload) throws InterruptedException {
        long seq = store.append(subject, null, bytes(payload));
        assertTrue(seq > 0, "append rejected: " + seq);
        assertTrue(store.awaitDurable(seq, WAIT));
        return seq;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".log")
                    && !p.getFileName().toString().equals(DeleteJournal.FILE_NAME)).sorted().toList();
        }
    }

    @Test
    void shouldReadBackEveryMessageAfterReopenAcrossManySegments() throws Exception {
        try (FileStore store = FileStore.open(options())) {
            for (int i = 1; i <= 500; i++) {
                store.append("orders." + (i % 7), bytes("h" + i), bytes("payload-" + i));
            }
            assertTrue(store.awaitDurable(500, WAIT));
            assertTrue(store.segmentCount() > 5, "segments: " + store.segmentCount());
        }
        try (FileStore store = FileStore.open(options())) {
            StoreState st = store.state();
            assertEquals(500, st.messages());
            assertEquals(1, st.firstSequence());
            assertEquals(500, st.lastSequence());
            assertEquals(7, st.subjects());
            for (int i = 1; i <= 500; i++) {
                StoredMessage m = store.get(i);
                assertNotNull(m, "seq " + i);
                assertEquals("orders." + (i % 7), m.subject());
                assertArrayEquals(bytes("h" + i), m.headers());
                assertArrayEquals(bytes("payload-" + i), m.payload());
            }
            assertEquals(501, store.append("orders.1", null, bytes("next")));
            assertEquals(497, store.getLast(SubjectFilter.of("orders.0")).sequence());
            assertEquals(14, store.getNext(8, SubjectFilter.of("orders.0")).sequence());
        }
    }

    @Test
    void shouldTellTheListenerInSequenceOrderOncePerGroupCommit() throws Exception {
        AtomicLong lastSeen = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        StoreOptions o = options().withSegmentMaxBytes(1 << 20).withListener(seq -> {
            if (seq <= lastSeen.get()) {
                outOfOrder.incrementAndGet();
            }
            lastSeen.set(seq);
            calls.incrementAndGet();
        });
        try (FileStore store = FileStore.open(o)) {
            for (int i = 0; i < 20_000; i++) {
                store.append("a", null, bytes("x"));
            }
            assertTrue(store.awaitDurable(20_000, WAIT));
            assertEquals(20_000, lastSeen.get());
            assertEquals(0, outOfOrder.get());
            assertTrue(calls.get() < 20_000, "group commit should batch; calls=" + calls.get());
        }
    }

    @Test
    void shouldKeepDeletionsAndPurgesAcrossRestart() throws Exception {
        try (FileStore store = FileStore.open(options())) {
            for (int i = 1; i <= 100; i++) {
                store.append(i % 2 == 0 ? "even" : "odd", null, bytes("m" + i));
            }
            assertTrue(store.awaitDurable(100, WAIT));
            assertTrue(store.delete(50));
            assertTrue(store.delete(51));
            assertEquals(49, store.purge(SubjectFilter.of("odd"), 0, 0));
            store.sync();
        }
        try (FileStore store = FileStore.open(options())) {
            StoreState st = store.state();
            assertEquals(49, st.messages());
            assertEquals(2, st.firstSequence());
            assertEquals(100, st.lastSequence());
            assertNull(store.get(50));
            assertNull(store.get(51));
            assertNull(store.get(1));
            assertEquals(1, store.subjectCounts(SubjectFilter.ALL).size());
            assertEquals(49L, store.subjectCounts(SubjectFilter.ALL).get("even"));
        }
    }

    @Test
    void shouldContinueSequencesAfterPurgeAllAndRestart() throws Exception {
        try (FileStore store = FileStore.open(options())) {
            for (int i = 1; i <= 300; i++) {
                store.append("s", null, bytes("m" + i));
            }
            assertTrue(store.awaitDurable(300, WAIT));
            assertEquals(300, store.purge(null, 0, 0));
            assertEquals(1, store.segmentCount());
        }
        assertEquals(1, segmentFiles().size());
        try (FileStore store = FileStore.open(options())) {
            StoreState st = store.state();
            assertEquals(0, st.messages());
            assertEquals(300, st.lastSequence());
            assertEquals(301, st.firstSequence());
            assertEquals(301, store.append("s", null, bytes("again")));
        }
    }

    @Test
    void shouldNotResurrectMessagesRemovedByLimitsAfterRestart() throws Exception {
        StoreOptions o = options().withLimits(StoreLimits.NONE.withMaxMessages(10));
        try (FileStore store = FileStore.open(o)) {
            for (int i = 1; i <= 200; i++) {
                store.append("s", null, bytes("m" + i));
            }
            assertTrue(store.awaitDurable(200, WAIT));
            assertEquals(10, store.state().messages());
            assertTrue(store.segmentCount() <= 2, "old segments dropped: " + store.segmentCount());
        }
        // Reopen with a larger limit: what was removed must stay removed.
        try (FileStore store = FileStore.open(o.withLimits(StoreLimits.NONE))) {
            StoreState st = store.state();
            assertEquals(10, st.messages());
            assertEquals(191, st.firstSequence());
            assertNull(store.get(190));
            assertNotNull(store.get(191));
        }
    }

    @Test
    void shouldRemoveAgainOnRecoveryALimitDeletionWhoseJournalRecordWasNeverSynced() throws Exception {
        StoreOptions o = options().withLimits(StoreLimits.NONE.withMaxMessagesPerSubject(1));
        Path journal = dir.resolve(DeleteJournal.FILE_NAME);
        long journalBefore;
        try (FileStore store = FileStore.open(o)) {
            appendDurable(store, "kv.a", "v1");
            store.sync();
            journalBefore = Files.size(journal);
            appendDurable(store, "kv.a", "v2"); // a KV update: the per-subject limit removes v1
            assertEquals(1, store.state().messages());
        }
        assertTrue(Files.size(journal) > journalBefore);
        // The journal's record of that removal is fsynced lazily: a power failure may lose it.
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(journalBefore);
        }
        try (FileStore store = FileStore.open(o)) {
            StoreState st = store.state();
            assertEquals(1, st.messages());
            assertEquals(0, st.lostMessages());
            assertArrayEquals(bytes("v2"), store.getLast(SubjectFilter.of("kv.a")).payload());
            assertNull(store.get(1));
        }
    }

    @Test
    void shouldReplaceAKeysValueWithoutReadingTheOldOneFromTheFile() throws Exception {
        StoreOptions o = options().withLimits(StoreLimits.NONE.withMaxMessagesPerSubject(1));
        try (FileStore store = FileStore.open(o)) {
            appendDurable(store, "kv.a", "v1");
            for (int i = 0; i < 2000; i++) { // push seq 1 out of the recent messages kept in memory
                store.append("kv.other" + i, null, bytes("x"));
            }
            assertTrue(store.awaitDurable(2001, WAIT));
            // Damage v1 on disk: a read of it now fails its checksum.
            try (FileChannel ch = FileChannel.open(segmentFiles().get(0), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {'#'}), RecordFormat.HEADER_BYTES + "kv.a".length());
            }
            long seq = appendDurable(store, "kv.a", "v2");
            assertEquals(2001, store.state().messages());
            assertEquals(0, store.checksumFailures(), "the update read the old value");
            assertArrayEquals(bytes("v2"), store.getLast(SubjectFilter.of("kv.a")).payload());
            assertEquals(seq, store.subjectState("kv.a").lastSequence());
        }
    }

    @Test
    void shouldMakeLimitDeletionsDurableBeforeLooserLimitsApply() throws Exception {
        StoreOptions o = options().withLimits(StoreLimits.NONE.withMaxMessagesPerSubject(1));
        Path journal = dir.resolve(DeleteJournal.FILE_NAME);
        try (FileStore store = FileStore.open(o)) {
            appendDurable(store, "kv.a", "v1");
            appendDurable(store, "kv.a", "v2");
            store.updateLimits(StoreLimits.NONE.withMaxMessagesPerSubject(5));
            long synced = Files.size(journal);
            // Whatever happens to the journal past this point, v1 stays deleted under the new limits.
            store.close();
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                ch.truncate(synced);
            }
        }
        try (FileStore store = FileStore.open(o.withLimits(StoreLimits.NONE.withMaxMessagesPerSubject(5)))) {
            assertEquals(1, store.state().messages());
            assertNull(store.get(1));
        }
    }

    @Test
    void shouldReadForwardCorrectlyForInterleavedReadersWhileMessagesComeAndGo() throws Exception {
        // Forward reads resume in bytes read before (ReadAhead): more readers than slots, deletions
        // behind and ahead of them, appends while they read, and segments rolling every 4 KiB.
        try (FileStore store = FileStore.open(options())) {
            int total = 3000;
            for (int i = 1; i <= total / 2; i++) {
                store.append("r." + (i % 3), null, bytes("m" + i));
            }
            assertTrue(store.awaitDurable(total / 2, WAIT));
            SubjectFilter[] filters = {SubjectFilter.ALL, SubjectFilter.of("r.1"), SubjectFilter.of("r.*"),
                SubjectFilter.of("r.2"), SubjectFilter.ALL, SubjectFilter.of("r.0")};
            long[] next = new long[filters.length];
            java.util.Arrays.fill(next, 1);
            java.util.Set<Long> deleted = new java.util.HashSet<>();
            java.util.Random random = new java.util.Random(7);
            boolean progress = true;
            long appended = total / 2;
            while (progress) {
                progress = false;
                if (appended < total) {
                    appended++;
                    store.append("r." + (appended % 3), null, bytes("m" + appended));
                    assertTrue(store.awaitDurable(appended, WAIT));
                }
                if (random.nextInt(10) == 0) {
                    long victim = 1 + random.nextInt((int) appended);
                    if (store.delete(victim)) {
                        deleted.add(victim);
                    }
                }
                for (int r = 0; r < filters.length; r++) {
                    StoredMessage m = store.getNext(next[r], filters[r]);
                    long expected = next[r];
                    while (expected <= appended && (deleted.contains(expected)
                            || !filters[r].matches("r." + (expected % 3)))) {
                        expected++;
                    }
                    if (expected > appended) {
                        assertNull(m, "reader " + r + " from " + next[r]);
                        continue;
                    }
                    assertNotNull(m, "reader " + r + " from " + next[r]);
                    assertEquals(expected, m.sequence(), "reader " + r + " from " + next[r]);
                    assertArrayEquals(bytes("m" + expected), m.payload());
                    next[r] = m.sequence() + 1 + (random.nextInt(20) == 0 ? random.nextInt(50) : 0);
                    progress = true;
                }
            }
        }
    }

    @Test
    void shouldTruncateATornTailAndKeepEverythingBeforeIt() throws Exception {
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            for (int i = 1; i <= 10; i++) {
                appendDurable(store, "s", "m" + i);
            }
        }
        Path seg = segmentFiles().get(0);
        long size = Files.size(seg);
        // Half a record: a write torn by a crash.
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ByteBuffer torn = ByteBuffer.allocate(20);
            torn.putInt(0, 12345).putInt(4, 60);
            ch.write(torn, size);
        }
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            assertEquals(10, store.state().messages());
            assertEquals(size, Files.size(seg));
            assertEquals(11, store.append("s", null, bytes("m11")));
            assertTrue(store.awaitDurable(11, WAIT));
        }
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            assertEquals(11, store.state().messages());
            assertArrayEquals(bytes("m11"), store.get(11).payload());
        }
    }

    @Test
    void shouldNeverServeADamagedRecordAndKeepTheRecordsAfterIt() throws Exception {
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            for (int i = 1; i <= 10; i++) {
                appendDurable(store, "s", "message-" + i);
            }
        }
        Path seg = segmentFiles().get(0);
        byte[] data = Files.readAllBytes(seg);
        int recordLength = RecordFormat.recordLength(1, 0, "message-1".length());
        // Flip one bit in the payload of record 5 (sequence 5).
        data[4 * recordLength + RecordFormat.HEADER_BYTES + 3] ^= 0x10;
        Files.write(seg, data);
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            StoreState st = store.state();
            assertEquals(9, st.messages());
            assertEquals(1, st.lostMessages());
            assertNull(store.get(5));
            for (int i = 1; i <= 10; i++) {
                if (i != 5) {
                    assertArrayEquals(bytes("message-" + i), store.get(i).payload());
                }
            }
            assertEquals(11, store.append("s", null, bytes("message-11")));
        }
    }

    @Test
    void shouldRefuseASecondOpenOfTheSameDirectory() throws Exception {
        try (FileStore store = FileStore.open(options())) {
            assertThrows(IOException.class, () -> FileStore.open(options()));
        }
    }

    @Test
    void shouldRejectAppendsAfterClose() throws Exception {
        FileStore store = FileStore.open(options());
        store.close();
        assertEquals(StreamStore.REJECTED_UNAVAILABLE, store.append("s", null, bytes("x")));
    }

    @Test
    void shouldCompleteAppendsInEveryDurabilityMode() throws Exception {
        for (DurabilityMode mode : DurabilityMode.values()) {
            Path sub = dir.resolve(mode.name());
            StoreOptions o = StoreOptions.defaults(sub).withDurability(mode).withSyncIntervalNanos(1_000_000);
            try (FileStore store = FileStore.open(o)) {
                for (int i = 1; i <= 1000; i++) {
                    store.append("s", null, bytes("m" + i));
                }
                assertTrue(store.awaitDurable(1000, WAIT), mode.name());
            }
            try (FileStore store = FileStore.open(o)) {
                assertEquals(1000, store.state().messages(), mode.name());
            }
        }
    }

    @Test
    void shouldDropSegmentFilesWhoseMessagesAreAllGone() throws Exception {
        try (FileStore store = FileStore.open(options())) {
            for (int i = 1; i <= 400; i++) {
                store.append("s", null, bytes("m" + i));
            }
            assertTrue(store.awaitDurable(400, WAIT));
            int before = segmentFiles().size();
            assertEquals(300, store.purge(null, 301, 0));
            assertTrue(segmentFiles().size() < before, segmentFiles().size() + " vs " + before);
            assertEquals(301, store.state().firstSequence());
        }
    }

    private long segmentBytes() throws IOException {
        long total = 0;
        for (Path p : segmentFiles()) {
            total += Files.size(p);
        }
        return total;
    }

    @Test
    void shouldCompactSealedSegmentsWhenMostOfTheirRecordsAreDeleted() throws Exception {
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(16 * 1024))) {
            for (int i = 1; i <= 2000; i++) {
                store.append("q." + (i % 5), null, bytes("work-item-" + i));
            }
            assertTrue(store.awaitDurable(2000, WAIT));
            long before = segmentBytes();
            for (int i = 1; i <= 1900; i++) {
                if (i % 4 != 0) {
                    assertTrue(store.delete(i));
                }
            }
            long deadline = System.nanoTime() + WAIT;
            while (segmentBytes() > before / 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(segmentBytes() <= before / 2, "compacted: " + segmentBytes() + " of " + before);
            for (int i = 1; i <= 2000; i++) {
                boolean live = i > 1900 || i % 4 == 0;
                StoredMessage m = store.get(i);
                if (live) {
                    assertArrayEquals(bytes("work-item-" + i), m.payload(), "seq " + i);
                } else {
                    assertNull(m, "seq " + i);
                }
            }
            assertEquals(8, store.getNext(5, SubjectFilter.of("q.3")).sequence());
            assertEquals(4, store.state().firstSequence());
            assertEquals(475 + 100, store.state().messages());
        }
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(16 * 1024))) {
            StoreState st = store.state();
            assertEquals(575, st.messages());
            assertEquals(4, st.firstSequence());
            assertEquals(0, st.lostMessages());
            assertNull(store.get(5));
            assertArrayEquals(bytes("work-item-8"), store.get(8).payload());
            assertTrue(store.delete(8));
            assertEquals(12, store.getNext(5, SubjectFilter.of("q.*")).sequence());
            // Limits remove the oldest messages across the gaps compaction left.
            store.updateLimits(StoreLimits.NONE.withMaxMessages(50));
            assertEquals(50, store.state().messages());
            assertEquals(1951, store.state().firstSequence());
        }
    }

    @Test
    void shouldRewriteTheDeleteJournalOnceMostOfItIsObsolete() throws Exception {
        int n = 30_000;
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            for (int i = 1; i <= n; i++) {
                store.append("s", null, bytes("m" + i));
            }
            assertTrue(store.awaitDurable(n, WAIT));
            for (int i = 1; i <= n; i++) {
                if (i % 100 != 0) {
                    assertTrue(store.delete(i));
                }
            }
            store.sync();
            long journalBytes = Files.size(dir.resolve(DeleteJournal.FILE_NAME));
            assertTrue(journalBytes < FileStore.JOURNAL_COMPACT_BYTES, "journal " + journalBytes);
        }
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            assertEquals(n / 100, store.state().messages());
            assertEquals(100, store.state().firstSequence());
            for (int i = 1; i <= n; i++) {
                StoredMessage m = store.get(i);
                if (i % 100 == 0) {
                    assertArrayEquals(bytes("m" + i), m.payload());
                } else {
                    assertNull(m, "seq " + i);
                }
            }
        }
    }

    @Test
    void shouldStepOverDamageFoundAfterOpenAndKeepServingTheRecordsAfterIt() throws Exception {
        try (FileStore store = FileStore.open(options().withSegmentMaxBytes(1 << 20))) {
            for (int i = 1; i <= 10; i++) {
                appendDurable(store, "s", "message-" + i);
            }
            Path seg = segmentFiles().get(0);
            int recordLength = RecordFormat.recordLength(1, 0, "message-1".length());
            try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                long at = 3L * recordLength + RecordFormat.HEADER_BYTES + 2; // in sequence 4's payload
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x01)).position(0);
                ch.write(b, at);
            }
            assertNull(store.get(4));
            assertTrue(store.checksumFailures() > 0);
            for (int i = 5; i <= 10; i++) {
                assertArrayEquals(bytes("message-" + i), store.get(i).payload(), "seq " + i);
            }
            assertEquals(5, store.getNext(4, SubjectFilter.of("s")).sequence());
            assertArrayEquals(bytes("message-3"), store.get(3).payload());
        }
    }
}
