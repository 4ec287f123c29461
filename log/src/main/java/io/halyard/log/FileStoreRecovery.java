package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens a store directory: replays the delete journal, then validates every record of every
 * segment, rebuilding the sparse indexes, the per-segment subject summaries and the per-subject
 * state in one pass.
 *
 * <ul>
 *   <li>A record that fails its checksum is never served: the sequences it covered are counted lost,
 *       logged, and become gaps; the records after it are kept.
 *   <li>Damage that runs to the end of the newest segment is a torn write: it is truncated.
 *   <li>Zeros after the last record are the unwritten part of a file extended ahead of its data
 *       ({@link LogSegment}): the newest segment keeps them to append into, a sealed one is cut
 *       back to its data; neither is damage.
 *   <li>Damage in the delete journal is logged: deletions it recorded may reappear (never data that
 *       was not written).
 * </ul>
 */
final class FileStoreRecovery {
    private static final System.Logger LOG = System.getLogger("io.halyard.log");

    final List<LogSegment> segments = new ArrayList<>();
    final HashMap<String, SubjectEntry> subjects = new HashMap<>();
    final SequenceRanges deletions = new SequenceRanges();
    long lastSequence;
    long lastTimestampNanos;
    long messages;
    long bytes;
    long lostMessages;
    long journalEnd;
    long truncatedBytes;

    private final Path directory;
    private final String name;

    FileStoreRecovery(Path directory, String name) {
        this.directory = directory;
        this.name = name;
    }

    void run(DeleteJournal journal) throws IOException {
        replayJournal(journal);
        removeCompactionLeftovers();
        List<Path> files = new ArrayList<>(segmentFiles());
        dropTrailingEmptySegments(files);
        if (!files.isEmpty()) {
            // Before the oldest file: everything there must have been deleted (the journal says so);
            // if not, an older file is missing.
            lose(null, 1, baseOf(files.get(0)) - 1, false);
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long base = baseOf(file);
            boolean newest = i == files.size() - 1;
            long nextBase = newest ? -1 : baseOf(files.get(i + 1));
            LogSegment segment = recoverSegment(file, base, newest, nextBase);
            if (!newest) {
                segment.releaseWriteHandle(); // sealed: read from now on, never written
            }
            segments.add(segment);
        }
        if (!segments.isEmpty()) {
            lastSequence = Math.max(lastSequence, segments.get(segments.size() - 1).baseSequence - 1);
        }
    }

