package io.halyard.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One segment file of a {@link FileStore}: records of consecutive sequences from {@link #baseSequence}
 * on, a {@link SparseIndex} into them, which of them are deleted, and a summary of the subjects it
 * holds (first and last sequence per subject) so that subject searches skip segments without the
 * subject.
 *
 * <p>The file is named after its base sequence, zero-padded so that names sort like numbers.
 *
 * <p><b>Pre-extension.</b> The file being appended to is extended sparsely ahead of its data, in
 * steps of {@link #EXTEND_STEP_BYTES} up to {@link #extendLimitBytes}, so that most fdatasyncs find
 * the file size unchanged and need not write the inode too (on ext4, 305 instead of 413 µs wall and
 * 51 instead of 87 µs CPU per 200-byte write + fdatasync; in the server the writer thread's
 * fdatasync took 90 instead of 186 µs of system time). The size is therefore not the end of data:
 * {@link #appendPosition} and {@link #durableBytes} are, and recovery takes the zeros after the last
 * record for the unwritten rest of the file. A sealed segment (rolled, or the store closed) is cut
 * back to its data, so that sealed files are exact.
 *
 * <p>The extension needs no fsync of its own: fdatasync writes a changed file size too (fdatasync(2):
 * "a change to the file size ... would require a metadata flush"), so the extension becomes durable
 * with the first data written into it, and before that nothing in it is acknowledged.
 *
 * <p><b>Descriptors.</b> Only the segment being appended to keeps a write descriptor: a sealed one
 * gives it up once its cut is fsynced ({@link #releaseWriteHandle}), and segments opened sealed
 * (recovered, compacted) never hold one past their opening. Read descriptors open on the first read
 * and are shared by every store of the process under the {@link ReadChannels} budget, so a store of
 * any size holds a bounded number of files open.
 *
 * <p><b>Threads.</b> Appends and deletions are made by the store under its lock. Readers on any
 * thread use {@link #durableBytes} as the end of readable data, the index and the deleted set
 * (both safe to read without the lock), and a read channel of their own: an interrupted reader
 * closes a {@link FileChannel}, and that must not close the writer's.
 */
final class LogSegment implements BatchTarget {
    /** How far ahead of the data the file is extended at a time. */
    static final long EXTEND_STEP_BYTES = 4L * 1024 * 1024;

    /** First and last sequence, and count, of one subject within the segment (deleted ones included). */
    static final class SubjectRun {
        long first;
        long last;

        SubjectRun(long sequence) {
            first = sequence;
            last = sequence;
        }
    }

    final long baseSequence;
    final Path path;
    /**
     * Owns the write descriptor; its {@link RandomAccessFile#setLength} extends sparsely (ftruncate).
     * Null once released, or for a segment opened sealed.
     */
    private RandomAccessFile file;
    private final FileChannel writeChannel;
    private volatile FileChannel readChannel;
    private volatile boolean dropped;
    /** Read since the {@link ReadChannels} clock last passed: spared from eviction once. */
    private volatile boolean referenced;
    /**
     * Replaced by its compacted copy under the same name: its read channel, opened before the rename,
     * is the only way to the old file, so the budget never evicts it and it is never reopened by name.
     */
    private volatile boolean replaced;

    final SparseIndex index = new SparseIndex();
    final DeletedSet deleted;
    /** Keys are the store's canonical subject strings. */
    final Map<String, SubjectRun> subjects = new HashMap<>();

    // Owned by the appender, under the store's lock.
    long appendPosition;
    long firstSequence;
    long lastSequence;
    long firstTimestampNanos;
    long lastTimestampNanos;
    long liveMessages;
    long liveBytes;
    long createdNanos;

    /** File ranges {from, to} found damaged on recovery, which readers step over. */
    private volatile long[] damaged = new long[0];

    /** Bytes written (and, in ALWAYS mode, fsynced): readers never look past this. */
    volatile long durableBytes;

    /**
     * How far the file may be extended ahead of its data: the store's segment size for the segment
     * being appended to, 0 (never ahead of the data) for others. Set before the writer thread sees it.
     */
    long extendLimitBytes;

    /** The file's size. Owned by the writer thread (before it starts: the opener; after: the closer). */
    private long fileBytes;

    private LogSegment(long baseSequence, Path path, RandomAccessFile file, long validBytes, DeletedSet deleted)
            throws IOException {
        this.baseSequence = baseSequence;
        this.path = path;
        this.file = file;
        this.writeChannel = file != null ? file.getChannel() : null;
        this.deleted = deleted != null ? deleted : new DeletedSet(baseSequence);
        this.appendPosition = validBytes;
        this.durableBytes = validBytes;
        this.fileBytes = writeChannel != null ? writeChannel.size() : Files.size(path);
    }

    static String fileName(long baseSequence) {
        return String.format("%020d.log", baseSequence);
    }

    /** Creates the segment file (it must not exist) to append to, extended ahead up to {@code maxBytes}. */
    static LogSegment create(Path directory, long baseSequence, long maxBytes) throws IOException {
        Path path = directory.resolve(fileName(baseSequence));
        Files.createFile(path);
        LogSegment segment = new LogSegment(baseSequence, path, new RandomAccessFile(path.toFile(), "rw"), 0, null);
        segment.extendLimitBytes = maxBytes;
        return segment;
    }

    static LogSegment open(Path path, long baseSequence, long validBytes) throws IOException {
        return open(path, baseSequence, validBytes, null);
    }

    /**
     * Opens a sealed segment file, which is never written, sharing an existing deleted set (a compacted
     * segment replacing its original): no descriptor stays open until it is read.
     */
    static LogSegment openSealed(Path path, long baseSequence, long validBytes, DeletedSet deleted) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        return new LogSegment(baseSequence, path, null, validBytes, deleted);
    }

    /** Opens a segment file to recover it (it may be cut) and, if it is the newest, append to it. */
    static LogSegment open(Path path, long baseSequence, long validBytes, DeletedSet deleted) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try {
            return new LogSegment(baseSequence, path, file, validBytes, deleted);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The write channel: closed once {@link #releaseWriteHandle released}, null if opened sealed. */
    @Override
    public FileChannel writeChannel() {
        return writeChannel;
    }

    /**
     * Closes the write descriptor of a sealed segment, whose data and cut the caller has fsynced:
     * nothing is written to it any more. Writer thread, or the opener before the writer starts.
     */
    void releaseWriteHandle() {
        RandomAccessFile f = file;
        if (f != null) {
            file = null;
            try {
                f.close();
            } catch (IOException ignored) {
                // everything written was fsynced before: nothing to lose
            }
        }
    }

    /** Whether the segment still holds a write descriptor. */
    boolean holdsWriteHandle() {
        return file != null;
    }

    @Override
    public void onWritten(long endPosition) {
        durableBytes = endPosition;
    }

    /**
     * Extends the file sparsely so that bytes up to {@code endPosition} lie inside it, by a step ahead
     * where the segment may still grow: a record larger than the step gets the step after it; a
     * segment past its nominal size (one record larger than a segment) is extended to exactly its end.
     */
    @Override
    public void reserve(long endPosition) throws IOException {
        if (endPosition <= fileBytes) {
            return;
        }
        long size = Math.max(endPosition, Math.min(endPosition + EXTEND_STEP_BYTES, extendLimitBytes));
        file.setLength(size);
        fileBytes = size;
    }

    /**
     * Cuts the file back to {@code dataEnd}, the end of its data, if it was extended beyond it (the
     * segment is sealed or the store closes). The caller fsyncs, or leaves a zero tail that recovery
     * removes quietly.
     *
     * @return whether the file changed
     */
    boolean trimTo(long dataEnd) throws IOException {
        if (fileBytes <= dataEnd || file == null) {
            return false;
        }
        writeChannel.truncate(dataEnd);
        fileBytes = dataEnd;
        return true;
    }

    /** Indexes the record after a damaged range, so lookups past the damage start beyond it. */
    void indexResumePoint(long sequence, long position) {
        index.onAppend(sequence, position, true);
    }

    /** Records an appended (or recovered) message's metadata. */
    void onMessage(long sequence, long timestampNanos, String subject, long position, long accountedBytes) {
        onMessage(sequence, timestampNanos, subject, position, accountedBytes, true);
    }

    /** Records a message's metadata; a message already deleted is indexed but not counted live. */
    void onMessage(long sequence, long timestampNanos, String subject, long position, long accountedBytes,
                   boolean live) {
        if (firstSequence == 0) {
            firstSequence = sequence;
            firstTimestampNanos = timestampNanos;
        }
        lastSequence = sequence;
        lastTimestampNanos = timestampNanos;
        index.onAppend(sequence, position, false);
        SubjectRun run = subjects.get(subject);
        if (run == null) {
            subjects.put(subject, new SubjectRun(sequence));
        } else {
            run.last = sequence;
        }
        if (live) {
            liveMessages++;
            liveBytes += accountedBytes;
        }
    }

    /** Records bytes [from, to) as damaged: readers skip them. */
    void addDamage(long from, long to) {
        long[] d = java.util.Arrays.copyOf(damaged, damaged.length + 2);
        d[d.length - 2] = from;
        d[d.length - 1] = to;
        damaged = d;
    }

    /** The end of the known damaged range starting at {@code position}, or -1. */
    long damageEndingAfter(long position) {
        long[] d = damaged;
        for (int i = 0; i < d.length; i += 2) {
            if (position >= d[i] && position < d[i + 1]) {
                return d[i + 1];
            }
        }
        return -1;
    }

    boolean holds(long sequence) {
        return firstSequence != 0 && sequence >= firstSequence && sequence <= lastSequence;
    }

    boolean isLive(long sequence) {
        return holds(sequence) && !deleted.contains(sequence);
    }

    /** Marks a stored message deleted; false if it already was. */
    boolean delete(long sequence, long accountedBytes) {
        if (!deleted.add(sequence)) {
            return false;
        }
        liveMessages--;
        liveBytes -= accountedBytes;
        return true;
    }

    boolean isDropped() {
        return dropped;
    }

    /** A cursor over this segment's readable records from {@code position}. */
    SegmentCursor cursor(long position, int bufferBytes) {
        return new SegmentCursor(this, position, durableBytes, bufferBytes);
    }

    /** A cursor reading through the caller's buffer (a point read reusing a per-thread buffer). */
    SegmentCursor cursor(long position, java.nio.ByteBuffer buffer) {
        return new SegmentCursor(this, position, durableBytes, buffer);
    }

    /** A cursor resuming at {@code position} in what {@code slot} read of this segment before. */
    SegmentCursor cursor(long position, ReadAhead.Slot slot) {
        return new SegmentCursor(this, position, durableBytes, slot.buffer, slot.bufferStart, slot.bufferLength);
    }

    /** Reads at {@code position} into {@code dst}; reopens the read channel if an interrupt closed it. */
    int read(ByteBuffer dst, long position) throws IOException {
        if (!referenced) {
            referenced = true;
        }
        int closedUnderUs = 0;
        while (true) {
            FileChannel ch = readChannel();
            try {
                return ch.read(dst, position);
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (ClosedChannelException e) {
                if (dropped) {
                    throw e;
                }
                // Evicted by the descriptor budget (the field no longer holds it): reopen, however
                // often. Closed by another reader's interrupt (the field still does): reopen a few times.
                synchronized (this) {
                    if (readChannel == ch) {
                        readChannel = null;
                        ReadChannels.closed(this);
                        if (++closedUnderUs > 2) {
                            throw e;
                        }
                    }
                }
            }
        }
    }

    private FileChannel readChannel() throws IOException {
        FileChannel ch = readChannel;
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        synchronized (this) {
            if (dropped) {
                throw new ClosedChannelException();
            }
            ch = readChannel;
            if (ch == null || !ch.isOpen()) {
                if (replaced) {
                    throw new ClosedChannelException(); // its name now holds the compacted copy
                }
                if (ch != null) {
                    ReadChannels.closed(this); // closed by an interrupt
                }
                readChannel = null;
                ch = FileChannel.open(path, StandardOpenOption.READ);
                readChannel = ch;
                ReadChannels.opened(this);
            } else {
                return ch;
            }
        }
        ReadChannels.trim(this); // never under this segment's monitor: eviction takes other segments'
        return ch;
    }

    boolean hasReadChannel() {
        return readChannel != null;
    }

    /** Returns whether the segment was read since the last call, and clears it. */
    boolean clearReferenced() {
        boolean was = referenced;
        if (was) {
            referenced = false;
        }
        return was;
    }

    /**
     * Called before a compacted copy is renamed over this segment's file: opens the read channel if it
     * is closed (so it holds the old file) and keeps it from eviction until {@link #close}, so that
     * readers still holding this segment read the bytes its index points into.
     */
    synchronized void pinBeforeReplacement() throws IOException {
        FileChannel ch = readChannel;
        if (ch == null || !ch.isOpen()) {
            if (ch != null) {
                ReadChannels.closed(this); // closed by an interrupt
            }
            readChannel = FileChannel.open(path, StandardOpenOption.READ);
            ReadChannels.opened(this);
        }
        replaced = true; // under this monitor: no eviction between the open and the pin
    }

    boolean isReplaced() {
        return replaced;
    }

    /** Closes the read channel to keep within the budget; the next read reopens it. */
    synchronized void evictReadChannel() {
        if (replaced) {
            return; // pinned to the old file until buried
        }
        FileChannel ch = readChannel;
        if (ch != null) {
            readChannel = null;
            closeQuietly(ch);
            ReadChannels.closed(this);
        }
    }

    /** Closes the files; the segment stays readable through nothing. */
    void close() {
        synchronized (this) {
            dropped = true;
            FileChannel ch = readChannel;
            if (ch != null) {
                readChannel = null;
                closeQuietly(ch);
                ReadChannels.closed(this);
            }
        }
        closeQuietly(writeChannel);
        releaseWriteHandle();
    }

    /** Closes and deletes the file. */
    void drop() {
        close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete segment " + path.getFileName(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a file we are done with: nothing to recover
            }
        }
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + firstSequence + ".." + lastSequence + ", live " + liveMessages + "]";
    }
}
