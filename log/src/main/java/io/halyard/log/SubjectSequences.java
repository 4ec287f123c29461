package io.halyard.log;

import java.util.Arrays;

/**
 * The sequences of one subject's messages, ascending, so that a subject's first, last and count
 * are O(1) and "next on this subject from sequence N" is a binary search.
 *
 * <p>Removal is lazy: removing the first or last sequence trims the list, removing one from the
 * middle leaves a stale entry that readers skip (a sequence is live when the {@link SequenceTable}
 * still holds it; sequences are never reused, so a live slot is this subject's message). The list
 * is compacted when stale entries outnumber live ones, which keeps every operation amortised O(1)
 * apart from the binary search.
 *
 * <p>This class is not thread-safe; {@link MemoryStore} guards it with its lock.
 */
final class SubjectSequences {
    private static final int COMPACT_SLACK = 16;

    private long[] sequences = new long[2];
    private int head;
    private int tail;
    private long live;

    long count() {
        return live;
    }

    /** Only meaningful while {@link #count()} is positive. */
    long first() {
        return sequences[head];
    }

    /** Only meaningful while {@link #count()} is positive. */
    long last() {
        return sequences[tail - 1];
    }

    /** Adds a sequence higher than every one held. */
    void add(long sequence) {
        if (tail == sequences.length) {
            makeRoom();
        }
        sequences[tail++] = sequence;
        live++;
    }

    /**
     * Forgets {@code sequence}, which {@code messages} no longer holds.
     *
     * @return the number of messages left on the subject
     */
    long remove(long sequence, SequenceTable messages) {
        live--;
        if (live == 0) {
            head = 0;
            tail = 0;
            return 0;
        }
        if (sequences[head] == sequence) {
            head++;
            while (messages.get(sequences[head]) == null) {
                head++;
            }
        } else if (sequences[tail - 1] == sequence) {
            tail--;
            while (messages.get(sequences[tail - 1]) == null) {
                tail--;
            }
        } else if ((tail - head) - live > live + COMPACT_SLACK) {
            compact(messages);
        }
        return live;
    }

    /** The first live sequence at or after {@code sequence}, or -1 when there is none. */
    long nextAtOrAfter(long sequence, SequenceTable messages) {
        int at = Arrays.binarySearch(sequences, head, tail, sequence);
        for (int i = at >= 0 ? at : -at - 1; i < tail; i++) {
            if (messages.get(sequences[i]) != null) {
                return sequences[i];
            }
        }
        return -1;
    }

    /** Copies the live sequences, ascending, into a new array. */
    long[] liveSequences(SequenceTable messages) {
        long[] copy = new long[(int) live];
        int n = 0;
        for (int i = head; i < tail; i++) {
            if (messages.get(sequences[i]) != null) {
                copy[n++] = sequences[i];
            }
        }
        return copy;
    }

    private void makeRoom() {
        int used = tail - head;
        if (head > 0 && used <= sequences.length / 2) {
            System.arraycopy(sequences, head, sequences, 0, used);
        } else {
            sequences = Arrays.copyOfRange(sequences, head, head + Math.max(4, sequences.length * 2));
        }
        head = 0;
        tail = used;
    }

    private void compact(SequenceTable messages) {
        int n = 0;
        for (int i = head; i < tail; i++) {
            if (messages.get(sequences[i]) != null) {
                sequences[n++] = sequences[i];
            }
        }
        head = 0;
        tail = n;
    }
}
