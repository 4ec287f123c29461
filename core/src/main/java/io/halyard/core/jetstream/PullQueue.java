package io.halyard.core.jetstream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * A pull consumer's waiting requests (ADR-13) with ADR-42's priority groups, and the status messages
 * that end them with nats-server's texts: {@code 408 Request Timeout} at expiry, {@code 404 No
 * Messages} for a no_wait request at the end of the stream, {@code 409 Exceeded MaxWaiting /
 * MaxRequestBatch / MaxRequestExpires / MaxRequestMaxBytes}, {@code 409 Message Size Exceeds
 * MaxBytes}, {@code 409 Consumer Deleted}, {@code 400 Bad Request - …} and {@code 423} for priority
 * groups; and their idle heartbeats.
 *
 * <p><b>Order.</b> As in nats-server, a request that still wants more after a delivery goes to the
 * back of the queue, so concurrent fetchers share the messages round-robin. With the
 * {@code prioritized} policy the queue is ordered by the requests' priority (0 first), round-robin
 * within a priority.
 *
 * <p><b>Priority policies.</b> {@code overflow}: a request with {@code min_pending} /
 * {@code min_ack_pending} is served only while the consumer has at least that many messages pending /
 * awaiting acks. {@code pinned_client}: the first request without a pin id gets the pin (a new id,
 * sent in each delivery's {@code Nats-Pin-Id} header); only requests carrying it are served until
 * no request renews it for {@code priority_timeout} or an UNPIN request arrives; requests with a
 * stale id get {@code 423}.
 *
 * <p>Not thread-safe: confined to the JetStream thread, like its {@link Consumer}.
 */
final class PullQueue {
    private final List<PullRequest> waiting = new ArrayList<>();
    private final ConsumerOutput out;
    private final ConsumerAdvisories advisories;
    /** pinned_client: the current pin ("" when none), when it was given, and when it lapses. */
    private String pinId = "";
    private long pinnedNanos;
    private long pinDeadlineNanos;
    private String pinGroup = "";

    PullQueue(ConsumerOutput out, ConsumerAdvisories advisories) {
        this.out = out;
        this.advisories = advisories;
    }

    int size() {
        return waiting.size();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    String pinId() {
        return pinId;
    }

    long pinnedNanos() {
        return pinnedNanos;
    }

    /** Queues a request, or answers it with the status that refuses it (nats-server's order of checks). */
    void admit(PullRequest r, ConsumerConfig config, long nowNanos) {
        byte[] refusal = null;
        String policy = config.priorityPolicy;
        if (config.maxRequestBatch > 0 && r.remaining > config.maxRequestBatch) {
            refusal = ConsumerStatus.exceeded("MaxRequestBatch of " + config.maxRequestBatch);
        } else if (config.maxRequestExpiresNanos > 0 && r.expiresNanos > config.maxRequestExpiresNanos) {
            refusal = ConsumerStatus.exceeded("MaxRequestExpires of " + GoDuration.format(config.maxRequestExpiresNanos));
        } else if (config.maxRequestMaxBytes > 0 && r.maxBytes > config.maxRequestMaxBytes) {
            refusal = ConsumerStatus.exceeded("MaxRequestMaxBytes of " + config.maxRequestMaxBytes);
        } else if ((r.minPending != 0 || r.minAckPending != 0) && !policy.equals("overflow")) {
            refusal = ConsumerStatus.badRequest("Not a Overflow Priority consumer");
        } else if (!r.pinId.isEmpty() && !policy.equals("pinned_client")) {
            refusal = ConsumerStatus.badRequest("Not a Pinned Client Priority consumer");
        } else if (r.priority < 0 || r.priority > 9) {
            refusal = ConsumerStatus.badRequest("Priority must be between 0 and 9");
        } else if (!policy.equals("none") && r.group.isEmpty()) {
            refusal = ConsumerStatus.badRequest("Priority Group missing");
        } else if (!policy.equals("none") && !config.priorityGroups.contains(r.group)) {
            refusal = ConsumerStatus.badRequest("Invalid Priority Group");
        } else if (!pinId.isEmpty() && !r.pinId.isEmpty() && !r.pinId.equals(pinId)) {
            refusal = ConsumerStatus.PIN_ID_MISMATCH;
        } else if (waiting.size() >= config.maxWaiting) {
            refusal = ConsumerStatus.EXCEEDED_MAX_WAITING;
        }
        if (refusal != null) {
            out.publish(r.reply, null, refusal, ConsumerStatus.EMPTY);
            return;
        }
        if (!pinId.isEmpty() && r.pinId.equals(pinId)) {
            pinDeadlineNanos = nowNanos + config.pinnedTtlNanos; // the pinned client is still there
        }
        enqueue(r, policy);
    }

    private void enqueue(PullRequest r, String policy) {
        if (!policy.equals("prioritized")) {
            waiting.add(r);
            return;
        }
        int at = waiting.size();
        while (at > 0 && waiting.get(at - 1).priority > r.priority) {
            at--;
        }
        waiting.add(at, r);
    }

    /**
     * The request the next message goes to, or null: expired requests are answered with 408 on the
     * way; the priority policy decides which of the others may take it.
     *
     * @param numPending    messages not yet delivered (the next one included)
     * @param numAckPending messages delivered and not yet acknowledged
     */
    PullRequest next(long nowNanos, ConsumerConfig config, long numPending, int numAckPending) {
        boolean pinned = config.priorityPolicy.equals("pinned_client");
        boolean overflow = config.priorityPolicy.equals("overflow");
        for (Iterator<PullRequest> it = waiting.iterator(); it.hasNext(); ) {
            PullRequest r = it.next();
            if (r.expired(nowNanos)) {
                it.remove();
                out.publish(r.reply, null, ConsumerStatus.requestTimeout(r.remaining, r.remainingBytes), ConsumerStatus.EMPTY);
                continue;
            }
            if (pinned) {
                if (pinId.isEmpty() && r.pinId.isEmpty()) {
                    pin(r, config, nowNanos);
                } else if (!r.pinId.equals(pinId)) {
                    if (r.pinId.isEmpty()) {
                        continue; // waits until the pin lapses
                    }
                    it.remove(); // an old pin
                    out.publish(r.reply, null, ConsumerStatus.wrongPinId(r.remaining, r.remainingBytes), ConsumerStatus.EMPTY);
                    continue;
                }
            }
            if (overflow && (r.minPending > 0 || r.minAckPending > 0)
                    && !((r.minPending > 0 && r.minPending <= numPending)
                    || (r.minAckPending > 0 && r.minAckPending <= numAckPending))) {
                continue; // only takes the overflow
            }
            return r;
        }
        return null;
    }

    private void pin(PullRequest r, ConsumerConfig config, long nowNanos) {
        pinId = UUID.randomUUID().toString().replace("-", "");
        pinnedNanos = nowNanos;
        pinDeadlineNanos = nowNanos + config.pinnedTtlNanos;
        pinGroup = r.group;
        r.pinId = pinId;
        advisories.pinned(pinGroup, pinId, nowNanos);
    }

    /** Drops the pin ({@code admin}: an UNPIN request, {@code timeout}: no request renewed it). */
    void unpin(String group, String reason, long nowNanos) {
        if (pinId.isEmpty()) {
            return;
        }
        pinId = "";
        pinnedNanos = 0;
        advisories.unpinned(group.isEmpty() ? pinGroup : group, reason, nowNanos);
    }

    /** Records a delivery of {@code size} bytes to {@code r}; it leaves when satisfied, else goes to the back. */
    void delivered(PullRequest r, long size, long nowNanos, ConsumerConfig config) {
        r.remaining--;
        r.delivered++;
        r.lastSentNanos = nowNanos;
        if (r.maxBytes > 0) {
            r.remainingBytes -= size;
        }
        if (r.remaining <= 0 || (r.maxBytes > 0 && r.remainingBytes <= 0)) {
            waiting.remove(r);
        } else if (waiting.size() > 1) {
            waiting.remove(r);
            enqueue(r, config.priorityPolicy);
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

    /** Expires what is due, lets a pin lapse, and sends the heartbeats that are due. */
    void tick(long nowNanos, long lastConsumerSeq, long lastStreamSeq) {
        for (Iterator<PullRequest> it = waiting.iterator(); it.hasNext(); ) {
            PullRequest r = it.next();
            if (r.expired(nowNanos)) {
                it.remove();
                out.publish(r.reply, null, ConsumerStatus.requestTimeout(r.remaining, r.remainingBytes), ConsumerStatus.EMPTY);
            }
        }
        if (!pinId.isEmpty() && nowNanos >= pinDeadlineNanos) {
            unpin(pinGroup, "timeout", nowNanos);
        }
        for (PullRequest r : waiting) {
            if (r.heartbeatNanos > 0 && nowNanos - r.lastSentNanos >= r.heartbeatNanos) {
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
