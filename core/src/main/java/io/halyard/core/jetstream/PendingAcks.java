package io.halyard.core.jetstream;

import java.util.ArrayDeque;

/**
 * PubAcks waiting for their message to be durable, in the order their messages were appended. A
 * PubAck leaves when the store's durable sequence reaches its sequence ({@link #takeDurable}).
 *
 * <p>Thread-safe: added to under the stream's publish lock on event loops, taken from by whichever
 * thread learns of durability (the store's writer thread, an event loop). Costs one entry per
 * publish with a reply.
 */
final class PendingAcks {
    /**
     * A message to send once {@code sequence} is durable: a PubAck ({@code payload} to {@code reply},
     * no headers), or a republished copy ({@code headers} and {@code payload} to the destination).
     */
    record Ack(long sequence, String reply, byte[] headers, byte[] payload) {
        Ack(long sequence, String reply, byte[] payload) {
            this(sequence, reply, null, payload);
        }
    }

    private final ArrayDeque<Ack> queue = new ArrayDeque<>();

    synchronized void add(Ack ack) {
        queue.addLast(ack);
    }

    /** The next ack whose sequence is at or below {@code durableSequence}, or null. */
    synchronized Ack takeDurable(long durableSequence) {
        Ack head = queue.peekFirst();
        if (head == null || head.sequence > durableSequence) {
            return null;
        }
        return queue.pollFirst();
    }

    synchronized int size() {
        return queue.size();
    }

    synchronized void clear() {
        queue.clear();
    }
}
