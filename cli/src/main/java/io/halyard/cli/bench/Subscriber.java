package io.halyard.cli.bench;

import java.io.IOException;

/**
 * A counting subscriber: reads big buffers and counts {@code MSG} frames, optionally recording their
 * sequence numbers in a {@link DeliveryLedger}. It runs until {@link #stop()} closes its connection.
 *
 * <p><b>Threads.</b> {@link #run()} is the reader thread and the only writer of the counters; it
 * publishes progress once per read (not per message) through volatile fields that the coordinating
 * thread polls.
 */
final class Subscriber implements RawConnection.MessageListener, Runnable {

    private final RawConnection connection;
    private final DeliveryLedger ledger;
    private long received;
    private volatile long receivedSoFar;
    private volatile long firstNanos;
    private volatile long lastNanos;
    private volatile Exception failure;
    private volatile boolean stopping;
    private volatile boolean finished;

    /** @param ledger where to record sequence numbers, or null to only count */
    Subscriber(RawConnection connection, DeliveryLedger ledger) {
        this.connection = connection;
        this.ledger = ledger;
        connection.listen(this);
    }

    @Override
    public void onMessage(MsgScanner frame) {
        received++;
        if (ledger != null) {
            ledger.record(frame);
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                connection.pump();
                long count = received;
                if (count != receivedSoFar) {
                    long now = System.nanoTime();
                    if (firstNanos == 0) {
                        firstNanos = now;
                    }
                    lastNanos = now;
                    receivedSoFar = count;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                failure = e;
            }
        } finally {
            finished = true;
        }
    }

    /** Closes the connection, which ends {@link #run()}; call once the expected count is reached. */
    void stop() {
        stopping = true;
        connection.close();
    }

    long received() {
        return receivedSoFar;
    }

    long firstNanos() {
        return firstNanos;
    }

    long lastNanos() {
        return lastNanos;
    }

    /** Why the reader ended on its own (server closed, {@code -ERR}, bad frame), or null. */
    Exception failure() {
        return failure;
    }

    boolean finished() {
        return finished;
    }

    DeliveryLedger ledger() {
        return ledger;
    }

    String name() {
        return connection.name();
    }
}
