package io.halyard.core.jetstream;

import io.halyard.core.Broker;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The single {@code halyard-jetstream} thread's executor. Each task runs with the broker's flushes
 * held ({@link Broker#holdFlushes()}): the messages a task publishes — a pull request filled with up to
 * its batch of messages, the deliveries a burst of acks lets through, an API answer — leave with one
 * wake-up of each receiving connection's event loop when the task ends, not one per message. A task
 * never waits for its own messages, so holding them to its end delays nothing it needs.
 *
 * <p>Thread-safe as an executor.
 */
final class JetStreamExecutor extends ScheduledThreadPoolExecutor {
    private final Broker broker;

    JetStreamExecutor(Broker broker) {
        super(1, r -> {
            Thread t = new Thread(r, "halyard-jetstream");
            t.setDaemon(true);
            return t;
        });
        this.broker = broker;
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        broker.holdFlushes();
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        broker.releaseFlushes();
    }
}
