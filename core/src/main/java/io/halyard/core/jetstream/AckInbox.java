package io.halyard.core.jetstream;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Acks and flow-control replies on their way from the event loops that read them to the JetStream
 * thread. The first one queued after a drain schedules one drain task; those that arrive while it is
 * pending join it. A client acknowledging every message (jnats writes many acks per socket write)
 * thus costs one task and one wake-up of the JetStream thread per burst, not per ack. A drain takes
 * at most {@value #MAX_PER_DRAIN} and then queues itself behind whatever else waits (pull requests,
 * the tick), so a flood of acks never starves them.
 *
 * <p>Thread-safe: {@link #add} from any thread; the handler runs on the executor's (single) thread,
 * in the order the acks were added.
 */
final class AckInbox {
    static final int MAX_PER_DRAIN = 1024;

    /** Receives each ack on the JetStream thread. */
    @FunctionalInterface
    interface Handler {
        void onAck(String subject, String reply, byte[] body);
    }

    private record Ack(String subject, String reply, byte[] body) {
    }

    private final ConcurrentLinkedQueue<Ack> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor executor;
    private final Handler handler;
    private final Runnable drain = this::drain;

    AckInbox(Executor executor, Handler handler) {
        this.executor = executor;
        this.handler = handler;
    }

    void add(String subject, String reply, byte[] body) {
        queue.add(new Ack(subject, reply, body));
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            executor.execute(drain);
        }
    }

    private void drain() {
        // Cleared first: an ack added from here on schedules another drain, so none is left behind.
        scheduled.set(false);
        Ack ack;
        for (int n = 0; n < MAX_PER_DRAIN && (ack = queue.poll()) != null; n++) {
            handler.onAck(ack.subject, ack.reply, ack.body);
        }
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            executor.execute(drain);
        }
    }
}
