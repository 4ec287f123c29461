package io.halyard.core.jetstream;

import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Subscription;
import io.halyard.core.subject.SubjectTransform;
import io.halyard.core.subject.Subjects;
import io.halyard.log.DiscardPolicy;
import io.halyard.log.EpochClock;
import io.halyard.log.StoreState;
import io.halyard.log.StoreLimits;
import io.halyard.log.StoredMessage;
import io.halyard.log.StreamStore;
import io.halyard.log.SubjectFilter;
import io.halyard.log.SubjectState;
import io.halyard.protocol.PublishFrame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream: its configuration, its {@link StreamStore}, and the publish path that captures its
 * subjects. Consumers read through {@link #store()} and learn of new durable messages through a
 * {@link StreamListener}.
 *
 * <p><b>Publishing.</b> The stream subscribes internally to each of its subjects. A captured message
 * is checked ({@code Nats-Expected-*}, {@code Nats-Msg-Id} within the duplicate window, rollup,
 * max_msg_size) and appended on the publisher's event loop under {@link #publishLock}, so checks and
 * append are atomic. Errors are answered at once; the PubAck waits in {@link PendingAcks} until the
 * store reports the sequence durable ({@link #onDurable}), then goes out through
 * {@link Broker#publish}. A publish costs a few objects (subject and reply strings, the header copy,
 * the PubAck bytes and its queue entry) on top of the store's own copy.
 *
 * <p><b>Thread-safety.</b> Thread-safe. {@code publishLock} guards the checks' state (last sequence,
 * last msg id, the msg-id window) and the config swap of an update; it is never held while
 * publishing a response. Store mutators serialise themselves. A message the broker itself
 * originated ({@code from == null}, e.g. a PubAck landing on a stream that captures inboxes) is
 * answered from {@code deferred}, never re-entrantly from the publishing thread.
 */
public final class Stream {
    private static final System.Logger LOG = System.getLogger(Stream.class.getName());
    static final String MSG_ID = "Nats-Msg-Id";
    static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    static final String EXPECTED_LAST_SEQ = "Nats-Expected-Last-Sequence";
    static final String EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence";
    static final String EXPECTED_LAST_SUBJECT_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";
    static final String EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id";
    static final String ROLLUP = "Nats-Rollup";
    static final String TTL = "Nats-TTL";

    private final Broker broker;
    private final Executor deferred;
    private final EpochClock clock;
    private final StreamStore store;
    private final long createdNanos;
    private final ReentrantLock publishLock = new ReentrantLock();
    private final PendingAcks acks = new PendingAcks();
    private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    /** Per-message TTLs (allow_msg_ttl); the scan position of max_age expiry then done here. */
    private final MessageTtls ttls = new MessageTtls();
    /** The server's limit for this stream's kind of storage; set once by JetStream before start. */
    private volatile StorageLimit storageLimit;
    /** Interest retention: whether some consumer wants a subject; set once by JetStream before start. */
    private volatile java.util.function.BiPredicate<String, String> interest;
    private long ageScanFrom;
    private volatile StreamConfig config;
    private volatile byte[] pubAckPrefix;
    /** The config's republish transform, or null. */
    private volatile SubjectTransform rePublish;
    /** The config's subject transform (the subject a captured message is stored under), or null. */
    private volatile SubjectTransform input;
    private List<Subscription> subscriptions = List.of();
    // Guarded by publishLock.
    private final MsgIdWindow msgIds;
    private long lastSequence;
    private String lastMsgId = "";
    private boolean closed;

    /** Opens the stream's store, telling the stream of durability. */
    @FunctionalInterface
    public interface StoreOpener {
        StreamStore open(io.halyard.log.DurabilityListener listener) throws java.io.IOException;
    }

    Stream(Broker broker, Executor deferred, EpochClock clock, StreamConfig config, long createdNanos, StoreOpener opener)
            throws java.io.IOException {
        this.broker = broker;
        this.deferred = deferred;
        this.clock = clock;
        this.config = config;
        this.createdNanos = createdNanos;
        this.pubAckPrefix = pubAckPrefix(config.name);
        this.msgIds = new MsgIdWindow(config.duplicateWindowNanos);
        this.rePublish = rePublishOf(config);
        this.input = inputOf(config);
        this.store = opener.open(config.isMemory() ? null : sequence -> onDurable(sequence));
    }

    /** The store limits a config asks for. */
    static StoreLimits limits(StreamConfig c) {
        // With per-message TTLs the stream expires by age itself: "Nats-TTL: never" is exempt from max_age.
        return new StoreLimits(c.maxMsgs, c.maxBytes, c.allowMsgTtl ? 0 : c.maxAgeNanos, c.maxMsgsPerSubject, c.maxMsgSize,
                c.discard.equals("new") ? DiscardPolicy.NEW : DiscardPolicy.OLD, c.discardNewPerSubject);
    }

    public String name() {
        return config.name;
    }

    /** The current (normalised) configuration; replaced, never changed, by an update. */
    public StreamConfig config() {
        return config;
    }

    public long createdNanos() {
        return createdNanos;
    }

    /** The messages. Reads see durable messages only; consumers must not append. */
    /** The copying of this stream's {@code sources}, or null when it has none. */
    private volatile StreamSources sources;

    StreamSources sources() {
        return sources;
    }

    /** How far one of this stream's sources, or its mirror, is behind its origin. */
    public record CopyLag(String origin, boolean mirror, long lag) {
    }

    /** The lag of each source, or of the mirror; empty when the stream copies nothing. Any thread. */
    public List<CopyLag> copyLags() {
        StreamSources s = sources;
        return s == null ? List.of() : s.lags();
    }

    void sources(StreamSources s) {
        sources = s;
    }

    public StreamStore store() {
        return store;
    }

    /** How the stream learns, under interest retention, whether any consumer wants a subject. */
    void interest(java.util.function.BiPredicate<String, String> anyConsumerWants) {
        this.interest = anyConsumerWants;
    }

    /** Counts this stream's appends against the server's storage limit and stops them when it is used up. */
    void storageLimit(StorageLimit limit) {
        this.storageLimit = limit;
    }

    public void addListener(StreamListener listener) {
        listeners.add(listener);
    }

    public void removeListener(StreamListener listener) {
        listeners.remove(listener);
    }

    /** Rebuilds the publish checks' state from the store and subscribes to the stream's subjects. */
    void start() {
        publishLock.lock();
        try {
            for (Subscription sub : startUnsubscribed()) {
                broker.subscribe(sub);
            }
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * Rebuilds the publish checks' state from the store and returns the subscriptions to the stream's
     * subjects without adding them to the broker: recovery adds those of every recovered stream at
     * once, in place of its {@link RecoveryHold}, which hands messages to {@link #onMessage} until then.
     */
    List<Subscription> startUnsubscribed() {
        publishLock.lock();
        try {
            lastSequence = store.state().lastSequence();
            rebuildMsgIds();
            if (config.allowMsgTtl) {
                rebuildTtls();
            }
            subscriptions = subscriptionsTo(config.subjects);
            return subscriptions;
        } finally {
            publishLock.unlock();
        }
    }

    /** nats-server rebuilds its duplicate map from the stream on start: the ids of the messages within the window. */
    private void rebuildMsgIds() {
        long now = clock.epochNanos();
        long from = store.sequenceAtOrAfter(now - config.duplicateWindowNanos);
        StoredMessage m;
        while ((m = store.getNext(from, SubjectFilter.ALL)) != null) {
            String id = m.headers().length == 0 ? null : NatsHeaders.get(m.headers(), MSG_ID);
            if (id != null && !id.isEmpty()) {
                msgIds.record(id, m.sequence(), m.timestampNanos());
            }
            lastMsgId = id == null ? "" : id;
            from = m.sequence() + 1;
        }
    }

    /** The TTL index is not stored: rebuilt from the messages' {@code Nats-TTL} headers. */
    private void rebuildTtls() {
        long from = 0;
        StoredMessage m;
        while ((m = store.getNext(from, SubjectFilter.ALL)) != null) {
            long ttl = ttlOf(m);
            if (ttl > 0) {
                ttls.add(m.sequence(), m.timestampNanos(), MessageTtls.effectiveSeconds(ttl, config));
            }
            from = m.sequence() + 1;
        }
    }

    private static long ttlOf(StoredMessage m) {
        String ttl = m.headers().length == 0 ? null : NatsHeaders.get(m.headers(), TTL);
        return ttl == null || ttl.isEmpty() ? 0 : MessageTtls.parseSeconds(ttl);
    }

    private void subscribe(List<String> subjects) {
        subscriptions = subscriptionsTo(subjects);
        for (Subscription sub : subscriptions) {
            broker.subscribe(sub);
        }
    }

    private List<Subscription> subscriptionsTo(List<String> subjects) {
        List<Subscription> subs = new ArrayList<>(subjects.size());
        for (String subject : subjects) {
            subs.add(Subscription.internal(subject, null, this::onMessage));
        }
        return List.copyOf(subs);
    }

    private void unsubscribe() {
        for (Subscription sub : subscriptions) {
            sub.close();
            broker.unsubscribe(sub);
        }
        subscriptions = List.of();
    }

    /** The internal subscriber: store a captured publish (see the class comment). */
    boolean onMessage(PublishFrame frame, ClientSession from) {
        String subject = frame.subject();
        String reply = frame.reply();
        int headerLength = Math.max(frame.headerLength(), 0);
        byte[] headers = null;
        if (headerLength > 0) {
            headers = new byte[headerLength];
            frame.message().getBytes(frame.messageIndex(), headers);
        }
        ByteBuffer payload = frame.message().nioBuffer(frame.messageIndex() + headerLength, frame.payloadLength());
        store(subject, reply, headers, payload, from != null);
        return true;
    }

    /**
     * Checks and appends one message; answers errors at once and queues the PubAck.
     *
     * @param inline whether responses may be published from this thread (false for broker-originated messages)
     */
    void store(String subject, String reply, byte[] headers, ByteBuffer payload, boolean inline) {
        SubjectTransform transform = input;
        if (transform != null) {
            // As nats-server: stored (and checked) under the transformed subject when the source matches.
            String stored = transform.apply(subject);
            if (stored != null && Subjects.isValidPublishSubject(stored)) {
                subject = stored;
            }
        }
        storeChecked(subject, reply, headers, payload, inline, null);
    }

    /** Why the last append under {@link #publishLock} was refused, or null. */
    private ApiError lastRejection;

    /**
     * Appends a message copied from a source ({@link StreamSources}): the checks and limits of a
     * publish without a reply, and not the stream's own subject transform (nats-server applies that to
     * what the stream captures only). On the JetStream thread.
     *
     * @param why its first element is set to the error of a refusal, or null
     * @return the sequence; 0 for a duplicate ({@code Nats-Msg-Id}) or a refusal; -1 once the stream
     *         is closed
     */
    long storeSourced(String subject, byte[] headers, ByteBuffer payload, ApiError[] why) {
        return storeChecked(subject, null, headers, payload, false, why);
    }

    /**
     * Appends a message of the origin of this mirror at the origin's sequence, skipping to it when
     * the origin has gaps there (deleted messages, or ones the mirror's filter leaves out): a mirror
     * holds the same messages under the same sequences and timestamps. No publish checks (the origin
     * made them) but the store's limits. On the JetStream thread.
     *
     * @return the sequence; 0 when the mirror already holds it; a store rejection
     *         ({@code StreamStore.REJECTED_*}), {@link #MIRROR_NO_STORAGE} when the server's storage
     *         limit is used up, or {@link #MIRROR_CLOSED} once the stream is closed
     */
    long storeMirrored(long originSequence, long timestampNanos, String subject, byte[] headers, ByteBuffer payload) {
        long sequence;
        publishLock.lock();
        try {
            if (closed) {
                return MIRROR_CLOSED;
            }
            if (originSequence <= lastSequence) {
                return 0;
            }
            StorageLimit limit = storageLimit;
            if (limit != null && limit.exceeded()) {
                return MIRROR_NO_STORAGE;
            }
            if (originSequence > lastSequence + 1) {
                store.skipTo(originSequence);
            }
            int headerLength = headers == null ? 0 : headers.length;
            int payloadLength = payload.remaining();
            sequence = store.append(subject, headers == null ? null : ByteBuffer.wrap(headers), payload, timestampNanos);
            if (sequence < 0) {
                return sequence;
            }
            if (limit != null) {
                limit.appended(subject, headerLength, payloadLength);
            }
            lastSequence = sequence;
        } finally {
            publishLock.unlock();
        }
        return sequence; // StreamSources tells the listeners once per batch
    }

    static final long MIRROR_CLOSED = Long.MIN_VALUE;
    static final long MIRROR_NO_STORAGE = Long.MIN_VALUE + 1;

    private long storeChecked(String subject, String reply, byte[] headers, ByteBuffer payload, boolean inline,
                              ApiError[] why) {
        long sequence;
        String rollup = null;
        publishLock.lock();
        try {
            if (closed) {
                return -1;
            }
            StreamConfig c = config;
            lastRejection = null;
            sequence = checkAndAppend(c, subject, reply, headers, payload, inline);
            if (why != null) {
                why[0] = lastRejection;
            }
            if (sequence > 0 && headers != null && (rollup = NatsHeaders.get(headers, ROLLUP)) != null && rollup.isEmpty()) {
                rollup = null;
            }
        } finally {
            publishLock.unlock();
        }
        if (sequence <= 0 && reply == null) {
            return sequence;
        }
        if (rollup != null) {
            // A rollup purges what it replaces; the purge waits for the disk, so not on an event loop.
            // Its PubAck joins the queue only after the purge, so a client that has it never reads
            // what the rollup replaced (nats-server purges before answering, too).
            long seq = sequence;
            SubjectFilter filter = rollup.equals("all") ? null : SubjectFilter.of(subject);
            deferred.execute(() -> {
                purge(filter, seq, 0);
                if (reply != null) {
                    acks.add(new PendingAcks.Ack(seq, reply, pubAck(seq, false)));
                }
                onDurable(store.durableSequence());
            });
            return sequence;
        }
        if (why != null) {
            return sequence; // a copy: StreamSources tells the listeners once per batch
        }
        if (inline) {
            onDurable(store.durableSequence());
        } else {
            deferred.execute(() -> onDurable(store.durableSequence()));
        }
        return sequence;
    }

    /** The checks of nats-server's processJetStreamMsg, in its order; returns the sequence, or 0 when answered. */
    private long checkAndAppend(StreamConfig c, String subject, String reply, byte[] headers, ByteBuffer payload, boolean inline) {
        String msgId = null;
        long ttlSeconds = 0;
        if (c.sealed) {
            return reject(reply, ApiErrors.STREAM_SEALED, inline);
        }
        StorageLimit limit = storageLimit;
        if (limit != null && limit.exceeded()) {
            return reject(reply, ApiErrors.INSUFFICIENT_RESOURCES, inline);
        }
        if (headers != null) {
            String expectedStream = NatsHeaders.get(headers, EXPECTED_STREAM);
            if (expectedStream != null && !expectedStream.isEmpty() && !expectedStream.equals(c.name)) {
                return reject(reply, ApiErrors.EXPECTED_STREAM_MISMATCH, inline);
            }
            String ttl = NatsHeaders.get(headers, TTL);
            if (ttl != null && !ttl.isEmpty()) {
                if (!c.allowMsgTtl) {
                    return reject(reply, ApiErrors.MESSAGE_TTL_DISABLED, inline);
                }
                ttlSeconds = MessageTtls.parseSeconds(ttl);
            }
            String lastSubjectSeq = NatsHeaders.get(headers, EXPECTED_LAST_SUBJECT_SEQ);
            String checkSubject = NatsHeaders.get(headers, EXPECTED_LAST_SUBJECT_SEQ_SUBJECT);
            if (lastSubjectSeq != null) {
                long expected = parseSequence(lastSubjectSeq);
                String on = checkSubject != null && !checkSubject.isEmpty() ? checkSubject : subject;
                SubjectState state = store.subjectState(on);
                long actual = state == null ? 0 : state.lastSequence();
                if (expected < 0 || actual != expected) {
                    return reject(reply, ApiErrors.wrongLastSequence(actual), inline);
                }
            } else if (checkSubject != null && !checkSubject.isEmpty()) {
                return reject(reply, ApiErrors.EXPECTED_LAST_SUBJECT_SEQ_INVALID, inline);
            }
            String lastSeq = NatsHeaders.get(headers, EXPECTED_LAST_SEQ);
            if (lastSeq != null) {
                long expected = parseSequence(lastSeq);
                if (expected < 0 || expected != lastSequence) {
                    return reject(reply, ApiErrors.wrongLastSequence(lastSequence), inline);
                }
            }
            msgId = NatsHeaders.get(headers, MSG_ID);
            if (msgId != null && !msgId.isEmpty()) {
                long original = msgIds.sequenceOf(msgId, clock.epochNanos());
                if (original > 0) {
                    if (reply != null) {
                        // The original may not be durable yet: the duplicate's ack waits for it too.
                        acks.add(new PendingAcks.Ack(original, reply, pubAck(original, true)));
                    }
                    return 0;
                }
            } else {
                msgId = null;
            }
            String lastMsgIdExpected = NatsHeaders.get(headers, EXPECTED_LAST_MSG_ID);
            if (lastMsgIdExpected != null && !lastMsgIdExpected.isEmpty() && !lastMsgIdExpected.equals(lastMsgId)) {
                return reject(reply, ApiErrors.wrongLastMsgId(lastMsgId), inline);
            }
            String rollup = NatsHeaders.get(headers, ROLLUP);
            if (rollup != null && !rollup.isEmpty()) {
                if (!c.allowRollup || c.denyPurge) {
                    return reject(reply, ApiErrors.rollupFailed("rollup not permitted"), inline);
                }
                if (!rollup.equals("sub") && !rollup.equals("all")) {
                    return reject(reply, ApiErrors.rollupFailed("rollup value invalid: " + rollup), inline);
                }
            }
        }
        if (ttlSeconds == MessageTtls.INVALID) {
            return reject(reply, ApiErrors.MESSAGE_TTL_INVALID, inline);
        }
        int headerLength = headers == null ? 0 : headers.length;
        if (c.maxMsgSize >= 0 && (long) headerLength + payload.remaining() > c.maxMsgSize) {
            return reject(reply, ApiErrors.MESSAGE_EXCEEDS_MAXIMUM, inline);
        }
        int payloadLength = payload.remaining();
        SubjectTransform republish = rePublish;
        String republishTo = republish == null ? null : republish.apply(subject);
        long previousOnSubject = 0;
        ByteBuffer republishPayload = null;
        if (republishTo != null) {
            if (Subjects.isValidPublishSubject(republishTo)) {
                SubjectState s = store.subjectState(subject);
                previousOnSubject = s == null ? 0 : s.lastSequence();
                republishPayload = payload.duplicate();
            } else {
                republishTo = null;
            }
        }
        long sequence = store.append(subject, headers == null ? null : ByteBuffer.wrap(headers), payload);
        if (sequence < 0) {
            return reject(reply, storeRejection(sequence), inline);
        }
        if (republishTo != null) {
            StoreState st = store.state();
            long timestamp = st.lastSequence() == sequence ? st.lastTimestampNanos() : clock.epochNanos();
            queueRePublish(c, republishTo, subject, headers, republishPayload, sequence, previousOnSubject, timestamp);
        }
        if (limit != null) {
            limit.appended(subject, headerLength, payloadLength);
        }
        java.util.function.BiPredicate<String, String> wanted = interest;
        if (wanted != null && c.retention.equals("interest") && !wanted.test(c.name, subject)) {
            // As nats-server: a message no consumer wants is not kept; the publisher still gets its sequence.
            store.delete(sequence);
        }
        lastSequence = sequence;
        lastMsgId = msgId == null ? "" : msgId;
        if (ttlSeconds > 0) {
            ttls.add(sequence, clock.epochNanos(), MessageTtls.effectiveSeconds(ttlSeconds, c));
        }
        if (msgId != null) {
            msgIds.record(msgId, sequence, clock.epochNanos());
        }
        if (reply != null && !rollsUp(headers)) {
            acks.add(new PendingAcks.Ack(sequence, reply, pubAck(sequence, false)));
        }
        return sequence;
    }

    /** Whether an appended message asks for a rollup (its value was checked before the append). */
    private static boolean rollsUp(byte[] headers) {
        if (headers == null) {
            return false;
        }
        String rollup = NatsHeaders.get(headers, ROLLUP);
        return rollup != null && !rollup.isEmpty();
    }

    /** A sequence header's value, or -1 when it is not an unsigned integer. */
    private static long parseSequence(String text) {
        try {
            return Long.parseUnsignedLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** nats-server's texts for its store errors (server/store.go), as a 10077 store failure. */
    static ApiError storeRejection(long code) {
        if (code == StreamStore.REJECTED_MAX_MESSAGES) {
            return ApiErrors.storeFailed("maximum messages exceeded");
        } else if (code == StreamStore.REJECTED_MAX_BYTES) {
            return ApiErrors.storeFailed("maximum bytes exceeded");
        } else if (code == StreamStore.REJECTED_MAX_MESSAGES_PER_SUBJECT) {
            return ApiErrors.storeFailed("maximum messages per subject exceeded");
        } else if (code == StreamStore.REJECTED_MESSAGE_TOO_LARGE) {
            return ApiErrors.MESSAGE_EXCEEDS_MAXIMUM;
        }
        return ApiErrors.storeFailed("store is closed");
    }

    private long reject(String reply, ApiError error, boolean inline) {
        lastRejection = error;
        if (reply != null) {
            StringBuilder json = new StringBuilder(128).append("{\"error\":").append(error.toJson()).append(",\"stream\":");
            ApiJson.quote(json, config.name);
            byte[] body = json.append(",\"seq\":0}").toString().getBytes(StandardCharsets.UTF_8);
            send(reply, body, inline);
        }
        return 0;
    }

    private void send(String reply, byte[] body, boolean inline) {
        if (inline) {
            broker.publish(reply, null, null, body);
        } else {
            deferred.execute(() -> broker.publish(reply, null, null, body));
        }
    }

    private byte[] pubAck(long sequence, boolean duplicate) {
        byte[] prefix = pubAckPrefix;
        String tail = duplicate ? sequence + ",\"duplicate\":true}" : sequence + "}";
        byte[] out = new byte[prefix.length + tail.length()];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = 0; i < tail.length(); i++) {
            out[prefix.length + i] = (byte) tail.charAt(i);
        }
        return out;
    }

    /** The subject transform of a (checked) config, or null. */
    static SubjectTransform inputOf(StreamConfig c) {
        StreamConfig.Transform t = c.subjectTransform;
        if (t == null || t.destination().isEmpty()) {
            return null;
        }
        return SubjectTransform.of(t.source(), t.destination());
    }

    /** The republish transform of a (checked) config, or null. */
    static SubjectTransform rePublishOf(StreamConfig c) {
        StreamConfig.RePublish r = c.rePublish;
        if (r == null || r.destination().isEmpty()) {
            return null;
        }
        return SubjectTransform.of(r.source(), r.destination());
    }

    /**
     * nats-server's republished copy: the message's own headers followed by {@code Nats-Stream},
     * {@code Nats-Subject}, {@code Nats-Sequence}, {@code Nats-Time-Stamp} and
     * {@code Nats-Last-Sequence} (the previous message on the same subject, 0 if none), and
     * {@code Nats-Msg-Size} instead of the payload when headers only. Queued like a PubAck, so it
     * leaves once the message is durable.
     */
    private void queueRePublish(StreamConfig c, String to, String subject, byte[] headers, ByteBuffer payload,
                                long sequence, long previousOnSubject, long timestampNanos) {
        boolean headersOnly = c.rePublish.headersOnly();
        StringBuilder h = new StringBuilder(160);
        if (headers != null && headers.length >= 4) {
            // The message's header block without its final blank line.
            h.append(new String(headers, 0, headers.length - 2, StandardCharsets.ISO_8859_1));
        } else {
            h.append("NATS/1.0\r\n");
        }
        h.append("Nats-Stream: ").append(c.name).append("\r\n");
        h.append("Nats-Subject: ").append(subject).append("\r\n");
        h.append("Nats-Sequence: ").append(sequence).append("\r\n");
        h.append("Nats-Time-Stamp: ").append(ApiJson.time(timestampNanos)).append("\r\n");
        h.append("Nats-Last-Sequence: ").append(previousOnSubject).append("\r\n");
        if (headersOnly) {
            h.append("Nats-Msg-Size: ").append(payload.remaining()).append("\r\n");
        }
        h.append("\r\n");
        byte[] body;
        if (headersOnly) {
            body = new byte[0];
        } else {
            body = new byte[payload.remaining()];
            payload.duplicate().get(body);
        }
        acks.add(new PendingAcks.Ack(sequence, to, h.toString().getBytes(StandardCharsets.ISO_8859_1), body));
    }

    private static byte[] pubAckPrefix(String name) {
        StringBuilder sb = new StringBuilder("{\"stream\":");
        ApiJson.quote(sb, name);
        return sb.append(",\"seq\":").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Everything up to {@code durableSequence} is durable: sends the PubAcks waiting for it, then tells
     * the listeners. Any thread; see {@link StreamListener} for the calling rules.
     */
    void onDurable(long durableSequence) {
        PendingAcks.Ack ack;
        while ((ack = acks.takeDurable(durableSequence)) != null) {
            broker.publish(ack.reply(), null, ack.headers(), ack.payload());
        }
        for (StreamListener listener : listeners) {
            try {
                listener.onDurable(this, durableSequence);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stream listener failed on " + name(), e);
            }
        }
    }

    /** Applies an update (already checked): new limits, subjects and duplicate window. */
    void update(StreamConfig next) {
        publishLock.lock();
        try {
            StreamConfig old = config;
            config = next;
            rePublish = rePublishOf(next);
            input = inputOf(next);
            msgIds.window(next.duplicateWindowNanos);
            store.updateLimits(limits(next));
            if (!old.subjects.equals(next.subjects)) {
                unsubscribe();
                subscribe(next.subjects);
            }
        } finally {
            publishLock.unlock();
        }
    }

    /** JetStream's purge (see {@link StreamStore#purge}); durable when it returns. */
    long purge(SubjectFilter filter, long beforeSequence, long keep) {
        long purged = store.purge(filter, beforeSequence, keep);
        publishLock.lock();
        try {
            lastSequence = Math.max(lastSequence, store.state().lastSequence());
        } finally {
            publishLock.unlock();
        }
        return purged;
    }

    /**
     * Removes the messages whose {@code Nats-TTL} has passed and, on a stream with per-message TTLs,
     * those older than max_age unless their TTL is {@code never}. With subject delete markers, a
     * message that is the last on its subject is replaced by a marker instead. On the JetStream thread.
     */
    void expireByTtl(long nowNanos) {
        StreamConfig c = config;
        if (!c.allowMsgTtl) {
            return;
        }
        long durable = store.durableSequence();
        for (long seq : ttls.due(nowNanos)) {
            if (seq > durable) {
                // Reads see durable messages only: a busy disk can leave a short-lived message unsynced
                // past its TTL. Try again at the next tick rather than forget it.
                ttls.add(seq, nowNanos, 1);
                continue;
            }
            StoredMessage m = store.get(seq);
            if (m != null) {
                expire(m, c, nowNanos);
            }
        }
        if (c.maxAgeNanos > 0) {
            long cutoff = nowNanos - c.maxAgeNanos;
            long from = Math.max(ageScanFrom, store.state().firstSequence());
            StoredMessage m;
            while ((m = store.getNext(from, SubjectFilter.ALL)) != null && m.timestampNanos() <= cutoff) {
                from = m.sequence() + 1;
                if (ttlOf(m) != MessageTtls.NEVER) {
                    expire(m, c, nowNanos);
                }
            }
            ageScanFrom = from; // everything before is gone or lives forever
        }
    }

    private void expire(StoredMessage m, StreamConfig c, long nowNanos) {
        if (c.subjectDeleteMarkerTtlNanos > 0 && (m.headers().length == 0
                || NatsHeaders.get(m.headers(), MessageTtls.MARKER_REASON) == null)) {
            SubjectState s = store.subjectState(m.subject());
            if (s != null && s.messages() == 1 && appendMarker(m.subject(), c, nowNanos)) {
                return;
            }
        }
        store.delete(m.sequence());
    }

    /**
     * Replaces the last message on {@code subject} with a subject delete marker: no payload,
     * {@code Nats-Marker-Reason: MaxAge}, the marker TTL and a subject rollup, as nats-server writes it.
     */
    private boolean appendMarker(String subject, StreamConfig c, long nowNanos) {
        byte[] headers = ("NATS/1.0\r\n" + MessageTtls.MARKER_REASON + ": MaxAge\r\n" + TTL + ": "
                + GoDuration.format(c.subjectDeleteMarkerTtlNanos) + "\r\n" + ROLLUP + ": sub\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long sequence;
        publishLock.lock();
        try {
            if (closed) {
                return false;
            }
            sequence = store.append(subject, ByteBuffer.wrap(headers), ByteBuffer.allocate(0));
            if (sequence <= 0) {
                return false;
            }
            lastSequence = sequence;
            lastMsgId = "";
            ttls.add(sequence, nowNanos, c.subjectDeleteMarkerTtlNanos / 1_000_000_000L);
        } finally {
            publishLock.unlock();
        }
        purge(SubjectFilter.of(subject), sequence, 0);
        return true;
    }

    /** Deletes one message and makes the deletion durable; false when there is no such message. */
    boolean deleteMessage(long sequence) {
        boolean deleted = store.delete(sequence);
        if (deleted) {
            store.sync();
        }
        return deleted;
    }

    /** Stops capturing, drops waiting PubAcks (their messages may never be durable) and closes the store. */
    void close() {
        publishLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            unsubscribe();
        } finally {
            publishLock.unlock();
        }
        store.close();
        onDurable(store.durableSequence());
        acks.clear();
    }

    @Override
    public String toString() {
        return "Stream[" + name() + "]";
    }
}
