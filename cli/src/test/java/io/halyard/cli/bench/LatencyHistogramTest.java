package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    /** A reported value may exceed the true one by at most one bucket: 2^(1-PRECISION_BITS) relative. */
    private static final double RELATIVE_ERROR = Math.pow(2, 1 - LatencyHistogram.PRECISION_BITS);
    private static final double[] PERCENTILES = {0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};

    @Test
    void shouldMatchPercentilesOfTheSortedValuesWithinOneBucket() {
        Random random = new Random(42);
        long[] values = new long[200_000];
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-uniform from 1 ns to about 1 s, like latencies with a long tail
            values[i] = (long) Math.exp(random.nextDouble() * Math.log(1e9));
            histogram.record(values[i]);
        }
        assertPercentilesMatch(values, histogram);
    }

    @Test
    void shouldBeExactBelowTheLinearLimit() {
        LatencyHistogram histogram = new LatencyHistogram();
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 2L;
            histogram.record(values[i]);
        }
        // values 0, 2, ..., 1998: rank r (1-based) holds 2 (r - 1)
        assertEquals(1998, histogram.percentile(100));
        assertEquals(1998, histogram.max());
        assertEquals(0, histogram.min());
        assertEquals(1996, histogram.percentile(99.9));   // rank 999
        assertEquals(1994, histogram.percentile(99.8));   // rank 998
        assertEquals(1996, histogram.percentile(99.81));  // rank ceil(998.1) = 999
        assertEquals(0, histogram.percentile(0.1));       // rank 1
        assertEquals(999.0, histogram.mean(), 1e-9);
        assertPercentilesMatch(values, histogram);
    }

    @Test
    void shouldMergeHistogramsAsIfOneHadRecordedEverything() {
        Random random = new Random(7);
        long[] values = new long[50_000];
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = 10_000 + random.nextInt(5_000_000);
            (i % 3 == 0 ? a : b).record(values[i]);
        }
        a.add(b);
        assertEquals(values.length, a.count());
        assertPercentilesMatch(values, a);
    }

    @Test
    void shouldMapEveryBucketBoundaryConsistently() {
        for (long v = 0; v < LatencyHistogram.MAX_VALUE; v = v < 10_000 ? v + 1 : v + v / 997) {
            int index = LatencyHistogram.indexOf(v);
            long top = LatencyHistogram.highestValueAt(index);
            assertTrue(top >= v, "bucket top below value " + v);
            assertEquals(index, LatencyHistogram.indexOf(top), "top of bucket for " + v);
            assertEquals(index + 1, LatencyHistogram.indexOf(top + 1), "next bucket after " + v);
            assertTrue(top - v <= Math.max(0, v * RELATIVE_ERROR), "bucket too wide at " + v);
        }
    }

    @Test
    void shouldReportZeroWhenEmptyAndClampOutOfRangeValues() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertEquals(0, histogram.percentile(50));
        assertEquals(0, histogram.min());
        histogram.record(-5);
        histogram.record(Long.MAX_VALUE);
        assertEquals(0, histogram.min());
        assertEquals(LatencyHistogram.MAX_VALUE, histogram.max());
    }

    private static void assertPercentilesMatch(long[] values, LatencyHistogram histogram) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double p : PERCENTILES) {
            // the rank in exact decimal arithmetic: the smallest r with r >= p% of n
            int rank = Math.max(1, BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(sorted.length))
                    .divide(BigDecimal.valueOf(100)).setScale(0, RoundingMode.CEILING).intValueExact());
            long exact = sorted[rank - 1];
            long reported = histogram.percentile(p);
            assertTrue(reported >= exact && reported <= exact + exact * RELATIVE_ERROR,
                    "p" + p + ": exact " + exact + ", reported " + reported);
        }
        assertEquals(sorted[0], histogram.min());
        assertEquals(sorted[sorted.length - 1], histogram.max());
    }
}
