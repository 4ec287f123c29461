package io.halyard.core.subject;

import java.util.Arrays;

/**
 * A literal subject's tokens as ranges of its bytes, for a trie walk that creates no {@code String}:
 * {@link #key(int)} is a probe that a {@code HashMap<String, …>} of tokens looks up as if it were the
 * token's string (same hash code, equal to it by content; tokens are bytes read as ISO-8859-1, as in
 * {@link SubjectTrie}). A cache miss — every ack of a JetStream consumer, every reply to a unique
 * inbox — thus allocates no token strings.
 *
 * <p>Not thread-safe: one per thread, reused ({@link SubjectIndex}).
 */
final class SubjectTokens {
    private byte[] bytes;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int count;
    private final Probe probe = new Probe();

    /** Splits {@code length} bytes of {@code subject} from {@code offset}; false if empty or with an empty token. */
    boolean split(byte[] subject, int offset, int length) {
        bytes = subject;
        count = 0;
        if (length <= 0) {
            return false;
        }
        int end = offset + length;
        int start = offset;
        for (int i = offset; i <= end; i++) {
            if (i == end || subject[i] == Subjects.SEPARATOR) {
                if (i == start) {
                    return false;
                }
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                    ends = Arrays.copyOf(ends, count * 2);
                }
                starts[count] = start;
                ends[count] = i;
                count++;
                start = i + 1;
            }
        }
        return true;
    }

    int count() {
        return count;
    }

    /** Token {@code i} as a map key; valid until the next call (the probe is reused). */
    Object key(int i) {
        probe.set(bytes, starts[i], ends[i]);
        return probe;
    }

    /** Forgets the subject's bytes (so a large one is not kept alive by the thread). */
    void clear() {
        bytes = null;
        probe.bytes = null;
    }

    /** Stands in for the string of a token: {@link String#hashCode} and content equality with strings. */
    private static final class Probe {
        byte[] bytes;
        int from;
        int to;
        int hash;

        void set(byte[] b, int start, int end) {
            bytes = b;
            from = start;
            to = end;
            int h = 0;
            for (int i = start; i < end; i++) {
                h = 31 * h + (b[i] & 0xff);
            }
            hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof String s) || s.length() != to - from) {
                return false;
            }
            for (int i = from, k = 0; i < to; i++, k++) {
                if (s.charAt(k) != (char) (bytes[i] & 0xff)) {
                    return false;
                }
            }
            return true;
        }
    }
}
