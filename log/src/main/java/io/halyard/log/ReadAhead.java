package io.halyard.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a thread's recent forward reads of segments stopped, with the bytes read beyond that point:
 * a consumer asks for sequence n + 1 right after n, and finds it in memory instead of in one
 * {@code pread} per message. A few slots (least recently used goes) serve a thread that reads for
 * several consumers in turn, such as the JetStream thread.
 *
 * <p>A slot's buffer is 64 KiB, read in one go; slots are taken only by forward searches
 * ({@code getNext}), so point reads keep their small buffer. Bytes of a segment never change once
 * durable, and a compacted segment is a new {@link LogSegment}, so a slot's bytes stay valid for the
 * segment it names.
 *
 * <p>Not thread-safe: one instance per thread ({@link #forThread()}).
 */
final class ReadAhead {
    static final int SLOTS = 4;
    static final int BUFFER_BYTES = 64 * 1024;
    private static final ThreadLocal<ReadAhead> FOR_THREAD = ThreadLocal.withInitial(ReadAhead::new);

    /** One segment's bytes in memory and where the last read in them ended. */
    static final class Slot {
        LogSegment segment;
        ByteBuffer buffer;
        long bufferStart;
        int bufferLength;
        /** The position after the last record returned, and the lowest sequence a record there can have. */
        long nextPosition;
        long nextSequence;
        long lastUse;

        /** Keeps what {@code c} read; its current record, {@code sequence}, was returned to the caller. */
        void remember(SegmentCursor c, long sequence) {
            keepBuffer(c);
            nextPosition = c.nextPosition();
            nextSequence = sequence + 1;
        }

        /**
         * Records what the buffer holds now that {@code c} (reading through it) is done: always call
         * after a cursor used the slot, or the slot would describe bytes the cursor overwrote.
         */
        void keepBuffer(SegmentCursor c) {
            buffer = c.buffer();
            bufferStart = c.bufferStart();
            bufferLength = c.bufferLength();
        }

        /** Forgets everything (a read failed): the buffer's contents are unknown. */
        void clear() {
            segment = null;
            bufferLength = 0;
            nextSequence = Long.MAX_VALUE;
        }
    }

    private final Slot[] slots = new Slot[SLOTS];
    private long uses;

    private ReadAhead() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    static ReadAhead forThread() {
        return FOR_THREAD.get();
    }

    /**
     * The slot whose last read in {@code segment} ended at or before the first record with a sequence
     * of at least {@code sequence}, so a search may resume there; null if none did.
     */
    Slot resumable(LogSegment segment, long sequence) {
        Slot best = null;
        for (Slot s : slots) {
            if (s.segment == segment && s.nextSequence <= sequence
                    && (best == null || s.nextSequence > best.nextSequence)) {
                best = s;
            }
        }
        if (best != null) {
            best.lastUse = ++uses;
        }
        return best;
    }

    /** The least recently used slot, emptied and given to {@code segment}. */
    Slot take(LogSegment segment) {
        Slot oldest = slots[0];
        for (Slot s : slots) {
            if (s.lastUse < oldest.lastUse) {
                oldest = s;
            }
        }
        if (oldest.buffer == null) {
            oldest.buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        oldest.segment = segment;
        oldest.bufferStart = 0;
        oldest.bufferLength = 0;
        oldest.nextPosition = 0;
        oldest.nextSequence = Long.MAX_VALUE;
        oldest.lastUse = ++uses;
        return oldest;
    }
}
