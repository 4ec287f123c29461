package io.halyard.core;

import io.halyard.core.client.ConnectionSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recently closed connections, for {@code /connz?state=closed}: a ring of fixed size, the
 * oldest overwritten first (nats-server keeps 10,000, its {@code max_closed_clients} default).
 *
 * <p>Thread-safe (a monitor: one short critical section per closed connection or per query).
 */
public final class ClosedConnections {
    /** nats-server's default {@code max_closed_clients}. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final ConnectionSnapshot[] ring;
    private long added;

    public ClosedConnections(int capacity) {
        this.ring = new ConnectionSnapshot[Math.max(1, capacity)];
    }

    public synchronized void add(ConnectionSnapshot closed) {
        ring[(int) (added % ring.length)] = closed;
        added++;
    }

    /** The kept closed connections, oldest first. */
    public synchronized List<ConnectionSnapshot> list() {
        int kept = (int) Math.min(added, ring.length);
        List<ConnectionSnapshot> out = new ArrayList<>(kept);
        for (long i = added - kept; i < added; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }
}
