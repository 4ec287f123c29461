package io.halyard.core.jetstream;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A pull consumer's waiting requests, oldest first (ADR-13), and the status messages that end them
 * with nats-server's texts: {@code 408 Request Timeout} at expiry, {@code 404 No Messages} for a
 * no_wait request at the end of the stream, {@code 409 Exceeded MaxWaiting / MaxRequestBatch /
 * MaxRequestExpires / MaxRequestMaxBytes}, {@code 409 Message Size Exceeds MaxBytes},
 * {@code 409 Consumer Deleted}; and their idle heartbeats.
 *
 * <p>Not thread-safe: confined to the JetStream thread, like its {@link Consumer}.
 */
final class PullQueue {
    private final ArrayDeque<PullRequest> waiting = new ArrayDeque<>();
    private final ConsumerOutput out;

    PullQueue(ConsumerOutput out) {
        this.out = out;
    }

    int size() {
        return waiting.size();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Queues a request, or answers it with the 409 that refuses it. */
    void admit(PullRequest r, ConsumerConfig config) {
        byte[] refusal = null;
        if (config.maxRequestBatch > 0 && r.remaining > config.maxRequestBatch) {
            refusal = ConsumerStatus.exceeded("MaxRequestBatch of " + config.maxRequestBatch);
        } else if (config.maxRequestExpiresNanos > 0 && r.expiresNanos > config.maxRequestExpiresNanos) {
            refusal = ConsumerStatus.exceeded("MaxRequestExpires of " + GoDuration.format(config.maxRequestExpiresNanos));
        } else if (config.maxRequestMaxBytes > 0 && r.maxBytes > config.maxRequestMaxBytes) {
            refusal = ConsumerStatus.exceeded("MaxRequestMaxBytes of " + config.maxRequestMaxBytes);
        } else if (waiting.size() >= config.maxWaiting) {
            refusal = ConsumerStatus.EXCEEDED_MAX_WAITING;
        }
        if (refusal != null) {
            out.publish(r.reply, null, refusal, ConsumerStatus.EMPTY);
        } else {
            waiting.addLast(r);
        }
    }

    /** The oldest request that has not expired; expired ones are answered with 408 on the way. */
    PullRequest first(long nowNanos) {
        while (!waiting.isEmpty()) {
            PullRequest r = waiting.peekFirst();
            if (!r.expired(nowNanos)) {
                return r;
            }
            waiting.pollFirst();
            out.publish(r.reply, null, ConsumerStatus.requestTimeout(r.remaining, r.remainingBytes), ConsumerStatus.EMPTY);
        }
        return null;
    }

    /** Records a delivery of {@code size} bytes to {@code r}; a request that has what it asked for leaves. */
    void delivered(PullRequest r, long size, long nowNanos) {
        r.remaining--;
        r.delivered++;
        r.lastSentNanos = nowNanos;
        if (r.maxBytes > 0) {
            r.remainingBytes -= size;
        }
        if (r.remaining <= 0 || (r.maxBytes > 0 && r.remainingBytes <= 0)) {
            waiting.remove(r);
        }
    }

    /** The next message ({@code size} bytes) does not fit what {@code r} may still take. */
    void tooLarge(PullRequest r) {
        waiting.remove(r);
        out.publish(r.reply, null, ConsumerStatus.maxBytesExceeded(r.remaining, r.remainingBytes), ConsumerStatus.EMPTY);
    }

    /** nats-server answers a no_wait request that reached the end of the stream with 404. */
    void endOfStream() {
        for (Iterator<PullRequest> it = waiting.iterator(); it.hasNext(); ) {
            PullRequest r = it.next();
            if (r.noWait && (r.expiresNanos == 0 || r.delivered > 0)) {
                it.remove();
                out.publish(r.reply, null, ConsumerStatus.NO_MESSAGES, ConsumerStatus.EMPTY);
            }
        }
    }

    /** Expires what is due and sends the heartbeats that are due. */
    void tick(long nowNanos, long lastConsumerSeq, long lastStreamSeq) {
        first(nowNanos);
        for (PullRequest r : waiting) {
            if (r.heartbeatNanos > 0 && !r.expired(nowNanos) && nowNanos - r.lastSentNanos >= r.heartbeatNanos) {
                r.lastSentNanos = nowNanos;
                out.publish(r.reply, null, ConsumerStatus.idleHeartbeat(lastConsumerSeq, lastStreamSeq, null),
                        ConsumerStatus.EMPTY);
            }
        }
    }

    /** The consumer is gone: every waiting request gets {@code 409 Consumer Deleted}. */
    void deleted() {
        for (PullRequest r : waiting) {
            out.publish(r.reply, null, ConsumerStatus.CONSUMER_DELETED, ConsumerStatus.EMPTY);
        }
        waiting.clear();
    }
}
