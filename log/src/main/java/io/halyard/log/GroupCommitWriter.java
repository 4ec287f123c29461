package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The single thread that writes a store's files: group commit with two batches.
 *
 * <p>Appenders copy complete records into the <em>filling</em> batch. The writer thread swaps it with
 * the empty spare, then — without any lock — checksums the records, writes them to their files
 * (one write per file and contiguous range, however the records of different files interleave;
 * a segment's file extended ahead first, {@link BatchTarget#reserve}), fsyncs (in
 * {@link DurabilityMode#ALWAYS}) and publishes the new durable sequence. Everything appended while
 * one fsync runs goes out with the next one, so the number of fsyncs per second is bounded by the
 * disk, not by the append rate.
 *
 * <p><b>Deferred fsyncs.</b> The delete journal's records of deletions made by limits (a KV update
 * removing the key's previous value, max_msgs, max_age) are written with their batch but fsynced only
 * with the next batch that needs it ({@link WriteBatch#syncAll}: a deletion that recovery could not
 * derive again, a segment file being dropped, a {@link #flush}), at an {@code INTERVAL} sync, or at
 * close. Recovery applies the limits again, so losing such a record to a power failure only repeats
 * the deletion; meanwhile a KV update costs one fsync instead of two.
 *
 * <p>Back-pressure: a batch grows (up to {@link #MAX_BATCH_BYTES}) when appenders outrun the disk;
 * past that, an appender waits for the swap.
 *
 * <p>An I/O error is fatal to the store: after a failed write or fsync the file state is unknown
 * (a failed fsync may have dropped dirty pages), so nothing more is acknowledged.
 *
 * <p><b>Threads and locks.</b> {@link #lock} guards the filling batch and the durable state; the
 * store takes it while holding its own lock (order: store, then writer), and the writer thread never
 * takes the store's lock while holding this one.
 */
final class GroupCommitWriter implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.halyard.log");
    static final int INITIAL_BATCH_BYTES = 64 * 1024;
    static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

    interface Housekeeping {
        /** Called on the writer thread when idle and periodically; must not block on the store. */
        void run();
    }

    final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final Condition durable = lock.newCondition();

    private final String name;
    private final Path directory;
    private final DurabilityMode mode;
    private final long syncIntervalNanos;
    private final DurabilityListener listener;
    private final Housekeeping housekeeping;
    private final long housekeepingIntervalNanos;
    private final CRC32C crc = new CRC32C();
    private final Map<FileChannel, Boolean> unsynced = new IdentityHashMap<>();
    /** Written files whose fsync waits for a batch that asks for it (the delete journal). */
    private final Map<FileChannel, Boolean> deferred = new IdentityHashMap<>();

    // How write() groups a batch's chunks into runs, one write each; writer thread only, reused.
    private BatchTarget[] runTargets = new BatchTarget[4];
    private long[] runStarts = new long[4];
    private long[] runEnds = new long[4];
    private int[] runFirstChunk = new int[4];
    private int[] runLastChunk = new int[4];
    /** Per chunk: the next chunk of its run, or -1. */
    private int[] nextChunkInRun = new int[64];
    private ByteBuffer[] gather = new ByteBuffer[64];

    private WriteBatch filling = new WriteBatch(INITIAL_BATCH_BYTES);
    private WriteBatch spare = new WriteBatch(INITIAL_BATCH_BYTES);
    private boolean writerWaiting;
    private boolean closing;
    private int durableWaiters;
    private volatile long durableSequence;
    private volatile IOException failure;
    /** The thread has written its last batch: nothing more will become durable. */
    private volatile boolean stopped;
    private Thread thread;

    GroupCommitWriter(String name, Path directory, DurabilityMode mode, long syncIntervalNanos,
                      DurabilityListener listener, Housekeeping housekeeping, long housekeepingIntervalNanos,
                      long initialDurableSequence) {
        this.name = name;
        this.directory = directory;
        this.mode = mode;
        this.syncIntervalNanos = syncIntervalNanos;
        this.listener = listener;
        this.housekeeping = housekeeping;
        this.housekeepingIntervalNanos = housekeepingIntervalNanos;
        this.durableSequence = initialDurableSequence;
    }

    void start() {
        thread = new Thread(this, "halyard-log-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    long durableSequence() {
        return durableSequence;
    }

    IOException failure() {
        return failure;
    }

    /**
     * The batch to copy a record of {@code length} bytes into, with room for it. Caller holds
     * {@link #lock}; may wait (releasing it) for the writer to take the current batch.
     *
     * @return null when the writer failed or is closed
     */
    WriteBatch batchFor(int length) {
        while (true) {
            if (failure != null || closing) {
                return null;
            }
            WriteBatch b = filling;
            if (b.remaining() >= length) {
                return b;
            }
            // The writer thread itself (housekeeping) must never wait for its own swap: it grows.
            if (b.buffer.position() == 0 || b.buffer.capacity() < MAX_BATCH_BYTES || Thread.currentThread() == thread) {
                b.grow(b.buffer.position() + length);
                return b;
            }
            space.awaitUninterruptibly();
        }
    }

    /** Caller holds {@link #lock} and has added to the filling batch: wake the writer if it sleeps. */
    void wake() {
        if (writerWaiting) {
            work.signal();
        }
    }

    boolean awaitDurable(long sequence, long timeoutNanos) throws InterruptedException {
        if (durableSequence >= sequence) {
            return true;
        }
        return awaitUntil(() -> durableSequence >= sequence, true, timeoutNanos);
    }

    /**
     * Waits until everything in the filling batch now is written (durability markers included) and,
     * in {@link DurabilityMode#ALWAYS}, everything written so far is fsynced, deferred files included.
     */
    boolean flush(long timeoutNanos) throws InterruptedException {
        if (mode == DurabilityMode.ALWAYS) {
            lock.lock();
            try {
                filling.syncAll = true;
                wake();
            } finally {
                lock.unlock();
            }
        }
        return awaitUntil(() -> filling.isEmpty() && !writing, false, timeoutNanos) && failure == null;
    }

    /**
     * Waits, nudging the writer, until {@code done} holds (checked under {@link #lock}); false on
     * timeout, on a write failure, or (when {@code notAfterStop}) once the writer has stopped.
     */
    private boolean awaitUntil(java.util.function.BooleanSupplier done, boolean notAfterStop, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            durableWaiters++;
            try {
                while (!done.getAsBoolean()) {
                    if (failure != null || (notAfterStop && stopped)) {
                        return false;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    if (writerWaiting) {
                        work.signal();
                    }
                    durable.awaitNanos(left);
                }
                return true;
            } finally {
                durableWaiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean writing;

    @Override
    public void run() {
        long lastSyncNanos = System.nanoTime();
        long lastHousekeepingNanos = System.nanoTime();
        while (true) {
            WriteBatch batch;
            lock.lock();
            try {
                while (filling.isEmpty() && !closing) {
                    long now = System.nanoTime();
                    long wait = housekeepingIntervalNanos - (now - lastHousekeepingNanos);
                    if (mode == DurabilityMode.INTERVAL && (!unsynced.isEmpty() || !deferred.isEmpty())) {
                        wait = Math.min(wait, syncIntervalNanos - (now - lastSyncNanos));
                    }
                    if (wait <= 0) {
                        break;
                    }
                    writerWaiting = true;
                    try {
                        work.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closing = true;
                    } finally {
                        writerWaiting = false;
                    }
                }
                if (filling.isEmpty() && closing) {
                    break;
                }
                batch = filling;
                filling = spare;
                spare = batch;
                writing = true;
                space.signalAll();
            } finally {
                lock.unlock();
            }

            long now = System.nanoTime();
            if (!batch.isEmpty() && failure == null) {
                try {
                    write(batch);
                    cutSealed(batch);
                    boolean syncNow = mode == DurabilityMode.ALWAYS
                            || (mode == DurabilityMode.INTERVAL && now - lastSyncNanos >= syncIntervalNanos);
                    if (syncNow) {
                        // A dropped segment's deletions must be on disk before its file goes.
                        syncFiles(batch.syncDirectory, mode != DurabilityMode.ALWAYS || batch.syncAll
                                || !batch.retired.isEmpty());
                        lastSyncNanos = now;
                    } else if (batch.syncDirectory) {
                        syncDirectory();
                    }
                } catch (IOException | RuntimeException e) {
                    fail(e);
                }
            } else if (mode == DurabilityMode.INTERVAL && (!unsynced.isEmpty() || !deferred.isEmpty())
                    && now - lastSyncNanos >= syncIntervalNanos && failure == null) {
                try {
                    syncFiles(false, true);
                } catch (IOException e) {
                    fail(e);
                }
                lastSyncNanos = now;
            }
            if (failure == null) {
                publish(batch);
            }
            lock.lock();
            try {
                batch.reset();
                writing = false;
                if (durableWaiters > 0) {
                    durable.signalAll();
                }
            } finally {
                lock.unlock();
            }
            if (now - lastHousekeepingNanos >= housekeepingIntervalNanos) {
                lastHousekeepingNanos = now;
                if (housekeeping != null && failure == null) {
                    try {
                        housekeeping.run();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "store " + name + ": housekeeping failed", e);
                    }
                }
            }
        }
        try {
            if (failure == null && (!unsynced.isEmpty() || !deferred.isEmpty())) {
                syncFiles(false, true);
            }
        } catch (IOException e) {
            fail(e);
        }
        lock.lock();
        try {
            stopped = true;
            durable.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void write(WriteBatch batch) throws IOException {
        ByteBuffer buf = batch.buffer;
        int end = buf.position();
        for (int at = 0; at < end; ) {
            int length = buf.getInt(at + RecordFormat.OFF_LENGTH);
            RecordFormat.seal(buf, at, crc);
            at += length;
        }
        int runs = gatherRuns(batch);
        for (int r = 0; r < runs; r++) {
            BatchTarget target = runTargets[r];
            target.reserve(runEnds[r]);
            FileChannel ch = target.writeChannel();
            int first = runFirstChunk[r];
            if (nextChunkInRun[first] < 0) {
                ByteBuffer slice = batch.view(0, batch.chunkStarts[first], batch.chunkEnd(first));
                long position = runStarts[r];
                while (slice.hasRemaining()) {
                    position += ch.write(slice, position);
                }
            } else {
                writeGathered(batch, ch, first, runStarts[r]);
            }
            (target.deferrableSync() ? deferred : unsynced).put(ch, Boolean.TRUE);
            runTargets[r] = null;
        }
    }

    /**
     * Groups the batch's chunks into runs, each a target and a contiguous range of its file, in the
     * order of their first chunk. A KV update appends a message to a segment and a deletion to the
     * delete journal, so its batch alternates between the two files: written chunk by chunk, that is
     * one system call per record (16 puts in a batch made 32 pwrite64 calls); written by runs, two
     * gathering writes. Order between files does not matter for durability (every file is fsynced
     * before the batch is published), but a crash (SIGKILL) between two writes must not leave a newer
     * segment's records without an older one's, as recovery counts a gap at the end of a sealed
     * segment lost: runs keep the order of their first chunk, which is the order of the segments.
     *
     * @return the number of runs, in {@link #runTargets} and the arrays beside it
     */
    private int gatherRuns(WriteBatch batch) {
        if (nextChunkInRun.length < batch.chunks) {
            nextChunkInRun = new int[Math.max(batch.chunks, nextChunkInRun.length * 2)];
        }
        int runs = 0;
        for (int i = 0; i < batch.chunks; i++) {
            BatchTarget target = batch.targets[i];
            long position = batch.filePositions[i];
            int r = runs - 1;
            while (r >= 0 && (runTargets[r] != target || runEnds[r] != position)) {
                r--;
            }
            if (r < 0) {
                if (runs == runTargets.length) {
                    runTargets = java.util.Arrays.copyOf(runTargets, runs * 2);
                    runStarts = java.util.Arrays.copyOf(runStarts, runs * 2);
                    runEnds = java.util.Arrays.copyOf(runEnds, runs * 2);
                    runFirstChunk = java.util.Arrays.copyOf(runFirstChunk, runs * 2);
                    runLastChunk = java.util.Arrays.copyOf(runLastChunk, runs * 2);
                }
                r = runs++;
                runTargets[r] = target;
                runStarts[r] = position;
                runEnds[r] = position;
                runFirstChunk[r] = i;
            } else {
                nextChunkInRun[runLastChunk[r]] = i;
            }
            runLastChunk[r] = i;
            nextChunkInRun[i] = -1;
            runEnds[r] += batch.chunkEnd(i) - batch.chunkStarts[i];
        }
        return runs;
    }

    /**
     * Writes a run of several chunks with gathering writes (FileChannel has no positional one: the
     * channel's position is set first; nothing else uses the position of a write channel).
     */
    private void writeGathered(WriteBatch batch, FileChannel ch, int first, long position) throws IOException {
        int n = 0;
        for (int i = first; i >= 0; i = nextChunkInRun[i]) {
            if (n == gather.length) {
                gather = java.util.Arrays.copyOf(gather, n * 2);
            }
            gather[n] = batch.view(n, batch.chunkStarts[i], batch.chunkEnd(i));
            n++;
        }
        ch.position(position);
        for (int done = 0; done < n; ) {
            ch.write(gather, done, n - done);
            while (done < n && !gather[done].hasRemaining()) {
                done++;
            }
        }
        java.util.Arrays.fill(gather, 0, n, null);
    }

    /**
     * Cuts the files of segments sealed by a roll back to their data, after the batch that may hold
     * their last records is written, fsyncs them and closes their write descriptors: nothing is
     * written to a sealed segment again. (A crash before the fsync leaves zeros that recovery
     * removes.) One fsync more per roll, in every mode, is what lets a store of thousands of
     * segments hold one write descriptor.
     */
    private void cutSealed(WriteBatch batch) throws IOException {
        for (LogSegment s : batch.sealed) {
            try {
                s.trimTo(s.appendPosition);
                FileChannel ch = s.writeChannel();
                if (ch != null && ch.isOpen()) {
                    ch.force(false);
                }
                unsynced.remove(ch);
                deferred.remove(ch);
                s.releaseWriteHandle();
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (ClosedChannelException e) {
                // closed with its compacted copy in place meanwhile: that file is exact
            }
        }
    }

    /** Fsyncs the files written since their last fsync; deferred ones only when {@code all}. */
    private void syncFiles(boolean directoryToo, boolean all) throws IOException {
        if (unsynced.isEmpty() && !directoryToo && (!all || deferred.isEmpty())) {
            return;
        }
        long start = System.nanoTime();
        for (FileChannel ch : unsynced.keySet()) {
            if (ch.isOpen()) {
                ch.force(false);
            }
        }
        unsynced.clear();
        if (all) {
            for (FileChannel ch : deferred.keySet()) {
                if (ch.isOpen()) {
                    ch.force(false);
                }
            }
            deferred.clear();
        }
        if (directoryToo) {
            syncDirectory();
        }
        SyncLatency.record(System.nanoTime() - start);
    }

    private void syncDirectory() throws IOException {
        // A new file's directory entry is durable only once the directory itself is fsynced.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private void publish(WriteBatch batch) {
        int end = batch.buffer.position();
        for (int i = 0; i < batch.chunks; i++) {
            int from = batch.chunkStarts[i];
            int to = i + 1 < batch.chunks ? batch.chunkStarts[i + 1] : end;
            batch.targets[i].onWritten(batch.filePositions[i] + (to - from));
        }
        for (LogSegment s : batch.retired) {
            unsynced.remove(s.writeChannel());
            deferred.remove(s.writeChannel());
            try {
                s.drop();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "store " + name + ": " + e.getMessage());
            }
        }
        if (batch.lastSequence > durableSequence) {
            durableSequence = batch.lastSequence;
            if (listener != null) {
                try {
                    listener.onDurable(batch.lastSequence);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "store " + name + ": durability listener failed", e);
                }
            }
        }
    }

    private void fail(Exception e) {
        IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
        if (failure == null) {
            LOG.log(System.Logger.Level.ERROR, "store " + name + ": write failed, the store accepts nothing more", e);
            failure = io;
        }
    }

    /** Stops after writing what is queued; waits for the thread. */
    void close(long timeoutNanos) {
        lock.lock();
        try {
            closing = true;
            work.signal();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isClosing() {
        return closing;
    }

    /** The thread has written its last batch (or never started): no file is written any more. */
    boolean isStopped() {
        return stopped || thread == null;
    }
}
