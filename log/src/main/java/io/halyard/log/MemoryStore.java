package io.halyard.log;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream store on the heap, with the limit semantics of nats-server's memory store
 * ({@code server/memstore.go}).
 *
 * <p><b>Durability.</b> A message is durable as soon as it is appended: {@link #durableSequence()}
 * is the last sequence, {@link #awaitDurable} returns at once for it, and the {@link
 * DurabilityListener} is called before {@link #append} returns.
 *
 * <p><b>Limits</b>, as JetStream applies them in {@code storeRawMsg} and {@code UpdateConfig}:
 * <ul>
 *   <li>an append first removes messages older than the max age (nats-server does this on a timer;
 *       doing it first means an expired message never makes a discard-new store reject);
 *   <li>then rejects, in this order: larger than {@code maxMessageBytes} (headers + payload, as
 *       JetStream's {@code max_msg_size}); the subject full under discard-new-per-subject; the store
 *       at {@code maxMessages} under discard-new; the store over {@code maxBytes} under discard-new.
 *       A subject already at {@code maxMessagesPerSubject} is not rejected for the store limits:
 *       the append replaces its oldest message, so it is let through when that message is at least
 *       as large as the new one;
 *   <li>then appends, removes the subject's oldest messages beyond {@code maxMessagesPerSubject}
 *       (whatever the discard policy), and, under discard-old only, the store's oldest messages
 *       beyond {@code maxMessages} and {@code maxBytes} — the new message itself when it alone is
 *       larger than {@code maxBytes}.
 * </ul>
 * {@link #updateLimits} trims to the new store limits under discard-old only (a discard-new store
 * keeps what it has and rejects until it is below them), then per subject, then by age.
 *
 * <p><b>Purge</b> follows JetStream's {@code PurgeEx}: a purge of every subject below a sequence
 * past the end empties the store and moves the next sequence there ({@code Compact}); see
 * {@link #purge}.
 *
 * <p><b>Thread-safety.</b> One lock guards all state, reads included; the listener is called under
 * it, so it sees sequences in order. Every operation is short apart from purges and wildcard
 * lookups, which walk the matching messages or subjects.
 */
public final class MemoryStore implements StreamStore {
    private static final byte[] NO_BYTES = new byte[0];

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final EpochClock clock;
    private final DurabilityListener listener;

    private final SequenceTable messages = new SequenceTable(1);
    private final SubjectTable subjects = new SubjectTable(messages);
    private StoreLimits limits;
    private long bytes;
    /** The last timestamp given out; the next is never lower, so timestamps follow sequences. */
    private long lastTimestampNanos;
    private boolean closed;

    public MemoryStore(StoreOptions options) {
        this.clock = options.clock();
        this.listener = options.listener();
        this.limits = options.limits();
    }

    @Override
    public long append(String subject, ByteBuffer headers, ByteBuffer payload) {
        return append(subject, headers, payload, 0);
    }

    /** {@inheritDoc} 0 for now. */
    @Override
    public long append(String subject, ByteBuffer headers, ByteBuffer payload, long timestampNanos) {
        Objects.requireNonNull(subject, "subject");
        int headerLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload.remaining();
        lock.lock();
        try {
            if (closed) {
                return REJECTED_UNAVAILABLE;
            }
            long maxMessageBytes = limits.maxMessageBytes();
            if (maxMessageBytes > 0 && (long) headerLength + payloadLength > maxMessageBytes) {
                return REJECTED_MESSAGE_TOO_LARGE;
            }
            long now = clock.epochNanos();
            expireLocked(now);
            long size = StoreLimits.accountedBytes(subject.length(), headerLength, payloadLength);
            long rejection = discardNewRejection(subject, size);
            if (rejection != 0) {
                return rejection;
            }
            long sequence = messages.nextSequence();
            long timestamp = Math.max(timestampNanos > 0 ? timestampNanos : now, lastTimestampNanos);
            lastTimestampNanos = timestamp;
            messages.append(new StoredMessage(sequence, timestamp, subject, copy(headers), copy(payload)));
            bytes += size;
            enforcePerSubjectLimit(subjects.add(subject, sequence));
            enforceStoreLimits();
            appended.signalAll();
            if (listener != null) {
                listener.onDurable(sequence);
            }
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    /** JetStream's discard-new checks; 0 when the message may be stored. */
    private long discardNewRejection(String subject, long size) {
        if (limits.discard() != DiscardPolicy.NEW) {
            return 0;
        }
        SubjectSequences onSubject = subjects.get(subject);
        long maxPerSubject = limits.maxMessagesPerSubject();
        boolean subjectFull = maxPerSubject > 0 && onSubject != null && onSubject.count() >= maxPerSubject;
        if (subjectFull && limits.discardNewPerSubject()) {
            return REJECTED_MAX_MESSAGES_PER_SUBJECT;
        }
        // A full subject replaces its oldest message, so the store's message count does not grow.
        if (limits.maxMessages() > 0 && messages.live() >= limits.maxMessages() && !subjectFull) {
            return REJECTED_MAX_MESSAGES;
        }
        if (limits.maxBytes() > 0 && bytes + size > limits.maxBytes()) {
            if (!subjectFull || messages.get(onSubject.first()).accountedBytes() < size) {
                return REJECTED_MAX_BYTES;
            }
        }
        return 0;
    }

    private static byte[] copy(ByteBuffer buffer) {
        if (buffer == null || !buffer.hasRemaining()) {
            return NO_BYTES;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public long durableSequence() {
        lock.lock();
        try {
            return messages.nextSequence() - 1;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitDurable(long sequence, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (sequence >= messages.nextSequence()) {
                if (closed || remaining <= 0) {
                    return false;
                }
                remaining = appended.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoredMessage get(long sequence) {
        lock.lock();
        try {
            return copyOut(messages.get(sequence));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoredMessage getLast(SubjectFilter filter) {
        lock.lock();
        try {
            return copyOut(messages.get(lastSequence(filter)));
        } finally {
            lock.unlock();
        }
    }

    private long lastSequence(SubjectFilter filter) {
        if (filter == null || filter.matchesAll()) {
            // nats-server looks only at the last sequence, which may be deleted; this returns the
            // last message there is.
            return messages.previousLive(messages.nextSequence() - 1);
        }
        return subjects.last(filter);
    }

    @Override
    public StoredMessage getNext(long fromSequence, SubjectFilter filter) {
        lock.lock();
        try {
            return copyOut(messages.get(nextSequence(fromSequence, filter)));
        } finally {
            lock.unlock();
        }
    }

    private long nextSequence(long fromSequence, SubjectFilter filter) {
        long from = Math.max(fromSequence, messages.firstSequence());
        if (messages.live() == 0 || from >= messages.nextSequence()) {
            return -1;
        }
        return filter == null || filter.matchesAll() ? messages.nextLive(from) : subjects.next(from, filter);
    }

    private static StoredMessage copyOut(StoredMessage stored) {
        if (stored == null) {
            return null;
        }
        byte[] headers = stored.headers().length == 0 ? NO_BYTES : stored.headers().clone();
        return new StoredMessage(stored.sequence(), stored.timestampNanos(), stored.subject(), headers,
                stored.payload().clone());
    }

    @Override
    public long sequenceAtOrAfter(long epochNanos) {
        lock.lock();
        try {
            return messages.sequenceAtOrAfter(epochNanos);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(long sequence) {
        lock.lock();
        try {
            return removeMessage(sequence);
        } finally {
            lock.unlock();
        }
    }

    /**
     * JetStream's {@code PurgeEx}. {@code beforeSequence == 1} removes nothing. With every subject:
     * no sequence and no keep empties the store (first becomes last + 1); a sequence and no keep
     * removes everything below it, and when it lies past the end the store is emptied and its next
     * sequence becomes {@code beforeSequence} (JetStream's {@code Compact}). Otherwise the matching
     * messages below the sequence are removed oldest first, stopping while {@code keep} matching
     * messages remain in the store. (JetStream's API refuses a sequence and keep together; here they
     * combine as just said.)
     */
    @Override
    public void skipTo(long nextSequence) {
        lock.lock();
        try {
            messages.skipTo(nextSequence);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long purge(SubjectFilter filter, long beforeSequence, long keep) {
        lock.lock();
        try {
            if (beforeSequence == 1) {
                return 0;
            }
            boolean all = filter == null || filter.matchesAll();
            if (all && keep <= 0) {
                return beforeSequence <= 0 ? purgeAll(messages.nextSequence()) : compact(beforeSequence);
            }
            long matching = all ? messages.live() : subjects.count(filter);
            if (matching == 0 || (keep > 0 && keep >= matching)) {
                return 0;
            }
            long maxRemoved = keep > 0 ? matching - keep : Long.MAX_VALUE;
            long upTo = beforeSequence > 0 ? beforeSequence - 1 : messages.nextSequence() - 1;
            long removed = 0;
            if (!all && filter.isLiteral()) {
                for (long seq : subjects.get(filter.text()).liveSequences(messages)) {
                    if (seq > upTo || removed >= maxRemoved) {
                        break;
                    }
                    removeMessage(seq);
                    removed++;
                }
                return removed;
            }
            for (long seq = messages.nextLive(0); seq >= 0 && seq <= upTo && removed < maxRemoved;
                 seq = messages.nextLive(seq + 1)) {
                if (all || filter.matches(messages.get(seq).subject())) {
                    removeMessage(seq);
                    removed++;
                }
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    private long purgeAll(long nextSequence) {
        long removed = messages.live();
        messages.reset(nextSequence);
        subjects.clear();
        bytes = 0;
        appended.signalAll(); // nextSequence may have moved forward
        return removed;
    }

    /** Removes every message below {@code sequence}; past the end, moves the next sequence there. */
    private long compact(long sequence) {
        if (sequence > messages.nextSequence()) {
            return purgeAll(sequence);
        }
        long removed = 0;
        for (long seq = messages.nextLive(0); seq >= 0 && seq < sequence; seq = messages.nextLive(seq + 1)) {
            removeMessage(seq);
            removed++;
        }
        return removed;
    }

    @Override
    public long expire() {
        lock.lock();
        try {
            return expireLocked(clock.epochNanos());
        } finally {
            lock.unlock();
        }
    }

    /** Removes messages whose age is at least the max age, as JetStream's {@code expireMsgs}. */
    private long expireLocked(long nowNanos) {
        long maxAge = limits.maxAgeNanos();
        if (maxAge <= 0) {
            return 0;
        }
        long oldestKept = nowNanos - maxAge;
        long removed = 0;
        while (messages.live() > 0) {
            long first = messages.firstSequence();
            if (messages.get(first).timestampNanos() > oldestKept) {
                break;
            }
            removeMessage(first);
            removed++;
        }
        return removed;
    }

    @Override
    public void sync() {
        // Nothing to do: deletions are as durable as the heap the moment they are made.
    }

    @Override
    public StoreState state() {
        lock.lock();
        try {
            long first = messages.firstSequence();
            long last = messages.nextSequence() - 1;
            long count = messages.live();
            if (count == 0) {
                return new StoreState(0, 0, first, 0, last, 0, 0, 0, 0);
            }
            return new StoreState(count, bytes, first, messages.get(first).timestampNanos(), last,
                    lastTimestampNanos, subjects.size(), last - first + 1 - count, 0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SubjectState subjectState(String subject) {
        lock.lock();
        try {
            SubjectSequences onSubject = subjects.get(subject);
            if (onSubject == null) {
                return null;
            }
            return new SubjectState(subject, onSubject.count(), onSubject.first(), onSubject.last());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Long> subjectCounts(SubjectFilter filter) {
        lock.lock();
        try {
            return subjects.counts(filter == null ? SubjectFilter.ALL : filter);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoreLimits limits() {
        lock.lock();
        try {
            return limits;
        } finally {
            lock.unlock();
        }
    }

    /** As JetStream's {@code UpdateConfig}: store limits (discard-old only), per subject, then age. */
    @Override
    public void updateLimits(StoreLimits newLimits) {
        Objects.requireNonNull(newLimits, "limits");
        lock.lock();
        try {
            limits = newLimits;
            enforceStoreLimits();
            if (newLimits.maxMessagesPerSubject() > 0) {
                // Copied first: trimming a subject can remove it from the map.
                for (SubjectSequences onSubject : subjects.all()) {
                    enforcePerSubjectLimit(onSubject);
                }
            }
            expireLocked(clock.epochNanos());
        } finally {
            lock.unlock();
        }
    }

    private void enforcePerSubjectLimit(SubjectSequences onSubject) {
        long max = limits.maxMessagesPerSubject();
        while (max > 0 && onSubject.count() > max) {
            removeMessage(onSubject.first());
        }
    }

    private void enforceStoreLimits() {
        if (limits.discard() != DiscardPolicy.OLD) {
            return;
        }
        long maxMessages = limits.maxMessages();
        while (maxMessages > 0 && messages.live() > maxMessages) {
            removeMessage(messages.firstSequence());
        }
        long maxBytes = limits.maxBytes();
        while (maxBytes > 0 && bytes > maxBytes) {
            removeMessage(messages.firstSequence());
        }
    }

    private boolean removeMessage(long sequence) {
        StoredMessage removed = messages.remove(sequence);
        if (removed == null) {
            return false;
        }
        bytes -= removed.accountedBytes();
        subjects.remove(removed.subject(), sequence);
        return true;
    }

    /** After close the store holds nothing and accepts nothing; its sequences stay where they were. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            long next = messages.nextSequence();
            messages.reset(next);
            subjects.clear();
            bytes = 0;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MemoryStore" + state();
    }
}
