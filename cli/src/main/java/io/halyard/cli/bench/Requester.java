package io.halyard.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One raw requester of the reqrep scenario: publishes a pre-encoded request with its own inbox as the
 * reply subject, reads until the reply arrives, and records the round trip in its own histogram. One
 * request is outstanding at a time, so any message on the inbox is the reply to it.
 *
 * <p>Not thread-safe: one thread per requester.
 */
final class Requester implements RawConnection.MessageListener {

    private final RawConnection connection;
    private final ByteBuffer request;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private boolean replied;
    private long startNanos;
    private long endNanos;
    private long completed;

    Requester(RawConnection connection, String subject, String inbox, int payloadBytes) {
        byte[] head = ("PUB " + subject + " " + inbox + " " + payloadBytes + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.connection = connection;
        this.request = ByteBuffer.allocateDirect(head.length + payloadBytes + 2);
        request.put(head).put(Publisher.fillerPayload(payloadBytes)).put((byte) '\r').put((byte) '\n').flip();
        connection.listen(this);
    }

    @Override
    public void onMessage(MsgScanner frame) {
        if (frame.hasHeaders()) {
            // Our responder never sends headers; a header-only reply is the server's 503 "no responders".
            throw new IllegalStateException("request got a status reply (no responders?) on " + frame.subject());
        }
        replied = true;
    }

    /** Sends {@code warmup} unrecorded requests, then up to {@code max} recorded ones until the deadline. */
    void run(long warmup, long max, long deadlineNanos) throws IOException {
        for (long i = 0; i < warmup && System.nanoTime() - deadlineNanos < 0; i++) {
            roundTrip();
        }
        startNanos = System.nanoTime();
        long now = startNanos;
        while (completed < max && now - deadlineNanos < 0) {
            long sent = now;
            roundTrip();
            now = System.nanoTime();
            histogram.record(now - sent);
            completed++;
        }
        endNanos = now;
    }

    private void roundTrip() throws IOException {
        replied = false;
        request.rewind();
        connection.write(request);
        while (!replied) {
            connection.pump();
        }
    }

    LatencyHistogram histogram() {
        return histogram;
    }

    long completed() {
        return completed;
    }

    long startNanos() {
        return startNanos;
    }

    long endNanos() {
        return endNanos;
    }
}
