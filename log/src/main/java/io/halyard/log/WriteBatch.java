package io.halyard.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Records gathered for one group commit: complete records back to back in one direct buffer, split
 * into chunks by the file they go to and where in that file. Filled by appenders under the
 * writer's lock, then handed whole to the writer thread.
 */
final class WriteBatch {
    ByteBuffer buffer;
    BatchTarget[] targets = new BatchTarget[4];
    int[] chunkStarts = new int[4];
    long[] filePositions = new long[4];
    int chunks;
    /** The highest message sequence in the batch, 0 when it holds none. */
    long lastSequence;
    /** A new file was created for this batch: its directory entry must be fsynced too. */
    boolean syncDirectory;
    /**
     * Files whose fsync may be deferred ({@link BatchTarget#deferrableSync()}) are fsynced with this
     * batch too: it holds a deletion recovery could not derive again, or someone waits for everything.
     */
    boolean syncAll;
    /** Buffer offset of the batch's head-advance deletion record, or -1. */
    int headRecordOffset = -1;
    /** Segments no longer needed once this batch is durable. */
    final List<LogSegment> retired = new ArrayList<>();
    /** Segments sealed by a roll: their files are cut back to their data once this batch is written. */
    final List<LogSegment> sealed = new ArrayList<>();
    /** Views of {@link #buffer} handed out by {@link #view}, reused from batch to batch. */
    private ByteBuffer[] views = new ByteBuffer[8];

    WriteBatch(int capacity) {
        buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean isEmpty() {
        return buffer.position() == 0 && retired.isEmpty() && sealed.isEmpty() && !syncAll;
    }

    int remaining() {
        return buffer.remaining();
    }

    /** Reserves {@code length} bytes going to {@code target} at {@code filePosition}; returns the offset. */
    int reserve(BatchTarget target, long filePosition, int length) {
        int at = buffer.position();
        if (chunks == 0 || targets[chunks - 1] != target
                || filePositions[chunks - 1] + (at - chunkStarts[chunks - 1]) != filePosition) {
            if (chunks == targets.length) {
                targets = java.util.Arrays.copyOf(targets, chunks * 2);
                chunkStarts = java.util.Arrays.copyOf(chunkStarts, chunks * 2);
                filePositions = java.util.Arrays.copyOf(filePositions, chunks * 2);
            }
            targets[chunks] = target;
            chunkStarts[chunks] = at;
            filePositions[chunks] = filePosition;
            chunks++;
        }
        buffer.position(at + length);
        return at;
    }

    /** The end, in {@link #buffer}, of chunk {@code i}. */
    int chunkEnd(int i) {
        return i + 1 < chunks ? chunkStarts[i + 1] : buffer.position();
    }

    /**
     * Bytes {@code [from, to)} of the buffer as the {@code k}-th of the views one write uses: views
     * are reused, so writing a batch allocates nothing. Writer thread only, while it holds the batch.
     */
    ByteBuffer view(int k, int from, int to) {
        if (k >= views.length) {
            views = java.util.Arrays.copyOf(views, Math.max(k + 1, views.length * 2));
        }
        ByteBuffer v = views[k];
        if (v == null) {
            v = buffer.duplicate();
            views[k] = v;
        }
        v.clear();
        v.limit(to).position(from);
        return v;
    }

    void grow(int minCapacity) {
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(minCapacity, buffer.capacity() * 2))
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
        java.util.Arrays.fill(views, null);
    }

    void reset() {
        buffer.clear();
        java.util.Arrays.fill(targets, 0, chunks, null);
        chunks = 0;
        lastSequence = 0;
        syncDirectory = false;
        syncAll = false;
        headRecordOffset = -1;
        retired.clear();
        sealed.clear();
    }
}
