package io.halyard.log;

import java.util.Arrays;

/**
 * A set of sequences as sorted, merged, inclusive ranges: the deletions replayed from the journal,
 * or the deletions a purge or a journal rewrite writes. Built once, then queried in sequence order.
 * Not thread-safe.
 */
final class SequenceRanges {
    private long[] from = new long[16];
    private long[] to = new long[16];
    private int count;
    private boolean sorted = true;

    void add(long first, long last) {
        if (last < first) {
            return;
        }
        if (count > 0 && sorted && first >= from[count - 1] && first <= to[count - 1] + 1) {
            to[count - 1] = Math.max(to[count - 1], last); // extends the newest range: the common case
            return;
        }
        if (count == from.length) {
            from = Arrays.copyOf(from, count * 2);
            to = Arrays.copyOf(to, count * 2);
        }
        if (count > 0 && first < from[count - 1]) {
            sorted = false;
        }
        from[count] = first;
        to[count] = last;
        count++;
    }

    /** Sorts and merges; call once after the last {@link #add}. */
    void seal() {
        if (!sorted) {
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            long[] f = from;
            Arrays.sort(order, (a, b) -> Long.compare(f[a], f[b]));
            long[] nf = new long[Math.max(16, count)];
            long[] nt = new long[Math.max(16, count)];
            for (int i = 0; i < count; i++) {
                nf[i] = from[order[i]];
                nt[i] = to[order[i]];
            }
            from = nf;
            to = nt;
            sorted = true;
        }
        int merged = 0;
        for (int i = 0; i < count; i++) {
            if (merged > 0 && from[i] <= to[merged - 1] + 1) {
                to[merged - 1] = Math.max(to[merged - 1], to[i]);
            } else {
                from[merged] = from[i];
                to[merged] = to[i];
                merged++;
            }
        }
        count = merged;
    }

    boolean contains(long sequence) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (to[mid] < sequence) {
                lo = mid + 1;
            } else if (from[mid] > sequence) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** How many sequences of {@code low..high} the set holds. */
    long countCovered(long low, long high) {
        int lo = 0;
        int hi = count - 1;
        int start = count;
        while (lo <= hi) { // the first range ending at or after low
            int mid = (lo + hi) >>> 1;
            if (to[mid] >= low) {
                start = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        long covered = 0;
        for (int i = start; i < count && from[i] <= high; i++) {
            covered += Math.min(high, to[i]) - Math.max(low, from[i]) + 1;
        }
        return covered;
    }

    /** The ranges as {@code first, last} pairs, in order (seal first if added out of order). */
    long[] pairs() {
        long[] pairs = new long[2 * count];
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = from[i];
            pairs[2 * i + 1] = to[i];
        }
        return pairs;
    }

    int size() {
        return count;
    }
}
