package io.halyard.log;

import java.io.IOException;
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
 * <p><b>Threads.</b> Appends and deletions are made by the store under its lock. Readers on any
 * thread use {@link #durableBytes} as the end of readable data, the index and the deleted set
 * (both safe to read without the lock), and a read channel of their own: an interrupted reader
 * closes a {@link FileChannel}, and that must not close the writer's.
 */
final class LogSegment implements BatchTarget {
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
    private final FileChannel writeChannel;
    private volatile FileChannel readChannel;
    private volatile boolean dropped;

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

    private LogSegment(long baseSequence, Path path, FileChannel writeChannel, long size, DeletedSet deleted) {
        this.baseSequence = baseSequence;
        this.path = path;
        this.writeChannel = writeChannel;
        this.deleted = deleted != null ? deleted : new DeletedSet(baseSequence);
        this.appendPosition = size;
        this.durableBytes = size;
    }

    static String fileName(long baseSequence) {
        return String.format("%020d.log", baseSequence);
    }

    static LogSegment create(Path directory, long baseSequence) throws IOException {
        Path path = directory.resolve(fileName(baseSequence));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        return new LogSegment(baseSequence, path, ch, 0, null);
    }

    static LogSegment open(Path path, long baseSequence, long validBytes) throws IOException {
        return open(path, baseSequence, validBytes, null);
    }

    /** Opens a segment file sharing an existing deleted set (a compacted segment replacing its original). */
    static LogSegment open(Path path, long baseSequence, long validBytes, DeletedSet deleted) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new LogSegment(baseSequence, path, ch, validBytes, deleted);
    }

    @Override
    public FileChannel writeChannel() {
        return writeChannel;
    }

    @Override
    public void onWritten(long endPosition) {
        durableBytes = endPosition;
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
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = readChannel();
            try {
                return ch.read(dst, position);
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (ClosedChannelException e) {
                if (dropped || attempt > 2) {
                    throw e;
                }
                // Closed by another reader's interrupt: reopen and try again.
                synchronized (this) {
                    if (readChannel == ch) {
                        readChannel = null;
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
                ch = FileChannel.open(path, StandardOpenOption.READ);
                readChannel = ch;
            }
            return ch;
        }
    }

    /** Closes the files; the segment stays readable through nothing. */
    void close() {
        synchronized (this) {
            dropped = true;
            closeQuietly(readChannel);
            readChannel = null;
        }
        closeQuietly(writeChannel);
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