    /** A crash during compaction leaves its unfinished output; the original segment is intact. */
    private void removeCompactionLeftovers() throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            for (Path p : list.filter(f -> f.getFileName().toString().endsWith(SegmentCompactor.TEMP_SUFFIX)).toList()) {
                Files.delete(p);
            }
        }
    }

    private static long baseOf(Path file) {
        return Long.parseLong(file.getFileName().toString().substring(0, 20));
    }

    /**
     * A crash right after a segment roll leaves the new file empty (or holding part of its first
     * record) while the write that was filling the previous segment may be torn. Such files hold
     * nothing that was ever durable: remove them, so the previous segment is the newest again and
     * its torn tail is truncated like any other, instead of being reported as damage. One empty
     * file is kept when no segment holds data at all: its name is the next sequence after a purge.
     */
    private void dropTrailingEmptySegments(List<Path> files) throws IOException {
        while (files.size() > 1) {
            Path newest = files.get(files.size() - 1);
            if (holdsValidRecord(newest)) {
                return;
            }
            boolean anyData = false;
            for (int i = files.size() - 2; i >= 0 && !anyData; i--) {
                anyData = holdsValidRecord(files.get(i));
            }
            if (!anyData) {
                return;
            }
            LOG.log(System.Logger.Level.INFO, "store {0}: removing {1}, created by a roll that never became durable",
                    name, newest.getFileName());
            Files.delete(newest);
            files.remove(files.size() - 1);
        }
    }

    private static boolean holdsValidRecord(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            if (ch.size() == 0) {
                return false;
            }
            boolean[] found = {false};
            new RecordScanner(ch).scan(new RecordScanner.Visitor() {
                @Override
                public void record(ByteBuffer buf, int offset, long position) {
                    found[0] = true;
                }

                @Override
                public void damaged(long from, long to) {
                    // only whether a valid record exists matters here
                }
            });
            return found[0];
        }
    }

    private void replayJournal(DeleteJournal journal) throws IOException {
        RecordScanner scanner = new RecordScanner(journal.channel());
        long end = scanner.scan(new RecordScanner.Visitor() {
            @Override
            public void record(ByteBuffer buf, int offset, long position) {
                if (buf.get(offset + RecordFormat.OFF_TYPE) != RecordFormat.TYPE_DELETION) {
                    return;
                }
                lastSequence = Math.max(lastSequence, buf.getLong(offset + RecordFormat.OFF_SEQUENCE));
                int n = DeleteJournal.rangeCount(buf, offset);
                for (int r = 0; r < n; r++) {
                    deletions.add(DeleteJournal.rangeFrom(buf, offset, r), DeleteJournal.rangeTo(buf, offset, r));
                }
            }

            @Override
            public void damaged(long from, long to) {
                LOG.log(System.Logger.Level.ERROR, "store {0}: delete journal damaged at bytes {1}..{2}; "
                        + "deletions recorded there may reappear", name, from, to);
            }
        });
        deletions.seal();
        long size = journal.channel().size();
        if (end < size) {
            LOG.log(System.Logger.Level.WARNING, "store {0}: truncating {1} bytes of torn tail from the delete journal",
                    name, size - end);
            journal.channel().truncate(end);
            journal.channel().force(true);
        }
        journal.appendPosition = end;
        journal.writtenPosition = end;
        journalEnd = end;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log"))
                    .sorted()
                    .toList();
        }
    }

    private LogSegment recoverSegment(Path file, long base, boolean newest, long nextBase) throws IOException {
        LogSegment segment = LogSegment.open(file, base, 0);
        long[] previous = {base - 1};
        boolean[] damagedBefore = {false};
        RecordScanner scanner = new RecordScanner(segment.writeChannel());
        long end = scanner.scan(new RecordScanner.Visitor() {
            @Override
            public void record(ByteBuffer buf, int offset, long position) {
                if (buf.get(offset + RecordFormat.OFF_TYPE) != RecordFormat.TYPE_MESSAGE) {
                    return;
                }
                long seq = buf.getLong(offset + RecordFormat.OFF_SEQUENCE);
                if (seq <= previous[0]) {
                    LOG.log(System.Logger.Level.ERROR, "store {0}: {1} has sequence {2} after {3}; skipped",
                            name, file.getFileName(), seq, previous[0]);
                    return;
                }
                if (seq > previous[0] + 1) {
                    lose(segment, previous[0] + 1, seq - 1, damagedBefore[0], true);
                }
                if (damagedBefore[0]) {
                    segment.indexResumePoint(seq, position);
                }
                damagedBefore[0] = false;
                previous[0] = seq;
                addMessage(segment, buf, offset, position, seq);
            }

            @Override
            public void damaged(long from, long to) {
                LOG.log(System.Logger.Level.ERROR, "store {0}: {1} bytes {2}..{3} fail their checksum; never served",
                        name, file.getFileName(), from, to);
                damagedBefore[0] = true;
                segment.addDamage(from, to);
            }
        });
        long size = segment.writeChannel().size();
        // Zeros after the data are the part of the file extended ahead and never written (see
        // LogSegment): the normal end. Only non-zero bytes after the last record are a torn tail.
        long dataEnd = end < size ? scanner.nonZeroEnd(end) : end;
        boolean tornTail = dataEnd > end;
        if (tornTail && newest) {
            LOG.log(System.Logger.Level.WARNING, "store {0}: truncating {1} bytes of torn tail from {2}",
                    name, dataEnd - end, file.getFileName());
            segment.trimTo(end);
            segment.writeChannel().force(true);
            truncatedBytes += dataEnd - end;
        } else if (tornTail) {
            LOG.log(System.Logger.Level.ERROR, "store {0}: {1} bytes {2}..{3} fail their checksum; never served",
                    name, file.getFileName(), end, dataEnd);
        } else if (!newest && size > end) {
            // A crash between a roll and the cut of the sealed segment's extension: finish the cut.
            segment.trimTo(end);
            segment.writeChannel().force(false);
        }
        if (!newest) {
            // Sequences up to the next file's first belong here: any without a record and not
            // journaled as deleted are lost (damaged, cut off at a record boundary, or never there).
            lose(segment, previous[0] + 1, nextBase - 1, tornTail);
        }
        segment.appendPosition = end;
        segment.durableBytes = end;
        return segment;
    }

    /**
     * Sequences {@code from..to} have no record. The delete journal says which of them were deleted
     * (compaction then removes their records, and whole segments go once empty); every other one is
     * counted lost: its record was damaged, cut off or its file removed. {@code segment} (may be
     * null) marks them deleted so that walks over live sequences skip them.
     */
    private void lose(LogSegment segment, long from, long to, boolean damaged) {
        lose(segment, from, to, damaged, false);
    }

    private void lose(LogSegment segment, long from, long to, boolean damaged, boolean inside) {
        if (to < from) {
            return;
        }
        if (segment != null && inside) {
            // A gap between two records of a segment is marked deleted, so walks over live sequences
            // skip it; a gap after a segment's last record is outside its range anyway.
            for (long s = from; s <= to; s++) {
                segment.deleted.add(s);
            }
        }
        long lost = (to - from + 1) - deletions.countCovered(from, to);
        if (lost > 0) {
            lostMessages += lost;
            LOG.log(System.Logger.Level.ERROR, "store {0}: sequences {1}..{2} {3} ({4} messages lost)",
                    name, from, to, damaged ? "fail their checksum" : "are missing (file cut or removed)", lost);
        }
        lastSequence = Math.max(lastSequence, to);
    }

    private void addMessage(LogSegment segment, ByteBuffer buf, int offset, long position, long seq) {
        String subject = RecordFormat.subject(buf, offset);
        SubjectEntry entry = subjects.get(subject);
        String canonical = entry != null ? entry.subject : subject;
        long accounted = RecordFormat.accountedBytes(buf, offset);
        long ts = buf.getLong(offset + RecordFormat.OFF_TIMESTAMP);
        segment.onMessage(seq, ts, canonical, position, accounted);
        lastSequence = Math.max(lastSequence, seq);
        lastTimestampNanos = Math.max(lastTimestampNanos, ts);
        if (deletions.contains(seq)) {
            segment.delete(seq, accounted);
            return;
        }
        if (entry == null) {
            entry = new SubjectEntry(canonical, seq, accounted);
            subjects.put(canonical, entry);
        }
        entry.last = seq;
        entry.lastBytes = accounted;
        entry.count++;
        messages++;
        bytes += accounted;
    }
}
