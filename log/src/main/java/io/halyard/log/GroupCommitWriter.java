package io.halyard.log;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * the empty spare, then — without any lock — checksums the records, writes each chunk to its file,
 * fsyncs (in {@link DurabilityMode#ALWAYS}) and publishes the new durable sequence. Everything
 * appended while one fsync runs goes out with the next one, so the number of fsyncs per second is
 * bounded by the disk, not by the append rate.
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
        for (int i = 0; i < batch.chunks; i++) {
            int from = batch.chunkStarts[i];
            int to = i + 1 < batch.chunks ? batch.chunkStarts[i + 1] : end;
            ByteBuffer slice = buf.duplicate();
            slice.limit(to).position(from);
            FileChannel ch = batch.targets[i].writeChannel();
            long position = batch.filePositions[i];
            while (slice.hasRemaining()) {
                position += ch.write(slice, position);
            }
            (batch.targets[i].deferrableSync() ? deferred : unsynced).put(ch, Boolean.TRUE);
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
}
