package io.halyard.log;

/**
 * Which sequences of a segment are deleted: a bitmap from the segment's base sequence, grown on
 * demand. Written by the store under its lock; read without it (a reader racing a delete may still
 * see the message, as if it had read just before).
 */
final class DeletedSet {
    private final long base;
    private volatile int[] words = new int[0];

    DeletedSet(long base) {
        this.base = base;
    }

    /** An independent copy, for a reader that must not see later deletions. */
    DeletedSet copy() {
        DeletedSet c = new DeletedSet(base);
        c.words = words.clone();
        return c;
    }

    boolean contains(long sequence) {
        long bit = sequence - base;
        int[] w = words;
        int word = (int) (bit >>> 5);
        return bit >= 0 && word < w.length && (w[word] & (1 << (bit & 31))) != 0;
    }

    /** Marks a sequence deleted; false when it already was. */
    boolean add(long sequence) {
        long bit = sequence - base;
        if (bit < 0 || bit > Integer.MAX_VALUE * 32L) {
            throw new IllegalArgumentException("sequence " + sequence + " outside segment at " + base);
        }
        int word = (int) (bit >>> 5);
        int[] w = words;
        if (word >= w.length) {
            int[] grown = new int[Math.max(word + 1, w.length * 2)];
            System.arraycopy(w, 0, grown, 0, w.length);
            words = grown;
            w = grown;
        }
        int mask = 1 << (bit & 31);
        if ((w[word] & mask) != 0) {
            return false;
        }
        w[word] |= mask;
        return true;
    }
}
