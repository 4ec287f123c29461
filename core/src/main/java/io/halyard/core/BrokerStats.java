package io.halyard.core;

import io.halyard.core.client.ClientSession;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-wide counters. Message and byte counts are kept per session (no shared write per message)
 * and folded in here when a session ends; {@link #snapshot} adds the live sessions' counts.
 *
 * <p>Thread-safe.
 */
public final class BrokerStats {
    final AtomicLong connectionsAccepted = new AtomicLong();
    final AtomicLong slowConsumers = new AtomicLong();
    final AtomicLong staleConnections = new AtomicLong();
    private final AtomicLong retiredMessagesIn = new AtomicLong();
    private final AtomicLong retiredBytesIn = new AtomicLong();
    private final AtomicLong retiredMessagesOut = new AtomicLong();
    private final AtomicLong retiredBytesOut = new AtomicLong();

    /** A point-in-time view of the counters. */
    public record Snapshot(long connectionsAccepted, long slowConsumers, long staleConnections,
                           long messagesIn, long bytesIn, long messagesOut, long bytesOut) {
    }

    public void slowConsumer() {
        slowConsumers.incrementAndGet();
    }

    public void staleConnection() {
        staleConnections.incrementAndGet();
    }

    public long slowConsumers() {
        return slowConsumers.get();
    }

    void retire(ClientSession s) {
        retiredMessagesIn.addAndGet(s.messagesIn());
        retiredBytesIn.addAndGet(s.bytesIn());
        retiredMessagesOut.addAndGet(s.outbound().messagesOut());
        retiredBytesOut.addAndGet(s.outbound().bytesOut());
    }

    public Snapshot snapshot(Iterable<ClientSession> live) {
        long mi = retiredMessagesIn.get();
        long bi = retiredBytesIn.get();
        long mo = retiredMessagesOut.get();
        long bo = retiredBytesOut.get();
        for (ClientSession s : live) {
            mi += s.messagesIn();
            bi += s.bytesIn();
            mo += s.outbound().messagesOut();
            bo += s.outbound().bytesOut();
        }
        return new Snapshot(connectionsAccepted.get(), slowConsumers.get(), staleConnections.get(),
                mi, bi, mo, bo);
    }
}
