package io.halyard.log;

/**
 * A store's running state for one subject. {@code first} and {@code last} may go stale when the
 * message they name is deleted; they are then found again on demand by searching the segments.
 * Owned by the store, under its lock.
 */
final class SubjectEntry {
    final String subject;
    long first;
    long last;
    long count;
    boolean firstStale;
    boolean lastStale;

    SubjectEntry(String subject, long sequence) {
        this.subject = subject;
        this.first = sequence;
        this.last = sequence;
    }
}
