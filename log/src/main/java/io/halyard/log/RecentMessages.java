package io.halyard.log;

/**
 * Subject, size and timestamp of the newest messages, by sequence, so that limits can remove a
 * message that is still in a write batch (not yet in its file) without waiting for the disk.
 * The store keeps it at least as long as the run of not-yet-durable sequences; older messages are
 * read from their segment.
 *
 * <p>Not thread-safe: owned by the store, under its lock.
 */
final class RecentMessages {
    private String[] subjects;
    private int[] sizes;
    private long[] timestamps;
    private int mask;
    /** Entries cover sequences (newest - count, newest]. */
    private long newest;
    private int count;

    RecentMessages(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity - 1) << 1);
        subjects = new String[cap];
        sizes = new int[cap];
        timestamps = new long[cap];
        mask = cap - 1;
    }

    int capacity() {
        return mask + 1;
    }

    void reset(long lastSequence) {
        newest = lastSequence;
        count = 0;
    }

    /** Records the message with sequence {@code newest + 1}, growing to keep {@code keepAfter} covered. */
    void add(long sequence, String subject, int accountedBytes, long timestampNanos, long keepAfter) {
        if (sequence - keepAfter >= capacity()) {
            grow();
        }
        int i = (int) (sequence & mask);
        subjects[i] = subject;
        sizes[i] = accountedBytes;
        timestamps[i] = timestampNanos;
        newest = sequence;
        count = Math.min(count + 1, capacity());
    }

    boolean covers(long sequence) {
        return sequence <= newest && sequence > newest - count;
    }

    String subject(long sequence) {
        return subjects[(int) (sequence & mask)];
    }

    int size(long sequence) {
        return sizes[(int) (sequence & mask)];
    }

    long timestamp(long sequence) {
        return timestamps[(int) (sequence & mask)];
    }

    private void grow() {
        int cap = capacity() * 2;
        String[] s = new String[cap];
        int[] z = new int[cap];
        long[] t = new long[cap];
        int newMask = cap - 1;
        for (long seq = newest - count + 1; seq <= newest; seq++) {
            int from = (int) (seq & mask);
            int to = (int) (seq & newMask);
            s[to] = subjects[from];
            z[to] = sizes[from];
            t[to] = timestamps[from];
        }
        subjects = s;
        sizes = z;
        timestamps = t;
        mask = newMask;
    }
}
