package io.halyard.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A memory store's per-subject index: for each subject that holds messages, their sequences
 * ({@link SubjectSequences}). A literal filter is one hash lookup; a wildcard filter walks the
 * subjects, or the messages themselves when fewer sequences than subjects are left to look at.
 *
 * <p>This class is not thread-safe; {@link MemoryStore} guards it with its lock.
 */
final class SubjectTable {
    /** Below this many sequences per subject, a wildcard "next" walks sequences, not subjects. */
    private static final int SCAN_SEQUENCES_PER_SUBJECT = 2;

    private final Map<String, SubjectSequences> bySubject = new HashMap<>();
    private final SequenceTable messages;

    SubjectTable(SequenceTable messages) {
        this.messages = messages;
    }

    /** The number of subjects holding messages. */
    int size() {
        return bySubject.size();
    }

    /** The subject's sequences, or null when it holds no message. */
    SubjectSequences get(String subject) {
        return bySubject.get(subject);
    }

    SubjectSequences add(String subject, long sequence) {
        SubjectSequences sequences = bySubject.computeIfAbsent(subject, s -> new SubjectSequences());
        sequences.add(sequence);
        return sequences;
    }

    /** Forgets {@code sequence}, which the sequence table no longer holds. */
    void remove(String subject, long sequence) {
        if (bySubject.get(subject).remove(sequence, messages) == 0) {
            bySubject.remove(subject);
        }
    }

    void clear() {
        bySubject.clear();
    }

    /** Every subject's sequences, copied so that the caller may remove messages while iterating. */
    List<SubjectSequences> all() {
        return new ArrayList<>(bySubject.values());
    }

    /** The last sequence on a subject matching the filter, or -1. */
    long last(SubjectFilter filter) {
        if (filter.isLiteral()) {
            SubjectSequences sequences = bySubject.get(filter.text());
            return sequences == null ? -1 : sequences.last();
        }
        long last = -1;
        for (Map.Entry<String, SubjectSequences> entry : bySubject.entrySet()) {
            if (filter.matches(entry.getKey())) {
                last = Math.max(last, entry.getValue().last());
            }
        }
        return last;
    }

    /** The first sequence at or after {@code from} on a subject matching the filter, or -1. */
    long next(long from, SubjectFilter filter) {
        if (filter.isLiteral()) {
            SubjectSequences sequences = bySubject.get(filter.text());
            return sequences == null ? -1 : sequences.nextAtOrAfter(from, messages);
        }
        // Walk whichever is shorter, the sequences left or the subjects, as nats-server's
        // shouldLinearScan decides.
        if (messages.nextSequence() - from <= (long) SCAN_SEQUENCES_PER_SUBJECT * bySubject.size()) {
            for (long seq = messages.nextLive(from); seq >= 0; seq = messages.nextLive(seq + 1)) {
                if (filter.matches(messages.get(seq).subject())) {
                    return seq;
                }
            }
            return -1;
        }
        long next = -1;
        for (Map.Entry<String, SubjectSequences> entry : bySubject.entrySet()) {
            if (filter.matches(entry.getKey())) {
                long candidate = entry.getValue().nextAtOrAfter(from, messages);
                if (candidate >= 0 && (next < 0 || candidate < next)) {
                    next = candidate;
                }
            }
        }
        return next;
    }

    /** The number of messages on subjects matching the filter. */
    long count(SubjectFilter filter) {
        if (filter.isLiteral()) {
            SubjectSequences sequences = bySubject.get(filter.text());
            return sequences == null ? 0 : sequences.count();
        }
        long count = 0;
        for (Map.Entry<String, SubjectSequences> entry : bySubject.entrySet()) {
            if (filter.matches(entry.getKey())) {
                count += entry.getValue().count();
            }
        }
        return count;
    }

    /** Message counts per subject matching the filter, sorted by subject. */
    Map<String, Long> counts(SubjectFilter filter) {
        Map<String, Long> counts = new TreeMap<>();
        if (filter.isLiteral()) {
            SubjectSequences sequences = bySubject.get(filter.text());
            if (sequences != null) {
                counts.put(filter.text(), sequences.count());
            }
            return counts;
        }
        for (Map.Entry<String, SubjectSequences> entry : bySubject.entrySet()) {
            if (filter.matches(entry.getKey())) {
                counts.put(entry.getKey(), entry.getValue().count());
            }
        }
        return counts;
    }
}
