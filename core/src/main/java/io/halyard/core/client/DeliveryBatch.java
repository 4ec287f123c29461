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
    private Outbound stalledOn;
    /** The message being delivered, encoded once for all subscribers (and once without headers). */
    final FrameTemplate withHeaders = new FrameTemplate();
    final FrameTemplate withoutHeaders = new FrameTemplate();
    private long publish;

    /** Starts the delivery of a new message: the frame templates are prepared on first use. */
    public void beginMessage() {
        publish++;
    }

    /** The encoded frame of the current message for a subscriber with or without header support. */
    FrameTemplate template(io.halyard.protocol.PublishFrame f, boolean subscriberHasHeaders) {
        boolean strip = f.hasHeaders() && !subscriberHasHeaders;
        FrameTemplate t = strip ? withoutHeaders : withHeaders;
        if (t.preparedFor != publish) {
            t.prepare(f, strip, publish);
        }
        return t;
    }

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

    /** Records that the producer should wait for {@code out} to drain (the first one reported wins). */
    void stallOn(Outbound out) {
        if (stalledOn == null) {
            stalledOn = out;
        }
    }

    /** The connection the producer should wait for, if any; clears it. */
    Outbound takeStall() {
        Outbound out = stalledOn;
        stalledOn = null;
        return out;
    }

    /** Broker-originated messages never stall their (internal) producer: forget any stall. */
    public void takeStallForInternal() {
        stalledOn = null;
    }

    public boolean isEmpty() {
        return marked.isEmpty();
    }
}
