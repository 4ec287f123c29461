package io.halyard.core.jetstream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The {@code Nats-TTL} values nats-server accepts (ADR-43), and expiry in deadline order. */
class MessageTtlsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldReadGoDurationsAndWholeSecondsAsNatsServerDoes() {
        assertEquals(30, MessageTtls.parseSeconds("30s"));
        assertEquals(30, MessageTtls.parseSeconds("30"));
        assertEquals(5400, MessageTtls.parseSeconds("1h30m"));
        assertEquals(900, MessageTtls.parseSeconds("15m0s"));
        assertEquals(1, MessageTtls.parseSeconds("1.5s"), "whole seconds, as nats-server keeps them");
        assertEquals(MessageTtls.NEVER, MessageTtls.parseSeconds("never"));
        assertEquals(MessageTtls.NEVER, MessageTtls.parseSeconds("Never"));
    }

    @Test
    void shouldRejectWhatIsNotATtlOfAtLeastASecond() {
        for (String bad : new String[] {"500ms", "0", "0s", "-1", "-5s", "abc", "1x", "", "1h-", "s"}) {
            assertEquals(MessageTtls.INVALID, MessageTtls.parseSeconds(bad), bad);
        }
    }

    @Test
    void shouldRaiseATtlBelowTheMarkerTtlWhenMarkersAreOn() {
        StreamConfig c = new StreamConfig();
        c.subjectDeleteMarkerTtlNanos = 60 * SECOND;
        c.maxMsgsPerSubject = -1;
        assertEquals(60, MessageTtls.effectiveSeconds(5, c));
        assertEquals(120, MessageTtls.effectiveSeconds(120, c));
        c.maxMsgsPerSubject = 1;
        assertEquals(5, MessageTtls.effectiveSeconds(5, c));
    }

    @Test
    void shouldHandOutExpiredSequencesInDeadlineOrder() {
        MessageTtls ttls = new MessageTtls();
        ttls.add(1, 0, 10);
        ttls.add(2, 0, 5);
        ttls.add(3, 2 * SECOND, 1);
        assertArrayEquals(new long[0], ttls.due(2 * SECOND));
        assertArrayEquals(new long[] {3, 2}, ttls.due(5 * SECOND));
        assertArrayEquals(new long[] {1}, ttls.due(60 * SECOND));
        assertEquals(0, ttls.size());
    }
}
