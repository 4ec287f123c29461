package io.halyard.cli.messaging;

import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What a message is built from on the command line: {@code key:value} headers and a UTF-8 body. */
final class MessageParts {

    private MessageParts() {
    }

    /** Parses {@code key:value} pairs; null when there are none (so no HPUB is sent). */
    static Headers headers(List<String> pairs) {
        if (pairs == null || pairs.isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a header is key:value, not '" + pair + "'");
            }
            headers.add(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return headers;
    }

    static byte[] utf8(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
