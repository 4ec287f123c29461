package io.halyard.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * JetStream publishing with a window: {@code PUB}s with a reply subject on one raw connection, at most
 * {@code window} of them not yet answered by a PubAck, which a {@link Subscriber} on another connection
 * counts. Used by {@code jspub} (the measurement itself) and {@code jspull} (filling the stream).
 *
 * <p>Not thread-safe: the calling thread writes; the acks' subscriber runs on its own thread.
 */
final class WindowedPublisher {
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final RawConnection connection;
    private final Subscriber acks;
    private final int window;
    private final int frameBytes;
    private final int framesPerBatch;
    private final ByteBuffer batch;

    WindowedPublisher(RawConnection connection, Subscriber acks, String subject, String inbox, int payloadBytes,
                      int window, int batchBytes) {
        this.connection = connection;
        this.acks = acks;
        this.window = window;
        byte[] head = ("PUB " + subject + " " + inbox + " " + payloadBytes + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.frameBytes = head.length + payloadBytes + 2;
        this.framesPerBatch = Math.max(1, Math.min(window / 4, batchBytes / frameBytes));
        this.batch = ByteBuffer.allocateDirect(framesPerBatch * frameBytes);
        byte[] payload = Publisher.fillerPayload(payloadBytes);
        for (int i = 0; i < framesPerBatch; i++) {
            batch.put(head).put(payload).put((byte) '\r').put((byte) '\n');
        }
    }

    /**
     * Publishes until {@code maxMessages} are sent, {@code deadlineNanos} passes, or PubAcks stop
     * arriving for {@code idleNanos}; returns how many were sent (not necessarily acknowledged yet).
     */
    long publish(long maxMessages, long deadlineNanos, long idleNanos) throws IOException {
        long sent = 0;
        long lastProgress = System.nanoTime();
        long ackedBefore = acks.received();
        long lastAcked = 0;
        while (sent < maxMessages && System.nanoTime() - deadlineNanos < 0 && !acks.finished()) {
            int frames = (int) Math.min(framesPerBatch, maxMessages - sent);
            long acked = acks.received() - ackedBefore;
            if (sent + frames - acked > window) {
                long now = System.nanoTime();
                if (acked != lastAcked) {
                    lastAcked = acked;
                    lastProgress = now;
                } else if (now - lastProgress > idleNanos) {
                    break; // acknowledgements stopped coming: the caller reports them missing
                }
                LockSupport.parkNanos(POLL_NANOS);
                continue;
            }
            batch.limit(frames * frameBytes).position(0);
            connection.write(batch);
            sent += frames;
        }
        return sent;
    }

    /** Waits until the subscriber has counted {@code expected} PubAcks, or none came for {@code idleNanos}. */
    static void awaitAcks(Subscriber acks, long expected, long idleNanos) {
        long last = -1;
        long lastProgress = System.nanoTime();
        while (acks.received() < expected && !acks.finished()) {
            long now = System.nanoTime();
            long received = acks.received();
            if (received != last) {
                last = received;
                lastProgress = now;
            } else if (now - lastProgress > idleNanos) {
                return;
            }
            LockSupport.parkNanos(POLL_NANOS * 10);
        }
    }
}
