package io.halyard.log;

/**
 * Sequence → file position for one segment, one entry every {@link #INTERVAL_BYTES} of data or
 * so: a lookup lands at most that far before the record and scans forward.
 *
 * <p>Single writer (the store's appender, under its lock), many lock-free readers: entries are
 * written before the volatile count that publishes them, and a full table is replaced by a copy
 * published through a volatile field, so a reader always sees a table at least as long as its count.
 */
final class SparseIndex {
    static final int INTERVAL_BYTES = 4096;

    private static final class Table {
        final long[] sequences;
        final long[] positions;
        volatile int count;

        Table(int capacity) {
            sequences = new long[capacity];
            positions = new long[capacity];
        }
    }

    private volatile Table table = new Table(64);
    // Not Long.MIN_VALUE: "position - last" would overflow and nothing would ever be indexed.
    private long lastIndexedPosition = -INTERVAL_BYTES;

    /** Called for every message record appended, in order; keeps one entry per interval. */
    void onAppend(long sequence, long position, boolean force) {
        if (!force && position - lastIndexedPosition < INTERVAL_BYTES) {
            return;
        }
        lastIndexedPosition = position;
        Table t = table;
        int n = t.count;
        if (n > 0 && t.sequences[n - 1] >= sequence) {
            return; // already indexed (a forced resume point followed by the record itself)
        }
        if (n == t.sequences.length) {
            Table bigger = new Table(n * 2);
            System.arraycopy(t.sequences, 0, bigger.sequences, 0, n);
            System.arraycopy(t.positions, 0, bigger.positions, 0, n);
            bigger.count = n;
            table = bigger;
            t = bigger;
        }
        t.sequences[n] = sequence;
        t.positions[n] = position;
        t.count = n + 1;
    }

    /** The position of the last indexed record at or before {@code sequence}, or 0. */
    long floorPosition(long sequence) {
        Table t = table;
        int lo = 0;
        int hi = t.count - 1;
        long found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (t.sequences[mid] <= sequence) {
                found = t.positions[mid];
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    int entries() {
        return table.count;
    }
}
