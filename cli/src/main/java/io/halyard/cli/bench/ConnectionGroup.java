package io.halyard.cli.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one scenario run, under a hard time limit: when the limit passes, a watchdog
 * closes them all, which makes every blocked read or write fail at once. This is what bounds a run
 * against a server that stops answering.
 *
 * <p>Thread-safe: connections are added by the coordinating thread and closed by it or the watchdog.
 */
final class ConnectionGroup implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bench-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final List<RawConnection> connections = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> alarm;
    private final long limitNanos;
    private volatile boolean expired;

    ConnectionGroup(long limitNanos) {
        this.limitNanos = limitNanos;
        this.alarm = WATCHDOG.schedule(this::expire, limitNanos, TimeUnit.NANOSECONDS);
    }

    /** Connects, registers with the watchdog, then handshakes (so a silent server cannot hang us). */
    RawConnection open(ServerUrl url, String name, int readBufferBytes, int payloadPrefixBytes) throws IOException {
        RawConnection connection = RawConnection.connect(url, name, readBufferBytes, payloadPrefixBytes);
        connections.add(connection);
        if (expired) {
            connection.close();
        }
        connection.handshake(url);
        return connection;
    }

    private void expire() {
        expired = true;
        connections.forEach(RawConnection::close);
    }

    /** Whether the watchdog fired; if so, failures seen since are its doing. */
    boolean expired() {
        return expired;
    }

    String expiryMessage() {
        return "timed out: scenario exceeded its hard limit of " + TimeUnit.NANOSECONDS.toSeconds(limitNanos) + " s";
    }

    @Override
    public void close() {
        alarm.cancel(false);
        connections.forEach(RawConnection::close);
    }
}
