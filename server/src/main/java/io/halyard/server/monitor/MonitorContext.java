package io.halyard.server.monitor;

import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.ConnectionSnapshot;
import io.halyard.core.jetstream.JetStream;
import io.halyard.server.config.ServerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the monitoring endpoints read: the broker, the options the server runs with, JetStream (null
 * when off) and the bound ports. Endpoints run on the monitoring thread; live connections are read
 * through snapshots taken on their own event loops ({@link #openConnections}).
 */
final class MonitorContext {
    /** How long an endpoint waits for the event loops to answer with their connections. */
    private static final long SNAPSHOT_WAIT_MILLIS = 2_000;

    final Broker broker;
    final ServerOptions options;
    private final Supplier<JetStream> jetStream;
    private final BooleanSupplier stopping;
    final String httpHost;
    final int httpPort;

    MonitorContext(Broker broker, ServerOptions options, Supplier<JetStream> jetStream, BooleanSupplier stopping,
                   String httpHost, int httpPort) {
        this.broker = broker;
        this.options = options;
        this.jetStream = jetStream;
        this.stopping = stopping;
        this.httpHost = httpHost;
        this.httpPort = httpPort;
    }

    /** JetStream, or null when it is off (or already closed by a shutdown). */
    JetStream jetStream() {
        return jetStream.get();
    }

    /** The server is shutting down or in lame-duck mode. */
    boolean stopping() {
        return stopping.getAsBoolean() || broker.inLameDuckMode();
    }

    long nowEpochNanos() {
        return broker.epochNanos(broker.nanoTime());
    }

    /**
     * A snapshot of every open connection, each taken on its event loop; a loop that does not answer
     * within {@value #SNAPSHOT_WAIT_MILLIS} ms leaves its connections out rather than hang the request.
     */
    List<ConnectionSnapshot> openConnections(boolean withSubscriptions) {
        List<ClientSession> sessions = new ArrayList<>(broker.clients());
        List<ConnectionSnapshot> out = new ArrayList<>(sessions.size());
        CountDownLatch answered = new CountDownLatch(sessions.size());
        for (ClientSession s : sessions) {
            try {
                s.snapshot(withSubscriptions, snap -> {
                    synchronized (out) {
                        out.add(snap);
                    }
                    answered.countDown();
                });
            } catch (RuntimeException e) {
                answered.countDown(); // its loop is shutting down
            }
        }
        // A session closed before its task ran never answers: wait for the others, not for it.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_WAIT_MILLIS);
        try {
            while (answered.getCount() > 0 && System.nanoTime() < deadline) {
                if (answered.await(10, TimeUnit.MILLISECONDS)) {
                    break;
                }
                if (answered.getCount() > 0 && allGoneOrAnswered(sessions, out)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (out) {
            return new ArrayList<>(out);
        }
    }

    private boolean allGoneOrAnswered(List<ClientSession> sessions, List<ConnectionSnapshot> answered) {
        int live = 0;
        for (ClientSession s : sessions) {
            if (s.closedSnapshot() == null) {
                live++;
            }
        }
        synchronized (answered) {
            return answered.size() >= live;
        }
    }
}
