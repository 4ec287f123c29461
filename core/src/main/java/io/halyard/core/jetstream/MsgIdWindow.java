package io.halyard.core.jetstream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code Nats-Msg-Id}s a stream saw within its {@code duplicate_window}: id → the sequence it
 * was stored at, forgotten once older than the window (nats-server's {@code ddmap}/{@code ddarr}).
 * Entries arrive in time order, so expiry pops from the head of a queue.
 *
 * <p>Not thread-safe: the owning {@link Stream} guards it with its publish lock. Costs one entry
 * object per message that carries an id.
 */
final class MsgIdWindow {
    private record Entry(String id, long sequence, long timestampNanos) {
    }

    private final Map<String, Entry> byId = new HashMap<>();
    private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();
    private long windowNanos;

    MsgIdWindow(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void window(long nanos) {
        this.windowNanos = nanos;
    }

    /** The sequence the id was stored at within the window, or 0. */
    long sequenceOf(String id, long nowNanos) {
        expire(nowNanos);
        Entry e = byId.get(id);
        return e == null ? 0 : e.sequence;
    }

    void record(String id, long sequence, long timestampNanos) {
        Entry e = new Entry(id, sequence, timestampNanos);
        byId.put(id, e);
        inOrder.addLast(e);
    }

    int size() {
        return byId.size();
    }

    private void expire(long nowNanos) {
        long oldest = nowNanos - windowNanos;
        Entry head;
        while ((head = inOrder.peekFirst()) != null && head.timestampNanos < oldest) {
            inOrder.pollFirst();
            if (byId.get(head.id) == head) {
                byId.remove(head.id);
            }
        }
    }
}
