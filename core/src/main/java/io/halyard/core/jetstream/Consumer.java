package io.halyard.core.jetstream;

import io.halyard.log.StoredMessage;
import io.halyard.log.StreamStore;
import io.halyard.log.SubjectFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One consumer of a stream: reads the stream's store from its cursor, delivers to a push consumer's
 * deliver subject or to waiting pull requests, and tracks acknowledgements ({@link ConsumerState})
 * with ack_wait/backoff redelivery, max_deliver and max_ack_pending. Acks are applied by
 * {@link ConsumerAcks}.
 *
 * <p><b>Time is a parameter.</b> Every entry point takes {@code nowNanos} (epoch nanoseconds, the
 * stream clock); {@link #tick} runs the timers — pull request expiry, idle heartbeats, redelivery
 * deadlines, inactivity — so tests drive them without sleeping.
 *
 * <p><b>Delivery.</b> Messages go out with the stored subject and headers, a
 * {@code $JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer seq>.<timestamp>.<pending>}
 * reply (the v1 layout jnats parses), to the deliver subject when someone listens there, or to the
 * oldest waiting pull request. Push consumers with flow control stop after {@link #FLOW_CONTROL_BYTES}
 * or {@link #FLOW_CONTROL_MESSAGES} until the client answers the {@code 100 FlowControl Request}.
 *
 * <p>Not thread-safe: confined to the JetStream thread.
 */
final class Consumer {
    static final long FLOW_CONTROL_BYTES = 1 << 20;
    static final int FLOW_CONTROL_MESSAGES = 1024;
    /** ADR-42: the pin id a pinned client's deliveries carry. */
    static final String PIN_ID_HEADER = "Nats-Pin-Id";
    /** nats-server's default max_payload: rate_limit_bps's burst when the stream has no max_msg_size. */
    static final long DEFAULT_RATE_BURST_BYTES = 1024 * 1024;

    final String stream;
    final String name;
    final long createdNanos;
    final StreamStore store;
    final ConsumerOutput out;
    final ConsumerState state;
    final AckRetention retention;
    private final ConsumerAdvisories advisories;
    final ConsumerAcks acks;
    ConsumerConfig config;
    private List<SubjectFilter> filters;
    /** The highest stream sequence read from the store; new messages come after it. */
    private long cursor;
    /** last_per_subject: the sequences still to deliver before reading on from {@link #cursor}. */
    private final TreeSet<Long> lastPerSubject = new TreeSet<>();
    final TreeSet<Long> redeliverQueue = new TreeSet<>();
    private final PullQueue waiting;
    private long numPending;
    private long countedThrough;
    private long earliestDeadline = Long.MAX_VALUE;
    /** replay original: when the first replayed message went out, and its stored timestamp. */
    private long replayStartNanos;
    private long replayStartTimestamp;
    private StoredMessage peeked;
    private boolean peekedIsRedelivery;
    /** An ack-none delivery to hand to the retention once it is sent. */
    private long retirePending;
    private long lastSentNanos;
    private long lastActiveNanos;
    private String flowControlReply;
    private long flowControlCounter;
    private long bytesSinceFlowControl;
    private int messagesSinceFlowControl;
    long pausedUntilNanos;
    /** sample_freq as a percentage (0 = off). */
    private int samplePercent;
    /** rate_limit_bps as a token bucket of bytes: the tokens, when last refilled, and its size. */
    private double rateTokens;
    private long rateRefilledNanos;
    private long rateBurstBytes;
    /** The journal of a durable consumer's changes (with {@code state.log}); null otherwise. */
    ConsumerJournal journal;
    boolean dirty = true;
    private boolean deleted;

    Consumer(String stream, ConsumerConfig config, long createdNanos, StreamStore store, ConsumerOutput out,
             AckRetention retention, ConsumerState recovered, long nowNanos) {
        this.stream = stream;
        this.name = config.name;
        this.config = config;
        this.createdNanos = createdNanos;
        this.store = store;
        this.out = out;
        this.retention = retention;
        this.advisories = new ConsumerAdvisories(out, stream, config.name);
        this.acks = new ConsumerAcks(this, advisories);
        this.waiting = new PullQueue(out, advisories);
        this.filters = filtersOf(config);
        this.lastActiveNanos = nowNanos;
        this.lastSentNanos = nowNanos;
        this.pausedUntilNanos = config.pauseUntil == null ? 0 : ApiJson.parseTime(config.pauseUntil);
        configureSamplingAndRate(config, nowNanos);
        if (recovered != null) {
            this.state = recovered;
            for (ConsumerState.Pending p : state.pending.values()) {
                p.deadlineNanos = nowNanos + config.ackWaitNanos;
            }
            earliestDeadline = state.pending.isEmpty() ? Long.MAX_VALUE : nowNanos + config.ackWaitNanos;
            cursor = state.deliveredStreamSeq;
        } else {
            this.state = new ConsumerState();
            cursor = startingCursor(nowNanos);
            state.deliveredStreamSeq = cursor;
            state.ackFloorStreamSeq = cursor;
        }
        countedThrough = store.state().lastSequence();
        numPending = lastPerSubject.size() + count(cursor + 1, countedThrough);
    }

    private void configureSamplingAndRate(ConsumerConfig c, long nowNanos) {
        String percent = c.sampleFrequency.endsWith("%") ? c.sampleFrequency.substring(0, c.sampleFrequency.length() - 1)
                : c.sampleFrequency;
        samplePercent = percent.isEmpty() ? 0 : Integer.parseInt(percent); // checked by ConsumerConfigRules
        // As nats-server: the burst is the stream's max message size, else the default max payload.
        long maxMessage = store.limits().maxMessageBytes();
        rateBurstBytes = maxMessage > 0 ? maxMessage : DEFAULT_RATE_BURST_BYTES;
        rateTokens = rateBurstBytes;
        rateRefilledNanos = nowNanos;
    }

    /** Whether this ack is one of the sample_freq percent that publish an ack metric. */
    boolean shouldSample() {
        return samplePercent > 0 && (samplePercent >= 100
                || java.util.concurrent.ThreadLocalRandom.current().nextInt(100) < samplePercent);
    }

    /**
     * rate_limit_bps: takes {@code size} bytes from the token bucket, or returns false when the message
     * must wait (the next tick delivers it). A message larger than the bucket goes when the bucket is full.
     */
    private boolean takeRate(long size, long nowNanos) {
        long bps = config.rateLimitBps;
        if (bps <= 0) {
            return true;
        }
        double bytesPerNano = bps / 8.0 / 1_000_000_000.0;
        rateTokens = Math.min(rateBurstBytes, rateTokens + (nowNanos - rateRefilledNanos) * bytesPerNano);
        rateRefilledNanos = nowNanos;
        if (rateTokens < size && rateTokens < rateBurstBytes) {
            return false;
        }
        rateTokens -= size;
        return true;
    }

    private static List<SubjectFilter> filtersOf(ConsumerConfig c) {
        List<SubjectFilter> fs = new ArrayList<>();
        for (String f : c.filters()) {
            fs.add(SubjectFilter.of(f));
        }
        return fs;
    }

    /** Where a new consumer starts reading, after its deliver policy (the sequence before the first). */
    private long startingCursor(long nowNanos) {
        long first = store.state().firstSequence();
        long last = store.state().lastSequence();
        switch (config.deliverPolicy) {
            case "new":
                return last;
            case "last": {
                long lastMatching = 0;
                if (filters.isEmpty()) {
                    lastMatching = last;
                } else {
                    for (SubjectFilter f : filters) {
                        StoredMessage m = store.getLast(f);
                        lastMatching = Math.max(lastMatching, m == null ? 0 : m.sequence());
                    }
                }
                return lastMatching == 0 ? last : lastMatching - 1;
            }
            case "by_start_sequence":
                return Math.max(config.optStartSeq, first) - 1;
            case "by_start_time": {
                long seq = store.sequenceAtOrAfter(ApiJson.parseTime(config.optStartTime));
                return seq <= 0 ? last : seq - 1;
            }
            case "last_per_subject": {
                List<SubjectFilter> fs = filters.isEmpty() ? List.of(SubjectFilter.ALL) : filters;
                for (SubjectFilter f : fs) {
                    for (String subject : store.subjectCounts(f).keySet()) {
                        var s = store.subjectState(subject);
                        if (s != null && s.lastSequence() > 0) {
                            lastPerSubject.add(s.lastSequence());
                        }
                    }
                }
                if (lastPerSubject.isEmpty()) {
                    return last;
                }
                return lastPerSubject.last();
            }
            default:
                return first == 0 ? 0 : first - 1;
        }
    }

    /** Messages matching the filters in [from, through]. */
    private long count(long from, long through) {
        if (from > through) {
            return 0;
        }
        var st = store.state();
        if (filters.isEmpty() && from <= st.firstSequence() && through >= st.lastSequence()) {
            return st.messages();
        }
        long n = 0;
        StoredMessage m;
        while ((m = next(from)) != null && m.sequence() <= through) {
            n++;
            from = m.sequence() + 1;
        }
        return n;
    }

    /** The next message matching the filters at or after {@code from}. */
    private StoredMessage next(long from) {
        if (filters.isEmpty()) {
            return store.getNext(from, SubjectFilter.ALL);
        }
        StoredMessage best = null;
        for (SubjectFilter f : filters) {
            StoredMessage m = store.getNext(from, f);
            if (m != null && (best == null || m.sequence() < best.sequence())) {
                best = m;
            }
        }
        return best;
    }

    /** Records this durable consumer's changes in {@code journal} from now on. */
    void attachJournal(ConsumerJournal journal) {
        this.journal = journal;
        state.log = journal.writer(stream, name);
    }

    String deliverSubjectOrNull() {
        return config.isPush() ? config.deliverSubject : null;
    }

    boolean isPush() {
        return config.isPush();
    }

    long numPending() {
        return numPending;
    }

    int numWaiting() {
        return waiting.size();
    }

    /** The pinned client's id ("" when none) and since when, for consumer info. */
    String pinId() {
        return waiting.pinId();
    }

    long pinnedNanos() {
        return waiting.pinnedNanos();
    }

    /** An UNPIN request: the next request without an id gets a new pin. */
    void unpin(String group, long nowNanos) {
        waiting.unpin(group, "admin", nowNanos);
        deliver(nowNanos);
    }

    boolean isDeleted() {
        return deleted;
    }

    boolean pushBound() {
        return config.isPush() && out.hasInterest(config.deliverSubject);
    }

    void activity(long nowNanos) {
        lastActiveNanos = nowNanos;
    }

    /** The stream has durable messages up to {@code durableSequence}: count the new ones and deliver. */
    void onNewMessages(long durableSequence, long nowNanos) {
        if (durableSequence > countedThrough) {
            numPending += count(Math.max(countedThrough, cursor) + 1, durableSequence);
            countedThrough = durableSequence;
        }
        deliver(nowNanos);
    }

    /** Applies an update already checked by {@link ConsumerConfigRules#checkUpdate}. */
    void update(ConsumerConfig next, long nowNanos) {
        config = next;
        filters = filtersOf(next);
        configureSamplingAndRate(next, nowNanos);
        pausedUntilNanos = next.pauseUntil == null ? 0 : ApiJson.parseTime(next.pauseUntil);
        peeked = null;
        dirty = true;
        deliver(nowNanos);
    }

    boolean paused(long nowNanos) {
        return pausedUntilNanos > nowNanos;
    }

    // --- pull requests --------------------------------------------------------------------------

    /** A {@code CONSUMER.MSG.NEXT} request (or an ack's {@code +NXT}). */
    void pull(PullRequest r, long nowNanos) {
        lastActiveNanos = nowNanos;
        if (config.isPush()) {
            out.publish(r.reply, null, ConsumerStatus.PUSH_BASED, ConsumerStatus.EMPTY);
            return;
        }
        waiting.admit(r, config, nowNanos);
        deliver(nowNanos);
    }

    // --- delivery -------------------------------------------------------------------------------

    /** Delivers what can be delivered now: to the deliver subject or the waiting pull requests. */
    void deliver(long nowNanos) {
        if (deleted || paused(nowNanos)) {
            return;
        }
        boolean push = config.isPush();
        if (push && !out.hasInterest(config.deliverSubject)) {
            return;
        }
        boolean tracked = !config.ackPolicy.equals("none");
        while (true) {
            PullRequest r = null;
            if (push) {
                if (flowControlStalled()) {
                    return;
                }
            } else if ((r = waiting.next(nowNanos, config, numPending, state.pending.size())) == null) {
                return;
            }
            StoredMessage m = peek();
            if (m == null) {
                waiting.endOfStream();
                return;
            }
            if (!peekedIsRedelivery && tracked && config.maxAckPending > 0 && state.pending.size() >= config.maxAckPending) {
                return;
            }
            if (!peekedIsRedelivery && config.replayPolicy.equals("original") && !replayDue(m, nowNanos)) {
                return; // the timer delivers it when its original gap has passed
            }
            long size = m.subject().length() + (long) m.headers().length + m.payload().length;
            if (r != null && r.maxBytes > 0 && size > r.remainingBytes) {
                waiting.tooLarge(r);
                continue;
            }
            if (push && !takeRate(size, nowNanos)) {
                return; // rate_limit_bps: the timer delivers it when the bucket has refilled
            }
            send(m, push ? config.deliverSubject : r.reply, nowNanos, tracked, r == null ? "" : r.pinId);
            if (r != null) {
                waiting.delivered(r, size, nowNanos, config);
            } else if (config.flowControl) {
                bytesSinceFlowControl += size;
                messagesSinceFlowControl++;
                maybeRequestFlowControl();
            }
        }
    }

    /** replay original: a message is due when as much time has passed as separated it from the first one replayed. */
    private boolean replayDue(StoredMessage m, long nowNanos) {
        if (replayStartNanos == 0) {
            replayStartNanos = nowNanos;
            replayStartTimestamp = m.timestampNanos();
            return true;
        }
        return nowNanos - replayStartNanos >= m.timestampNanos() - replayStartTimestamp;
    }

    /**
     * Whether this consumer no longer needs message {@code seq} on {@code subject}: it does not match
     * the filters, or it was delivered and is not waiting for an acknowledgement.
     */
    boolean isDoneWith(long seq, String subject) {
        if (!wants(subject)) {
            return true;
        }
        return !state.pending.containsKey(seq) && seq <= cursor && !lastPerSubject.contains(seq);
    }

    /** Whether messages on {@code subject} are for this consumer (its filters match, or it has none). */
    boolean wants(String subject) {
        if (filters.isEmpty()) {
            return true;
        }
        for (SubjectFilter f : filters) {
            if (f.matches(subject)) {
                return true;
            }
        }
        return false;
    }

    private StoredMessage peek() {
        if (peeked != null) {
            return peeked;
        }
        while (!redeliverQueue.isEmpty()) {
            long seq = redeliverQueue.first();
            StoredMessage m = state.pending.containsKey(seq) ? store.get(seq) : null;
            if (m != null) {
                peekedIsRedelivery = true;
                return peeked = m;
            }
            redeliverQueue.pollFirst();
            if (state.pending.containsKey(seq)) { // gone from the stream: nothing left to redeliver
                state.drop(seq);
                dirty = true;
            }
        }
        peekedIsRedelivery = false;
        while (!lastPerSubject.isEmpty()) {
            StoredMessage m = store.get(lastPerSubject.first());
            if (m != null) {
                return peeked = m;
            }
            lastPerSubject.pollFirst();
            numPending = Math.max(0, numPending - 1);
        }
        StoredMessage m = next(cursor + 1);
        if (m == null) {
            numPending = 0; // whatever was counted has gone (limits, deletes): nothing is pending
        }
        return peeked = m;
    }

    private void send(StoredMessage m, String to, long nowNanos, boolean tracked, String pinId) {
        long seq = m.sequence();
        long consumerSeq;
        int deliveries;
        if (peekedIsRedelivery) {
            redeliverQueue.remove(seq);
            deliveries = state.deliveries(seq) + 1;
            consumerSeq = state.redeliver(seq, nowNanos, nowNanos + ackWait(deliveries));
        } else {
            if (!lastPerSubject.isEmpty() && lastPerSubject.first() == seq) {
                lastPerSubject.pollFirst();
            } else {
                cursor = seq;
            }
            numPending = Math.max(0, numPending - 1);
            deliveries = 1;
            consumerSeq = state.deliverNew(seq, nowNanos, nowNanos + ackWait(1), tracked);
            if (!tracked && retention != null) {
                retirePending = seq; // ack none: done with it once sent (below)
            }
        }
        if (tracked) {
            earliestDeadline = Math.min(earliestDeadline, nowNanos + ackWait(deliveries));
        }
        peeked = null;
        dirty = true;
        String reply = "$JS.ACK." + stream + "." + name + "." + deliveries + "." + seq + "." + consumerSeq + "."
                + m.timestampNanos() + "." + numPending;
        byte[] headers = m.headers().length == 0 ? null : m.headers();
        byte[] payload = m.payload();
        if (config.headersOnly) {
            headers = NatsHeaders.append(headers, "Nats-Msg-Size", Integer.toString(payload.length));
            payload = ConsumerStatus.EMPTY;
        }
        if (!pinId.isEmpty()) {
            headers = NatsHeaders.append(headers, PIN_ID_HEADER, pinId);
        }
        out.publishTo(to, m.subject(), reply, headers, payload);
        lastSentNanos = nowNanos;
        lastActiveNanos = nowNanos;
        if (retirePending > 0) {
            long done = retirePending;
            retirePending = 0;
            retention.done(this, done); // interest retention: the last consumer done with it removes it
        }
    }

    /** The ack wait before the given delivery is redelivered: the backoff step, else ack_wait. */
    long ackWait(int deliveries) {
        List<Long> backoff = config.backoffNanos;
        if (!backoff.isEmpty()) {
            return backoff.get(Math.min(deliveries - 1, backoff.size() - 1));
        }
        return config.ackWaitNanos;
    }

    /**
     * Answers an ack sent as a request: at once for a consumer without a journal, else once the ack is
     * durable, so that a client told its ack was applied never sees the message again after a crash.
     */
    void replyToAck(String reply) {
        if (journal == null || state.log == null) {
            out.publish(reply, null, null, ConsumerStatus.EMPTY);
        } else {
            journal.afterDurable(() -> out.publish(reply, null, null, ConsumerStatus.EMPTY));
        }
    }

    void extendDeadline(long seq, long deadlineNanos) {
        ConsumerState.Pending p = state.pending.get(seq);
        if (p != null) {
            p.deadlineNanos = deadlineNanos;
            earliestDeadline = Math.min(earliestDeadline, deadlineNanos);
        }
    }

    // --- flow control ---------------------------------------------------------------------------

    private boolean flowControlStalled() {
        return flowControlReply != null
                && (bytesSinceFlowControl >= FLOW_CONTROL_BYTES || messagesSinceFlowControl >= FLOW_CONTROL_MESSAGES);
    }

    private void maybeRequestFlowControl() {
        if (flowControlReply == null
                && (bytesSinceFlowControl >= FLOW_CONTROL_BYTES || messagesSinceFlowControl >= FLOW_CONTROL_MESSAGES)) {
            flowControlReply = "$JS.FC." + stream + "." + name + "." + (++flowControlCounter);
            bytesSinceFlowControl = 0;
            messagesSinceFlowControl = 0;
            out.publish(config.deliverSubject, flowControlReply, ConsumerStatus.FLOW_CONTROL_REQUEST, ConsumerStatus.EMPTY);
        }
    }

    /** The client answered a flow control request (or a stalled heartbeat's). */
    void onFlowControlReply(String subject, long nowNanos) {
        if (subject.equals(flowControlReply)) {
            flowControlReply = null;
            lastActiveNanos = nowNanos;
            deliver(nowNanos);
        }
    }

    // --- timers ---------------------------------------------------------------------------------

    /**
     * Runs the consumer's timers at {@code nowNanos}: expires pull requests (408), sends idle
     * heartbeats, queues messages whose ack deadline passed (or drops them at max_deliver), then
     * delivers. Returns false when the consumer has been inactive past its inactive_threshold and
     * should be deleted.
     */
    boolean tick(long nowNanos) {
        if (!config.isPush()) {
            waiting.tick(nowNanos, state.deliveredConsumerSeq, state.deliveredStreamSeq);
            if (!waiting.isEmpty()) {
                lastActiveNanos = nowNanos;
            }
        } else {
            if (out.hasInterest(config.deliverSubject)) {
                lastActiveNanos = nowNanos;
            }
            if (config.idleHeartbeatNanos > 0 && nowNanos - lastSentNanos >= config.idleHeartbeatNanos) {
                lastSentNanos = nowNanos;
                out.publish(config.deliverSubject, null, ConsumerStatus.idleHeartbeat(state.deliveredConsumerSeq,
                        state.deliveredStreamSeq, flowControlReply), ConsumerStatus.EMPTY);
            }
        }
        if (nowNanos >= earliestDeadline) {
            queueExpired(nowNanos);
        }
        deliver(nowNanos);
        return config.inactiveThresholdNanos <= 0 || nowNanos - lastActiveNanos < config.inactiveThresholdNanos;
    }

    private void queueExpired(long nowNanos) {
        long earliest = Long.MAX_VALUE;
        List<Long> exhausted = null;
        for (Map.Entry<Long, ConsumerState.Pending> e : state.pending.entrySet()) {
            long seq = e.getKey();
            ConsumerState.Pending p = e.getValue();
            if (redeliverQueue.contains(seq)) {
                continue;
            }
            if (p.deadlineNanos > nowNanos) {
                earliest = Math.min(earliest, p.deadlineNanos);
                continue;
            }
            if (config.maxDeliver > 0 && state.deliveries(seq) >= config.maxDeliver) {
                if (exhausted == null) {
                    exhausted = new ArrayList<>();
                }
                exhausted.add(seq);
            } else {
                redeliverQueue.add(seq);
            }
        }
        earliestDeadline = earliest;
        if (exhausted != null) {
            for (long seq : exhausted) {
                advisories.maxDeliveries(seq, state.deliveries(seq), nowNanos);
                state.drop(seq);
            }
            dirty = true;
        }
    }

    /** Stops the consumer: waiting pull requests get {@code 409 Consumer Deleted}. */
    void delete() {
        deleted = true;
        waiting.deleted();
    }

    @Override
    public String toString() {
        return "Consumer[" + stream + " > " + name + "]";
    }
}
