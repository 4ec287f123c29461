package io.halyard.cli.messaging;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Writes a received message for people: a heading line, its headers, then its payload as UTF-8. */
final class MessagePrinter {

    private final PrintWriter out;
    private final boolean raw;

    /** @param raw print only payloads, one per line */
    MessagePrinter(PrintWriter out, boolean raw) {
        this.out = out;
        this.raw = raw;
    }

    void print(long number, Message message) {
        String payload = new String(message.getData() == null ? new byte[0] : message.getData(), StandardCharsets.UTF_8);
        if (raw) {
            out.println(payload);
            return;
        }
        out.printf("#%d subject %s%s, %d bytes%n", number, message.getSubject(),
                message.getReplyTo() == null ? "" : " reply-to " + message.getReplyTo(),
                message.getData() == null ? 0 : message.getData().length);
        if (message.isStatusMessage()) {
            out.printf("status %d %s%n", message.getStatus().getCode(), message.getStatus().getMessage());
        }
        Headers headers = message.getHeaders();
        if (headers != null) {
            for (String key : headers.keySet()) {
                for (String value : headers.get(key)) {
                    out.printf("%s: %s%n", key, value);
                }
            }
        }
        out.println(payload);
        out.println();
        out.flush();
    }
}
