package io.halyard.core.client;

import java.nio.charset.StandardCharsets;

/**
 * One {@code SUB} of one client: what the subject index stores and what delivery needs.
 *
 * <p>Identity matters: the index removes a subscription by identity. {@code delivered} and {@code
 * closed} are written under the owner's {@link Outbound} lock (delivery) or on the owner's event loop
 * (unsubscribe); {@code closed} is volatile so publishers on other threads see it promptly.
 */
public final class Subscription {
    final ClientSession owner;
    final String subject;
    /** {@code null} for a plain subscription. */
    final String queue;
    final String sid;
    /** The sid as ASCII bytes, written into every MSG without encoding. */
    final byte[] sidBytes;
    /** Auto-unsubscribe after this many messages ({@code UNSUB sid max}); 0 = unlimited. */
    long maxMessages;
    /** Messages written to the owner; guarded by the owner's outbound lock. */
    long delivered;
    volatile boolean closed;
    /** Set for a subscriber inside the broker; then {@code owner} is null. */
    final InternalSubscriber internal;

    Subscription(ClientSession owner, String subject, String queue, String sid) {
        this.owner = owner;
        this.subject = subject;
        this.queue = queue;
        this.sid = sid;
        this.sidBytes = sid.getBytes(StandardCharsets.US_ASCII);
        this.internal = null;
    }

    private Subscription(String subject, String queue, InternalSubscriber internal) {
        this.owner = null;
        this.subject = subject;
        this.queue = queue;
        this.sid = "internal";
        this.sidBytes = sid.getBytes(StandardCharsets.US_ASCII);
        this.internal = internal;
    }

    /** A subscription whose messages go to {@code handler} instead of a connection. */
    public static Subscription internal(String subject, String queue, InternalSubscriber handler) {
        return new Subscription(subject, queue, handler);
    }

    /** Marks the subscription closed: routing skips it from now on (remove it from the broker too). */
    public void close() {
        closed = true;
    }

    public boolean isInternal() {
        return internal != null;
    }

    /** Delivers to an internal subscriber; false for a connection's subscription. */
    public boolean deliverInternal(io.halyard.protocol.PublishFrame frame, ClientSession from) {
        return internal != null && internal.onMessage(frame, from);
    }

    public ClientSession owner() {
        return owner;
    }

    public String subject() {
        return subject;
    }

    public String queue() {
        return queue;
    }

    public String sid() {
        return sid;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "sub[" + subject + (queue == null ? "" : " " + queue) + " sid=" + sid + "]";
    }
}
