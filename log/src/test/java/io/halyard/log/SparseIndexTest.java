package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparseIndexTest {

    @Test
    void shouldIndexTheFirstRecordAndThenOneRecordPerInterval() {
        SparseIndex index = new SparseIndex();
        // 100-byte records at positions 0, 100, 200, ...
        for (int i = 0; i < 1000; i++) {
            index.onAppend(i + 1, i * 100L, false);
        }
        assertEquals(0, index.floorPosition(1));
        int expected = (int) Math.ceil(1000 * 100.0 / SparseIndex.INTERVAL_BYTES);
        assertTrue(Math.abs(index.entries() - expected) <= 1, "entries " + index.entries() + " ~ " + expected);
        for (int seq = 1; seq <= 1000; seq++) {
            long floor = index.floorPosition(seq);
            long position = (seq - 1) * 100L;
            assertTrue(floor <= position && position - floor < SparseIndex.INTERVAL_BYTES + 100,
                    "seq " + seq + " floor " + floor);
        }
    }

    @Test
    void shouldAlwaysIndexAForcedResumePoint() {
        SparseIndex index = new SparseIndex();
        index.onAppend(1, 0, false);
        index.onAppend(2, 50, true);
        index.onAppend(3, 60, false);
        assertEquals(50, index.floorPosition(2));
        assertEquals(50, index.floorPosition(3));
        assertEquals(0, index.floorPosition(1));
    }
}
