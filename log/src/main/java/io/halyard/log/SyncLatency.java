package io.halyard.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * How long the file stores' fsyncs take, process-wide: a histogram with fixed buckets, recorded by
 * every store's writer thread after each group commit's sync, read by monitoring (the server turns
 * it into a Prometheus histogram). Plain numbers, so this module stays free of any metrics library.
 *
 * <p>One sync here is one group commit's {@code force} of every file the batch wrote (usually one
 * segment, sometimes the delete journal too), plus the directory when a file was created.
 *
 * <p>Thread-safe; recording is a few {@link LongAdder} increments, no allocation.
 */
public final class SyncLatency {
    /** Upper bounds of the buckets, in seconds (the last bucket, above them, is +Inf). */
    private static final double[] BOUNDS_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    private static final LongAdder[] BUCKETS = new LongAdder[BOUNDS_SECONDS.length + 1];
    private static final LongAdder SUM_NANOS = new LongAdder();

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKETS[i] = new LongAdder();
        }
    }

    private SyncLatency() {
    }

    /** A point-in-time copy: {@code counts[i]} syncs took at most {@code upperBoundsSeconds[i]} and more than the bound before; the last count is above every bound. */
    public record Snapshot(double[] upperBoundsSeconds, long[] counts, double sumSeconds) {
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }

    /** Records one sync that took {@code nanos}. */
    static void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        BUCKETS[i].increment();
        SUM_NANOS.add(nanos);
    }

    public static Snapshot snapshot() {
        long[] counts = new long[BUCKETS.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = BUCKETS[i].sum();
        }
        return new Snapshot(BOUNDS_SECONDS.clone(), counts, SUM_NANOS.sum() / 1e9);
    }
}
