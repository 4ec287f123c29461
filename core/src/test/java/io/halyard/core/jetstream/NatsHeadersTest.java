package io.halyard.core.jetstream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NatsHeadersTest {
    private static byte[] block(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldFindTheFirstValueOfAnExactName() {
        byte[] b = block("NATS/1.0\r\nNats-Msg-Id:  abc \r\nNats-Msg-Id: second\r\nX: 1\r\n\r\n");
        assertEquals("abc", NatsHeaders.get(b, "Nats-Msg-Id"));
        assertEquals("1", NatsHeaders.get(b, "X"));
        assertNull(NatsHeaders.get(b, "nats-msg-id"));
        assertNull(NatsHeaders.get(b, "Nats-Msg"));
    }

    @Test
    void shouldReadNothingFromAMalformedBlock() {
        assertNull(NatsHeaders.get(block("HTTP/1.1\r\nX: 1\r\n\r\n"), "X"));
        assertNull(NatsHeaders.get(block("NATS/1.0\r\nno colon\r\n\r\n"), "no colon"));
        assertNull(NatsHeaders.get((byte[]) null, "X"));
        assertEquals("1", NatsHeaders.get(block("NATS/1.0\r\nbroken\r\nX: 1\r\n\r\n"), "X"));
    }

    @Test
    void shouldReadTheStatusCode() {
        assertEquals(404, NatsHeaders.status(block("NATS/1.0 404 Message Not Found\r\n\r\n")));
        assertEquals(0, NatsHeaders.status(block("NATS/1.0\r\n\r\n")));
    }

    @Test
    void shouldAppendHeadersAsGenHeaderDoes() {
        assertEquals("NATS/1.0\r\nk: v\r\nNats-Stream: S\r\n\r\n",
                new String(NatsHeaders.append(block("NATS/1.0\r\nk: v\r\n\r\n"), "Nats-Stream", "S"), StandardCharsets.UTF_8));
        assertEquals("NATS/1.0\r\nNats-Stream: S\r\n\r\n", new String(NatsHeaders.append(new byte[0], "Nats-Stream", "S"), StandardCharsets.UTF_8));
        assertEquals("NATS/1.0 204 EOB\r\nNats-Num-Pending: 0\r\n\r\n",
                new String(NatsHeaders.withStatus("204 EOB", "Nats-Num-Pending", "0"), StandardCharsets.UTF_8));
    }

    @Test
    void shouldDropTheNamedHeadersAndKeepTheRestByteForByte() {
        byte[] in = block("NATS/1.0\r\nNats-Msg-Id: a\r\nnats-expected-last-sequence: 4\r\nX:  spaced \r\n"
                + "Nats-Stream-Source: S 1 > > s\r\n\r\n");
        byte[] out = NatsHeaders.without(in, n -> n.equalsIgnoreCase("Nats-Stream-Source")
                || n.regionMatches(true, 0, "Nats-Expected-", 0, 14));
        assertEquals("NATS/1.0\r\nNats-Msg-Id: a\r\nX:  spaced \r\n\r\n", new String(out, StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertSame(in, NatsHeaders.without(in, n -> false), "nothing dropped: the same block");
        assertNull(NatsHeaders.without(null, n -> true));
    }
}
