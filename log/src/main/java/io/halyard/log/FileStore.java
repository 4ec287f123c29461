package io.halyard.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A durable {@link StreamStore}: segment files of checksummed records, a delete journal, and a
 * {@link GroupCommitWriter} that makes appends durable in batches.
 *
 * <p>Layout of the directory: {@code 00000000000000000001.log} … (segments, named by their first
 * sequence), {@code deletes.log} (the delete journal), {@code lock} (held while open, so two
 * processes never share a store).
 *
 * <p><b>Threads and locks.</b> One lock ({@link #lock}) guards all in-memory state; it is held for
 * memory work only — file reads happen outside it, writes happen on the writer thread. Lock order:
 * this store's lock, then the writer's. {@link #get} takes no lock at all.
 */
public final class FileStore implements StreamStore {
    private static final System.Logger LOG = System.getLogger("io.halyard.log");
    private static final long HOUSEKEEPING_NANOS = 250_000_000L;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_RANGES_PER_RECORD = 4096;
    /** A point read lands at most one index interval before its record: read that much at once. */
    private static final int GET_BUFFER_BYTES = SparseIndex.INTERVAL_BYTES + 1024;
    /** Per-thread buffer for point reads, so a get allocates only the message it returns. */
    private static final ThreadLocal<ByteBuffer> GET_BUFFERS = ThreadLocal.withInitial(
            () -> ByteBuffer.allocate(GET_BUFFER_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN));
    private static final int SCAN_BUFFER_BYTES = 64 * 1024;
    /** The delete journal is rewritten once it is this large and mostly obsolete. */
    static final long JOURNAL_COMPACT_BYTES = 1024 * 1024;
    private static final long GRAVEYARD_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final StoreOptions options;
    private final Path directory;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final GroupCommitWriter writer;
    private DeleteJournal journal;
    private final java.util.Set<LogSegment> compacting = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Segments replaced by their compacted copy: closed once no reader can still hold them. */
    private final java.util.ArrayDeque<LogSegment> graveyard = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Long> graveyardSince = new java.util.ArrayDeque<>();
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final HashMap<String, SubjectEntry> subjects;
    private final RecentMessages recent = new RecentMessages(1024);

    private volatile LogSegment[] segments;
    private LogSegment active;
    private StoreLimits limits;
    private long firstSequence;
    private long lastSequence;
    private long messages;
    private long bytes;
    private long lastTimestampNanos;
    private long lostMessages;
    private boolean directoryDirty;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong checksumFailures = new java.util.concurrent.atomic.AtomicLong();

    // Result of the last metadata lookup (under the lock), so lookups allocate nothing.
    private String metaSubject;
    private int metaBytes;
    private long metaTimestamp;

    private FileStore(StoreOptions options) throws IOException {
        this.options = options;
        this.directory = options.directory();
        this.name = directory.getFileName().toString();
        this.limits = options.limits();
        Files.createDirectories(directory);
        lockChannel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            acquired = null; // held by this process already
        }
        if (acquired == null) {
            lockChannel.close();
            throw new IOException("store " + directory + " is open in another process");
        }
        fileLock = acquired;
        try {
            journal = new DeleteJournal(directory);
            FileStoreRecovery recovery = new FileStoreRecovery(directory, name);
            recovery.run(journal);
            subjects = recovery.subjects;
            lastSequence = recovery.lastSequence;
            lastTimestampNanos = recovery.lastTimestampNanos;
            messages = recovery.messages;
            bytes = recovery.bytes;
            lostMessages = recovery.lostMessages;
            List<LogSegment> list = new ArrayList<>(recovery.segments);
            forgetTail(list);
            if (list.isEmpty()) {
                list.add(LogSegment.create(directory, lastSequence + 1, options.segmentMaxBytes()));
                directoryDirty = true;
            }
            List<LogSegment> empty = new ArrayList<>();
            for (int i = 0; i < list.size() - 1; i++) {
                if (list.get(i).liveMessages == 0) {
                    empty.add(list.get(i));
                }
            }
            list.removeAll(empty);
            active = list.get(list.size() - 1);
            active.createdNanos = options.clock().epochNanos();
            active.extendLimitBytes = options.segmentMaxBytes();
            segments = list.toArray(new LogSegment[0]);
            firstSequence = lastSequence + 1;
            firstSequence = nextLiveSequence(1);
            recent.reset(lastSequence);
            writer = new GroupCommitWriter(name, directory, options.durability(), options.syncIntervalNanos(),
                    options.listener(), this::housekeeping, HOUSEKEEPING_NANOS, lastSequence);
            for (LogSegment s : empty) {
                s.drop();
            }
            if (options.limits() != StoreLimits.NONE) {
                enforceLimits(null);
            }
            writer.start();
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
    }

    /**
     * Sequences after the last record on disk but not after the last sequence the journal saw have
     * no record anywhere: appends a crash cut off, or a newest file that was lost. They are not
     * counted lost (a torn write looks the same), and are journaled as deleted now so that later
     * recoveries, finding them as a gap before newer records, agree.
     */
    private void forgetTail(List<LogSegment> list) throws IOException {
        long lastRecord = 0;
        for (LogSegment s : list) {
            lastRecord = Math.max(lastRecord, Math.max(s.lastSequence, s.baseSequence - 1));
        }
        if (lastSequence > lastRecord) {
            journal.appendNow(lastRecord + 1, lastSequence, lastSequence, options.clock().epochNanos());
        }
    }

    /** Opens (recovering) or creates the store in {@code options.directory()}. */
    public static FileStore open(StoreOptions options) throws IOException {
        return new FileStore(options);
    }

    // ---------------------------------------------------------------- appending

    @Override
    public long append(String subject, ByteBuffer headers, ByteBuffer payload) {
        return append(subject, headers, payload, 0);
    }

    /** {@inheritDoc} 0 for now. */
    @Override
    public long append(String subject, ByteBuffer headers, ByteBuffer payload, long timestampNanos) {
        int subjectLength = subject.length();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload.remaining();
        long recordLength = (long) RecordFormat.HEADER_BYTES + subjectLength + headersLength + payloadLength;
        if (subjectLength > 0xffff || recordLength > RecordFormat.MAX_RECORD_BYTES) {
            return REJECTED_MESSAGE_TOO_LARGE;
        }
        int length = (int) recordLength;
        int accounted = (int) StoreLimits.accountedBytes(subjectLength, headersLength, payloadLength);
        lock.lock();
        try {
            if (closed || writer.failure() != null) {
                return REJECTED_UNAVAILABLE;
            }
            StoreLimits l = limits;
            if (l.maxMessageBytes() > 0 && (long) headersLength + payloadLength > l.maxMessageBytes()) {
                return REJECTED_MESSAGE_TOO_LARGE;
            }
            long now = options.clock().epochNanos();
            if (l.maxAgeNanos() > 0 && messages > 0) {
                expireOlderThan(now - l.maxAgeNanos());
            }
            SubjectEntry entry = subjects.get(subject);
            long rejection = checkDiscardNew(l, entry, accounted);
            if (rejection != 0) {
                return rejection;
            }
            long seq = lastSequence + 1;
            long ts = Math.max(timestampNanos > 0 ? timestampNanos : now, lastTimestampNanos);
            if (needsRoll(length, now)) {
                roll(seq, now);
            }
            long position = active.appendPosition;
            writer.lock.lock();
            try {
                WriteBatch batch = writer.batchFor(length);
                if (batch == null) {
                    return REJECTED_UNAVAILABLE;
                }
                int at = batch.reserve(active, position, length);
                ByteBuffer buf = batch.buffer;
                RecordFormat.putHeader(buf, at, length, RecordFormat.TYPE_MESSAGE, subjectLength, headersLength, seq, ts);
                RecordFormat.putSubject(buf, at + RecordFormat.HEADER_BYTES, subject);
                if (headersLength > 0) {
                    buf.put(at + RecordFormat.HEADER_BYTES + subjectLength, headers, headers.position(), headersLength);
                }
                buf.put(at + RecordFormat.HEADER_BYTES + subjectLength + headersLength, payload, payload.position(),
                        payloadLength);
                batch.lastSequence = seq;
                if (directoryDirty) {
                    batch.syncDirectory = true;
                    directoryDirty = false;
                }
                writer.wake();
            } finally {
                writer.lock.unlock();
            }
            if (entry == null) {
                entry = new SubjectEntry(subject, seq, accounted);
                subjects.put(subject, entry);
            } else if (entry.count == 0) {
                entry.first = seq;
                entry.firstStale = false;
                entry.firstBytes = accounted;
            }
            entry.last = seq;
            entry.lastStale = false;
            entry.lastBytes = accounted;
            entry.count++;
            active.onMessage(seq, ts, entry.subject, position, accounted);
            active.appendPosition = position + length;
            recent.add(seq, entry.subject, accounted, ts, writer.durableSequence());
            if (messages == 0) {
                firstSequence = seq;
            }
            lastSequence = seq;
            lastTimestampNanos = ts;
            messages++;
            bytes += accounted;
            enforceLimits(entry);
            if (journal.appendPosition >= JOURNAL_COMPACT_BYTES) {
                maybeCompactJournal();
            }
            return seq;
        } finally {
            lock.unlock();
        }
    }

    private long checkDiscardNew(StoreLimits l, SubjectEntry entry, int accounted) {
        if (l.rejectsPerSubject() && l.maxMessagesPerSubject() > 0 && entry != null
                && entry.count >= l.maxMessagesPerSubject()) {
            return REJECTED_MAX_MESSAGES_PER_SUBJECT;
        }
        if (l.discard() != DiscardPolicy.NEW) {
            return 0;
        }
        // A subject at its per-subject limit gives up its oldest message for the new one, so the
        // store does not grow by a message (nats-server's discard-new exemption).
        boolean replaces = l.maxMessagesPerSubject() > 0 && entry != null && entry.count >= l.maxMessagesPerSubject();
        if (l.maxMessages() > 0 && messages >= l.maxMessages() && !replaces) {
            return REJECTED_MAX_MESSAGES;
        }
        if (l.maxBytes() > 0 && bytes + accounted > l.maxBytes()) {
            if (!replaces || !lookupMetadata(firstOf(entry)) || metaBytes < accounted) {
                return REJECTED_MAX_BYTES;
            }
        }
        return 0;
    }

    private boolean needsRoll(int length, long now) {
        if (active.appendPosition == 0) {
            return false;
        }
        if (active.appendPosition + length > options.segmentMaxBytes()) {
            return true;
        }
        return options.segmentMaxAgeNanos() > 0 && now - active.createdNanos >= options.segmentMaxAgeNanos();
    }

    private void roll(long nextSequence, long now) {
        try {
            LogSegment next = LogSegment.create(directory, nextSequence, options.segmentMaxBytes());
            next.createdNanos = now;
            LogSegment[] current = segments;
            LogSegment[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = next;
            LogSegment sealed = active;
            active = next;
            segments = grown;
            directoryDirty = true;
            writer.lock.lock();
            try {
                WriteBatch batch = writer.batchFor(0);
                if (batch != null) {
                    batch.sealed.add(sealed); // its extension ahead is cut once its last records are written
                    writer.wake();
                }
            } finally {
                writer.lock.unlock();
            }
            if (sealed.liveMessages == 0) {
                retire(sealed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a segment in " + directory, e);
        }
    }

    // ---------------------------------------------------------------- limits and removal

    /** Applies discard-old limits after an append ({@code appended} is its subject) or a limits change. */
    private void enforceLimits(SubjectEntry appended) {
        StoreLimits l = limits;
        if (l.maxMessagesPerSubject() > 0) {
            // On append, a discard-new-per-subject store has already rejected what would not fit;
            // on a limits update every policy trims (nats-server's UpdateConfig).
            if (appended != null) {
                trimSubject(appended, l.maxMessagesPerSubject());
            } else {
                for (SubjectEntry e : new ArrayList<>(subjects.values())) {
                    trimSubject(e, l.maxMessagesPerSubject());
                }
            }
        }
        // A discard-new store never grows past its limits; when new limits are lower it keeps what it
        // has and rejects until it is back under them (nats-server's UpdateConfig).
        if (l.maxMessages() > 0 && l.discard() == DiscardPolicy.OLD) {
            while (messages > l.maxMessages()) {
                removeFirst();
            }
        }
        if (l.maxBytes() > 0 && l.discard() == DiscardPolicy.OLD) {
            while (bytes > l.maxBytes() && messages > 0) {
                removeFirst();
            }
        }
        if (l.maxAgeNanos() > 0 && appended == null) {
            expireOlderThan(options.clock().epochNanos() - l.maxAgeNanos());
        }
    }

    private void trimSubject(SubjectEntry entry, long max) {
        while (entry.count > max) {
            long seq = firstOf(entry);
            removeMessage(seq, entry, true);
        }
    }

    private long expireOlderThan(long cutoffNanos) {
        long removed = 0;
        while (messages > 0 && lookupMetadata(firstSequence) && metaTimestamp <= cutoffNanos) {
            removeFirst();
            removed++;
        }
        return removed;
    }

    /** Removes the oldest message (a limit), recording the head advance in the batch's head record. */
    private void removeFirst() {
        long seq = firstSequence;
        removeMessage(seq, null, true);
    }

    /**
     * Removes a stored, live message and records its deletion in the journal. Removing the first
     * message widens the batch's head record, which says "everything up to here is gone" (from
     * sequence 1, so recovery never counts an older gap lost); any other gets a record of its own.
     *
     * @param entry    the message's subject entry if the caller knows it (it may know the size), or null
     * @param byLimits the store's limits removed it, so recovery (which applies them again) would
     *                 remove it again: its journal record need not be fsynced with this batch
     */
    private void removeMessage(long seq, SubjectEntry entry, boolean byLimits) {
        boolean wasFirst = seq == firstSequence;
        // Journaled before forget(), which may retire the segment: the writer may swap batches
        // between the two, and a segment's file must never go in a batch before the one that
        // records its last deletion (recovery would count that message lost).
        journalDeletion(seq, wasFirst, byLimits);
        if (!forget(seq, entry)) {
            throw new IllegalStateException("store " + name + ": no metadata for live sequence " + seq);
        }
    }

    /** Removes a live message from the in-memory state only; false when there is no such message. */
    private boolean forget(long seq) {
        return forget(seq, null);
    }

    /**
     * {@link #forget(long)}, where {@code known} (may be null) is the message's subject entry: when it
     * knows the message's size (its live first or last), nothing is read from the file.
     */
    private boolean forget(long seq, SubjectEntry known) {
        LogSegment segment = segmentFor(seq);
        if (segment == null || !segment.isLive(seq)) {
            return false;
        }
        long knownBytes = known == null ? -1 : known.knownBytes(seq);
        if (knownBytes >= 0) {
            metaSubject = known.subject;
            metaBytes = (int) knownBytes;
        } else if (!lookupMetadata(seq)) {
            return false;
        }
        int size = metaBytes;
        SubjectEntry entry = knownBytes >= 0 ? known : subjects.get(metaSubject);
        segment.delete(seq, size);
        messages--;
        bytes -= size;
        if (entry != null) {
            entry.count--;
            if (entry.count == 0) {
                subjects.remove(entry.subject);
            } else {
                if (seq == entry.first) {
                    entry.firstStale = true;
                }
                if (seq == entry.last) {
                    entry.lastStale = true;
                }
                if (entry.count == 1 && !entry.firstStale) {
                    entry.last = entry.first;
                    entry.lastStale = false;
                    entry.lastBytes = entry.firstBytes;
                } else if (entry.count == 1 && !entry.lastStale) {
                    entry.first = entry.last;
                    entry.firstStale = false;
                    entry.firstBytes = entry.lastBytes;
                }
            }
        }
        if (seq == firstSequence) {
            firstSequence = nextLiveSequence(seq + 1);
        }
        if (segment != active && segment.liveMessages == 0) {
            retire(segment);
        } else if (segment != active) {
            maybeCompact(segment);
        }
        return true;
    }

    // ---------------------------------------------------------------- compaction

    /** Schedules a rewrite of a sealed segment once more than half of its bytes are deleted records. */
    private void maybeCompact(LogSegment segment) {
        long liveRecordBytes = segment.liveBytes + (RecordFormat.HEADER_BYTES - 16L) * segment.liveMessages;
        if (segment.appendPosition < 4096 || liveRecordBytes * 2 > segment.appendPosition
                || segment.durableBytes != segment.appendPosition || !compacting.add(segment)) {
            return;
        }
        SegmentCompactor.EXECUTOR.execute(() -> compact(segment));
    }

    private void compact(LogSegment segment) {
        DeletedSet snapshot;
        long sourceBytes;
        lock.lock();
        try {
            if (closed || indexOf(segments, segment) < 0 || segment == active) {
                compacting.remove(segment);
                return;
            }
            snapshot = segment.deleted.copy();
            sourceBytes = segment.durableBytes;
            // The copy leaves out the records deleted so far; their journal records must be durable
            // before the copy replaces the original, or a crash would make them look lost.
            syncLocked();
        } finally {
            lock.unlock();
        }
        SegmentCompactor compactor = new SegmentCompactor(segment, snapshot);
        try {
            compactor.copy(sourceBytes);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "store " + name + ": compaction of "
                    + segment.path.getFileName() + " failed: " + e.getMessage());
            deleteQuietly(compactor.temp);
            lock.lock();
            try {
                compacting.remove(segment);
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            compacting.remove(segment);
            if (closed || indexOf(segments, segment) < 0) {
                deleteQuietly(compactor.temp);
                return;
            }
            // Readers that took the old segment before the swap keep reading the old file.
            segment.pinBeforeReplacement();
            Files.move(compactor.temp, segment.path, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            LogSegment fresh = LogSegment.openSealed(segment.path, segment.baseSequence, compactor.outputBytes,
                    segment.deleted);
            for (int i = 0; i < compactor.kept; i++) {
                long seq = compactor.sequences[i];
                SubjectEntry entry = subjects.get(compactor.subjects[i]);
                String subject = entry != null ? entry.subject : compactor.subjects[i];
                fresh.onMessage(seq, compactor.timestamps[i], subject, compactor.positions[i], compactor.sizes[i],
                        !segment.deleted.contains(seq));
            }
            fresh.createdNanos = segment.createdNanos;
            LogSegment[] current = segments;
            LogSegment[] replaced = current.clone();
            replaced[indexOf(current, segment)] = fresh;
            segments = replaced;
            graveyard.add(segment);
            graveyardSince.add(System.nanoTime());
            if (fresh.liveMessages == 0) {
                retire(fresh);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "store " + name + ": compaction of "
                    + segment.path.getFileName() + " could not be installed: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Closes replaced segments that no reader can still be using. Caller holds the lock. */
    private void buryOld(boolean all) {
        long now = System.nanoTime();
        while (!graveyard.isEmpty() && (all || now - graveyardSince.peek() > GRAVEYARD_NANOS)) {
            graveyard.poll().close();
            graveyardSince.poll();
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is removed on the next open
        }
    }

    /**
     * Rewrites the delete journal as one record of what is still deleted: everything before the
     * first message, and the gaps inside the segments that remain. Caller holds the lock.
     */
    private void maybeCompactJournal() {
        if (journal.appendPosition < JOURNAL_COMPACT_BYTES) {
            return;
        }
        SequenceRanges deleted = new SequenceRanges();
        deleted.add(1, firstSequence - 1);
        // Every sequence from the first message to the last that holds no live message: deleted in
        // a segment, compacted away, or in a segment dropped whole. Recovery counts any sequence
        // without a record that the journal does not cover as lost, so none may be left out.
        for (long seq = firstSequence; seq <= lastSequence; seq++) {
            LogSegment seg = segmentFor(seq);
            if (seg == null || !seg.isLive(seq)) {
                deleted.add(seq, seq);
            }
        }
        long[] ranges = deleted.pairs();
        int count = deleted.size();
        long freshBytes = (long) DeleteJournal.recordLength(MAX_RANGES_PER_RECORD) * (count / MAX_RANGES_PER_RECORD + 1);
        if (freshBytes * 2 > journal.appendPosition) {
            return; // most of the journal is still needed
        }
        syncLocked(); // nothing queued may still point into the old file
        Path temp = directory.resolve(DeleteJournal.FILE_NAME + SegmentCompactor.TEMP_SUFFIX);
        try {
            ByteBuffer buf = ByteBuffer.allocate((int) freshBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            int at = 0;
            for (int from = 0; from < Math.max(count, 1); from += MAX_RANGES_PER_RECORD) {
                int n = Math.min(MAX_RANGES_PER_RECORD, count - from);
                long[] part = Arrays.copyOfRange(ranges, from * 2, (from + n) * 2);
                DeleteJournal.put(buf, at, lastSequence, options.clock().epochNanos(), part, n);
                RecordFormat.seal(buf, at, crc);
                at += DeleteJournal.recordLength(n);
            }
            buf.limit(at);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            journal.close();
            Files.move(temp, journal.path(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            journal = new DeleteJournal(directory);
            journal.appendPosition = at;
            journal.writtenPosition = at;
        } catch (IOException e) {
            throw new UncheckedIOException("store " + name + ": cannot rewrite the delete journal", e);
        }
    }

    private void journalDeletion(long seq, boolean head, boolean byLimits) {
        writer.lock.lock();
        try {
            WriteBatch batch = writer.batchFor(DeleteJournal.recordLength(1));
            if (batch == null) {
                return; // failed or closing: nothing more becomes durable
            }
            if (!byLimits) {
                batch.syncAll = true;
            }
            if (head && batch.headRecordOffset >= 0) {
                DeleteJournal.widenHead(batch.buffer, batch.headRecordOffset, seq, lastSequence);
            } else {
                int length = DeleteJournal.recordLength(1);
                int at = batch.reserve(journal, journal.appendPosition, length);
                DeleteJournal.put(batch.buffer, at, lastSequence, options.clock().epochNanos(),
                        new long[] {head ? 1 : seq, seq}, 1);
                journal.appendPosition += length;
                if (head) {
                    batch.headRecordOffset = at;
                }
            }
            writer.wake();
        } finally {
            writer.lock.unlock();
        }
    }

    private void journalRanges(long[] ranges, int count) {
        for (int from = 0; from < count; from += MAX_RANGES_PER_RECORD) {
            int n = Math.min(MAX_RANGES_PER_RECORD, count - from);
            long[] part = Arrays.copyOfRange(ranges, from * 2, (from + n) * 2);
            writer.lock.lock();
            try {
                int length = DeleteJournal.recordLength(n);
                WriteBatch batch = writer.batchFor(length);
                if (batch == null) {
                    return;
                }
                batch.syncAll = true;
                int at = batch.reserve(journal, journal.appendPosition, length);
                DeleteJournal.put(batch.buffer, at, lastSequence, options.clock().epochNanos(), part, n);
                journal.appendPosition += length;
                writer.wake();
            } finally {
                writer.lock.unlock();
            }
        }
    }

    /** Takes a segment out of the store; its file goes once the batch that forgets it is durable. */
    private void retire(LogSegment segment) {
        LogSegment[] current = segments;
        int i = indexOf(current, segment);
        if (i < 0) {
            return;
        }
        LogSegment[] shrunk = new LogSegment[current.length - 1];
        System.arraycopy(current, 0, shrunk, 0, i);
        System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
        segments = shrunk;
        writer.lock.lock();
        try {
            WriteBatch batch = writer.batchFor(0);
            if (batch != null) {
                batch.retired.add(segment);
                writer.wake();
            } else {
                segment.close();
            }
        } finally {
            writer.lock.unlock();
        }
    }

    private static int indexOf(LogSegment[] list, LogSegment segment) {
        for (int i = 0; i < list.length; i++) {
            if (list[i] == segment) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- lookups under the lock

    /** The first live sequence at or after {@code from}, or {@code lastSequence + 1}. */
    private long nextLiveSequence(long from) {
        for (LogSegment s : segments) {
            if (s.firstSequence == 0 || s.lastSequence < from || s.liveMessages == 0) {
                continue;
            }
            for (long seq = Math.max(from, s.firstSequence); seq <= s.lastSequence; seq++) {
                if (!s.deleted.contains(seq)) {
                    return seq;
                }
            }
        }
        return lastSequence + 1;
    }

    /** Fills {@link #metaSubject}, {@link #metaBytes}, {@link #metaTimestamp} for a live sequence. */
    private boolean lookupMetadata(long seq) {
        if (recent.covers(seq)) {
            metaSubject = recent.subject(seq);
            metaBytes = recent.size(seq);
            metaTimestamp = recent.timestamp(seq);
            return true;
        }
        LogSegment segment = segmentFor(seq);
        if (segment == null) {
            return false;
        }
        try {
            SegmentCursor c = segment.cursor(segment.index.floorPosition(seq), GET_BUFFERS.get());
            while (c.next()) {
                if (c.type() == RecordFormat.TYPE_MESSAGE && c.sequence() >= seq) {
                    if (c.sequence() != seq) {
                        return false;
                    }
                    String subject = c.subject();
                    SubjectEntry entry = subjects.get(subject);
                    metaSubject = entry != null ? entry.subject : subject;
                    metaBytes = (int) RecordFormat.accountedBytes(c.buffer(), c.offset());
                    metaTimestamp = c.timestampNanos();
                    return true;
                }
            }
            if (c.corruptAt() >= 0) {
                reportCorruptRead(segment, c.corruptAt());
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("store " + name + ": cannot read " + segment.path.getFileName(), e);
        }
    }

    private long firstOf(SubjectEntry entry) {
        if (entry.firstStale) {
            long found = 0;
            long from = entry.first + 1;
            if (recent.covers(from)) {
                // Recent messages are in memory (and maybe not yet in their file): look there.
                for (long seq = from; seq <= lastSequence; seq++) {
                    if (recent.subject(seq) == entry.subject && isLive(seq)) {
                        found = seq;
                        break;
                    }
                }
            } else {
                awaitDurableLocked(lastSequence);
                StoredMessage m = findNext(from, SubjectFilter.of(entry.subject), entry.subject);
                found = m == null ? 0 : m.sequence();
            }
            entry.first = found == 0 ? entry.last : found;
            entry.firstStale = false;
            entry.firstBytes = entry.first == entry.last && !entry.lastStale ? entry.lastBytes : -1;
        }
        return entry.first;
    }

    private boolean isLive(long seq) {
        LogSegment s = segmentFor(seq);
        return s != null && s.isLive(seq);
    }

    private long lastOf(SubjectEntry entry) {
        if (entry.lastStale) {
            awaitDurableLocked(lastSequence);
            LogSegment[] list = segments;
            for (int i = list.length - 1; i >= 0; i--) {
                LogSegment s = list[i];
                LogSegment.SubjectRun run = s.subjects.get(entry.subject);
                if (run == null) {
                    continue;
                }
                long found = scanLast(s, run, entry.subject);
                if (found > 0) {
                    entry.last = found;
                    break;
                }
            }
            entry.lastStale = false;
            entry.lastBytes = -1;
        }
        return entry.last;
    }

    private long scanLast(LogSegment s, LogSegment.SubjectRun run, String subject) {
        long found = 0;
        try {
            SegmentCursor c = s.cursor(s.index.floorPosition(run.first), SCAN_BUFFER_BYTES);
            while (c.next()) {
                if (c.type() != RecordFormat.TYPE_MESSAGE) {
                    continue;
                }
                long seq = c.sequence();
                if (seq > run.last) {
                    break;
                }
                if (seq >= run.first && !s.deleted.contains(seq) && c.subjectEquals(subject)) {
                    found = seq;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private LogSegment segmentFor(long seq) {
        LogSegment[] list = segments;
        int lo = 0;
        int hi = list.length - 1;
        LogSegment found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list[mid].baseSequence <= seq) {
                found = list[mid];
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private void reportCorruptRead(LogSegment segment, long position) {
        checksumFailures.incrementAndGet();
        LOG.log(System.Logger.Level.ERROR, "store {0}: {1} fails its checksum at byte {2} on read; not served",
                name, segment.path.getFileName(), position);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long durableSequence() {
        return writer.durableSequence();
    }

    @Override
    public boolean awaitDurable(long sequence, long timeoutNanos) throws InterruptedException {
        return writer.awaitDurable(sequence, timeoutNanos);
    }

    @Override
    public StoredMessage get(long seq) {
        if (seq < 1 || seq > writer.durableSequence()) {
            return null;
        }
        LogSegment segment = segmentFor(seq);
        if (segment == null || segment.deleted.contains(seq)) {
            return null;
        }
        try {
            SegmentCursor c = segment.cursor(segment.index.floorPosition(seq), GET_BUFFERS.get());
            while (c.next()) {
                if (c.type() == RecordFormat.TYPE_MESSAGE && c.sequence() >= seq) {
                    if (c.sequence() != seq) {
                        break; // not there: deleted, or in a damaged record stepped over
                    }
                    return segment.deleted.contains(seq) ? null : c.message(null);
                }
            }
            if (c.corruptAt() >= 0) {
                reportCorruptRead(segment, c.corruptAt());
            }
            return null;
        } catch (IOException e) {
            if (segment.isDropped()) {
                return null;
            }
            throw new UncheckedIOException("store " + name + ": cannot read " + segment.path.getFileName(), e);
        }
    }

    @Override
    public StoredMessage getLast(SubjectFilter wanted) {
        SubjectFilter filter = wanted == null ? SubjectFilter.ALL : wanted;
        long seq;
        lock.lock();
        try {
            if (filter.isLiteral()) {
                SubjectEntry entry = subjects.get(filter.text());
                if (entry == null) {
                    return null;
                }
                seq = lastOf(entry);
            } else {
                seq = 0;
                for (SubjectEntry entry : subjects.values()) {
                    if (filter.matches(entry.subject)) {
                        seq = Math.max(seq, lastOf(entry));
                    }
                }
                if (seq == 0) {
                    return null;
                }
            }
        } finally {
            lock.unlock();
        }
        return readDurable(seq);
    }

    private StoredMessage readDurable(long seq) {
        if (seq > writer.durableSequence()) {
            try {
                if (!writer.awaitDurable(seq, WAIT_NANOS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return get(seq);
    }

    @Override
    public StoredMessage getNext(long fromSequence, SubjectFilter wanted) {
        SubjectFilter filter = wanted == null ? SubjectFilter.ALL : wanted;
        long from = Math.max(1, fromSequence);
        lock.lock();
        try {
            String literal = null;
            if (filter.isLiteral()) {
                SubjectEntry entry = subjects.get(filter.text());
                if (entry == null || lastOf(entry) < from) {
                    return null;
                }
                literal = entry.subject;
                if (from <= entry.first && !entry.firstStale) {
                    from = entry.first;
                }
            }
            if (from > lastSequence) {
                return null;
            }
            // Only durable records are scanned: a match still in a write batch is found once durable.
            return findNext(from, filter, literal);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, holding the store lock, until {@code seq} is durable. Safe: the writer never takes the
     * store lock while it writes. Used by lookups that scan files and must not miss batched records.
     */
    private void awaitDurableLocked(long seq) {
        if (seq <= writer.durableSequence()) {
            return;
        }
        try {
            writer.awaitDurable(seq, WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The first live message at or after {@code from} matching the filter, by scanning only the
     * segments whose subject summary has a match that reaches {@code from}. Caller holds the lock.
     */
    private StoredMessage findNext(long from, SubjectFilter filter, String literal) {
        for (LogSegment s : segments) {
            if (s.firstSequence == 0 || s.lastSequence < from || s.liveMessages == 0) {
                continue;
            }
            long start = startInSegment(s, from, filter, literal);
            if (start < 0) {
                continue;
            }
            // Searches go forward, mostly from where this thread's last one stopped (a consumer):
            // resume there in the bytes read then (see ReadAhead), else read 64 KiB from the index.
            ReadAhead readAhead = ReadAhead.forThread();
            ReadAhead.Slot slot = readAhead.resumable(s, start);
            if (slot == null) {
                slot = readAhead.take(s);
            }
            SegmentCursor c = s.cursor(Math.max(s.index.floorPosition(start), slot.nextPosition), slot);
            try {
                StoredMessage m = scan(s, c, start, filter, literal);
                if (m != null) {
                    slot.remember(c, m.sequence());
                    return m;
                }
                slot.keepBuffer(c);
            } catch (IOException | RuntimeException e) {
                slot.clear();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
        }
        return null;
    }

    /** Reads on from {@code c} to the first live message at or after {@code start} matching the filter. */
    private StoredMessage scan(LogSegment s, SegmentCursor c, long start, SubjectFilter filter, String literal)
            throws IOException {
        while (c.next()) {
            if (c.type() != RecordFormat.TYPE_MESSAGE) {
                continue;
            }
            long seq = c.sequence();
            if (seq < start || s.deleted.contains(seq)) {
                continue;
            }
            boolean match = literal != null ? c.subjectEquals(literal) : filter.matchesAll() || filter.matches(c.subject());
            if (match) {
                if (c.corruptAt() >= 0) {
                    reportCorruptRead(s, c.corruptAt());
                }
                return c.message(literal);
            }
        }
        if (c.corruptAt() >= 0) {
            reportCorruptRead(s, c.corruptAt());
        }
        return null;
    }

    private static long startInSegment(LogSegment s, long from, SubjectFilter filter, String literal) {
        if (filter.matchesAll()) {
            return Math.max(from, s.firstSequence);
        }
        if (literal != null) {
            LogSegment.SubjectRun run = s.subjects.get(literal);
            return run == null || run.last < from ? -1 : Math.max(from, run.first);
        }
        long start = Long.MAX_VALUE;
        for (Map.Entry<String, LogSegment.SubjectRun> e : s.subjects.entrySet()) {
            LogSegment.SubjectRun run = e.getValue();
            if (run.last >= from && filter.matches(e.getKey())) {
                start = Math.min(start, Math.max(from, run.first));
            }
        }
        return start == Long.MAX_VALUE ? -1 : start;
    }

    @Override
    public long sequenceAtOrAfter(long epochNanos) {
        lock.lock();
        try {
            awaitDurableLocked(lastSequence);
            for (LogSegment s : segments) {
                if (s.liveMessages == 0 || s.lastTimestampNanos < epochNanos) {
                    continue;
                }
                SegmentCursor c = s.cursor(0, SCAN_BUFFER_BYTES);
                while (c.next()) {
                    if (c.type() == RecordFormat.TYPE_MESSAGE && c.timestampNanos() >= epochNanos
                            && !s.deleted.contains(c.sequence())) {
                        return c.sequence();
                    }
                }
            }
            return lastSequence + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- deletion and purge

    @Override
    public boolean delete(long seq) {
        lock.lock();
        try {
            if (closed || seq < firstSequence || seq > lastSequence) {
                return false;
            }
            LogSegment s = segmentFor(seq);
            if (s == null || !s.isLive(seq)) {
                return false;
            }
            removeMessage(seq, null, false);
            maybeCompactJournal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long purge(SubjectFilter filter, long beforeSequence, long keep) {
        SubjectFilter f = filter == null ? SubjectFilter.ALL : filter;
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            long removed;
            if (f.matchesAll() && keep <= 0 && (beforeSequence <= 0 || beforeSequence > lastSequence)) {
                removed = purgeAll(Math.max(lastSequence + 1, beforeSequence));
            } else {
                removed = purgeMatching(f, beforeSequence, keep);
            }
            syncLocked();
            maybeCompactJournal();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Skips to {@code nextSequence}: journals the skipped range as deleted (recovery must not count
     * it lost) and starts a segment at it, so that no segment holds a gap of skipped sequences.
     */
    @Override
    public void skipTo(long nextSequence) {
        lock.lock();
        try {
            if (closed || writer.failure() != null || nextSequence <= lastSequence + 1) {
                return;
            }
            // Nothing may still be in a write batch: the recent messages (what limits read before it
            // is written) start again after the gap.
            syncLocked();
            long from = lastSequence + 1;
            lastSequence = nextSequence - 1; // recorded in the journal record, so recovery knows it
            journalRanges(new long[] {from, nextSequence - 1}, 1);
            if (messages == 0) {
                firstSequence = nextSequence;
            }
            roll(nextSequence, options.clock().epochNanos());
            recent.reset(lastSequence);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every message; the next append gets {@code nextSequence} (JetStream's compact). */
    private long purgeAll(long nextSequence) {
        long removed = messages;
        if (removed == 0 && nextSequence == lastSequence + 1) {
            return 0;
        }
        long purgedTo = lastSequence;
        lastSequence = nextSequence - 1; // recorded in the journal record, so recovery knows it
        // The whole range up to the new next sequence: recovery must not take skipped ones for lost.
        journalRanges(new long[] {1, nextSequence - 1}, 1);
        LogSegment[] old = segments;
        try {
            LogSegment fresh = LogSegment.create(directory, lastSequence + 1, options.segmentMaxBytes());
            fresh.createdNanos = options.clock().epochNanos();
            active = fresh;
            segments = new LogSegment[] {fresh};
            directoryDirty = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a segment in " + directory, e);
        }
        writer.lock.lock();
        try {
            WriteBatch batch = writer.batchFor(0);
            if (batch != null) {
                batch.retired.addAll(Arrays.asList(old));
                batch.syncDirectory = true;
                directoryDirty = false;
                writer.wake();
            }
        } finally {
            writer.lock.unlock();
        }
        subjects.clear();
        messages = 0;
        bytes = 0;
        firstSequence = lastSequence + 1;
        recent.reset(lastSequence);
        return removed;
    }

    private long purgeMatching(SubjectFilter f, long beforeSequence, long keep) {
        long matching = 0;
        for (SubjectEntry e : subjects.values()) {
            if (f.matches(e.subject)) {
                matching += e.count;
            }
        }
        long toRemove = keep > 0 ? matching - keep : Long.MAX_VALUE;
        if (toRemove <= 0 || matching == 0) {
            return 0;
        }
        long end = beforeSequence > 0 ? Math.min(beforeSequence - 1, lastSequence) : lastSequence;
        awaitDurableLocked(lastSequence);
        // Collect first, then remove: removal reads metadata and retires segments.
        long[] found = new long[64];
        int n = 0;
        outer:
        for (LogSegment s : segments.clone()) {
            if (s.firstSequence == 0 || s.firstSequence > end || s.liveMessages == 0) {
                continue;
            }
            try {
                SegmentCursor c = s.cursor(0, SCAN_BUFFER_BYTES);
                while (c.next()) {
                    if (c.type() != RecordFormat.TYPE_MESSAGE) {
                        continue;
                    }
                    long seq = c.sequence();
                    if (seq > end) {
                        break outer;
                    }
                    if (s.deleted.contains(seq) || !(f.matchesAll() || f.matches(c.subject()))) {
                        continue;
                    }
                    if (n == found.length) {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = seq;
                    if (n >= toRemove) {
                        break outer;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        SequenceRanges removed = new SequenceRanges();
        for (int i = 0; i < n; i++) {
            removed.add(found[i], found[i]);
        }
        // Journaled before forget() retires emptied segments (see removeMessage).
        journalRanges(removed.pairs(), removed.size());
        for (int i = 0; i < n; i++) {
            forget(found[i]);
        }
        return n;
    }

    @Override
    public long expire() {
        lock.lock();
        try {
            if (closed || limits.maxAgeNanos() <= 0) {
                return 0;
            }
            return expireOlderThan(options.clock().epochNanos() - limits.maxAgeNanos());
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the writer thread: age expiry without waiting for the next append. */
    private void housekeeping() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            buryOld(false);
            if (!closed && limits.maxAgeNanos() > 0) {
                expireOlderThan(options.clock().epochNanos() - limits.maxAgeNanos());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sync() {
        lock.lock();
        try {
            syncLocked();
        } finally {
            lock.unlock();
        }
    }

    private void syncLocked() {
        try {
            writer.flush(WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public StoreState state() {
        lock.lock();
        try {
            long firstTs = 0;
            if (messages > 0 && lookupMetadata(firstSequence)) {
                firstTs = metaTimestamp;
            }
            long span = messages == 0 ? 0 : lastSequence - firstSequence + 1;
            return new StoreState(messages, bytes, firstSequence, firstTs, lastSequence,
                    messages == 0 ? 0 : lastTimestampNanos, subjects.size(), span - messages, lostMessages);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SubjectState subjectState(String subject) {
        lock.lock();
        try {
            SubjectEntry e = subjects.get(subject);
            if (e == null) {
                return null;
            }
            return new SubjectState(e.subject, e.count, firstOf(e), lastOf(e));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Long> subjectCounts(SubjectFilter filter) {
        lock.lock();
        try {
            Map<String, Long> counts = new TreeMap<>();
            for (SubjectEntry e : subjects.values()) {
                if (filter == null || filter.matches(e.subject)) {
                    counts.put(e.subject, e.count);
                }
            }
            return counts;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoreLimits limits() {
        lock.lock();
        try {
            return limits;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void updateLimits(StoreLimits newLimits) {
        lock.lock();
        try {
            if (!closed) {
                // Deletions made under the old limits must be on disk before looser ones are in force:
                // recovery under the new limits would not make them again.
                syncLocked();
            }
            limits = newLimits;
            if (!closed) {
                enforceLimits(null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that failed their checksum when read after the store was opened (bit rot since
     * recovery): never served, logged, counted here for metrics. Damage found on open is in
     * {@link StoreState#lostMessages()}.
     */
    public long checksumFailures() {
        return checksumFailures.get();
    }

    /** Number of segment files in use (for tests and metrics). */
    public int segmentCount() {
        return segments.length;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        writer.close(WAIT_NANOS);
        awaitCompactions();
        lock.lock();
        try {
            buryOld(true);
        } finally {
            lock.unlock();
        }
        if (writer.isStopped()) {
            cutToData();
        }
        for (LogSegment s : segments) {
            s.close();
        }
        journal.close();
        releaseLock();
    }

    /**
     * Cuts every segment file back to the data written (the one appended to was extended ahead of
     * it), so that a closed store's files are exact. Once the writer has stopped.
     */
    private void cutToData() {
        for (LogSegment s : segments) {
            try {
                if (s.trimTo(s.durableBytes)) {
                    s.writeChannel().force(false);
                }
            } catch (IOException e) {
                // Recovery takes the zeros left for the unwritten end of the file.
                LOG.log(System.Logger.Level.WARNING, "store " + name + ": cannot cut " + s.path.getFileName()
                        + " back to its data: " + e.getMessage());
            }
        }
    }

    /**
     * Lets a compaction under way finish or give up (it sees {@code closed}) before the files close,
     * so that none writes into the directory after close returns.
     */
    private void awaitCompactions() {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            lock.lock();
            try {
                if (compacting.isEmpty()) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void releaseLock() {
        try {
            if (fileLock != null) {
                fileLock.release();
            }
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
