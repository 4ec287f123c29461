package io.halyard.server;

import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lame-duck mode, as nats-server's {@code lameDuckMode}: stop accepting, send every client an INFO
 * with {@code "ldm":true} (clients that know it — jnats, nats.go — reconnect to another server of
 * their list), wait the grace period, then close the clients spread evenly over the rest of
 * {@code lame_duck_duration}, and finally stop the server as on SIGTERM (JetStream closes after the
 * clients, so appends already made are written and fsynced).
 *
 * <p>Pacing, as nats-server: with {@code n} clients over {@code d} (the duration less the grace
 * period), one client every {@code d / n}; when that is under 10 ms, batches of clients every 10 ms.
 *
 * <p>Runs on its own thread ({@code halyard-lame-duck}); {@link #finishNow} may be called from any
 * thread and cuts the waiting short: what remains is closed at once.
 */
final class LameDuck implements Runnable {
    private static final System.Logger LOG = System.getLogger(LameDuck.class.getName());
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final HalyardServer server;
    private final long durationNanos;
    private final long graceNanos;
    private final Runnable whenDone;
    private final CountDownLatch finishNow = new CountDownLatch(1);

    LameDuck(HalyardServer server, Duration duration, Duration gracePeriod, Runnable whenDone) {
        this.server = server;
        this.durationNanos = duration.toNanos();
        this.graceNanos = Math.min(gracePeriod.toNanos(), durationNanos);
        this.whenDone = whenDone;
    }

    void start() {
        Thread t = new Thread(this, "halyard-lame-duck");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts the drain short: the remaining clients are closed now and the server stops. */
    void finishNow() {
        LOG.log(System.Logger.Level.INFO, "Lame duck mode: closing the remaining clients now");
        finishNow.countDown();
    }

    @Override
    public void run() {
        Broker broker = server.broker();
        LOG.log(System.Logger.Level.INFO, "Entering lame duck mode, stop accepting new clients");
        try {
            server.stopAccepting();
            broker.enterLameDuckMode();
            // As nats-server: with no client to drain there is nothing to wait for.
            if (!broker.clients().isEmpty() && pause(graceNanos)) {
                closeGradually(broker);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "lame duck mode failed; stopping now", e);
        } finally {
            server.stop();
            if (whenDone != null) {
                whenDone.run();
            }
        }
    }

    private void closeGradually(Broker broker) {
        List<ClientSession> clients = new ArrayList<>(broker.clients());
        int n = clients.size();
        if (n == 0) {
            return;
        }
        long spreadNanos = Math.max(0, durationNanos - graceNanos);
        long pauseNanos = spreadNanos / n;
        int batch = 1;
        if (pauseNanos < MIN_PAUSE_NANOS) {
            pauseNanos = MIN_PAUSE_NANOS;
            long batches = Math.max(1, spreadNanos / MIN_PAUSE_NANOS);
            batch = (int) Math.max(1, (n + batches - 1) / batches);
        }
        LOG.log(System.Logger.Level.INFO, "Closing {0} existing clients, {1} every {2} ms", n, batch,
                TimeUnit.NANOSECONDS.toMillis(pauseNanos));
        for (int i = 0; i < n; i += batch) {
            for (int k = i; k < Math.min(n, i + batch); k++) {
                clients.get(k).closeForLameDuck();
            }
            if (i + batch < n && !pause(pauseNanos)) {
                return; // finishNow: stop() closes the rest
            }
        }
    }

    /** Waits {@code nanos}; false when {@link #finishNow} cut it short. */
    private boolean pause(long nanos) {
        try {
            return !finishNow.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
