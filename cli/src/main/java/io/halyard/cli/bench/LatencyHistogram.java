package io.halyard.cli.bench;

/**
 * A log-linear histogram of non-negative values (nanoseconds here), in the manner of HdrHistogram:
 * values below 2<sup>{@value #PRECISION_BITS}</sup> get a bucket each; above that, every power of two
 * is split into 2<sup>{@value #PRECISION_BITS}-1</sup> equal buckets, so a reported value is never
 * more than 2<sup>1-{@value #PRECISION_BITS}</sup> (≈0.1 %) above the true one.
 *
 * <p>Percentiles report the highest value of the bucket that holds the requested rank, as
 * HdrHistogram does: latencies are rounded up, never down. Recording allocates nothing.
 *
 * <p>Not thread-safe: each recording thread owns one histogram; {@link #add} merges them afterwards.
 */
public final class LatencyHistogram {

    static final int PRECISION_BITS = 11;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final int LINEAR_LIMIT = 1 << PRECISION_BITS;
    /** Values are clamped here (about 18 minutes in nanoseconds). */
    static final long MAX_VALUE = (1L << 40) - 1;

    private final long[] counts = new long[indexOf(MAX_VALUE) + 1];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    public void record(long value) {
        long v = Math.min(Math.max(value, 0), MAX_VALUE);
        counts[indexOf(v)]++;
        total++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    static int indexOf(long value) {
        if (value < LINEAR_LIMIT) {
            return (int) value;
        }
        int top = 63 - Long.numberOfLeadingZeros(value);
        int shift = top - PRECISION_BITS + 1;
        return shift * HALF + (int) (value >>> shift);
    }

    /** The largest value that maps to the same bucket as {@code index}. */
    static long highestValueAt(int index) {
        if (index < LINEAR_LIMIT) {
            return index;
        }
        int shift = index / HALF - 1;
        long mantissa = index - (long) shift * HALF;
        return ((mantissa + 1) << shift) - 1;
    }

    /**
     * The value at {@code percentile} (0..100]: the smallest recorded value v such that at least
     * {@code percentile} % of recordings are ≤ v, rounded up to its bucket's top (and never above max).
     */
    public long percentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        // The epsilon undoes binary rounding: 99.9 / 100 * 1000 is 999.0000000000001, yet rank 999 is meant.
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total - 1e-6));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestValueAt(i), max);
            }
        }
        return max;
    }

    public long count() {
        return total;
    }

    public long min() {
        return total == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return total == 0 ? 0 : sum / total;
    }
}
