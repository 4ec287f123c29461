package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a closed store's files — single bits flipped anywhere, ranges overwritten, files truncated
 * or deleted, the delete journal damaged — and checks after reopening that the store opens, that
 * every message it serves ({@code get}, {@code getLast}, {@code getNext}) is byte-identical to what
 * was written under that sequence, and that every message it no longer serves is counted in
 * {@code lostMessages}, except those the design lets go silently: a damaged tail of the newest
 * segment, which recovery cannot tell from a write torn by a crash and truncates (issue 3, item 4).
 *
 * <p><b>Indexes and checkpoints.</b> A {@link FileStore} directory holds only segment files,
 * {@code deletes.log} and {@code lock}: there is no index or checkpoint file to damage. The sparse
 * index, the per-segment subject summaries and the per-subject state are rebuilt on every open while
 * every record is validated, so damage to them cannot outlive a restart; the delete journal is the
 * only other file and is damaged here like the segments.
 *
 * <p><b>The oracle.</b> One store with known content (several segments, subjects, headers on some
 * messages, single deletes and a subject purge in the journal) is built once; every trial damages a
 * fresh copy. A record counts as intact when all its bytes are unchanged; the expected outcome is
 * derived from that alone, record by record, so a test names exactly which sequences may vanish and
 * whether they must be counted. CRC32C catches every single-bit error, so a single flip always
 * damages exactly the record it lands in.
 *
 * <p>Randomness is seeded: {@code -Dcorruption.seed=N} replays a run; failure messages name the seed,
 * the trial, the file and the position.
 */
class CorruptionTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10);
    private static final long SEED = Long.getLong("corruption.seed", 0x5eed_c0de_2026L);
    private static final int MESSAGES = 300;
    private static final int SEGMENT_BYTES = 4096;
    private static final String[] SUBJECTS = {"orders.eu", "orders.us", "audit.login", "audit.logout", "metrics.cpu"};
    private static final SubjectFilter[] FILTERS = {
        SubjectFilter.ALL, SubjectFilter.of("orders.*"), SubjectFilter.of("audit.>"), SubjectFilter.of("*.cpu"),
    };

    /** A message as written (timestamps as the pristine store served them). */
    private record Written(long sequence, long timestampNanos, String subject, byte[] headers, byte[] payload) {
        long accountedBytes() {
            return StoreLimits.accountedBytes(subject.length(), headers.length, payload.length);
        }
    }

    /** A record in a file: bytes [start, end), and the sequence it carries (its first range's start in the journal). */
    private record Rec(long start, long end, long sequence, long[] ranges) {
    }

    /** A file of the pristine store, with its records. */
    private record StoreFile(String name, long base, byte[] bytes, List<Rec> records) {
        long lastSequence() {
            return records.get(records.size() - 1).sequence();
        }
    }

    /**
     * What must hold after damage: exactly {@code served} is served (plus, when the journal is damaged,
     * any of {@code mayReappear}), and {@code lost} messages are counted.
     */
    private record Expectation(Set<Long> served, Set<Long> mayReappear, long lostAtLeast, long lostAtMost,
                               long lastSequence) {
        Expectation(Set<Long> served, Set<Long> mayReappear, long lost, long lastSequence) {
            this(served, mayReappear, lost, lost, lastSequence);
        }
    }

    @TempDir
    static Path root;
    private static Path pristine;
    private static final TreeMap<Long, Written> written = new TreeMap<>();
    private static final Set<Long> deleted = new TreeSet<>();
    private static final List<StoreFile> segments = new ArrayList<>();
    private static StoreFile journal;
    private static int trialCounter;

    // ---------------------------------------------------------------- the pristine store

    private static StoreOptions options(Path dir) {
        AtomicLong now = new AtomicLong(1_750_000_000_000_000_000L);
        return StoreOptions.defaults(dir).withSegmentMaxBytes(SEGMENT_BYTES).withClock(() -> now.addAndGet(1_000_000));
    }

    @BeforeAll
    static void buildPristineStore() throws Exception {
        pristine = root.resolve("pristine");
        Random random = new Random(SEED);
        Map<Long, String> subjects = new HashMap<>();
        Map<Long, byte[]> headers = new HashMap<>();
        Map<Long, byte[]> payloads = new HashMap<>();
        try (FileStore store = FileStore.open(options(pristine))) {
            for (int i = 1; i <= MESSAGES; i++) {
                String subject = SUBJECTS[random.nextInt(SUBJECTS.length)];
                byte[] h = random.nextInt(3) == 0
                        ? ("NATS/1.0\r\nTrace-Id: " + random.nextInt(1_000_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)
                        : null;
                byte[] payload = new byte[random.nextInt(160)];
                random.nextBytes(payload);
                assertEquals(i, store.append(subject, h, payload));
                subjects.put((long) i, subject);
                headers.put((long) i, h == null ? new byte[0] : h);
                payloads.put((long) i, payload);
            }
            assertTrue(store.awaitDurable(MESSAGES, WAIT));
            // Single deletes (one journal record each) and a subject purge (one record of ranges).
            while (deleted.size() < 6) {
                long victim = 2 + random.nextInt(MESSAGES - 2);
                if (deleted.add(victim)) {
                    assertTrue(store.delete(victim));
                }
            }
            long purged = 0;
            for (long seq = 1; seq < 40; seq++) {
                if (subjects.get(seq).equals("audit.login") && deleted.add(seq)) {
                    purged++;
                }
            }
            assertEquals(purged, store.purge(SubjectFilter.of("audit.login"), 40, 0));
            store.sync();
        }
        try (FileStore store = FileStore.open(options(pristine))) {
            assertEquals(0, store.state().lostMessages());
            for (long seq = 1; seq <= MESSAGES; seq++) {
                StoredMessage m = store.get(seq);
                if (deleted.contains(seq)) {
                    assertNull(m, "deleted " + seq);
                    // Deleted messages may reappear when the journal is damaged: the timestamp is taken
                    // from the record itself below.
                    written.put(seq, new Written(seq, -1, subjects.get(seq), headers.get(seq), payloads.get(seq)));
                    continue;
                }
                assertNotNull(m, "seq " + seq);
                assertEquals(subjects.get(seq), m.subject());
                assertArrayEquals(headers.get(seq), m.headers());
                assertArrayEquals(payloads.get(seq), m.payload());
                written.put(seq, new Written(seq, m.timestampNanos(), m.subject(), m.headers(), m.payload()));
            }
        }
        Files.deleteIfExists(pristine.resolve("lock"));
        for (Path p : segmentFiles(pristine)) {
            String name = p.getFileName().toString();
            segments.add(parse(name, Long.parseLong(name.substring(0, 20)), Files.readAllBytes(p)));
        }
        journal = parse(DeleteJournal.FILE_NAME, 0, Files.readAllBytes(pristine.resolve(DeleteJournal.FILE_NAME)));
        assertTrue(segments.size() >= 6, "several segments: " + segments.size());
        assertTrue(journal.records().size() >= 7, "journal records: " + journal.records().size());
        // Timestamps of deleted records, and a check that every sequence has its record (no
        // compaction ran, which would make the layout depend on timing).
        long expected = 1;
        for (StoreFile f : segments) {
            assertEquals(expected, f.base());
            for (Rec r : f.records()) {
                assertEquals(expected++, r.sequence());
                Written w = written.get(r.sequence());
                if (w.timestampNanos() < 0) {
                    ByteBuffer b = ByteBuffer.wrap(f.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                    written.put(w.sequence(), new Written(w.sequence(), b.getLong((int) r.start() + RecordFormat.OFF_TIMESTAMP),
                            w.subject(), w.headers(), w.payload()));
                }
            }
        }
        assertEquals(MESSAGES + 1, expected);
    }

    private static StoreFile parse(String name, long base, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Rec> records = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int length = b.getInt(at + RecordFormat.OFF_LENGTH);
            long[] ranges = new long[0];
            if (b.get(at + RecordFormat.OFF_TYPE) == RecordFormat.TYPE_DELETION) {
                ranges = new long[2 * DeleteJournal.rangeCount(b, at)];
                for (int i = 0; i < ranges.length / 2; i++) {
                    ranges[2 * i] = DeleteJournal.rangeFrom(b, at, i);
                    ranges[2 * i + 1] = DeleteJournal.rangeTo(b, at, i);
                }
            }
            records.add(new Rec(at, at + length, b.getLong(at + RecordFormat.OFF_SEQUENCE), ranges));
            at += length;
        }
        assertEquals(bytes.length, at, name);
        return new StoreFile(name, base, bytes, records);
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
    }

    /** A fresh copy of the pristine store. */
    private static Path copy() throws IOException {
        Path dir = root.resolve("trial-" + (++trialCounter));
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(pristine)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---------------------------------------------------------------- damage

    private static void flipBit(Path file, long position, int bit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
            ch.write(one, position);
        }
    }

    private static void overwrite(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }

    private static void extendWithZeros(Path file, long length) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static boolean[] intactRecords(StoreFile f, Path file) throws IOException {
        boolean[] intact = new boolean[f.records().size()];
        if (!Files.exists(file)) {
            return intact;
        }
        byte[] now = Files.readAllBytes(file);
        for (int i = 0; i < intact.length; i++) {
            Rec r = f.records().get(i);
            intact[i] = now.length >= r.end() && Arrays.equals(now, (int) r.start(), (int) r.end(),
                    f.bytes(), (int) r.start(), (int) r.end());
        }
        return intact;
    }

    private static boolean any(boolean[] values) {
        for (boolean v : values) {
            if (v) {
                return true;
            }
        }
        return false;
    }

    /**
     * What recovery must make of damaged segment files (the journal intact). Record by record:
     * <ul>
     *   <li>Trailing segment files with no intact record are taken for a roll that never became
     *       durable and removed; then the damaged tail of the (new) newest segment is taken for a torn
     *       write and truncated. Both go silently: the only messages allowed to vanish uncounted.
     *   <li>Every other damaged record is counted lost.
     *   <li>Records that vanished without leaving damaged bytes behind — a whole file missing before
     *       the newest, or a sealed file cut exactly at a record boundary (to nothing, say) — may go
     *       uncounted: recovery takes a sequence gap without damage for records that compaction
     *       removed after their deletion (see {@link #shouldCountEveryMessageOfAMissingOrEmptiedSealedSegmentLost}).
     *       With {@code strictGaps} they must be counted too.
     * </ul>
     * Deleted messages stay deleted, and the journal, which recorded the last sequence with the
     * deletions made after the last append, keeps {@code lastSequence} where it was.
     */
    private static Expectation expectAfterSegmentDamage(Path dir) throws IOException {
        return expectAfterSegmentDamage(dir, false);
    }

    private static Expectation expectAfterSegmentDamage(Path dir, boolean strictGaps) throws IOException {
        List<boolean[]> intact = new ArrayList<>();
        int newest = -1;
        for (int i = 0; i < segments.size(); i++) {
            StoreFile f = segments.get(i);
            intact.add(intactRecords(f, dir.resolve(f.name())));
            if (Files.exists(dir.resolve(f.name()))) {
                newest = i;
            }
        }
        Set<Long> silent = new TreeSet<>();
        while (newest > 0 && !any(intact.get(newest)) && anyIntactBefore(intact, newest)) {
            silent.addAll(sequencesOf(segments.get(newest)));
            do {
                newest--;
            } while (newest > 0 && !Files.exists(dir.resolve(segments.get(newest).name())));
        }
        if (newest >= 0) {
            List<Rec> records = segments.get(newest).records();
            for (int i = records.size() - 1; i >= 0 && !intact.get(newest)[i]; i--) {
                silent.add(records.get(i).sequence());
            }
        }
        Set<Long> counted = new TreeSet<>();
        Set<Long> maybe = new TreeSet<>();
        for (int i = 0; i < segments.size(); i++) {
            StoreFile f = segments.get(i);
            Path file = dir.resolve(f.name());
            long size = Files.exists(file) ? Files.size(file) : -1;
            List<Rec> records = f.records();
            for (int r = 0; r < records.size(); r++) {
                long seq = records.get(r).sequence();
                if (intact.get(i)[r] || silent.contains(seq)) {
                    continue;
                }
                boolean cleanCut = size < 0 || (records.get(r).start() >= size && endsAtRecordBoundary(f, size));
                if (i > newest) {
                    silent.add(seq);
                } else if (cleanCut && i < newest && !strictGaps) {
                    maybe.add(seq);
                } else {
                    counted.add(seq);
                }
            }
        }
        counted.removeAll(deleted);
        maybe.removeAll(deleted);
        Set<Long> served = live();
        served.removeAll(counted);
        served.removeAll(maybe);
        served.removeAll(silent);
        return new Expectation(served, Set.of(), counted.size(), counted.size() + maybe.size(), MESSAGES);
    }

    private static boolean endsAtRecordBoundary(StoreFile f, long size) {
        return size == 0 || f.records().stream().anyMatch(r -> r.end() == size);
    }

    private static boolean anyIntactBefore(List<boolean[]> intact, int index) {
        for (int i = 0; i < index; i++) {
            if (any(intact.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static List<Long> sequencesOf(StoreFile f) {
        return f.records().stream().map(Rec::sequence).toList();
    }

    private static Set<Long> live() {
        Set<Long> live = new TreeSet<>(written.keySet());
        live.removeAll(deleted);
        return live;
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks everything the store serves against what was written, and its counts against the
     * expectation; returns the sequences served.
     */
    private static Set<Long> verify(FileStore store, Expectation e, Map<Long, Written> truth, long lastWritten,
                                    Random random, String context) {
        Set<Long> served = new TreeSet<>();
        for (long seq = 1; seq <= lastWritten + 2; seq++) {
            StoredMessage m = store.get(seq);
            if (m == null) {
                assertTrue(!e.served().contains(seq), context + ": sequence " + seq + " not served");
                continue;
            }
            assertIdentical(truth, m, context);
            assertTrue(e.served().contains(seq) || e.mayReappear().contains(seq),
                    context + ": sequence " + seq + " served but must not be");
            served.add(seq);
        }
        StoreState st = store.state();
        long bytes = 0;
        Map<String, Long> counts = new TreeMap<>();
        for (long seq : served) {
            bytes += truth.get(seq).accountedBytes();
            counts.merge(truth.get(seq).subject(), 1L, Long::sum);
        }
        assertEquals(served.size(), st.messages(), context + ": messages in " + st);
        assertEquals(bytes, st.bytes(), context + ": bytes in " + st);
        assertTrue(st.lostMessages() >= e.lostAtLeast() && st.lostMessages() <= e.lostAtMost(),
                context + ": lost should be in [" + e.lostAtLeast() + ", " + e.lostAtMost() + "] in " + st);
        assertEquals(e.lastSequence(), st.lastSequence(), context + ": last sequence in " + st);
        long first = served.isEmpty() ? st.lastSequence() + 1 : served.iterator().next();
        assertEquals(first, st.firstSequence(), context + ": first sequence in " + st);
        assertEquals(counts.size(), st.subjects(), context + ": subjects in " + st);
        assertEquals(counts, store.subjectCounts(SubjectFilter.ALL), context + ": subject counts");
        long gaps = served.isEmpty() ? 0 : st.lastSequence() - st.firstSequence() + 1 - served.size();
        assertEquals(gaps, st.deleted(), context + ": deleted in " + st);
        for (String subject : SUBJECTS) {
            checkLookups(store, SubjectFilter.of(subject), served, truth, random, context);
        }
        for (SubjectFilter f : FILTERS) {
            checkLookups(store, f, served, truth, random, context);
        }
        return served;
    }

    /** getLast and getNext (from the start and from a few random sequences) against the served set. */
    private static void checkLookups(FileStore store, SubjectFilter filter, Set<Long> served, Map<Long, Written> truth,
                                     Random random, String context) {
        TreeSet<Long> matching = new TreeSet<>();
        for (long seq : served) {
            if (filter.matches(truth.get(seq).subject())) {
                matching.add(seq);
            }
        }
        String where = context + ", filter " + filter.text();
        StoredMessage last = store.getLast(filter);
        if (matching.isEmpty()) {
            assertNull(last, where + ": getLast");
        } else {
            assertNotNull(last, where + ": getLast");
            assertEquals(matching.last(), last.sequence(), where + ": getLast");
            assertIdentical(truth, last, where);
        }
        long top = java.util.Collections.max(truth.keySet()) + 1;
        long[] froms = {1, 1 + random.nextInt((int) top), 1 + random.nextInt((int) top), 1 + random.nextInt((int) top)};
        for (long from : froms) {
            Long want = matching.ceiling(from);
            StoredMessage next = store.getNext(from, filter);
            if (want == null) {
                assertNull(next, where + ": getNext from " + from);
            } else {
                assertNotNull(next, where + ": getNext from " + from + " should be " + want);
                assertEquals(want, next.sequence(), where + ": getNext from " + from);
                assertIdentical(truth, next, where);
            }
        }
    }

    private static void assertIdentical(Map<Long, Written> truth, StoredMessage m, String context) {
        Written w = truth.get(m.sequence());
        String at = context + ": sequence " + m.sequence();
        assertNotNull(w, at + " was never written");
        assertEquals(w.subject(), m.subject(), at + " subject");
        assertArrayEquals(w.headers(), m.headers(), at + " headers");
        assertArrayEquals(w.payload(), m.payload(), at + " payload");
        assertEquals(w.timestampNanos(), m.timestampNanos(), at + " timestamp");
    }

    /**
     * Opens the damaged copy and verifies it; then appends, reopens and verifies again: the damage
     * must stay detected (and counted the same), the appends after it must survive.
     */
    private static void openVerifyAppendReopen(Path dir, Expectation e, Random random, String context) throws Exception {
        TreeMap<Long, Written> truth = new TreeMap<>(written);
        Set<Long> served;
        long lost;
        long appendedFrom = e.lastSequence() + 1;
        try (FileStore store = FileStore.open(options(dir))) {
            served = verify(store, e, truth, MESSAGES, random, context + ", first open");
            lost = store.state().lostMessages();
            for (int i = 0; i < 3; i++) {
                byte[] payload = new byte[random.nextInt(200)];
                random.nextBytes(payload);
                String subject = SUBJECTS[random.nextInt(SUBJECTS.length)];
                long seq = store.append(subject, null, payload);
                assertEquals(appendedFrom + i, seq, context + ": append after damage");
                assertTrue(store.awaitDurable(seq, WAIT));
                truth.put(seq, new Written(seq, store.get(seq).timestampNanos(), subject, new byte[0], payload));
            }
        }
        Set<Long> expected = new TreeSet<>(served);
        for (long s = appendedFrom; s < appendedFrom + 3; s++) {
            expected.add(s);
        }
        // Once counted, the same damage is counted the same on every later open.
        Expectation after = new Expectation(expected, Set.of(), lost, appendedFrom + 2);
        try (FileStore store = FileStore.open(options(dir))) {
            verify(store, after, truth, appendedFrom + 2, random, context + ", reopened after appending");
        }
    }

    private static String where(long seed, int trial, String what) {
        return "seed " + seed + " (-Dcorruption.seed=" + SEED + "), trial " + trial + ": " + what;
    }

    // ---------------------------------------------------------------- 1. single bit flips

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldServeOnlyIntactMessagesAndCountTheRestAfterABitFlipAnywhereInASegment() throws Exception {
        flipTrials(SEED, 200);
    }

    @Test
    @Tag("soak")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void soakShouldServeOnlyIntactMessagesAfterThousandsOfBitFlips() throws Exception {
        flipTrials(SEED ^ 0x50a4L, 5_000);
    }

    private static void flipTrials(long seed, int trials) throws Exception {
        Random random = new Random(seed);
        for (int t = 0; t < trials; t++) {
            StoreFile f = segments.get(random.nextInt(segments.size()));
            // Every tenth trial aims at the newest segment, whose tail is the torn-write case.
            if (t % 10 == 0) {
                f = segments.get(segments.size() - 1);
            }
            long position = random.nextInt(f.bytes().length);
            int bit = random.nextInt(8);
            Path dir = copy();
            flipBit(dir.resolve(f.name()), position, bit);
            String context = where(seed, t, "bit " + bit + " of byte " + position + " of " + f.name());
            openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), random, context);
            deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- 2. ranges damaged in a sealed segment

    @Test
    void shouldKeepServingTheRecordsAfterDamagedRangesInASealedSegment() throws Exception {
        Random random = new Random(SEED + 2);
        for (int t = 0; t < 30; t++) {
            StoreFile f = segments.get(random.nextInt(segments.size() - 1)); // never the newest
            Path dir = copy();
            Path file = dir.resolve(f.name());
            String what;
            int length = 1 + random.nextInt(300);
            long lastStart = f.records().get(f.records().size() - 1).start();
            long position = random.nextInt((int) lastStart - length);
            switch (t % 3) {
                case 0 -> {
                    int bits = 2 + random.nextInt(10);
                    StringBuilder flipped = new StringBuilder();
                    for (int i = 0; i < bits; i++) {
                        long p = position + random.nextInt(length);
                        int bit = random.nextInt(8);
                        flipBit(file, p, bit);
                        flipped.append(' ').append(p).append('.').append(bit);
                    }
                    what = "bits (byte.bit)" + flipped;
                }
                case 1 -> {
                    overwrite(file, position, new byte[length]);
                    what = length + " zero bytes at " + position;
                }
                default -> {
                    byte[] noise = new byte[length];
                    random.nextBytes(noise);
                    overwrite(file, position, noise);
                    what = length + " random bytes at " + position;
                }
            }
            String context = where(SEED + 2, t, what + " of " + f.name());
            Expectation e = expectAfterSegmentDamage(dir);
            long lastRecord = f.lastSequence();
            assertTrue(deleted.contains(lastRecord) || e.served().contains(lastRecord),
                    context + ": the damage ends before the segment's last record, which must be served");
            openVerifyAppendReopen(dir, e, random, context);
            deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- 3. truncated segments

    @Test
    void shouldTruncateATornTailOfTheNewestSegmentAndKeepEverythingBeforeIt() throws Exception {
        Random random = new Random(SEED + 3);
        StoreFile newest = segments.get(segments.size() - 1);
        for (int t = 0; t < 20; t++) {
            Path dir = copy();
            long length = random.nextInt(newest.bytes().length);
            truncate(dir.resolve(newest.name()), length);
            // Every other trial as a crash leaves the file appended to: extended ahead, zeros after the cut.
            boolean zeros = t % 2 == 1;
            if (zeros) {
                extendWithZeros(dir.resolve(newest.name()), length + 64 * 1024);
            }
            String context = where(SEED + 3, t, newest.name() + " truncated to " + length + " bytes"
                    + (zeros ? ", then extended with zeros" : ""));
            Expectation e = expectAfterSegmentDamage(dir);
            assertEquals(0, e.lostAtMost(), context + ": a torn tail is not damage");
            openVerifyAppendReopen(dir, e, random, context);
            deleteTree(dir);
        }
    }

    @Test
    void shouldCountTheCutPartOfATruncatedSealedSegmentLostAndServeTheSegmentsAfterIt() throws Exception {
        Random random = new Random(SEED + 4);
        for (int t = 0; t < 20; t++) {
            StoreFile f = segments.get(random.nextInt(segments.size() - 1));
            Path dir = copy();
            // Every fourth trial cuts the file to nothing.
            long length = t % 4 == 0 ? 0 : random.nextInt(f.bytes().length);
            truncate(dir.resolve(f.name()), length);
            String context = where(SEED + 4, t, f.name() + " truncated to " + length + " bytes");
            openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), random, context);
            deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- 4. deleted segment files

    @Test
    void shouldServeEverythingElseWhenAMiddleSegmentIsMissing() throws Exception {
        for (int i = 1; i < segments.size() - 1; i++) {
            Path dir = copy();
            Files.delete(dir.resolve(segments.get(i).name()));
            String context = where(SEED, i, segments.get(i).name() + " deleted");
            openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), new Random(SEED + i), context);
            deleteTree(dir);
        }
    }

    @Test
    void shouldServeEverythingElseWhenTheOldestSegmentIsMissing() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve(segments.get(0).name()));
        openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), new Random(SEED),
                where(SEED, 0, segments.get(0).name() + " deleted"));
    }

    /**
     * A missing newest segment looks like a roll that never happened: nothing on disk says its
     * messages existed, so they go uncounted. What must hold: the rest is served, and sequences are
     * not reused, because the journal recorded the last sequence with the deletions made after it.
     */
    @Test
    void shouldServeEverythingBeforeAMissingNewestSegmentAndNotReuseItsSequences() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve(segments.get(segments.size() - 1).name()));
        openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), new Random(SEED),
                where(SEED, 0, "newest segment deleted"));
    }

    @Test
    void shouldOpenWithOnlyTheJournalLeftServingNothingAndKeepingTheLastSequence() throws Exception {
        Path dir = copy();
        for (StoreFile f : segments) {
            Files.delete(dir.resolve(f.name()));
        }
        openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), new Random(SEED), where(SEED, 0, "all segments deleted"));
    }

    /**
     * The finding this class could not close: a sealed segment that vanished whole (file deleted, or
     * cut to nothing or exactly at a record boundary) leaves a sequence gap but no damaged bytes, and
     * recovery reads such a gap as records that compaction removed after their deletion, so the
     * missing messages are neither served nor counted lost. Counting them needs recovery to tell the
     * two apart: the gap is legitimate only when the delete journal covers it, which holds today
     * except after a journal rewrite (it keeps no ranges between segments), a purge-all to a later
     * sequence (it journals only up to the old last sequence) and a crash between a compaction and
     * the journal record of its deletions. Enable this once those three are fixed.
     */
    @Test
    void shouldCountEveryMessageOfAMissingOrEmptiedSealedSegmentLost() throws Exception {
        Path dir = copy();
        Files.delete(dir.resolve(segments.get(0).name()));
        truncate(dir.resolve(segments.get(2).name()), 0);
        Files.delete(dir.resolve(segments.get(4).name()));
        openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir, true), new Random(SEED),
                where(SEED, 0, "segments 1, 3 and 5 deleted or emptied"));
    }

    // ---------------------------------------------------------------- 5. the delete journal

    /**
     * Deletions recorded in damaged journal records may reappear; everything served must still be
     * what was written, nothing else may go, and nothing is counted lost (no message was damaged).
     */
    private static Expectation expectAfterJournalDamage(Path dir) throws IOException {
        Path file = dir.resolve(DeleteJournal.FILE_NAME);
        boolean[] intact = intactRecords(journal, file);
        Set<Long> mayReappear = new TreeSet<>();
        for (int i = 0; i < intact.length; i++) {
            if (!intact[i]) {
                long[] ranges = journal.records().get(i).ranges();
                for (int r = 0; r < ranges.length; r += 2) {
                    for (long s = ranges[r]; s <= ranges[r + 1]; s++) {
                        mayReappear.add(s);
                    }
                }
            }
        }
        return new Expectation(live(), mayReappear, 0, MESSAGES);
    }

    @Test
    void shouldOpenAndServeOnlyWrittenDataWhenTheDeleteJournalIsDamaged() throws Exception {
        Random random = new Random(SEED + 5);
        for (int t = 0; t < 40; t++) {
            Path dir = copy();
            Path file = dir.resolve(DeleteJournal.FILE_NAME);
            String what;
            if (t == 0) {
                Files.delete(file);
                what = "journal deleted";
            } else if (t % 3 == 0) {
                long length = random.nextInt(journal.bytes().length);
                truncate(file, length);
                what = "journal truncated to " + length;
            } else {
                long position = random.nextInt(journal.bytes().length);
                int bit = random.nextInt(8);
                flipBit(file, position, bit);
                what = "journal bit " + bit + " of byte " + position;
            }
            openVerifyAppendReopen(dir, expectAfterJournalDamage(dir), random, where(SEED + 5, t, what));
            deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- 6. damage while open

    @Test
    void shouldNeverServeARecordDamagedAfterOpen() throws Exception {
        Random random = new Random(SEED + 6);
        Path dir = copy();
        try (FileStore store = FileStore.open(options(dir))) {
            for (int t = 0; t < 20; t++) {
                StoreFile f = segments.get(random.nextInt(segments.size()));
                Rec r = f.records().get(random.nextInt(f.records().size()));
                long position = r.start() + random.nextInt((int) (r.end() - r.start()));
                int bit = random.nextInt(8);
                String context = where(SEED + 6, t, "bit " + bit + " of byte " + position + " of " + f.name()
                        + " (sequence " + r.sequence() + ") flipped while open");
                flipBit(dir.resolve(f.name()), position, bit);
                assertNull(store.get(r.sequence()), context);
                // Nothing served anywhere differs from what was written.
                for (long seq = 1; seq <= MESSAGES; seq++) {
                    StoredMessage m = store.get(seq);
                    if (m != null) {
                        assertIdentical(written, m, context);
                    }
                }
                for (SubjectFilter filter : FILTERS) {
                    StoredMessage m = store.getLast(filter);
                    if (m != null) {
                        assertIdentical(written, m, context);
                    }
                    for (long from = 1; from <= MESSAGES; from += 1 + random.nextInt(40)) {
                        m = store.getNext(from, filter);
                        if (m != null) {
                            assertIdentical(written, m, context);
                            assertTrue(m.sequence() >= from, context);
                        }
                    }
                }
                flipBit(dir.resolve(f.name()), position, bit); // repaired for the next trial
                if (!deleted.contains(r.sequence())) {
                    assertIdentical(written, store.get(r.sequence()), context + ", repaired");
                }
            }
        }
    }

    // ---------------------------------------------------------------- sanity of the oracle

    @Test
    void shouldServeEverythingFromAnUndamagedCopy() throws Exception {
        Path dir = copy();
        openVerifyAppendReopen(dir, expectAfterSegmentDamage(dir), new Random(SEED), where(SEED, 0, "no damage"));
    }

    @Test
    void shouldFailTheOracleWhenAWrongMessageIsServed() {
        // The checks above are only as good as assertIdentical: make sure a differing payload fails.
        Written w = written.get(written.firstKey());
        byte[] other = Arrays.copyOf(w.payload(), w.payload().length + 1);
        StoredMessage wrong = new StoredMessage(w.sequence(), w.timestampNanos(), w.subject(), w.headers(), other);
        try {
            assertIdentical(written, wrong, "oracle self-check");
        } catch (AssertionError expected) {
            return;
        }
        fail("a message with a different payload passed the check");
    }
}
