package io.halyard.log;

/**
 * A store's running state for one subject. {@code first} and {@code last} may go stale when the
 * message they name is deleted; they are then found again on demand by searching the segments.
 * The accounted sizes of the first and last message are kept while known, so that removing a
 * subject's oldest message for a per-subject limit (a key-value update) needs no read of the file.
 * Owned by the store, under its lock.
 */
final class SubjectEntry {
    final String subject;
    long first;
    long last;
    long count;
    boolean firstStale;
    boolean lastStale;
    /** Accounted bytes of message {@code first} / {@code last}, or -1 when not known. */
    long firstBytes;
    long lastBytes;

    SubjectEntry(String subject, long sequence, long accountedBytes) {
        this.subject = subject;
        this.first = sequence;
        this.last = sequence;
        this.firstBytes = accountedBytes;
        this.lastBytes = accountedBytes;
    }

    /** The size of message {@code seq} if this entry knows it (it is the live first or last), else -1. */
    long knownBytes(long seq) {
        if (seq == first && !firstStale) {
            return firstBytes;
        }
        return seq == last && !lastStale ? lastBytes : -1;
    }
}
