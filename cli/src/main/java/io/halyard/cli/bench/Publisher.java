package io.halyard.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The pipelined publisher: {@code PUB} frames are encoded once into a large direct buffer, which is
 * then written again and again, so the per-message cost is a share of one {@code write} call.
 *
 * <p>When sequencing is on, the first 8 payload bytes carry the message's sequence number (big-endian,
 * from 0), patched into the buffer in place before each write; the queue scenario uses it to check
 * exactly-once delivery.
 *
 * <p>Not thread-safe: runs on one thread, which owns the connection.
 */
final class Publisher {

    static final int SEQUENCE_BYTES = Long.BYTES;

    private final RawConnection connection;
    private final ByteBuffer batch;
    private final int frameBytes;
    private final int framesPerBatch;
    private final int payloadOffset;
    private final boolean sequenced;
    private long startNanos;
    private long endNanos;

    /**
     * @param batchBytes target size of one write; at least one frame is always batched
     */
    Publisher(RawConnection connection, String subject, int payloadBytes, boolean sequenced, int batchBytes) {
        if (sequenced && payloadBytes < SEQUENCE_BYTES) {
            throw new IllegalArgumentException("a sequenced payload needs at least 8 bytes, not " + payloadBytes);
        }
        byte[] head = ("PUB " + subject + " " + payloadBytes + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.connection = connection;
        this.sequenced = sequenced;
        this.payloadOffset = head.length;
        this.frameBytes = head.length + payloadBytes + 2;
        this.framesPerBatch = Math.max(1, batchBytes / frameBytes);
        this.batch = ByteBuffer.allocateDirect(framesPerBatch * frameBytes);
        byte[] payload = fillerPayload(payloadBytes);
        for (int i = 0; i < framesPerBatch; i++) {
            batch.put(head).put(payload).put((byte) '\r').put((byte) '\n');
        }
    }

    static byte[] fillerPayload(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < payloadBytes; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }

    /**
     * Publishes until {@code maxMessages} are sent or {@code deadlineNanos} passes (checked per batch),
     * then flushes: when this returns, the server has processed every message.
     *
     * @return how many messages were published
     */
    long run(long maxMessages, long deadlineNanos) throws IOException {
        startNanos = System.nanoTime();
        long sent = 0;
        while (sent < maxMessages) {
            int frames = (int) Math.min(framesPerBatch, maxMessages - sent);
            if (sequenced) {
                for (int i = 0; i < frames; i++) {
                    batch.putLong(i * frameBytes + payloadOffset, sent + i);
                }
            }
            batch.limit(frames * frameBytes).position(0);
            connection.write(batch);
            sent += frames;
            if (System.nanoTime() - deadlineNanos >= 0) {
                break;
            }
        }
        connection.flush();
        endNanos = System.nanoTime();
        return sent;
    }

    long startNanos() {
        return startNanos;
    }

    /** When the server confirmed it had processed everything (the final {@code PONG}). */
    long endNanos() {
        return endNanos;
    }
}
