package io.halyard.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void shouldParseUnitsAsPowersOf1024AsTheNatsCliDoes() {
        assertEquals(1024, ByteSizes.parse("1024"));
        assertEquals(1024, ByteSizes.parse("1K"));
        assertEquals(512 * 1024, ByteSizes.parse("512KB"));
        assertEquals(1L << 30, ByteSizes.parse("1GiB"));
        assertEquals(3L << 20, ByteSizes.parse("3mb"));
        assertEquals(-1, ByteSizes.parse("-1"));
        assertEquals(7, ByteSizes.parse("7B"));
    }

    @Test
    void shouldRefuseWhatIsNotASize() {
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("1XB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("99999999999T"));
    }

    @Test
    void shouldFormatForPeople() {
        assertEquals("512 B", ByteSizes.format(512));
        assertEquals("1.0 KiB", ByteSizes.format(1024));
        assertEquals("1.5 MiB", ByteSizes.format(3L << 19));
        assertEquals("unlimited", ByteSizes.format(-1));
    }
}
