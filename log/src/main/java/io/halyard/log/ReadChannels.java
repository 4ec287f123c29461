package io.halyard.log;

import java.util.ArrayDeque;

/**
 * A budget for the read descriptors of every segment in the process: at most {@link #limit()} are
 * open at once. A store of a TiB in 64 MiB segments has 16,000 of them, and a consumer replaying it
 * from the start would otherwise leave a descriptor open on each.
 *
 * <p>Eviction is a clock over the segments in the order their channels were opened: a segment read
 * since the hand last passed it gets a second chance, any other has its channel closed. A reader
 * using an evicted channel meets {@link java.nio.channels.AsynchronousCloseException} and reopens
 * ({@link LogSegment#read}), so the cost of a miss is one open(2).
 *
 * <p>The read path touches only the segment's volatile {@code referenced} flag; the bookkeeping here
 * runs when a channel opens or closes, under this class's lock, and never while a segment's monitor
 * is held (eviction takes the monitors of the segments it closes).
 */
final class ReadChannels {
    /** Default budget; {@code -Dhalyard.store.maxOpenFiles=N} changes it. */
    static final int DEFAULT_LIMIT = 4096;

    private static volatile int limit = Math.max(1, Integer.getInteger("halyard.store.maxOpenFiles", DEFAULT_LIMIT));
    private static final Object LOCK = new Object();
    /** Segments whose channel was opened, oldest first; may hold ones closed since (skipped). */
    private static final ArrayDeque<LogSegment> CLOCK = new ArrayDeque<>();
    private static int open;

    private ReadChannels() {
    }

    static int limit() {
        return limit;
    }

    /** For tests: sets the budget, returning the previous one. */
    static int setLimit(int newLimit) {
        int old = limit;
        limit = Math.max(1, newLimit);
        return old;
    }

    /** Read channels open now, in every store of the process. */
    static int open() {
        synchronized (LOCK) {
            return open;
        }
    }

    /** {@code segment} opened its read channel. */
    static void opened(LogSegment segment) {
        synchronized (LOCK) {
            open++;
            CLOCK.addLast(segment);
        }
    }

    /** {@code segment} closed its read channel (evicted, dropped, or closed by an interrupt). */
    static void closed(LogSegment segment) {
        synchronized (LOCK) {
            open--;
            if (CLOCK.size() > 2 * open + 64) {
                // Entries of segments closed other than by eviction: drop them before they pile up.
                CLOCK.removeIf(s -> !s.hasReadChannel());
            }
        }
    }

    /**
     * Closes channels, least recently read first, until the budget holds; never the one {@code opener}
     * has just opened to read. Call with no segment's monitor held.
     */
    static void trim(LogSegment opener) {
        while (true) {
            LogSegment victim = null;
            synchronized (LOCK) {
                if (open <= limit) {
                    return;
                }
                // Two turns of the clock find a victim unless every channel is read continuously;
                // then the oldest goes anyway.
                for (int turns = 2 * CLOCK.size(); turns > 0 && victim == null; turns--) {
                    LogSegment s = CLOCK.pollFirst();
                    if (s == null) {
                        return;
                    }
                    if (!s.hasReadChannel() || s.isReplaced()) {
                        continue; // closed meanwhile (already counted), or pinned until buried
                    }
                    if (s == opener || (turns > 1 && s.clearReferenced())) {
                        CLOCK.addLast(s);
                    } else {
                        victim = s;
                    }
                }
            }
            if (victim == null) {
                return;
            }
            victim.evictReadChannel(); // calls closed() if it still had one
        }
    }
}
