package io.halyard.core.client;

import java.util.ArrayList;

/**
 * The connections a producer has written to and must flush when its batch ends — one per producer,
 * confined to the producer's thread. A client session ends a batch when its socket read has been
 * parsed, so a read carrying thousands of PUBs costs each subscriber one flush (nats-server calls the
 * same idea "pcd", the per-client deferred flush set).
 *
 * <p>Not thread-safe.
 */
public final class DeliveryBatch {
    private final ArrayList<Outbound> marked = new ArrayList<>();

    /** Records that {@code out} must be flushed, if this batch became responsible for it. */
    public void add(Outbound out) {
        if (out.markForFlush()) {
            marked.add(out);
        }
    }

    /** Flushes (or asks the owners' loops to flush) every connection written to, then empties. */
    public void flush() {
        int n = marked.size();
        for (int i = 0; i < n; i++) {
            marked.get(i).requestFlush();
        }
        marked.clear();
    }

    public boolean isEmpty() {
        return marked.isEmpty();
    }
}
