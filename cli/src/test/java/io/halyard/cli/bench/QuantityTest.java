package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantityTest {

    @Test
    void shouldReadCountsInPowersOfAThousand() {
        assertEquals(5_000_000, Quantity.parseCount("5M"));
        assertEquals(200_000, Quantity.parseCount("200k"));
        assertEquals(1_000_000, Quantity.parseCount("1_000_000"));
    }

    @Test
    void shouldReadSizesInPowersOf1024() {
        assertEquals(16, Quantity.parseBytes("16"));
        assertEquals(1024, Quantity.parseBytes("1KiB"));
        assertEquals(1024, Quantity.parseBytes("1k"));
        assertEquals(65536, Quantity.parseBytes("64KB"));
        assertEquals(1 << 20, Quantity.parseBytes("1MiB"));
    }

    @Test
    void shouldRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Quantity.parseCount("lots"));
        assertThrows(IllegalArgumentException.class, () -> Quantity.parseCount("-5"));
    }
}
