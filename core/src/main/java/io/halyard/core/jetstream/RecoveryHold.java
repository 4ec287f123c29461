package io.halyard.core.jetstream;

import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Subscription;
import io.halyard.core.subject.Subjects;
import io.halyard.protocol.PublishFrame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps publishes to streams that are still being recovered, so that the server can serve core NATS
 * while JetStream reopens its streams in the background, and a message sent to a stream in that
 * time is neither lost nor answered with no-responders.
 *
 * <h2>How</h2>
 * One internal subscription on {@code >}, added before the client port serves. Recovery goes through
 * three steps, each on the JetStream thread:
 * <ol>
 *   <li>Until the streams' configurations are read ({@link #streamsKnown}), nobody knows which
 *       subjects are a stream's: every message is copied and kept (and counts as taken, so a request
 *       gets no 503 for it).</li>
 *   <li>Then a message is kept only when a stream being recovered captures its subject; anything
 *       else is not taken, so no-responders works as usual. When a stream is open
 *       ({@link #opened}), its kept messages are appended to it in arrival order, and from then on
 *       the hold hands that stream's messages straight to {@link Stream#onMessage} on the
 *       publisher's thread: the ordinary publish path, PubAck after the fsync included.</li>
 *   <li>Once every stream is open, {@link #release} swaps this subscription for the streams' own
 *       in one change of the subject index ({@link Broker#replace}): a publish reaches either the
 *       hold, which hands it to its stream, or the stream's subscription — never both, never
 *       neither. A publish matched just before the swap but delivered after it still reaches this
 *       subscriber (it is not closed), which hands it to the stream that now captures its subject.
 *       A publisher's messages stay in order across the swap, since its publishes are routed one
 *       after the other on its event loop.</li>
 * </ol>
 * Acknowledgements ({@code $JS.ACK.>}, {@code $JS.FC.>}) are kept too, until the consumers listen
 * ({@link #consumersStarted}), and then published again in their order.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A message kept in the first step whose subject turns out to be no stream's is dropped; a
 *       request among those that no other subscriber took gets neither an answer nor no-responders
 *       (its requester times out). The first step is short: configurations are read before any
 *       store is opened.</li>
 *   <li>At most {@value #MAX_KEPT_BYTES} bytes are kept; beyond that a publish to a recovering
 *       stream is dropped without an answer and logged: it was never acknowledged, and its
 *       publisher's request times out.</li>
 *   <li>An ack routed to this subscription just before the consumers' subscriptions were added, and
 *       delivered to it just after {@link #consumersStarted}, is dropped; one routed to both in the
 *       instant between is processed twice. Both need a thread paused in the middle of a route
 *       across those few statements, and acks are at-least-once anyway: a lost ack means a
 *       redelivery after {@code ack_wait}; a repeated {@code +ACK}, {@code -NAK} or {@code +TERM}
 *       changes nothing (a repeated {@code +NXT} asks for one more message).</li>
 * </ul>
 *
 * <p>Thread-safe: the subscriber runs on any publisher's thread; the steps run on the JetStream
 * thread. This object's monitor guards the kept messages and the stream table; it is never held
 * while publishing (appending under it is memory work: {@code Stream.store} with responses deferred).
 */
final class RecoveryHold {
    private static final System.Logger LOG = System.getLogger(RecoveryHold.class.getName());
    /** At most this many bytes of subjects, headers and payloads are kept. */
    static final long MAX_KEPT_BYTES = 64L << 20;
    private static final byte[] NO_PAYLOAD = new byte[0];

    /** A copied publish. */
    private record Kept(String subject, String reply, byte[] headers, byte[] payload) {
        long bytes() {
            return subject.length() + (reply == null ? 0 : reply.length())
                    + (headers == null ? 0 : headers.length) + payload.length;
        }
    }

    /** A stream being recovered: its subjects, what waits for it, and the stream once open. */
    private static final class Recovering {
        final List<String> subjects;
        final List<Kept> waiting = new ArrayList<>();
        Stream open;
        boolean failed;

        Recovering(List<String> subjects) {
            this.subjects = subjects;
        }
    }

    private final Broker broker;
    private final JetStream jetStream;
    private final Subscription subscription = Subscription.internal(">", null, this::onMessage);
    // Guarded by this.
    /** Everything kept before the streams' subjects were known; null afterwards. */
    private List<Kept> unsorted = new ArrayList<>();
    /** Stream name → its recovery, once known. */
    private Map<String, Recovering> streams;
    /** Acks and flow-control replies kept until the consumers listen; null afterwards. */
    private List<Kept> acks = new ArrayList<>();
    private long keptBytes;
    private boolean overflowLogged;
    /** The streams' subscriptions replaced this one. */
    private boolean released;
    private boolean closed;

    RecoveryHold(Broker broker, JetStream jetStream) {
        this.broker = broker;
        this.jetStream = jetStream;
    }

    /** Starts holding. Before the client port serves. */
    void install() {
        broker.subscribe(subscription);
    }

    /** Step 2: the recovering streams and their subjects are known. On the JetStream thread. */
    synchronized void streamsKnown(Map<String, List<String>> subjectsByStream) {
        streams = new LinkedHashMap<>();
        subjectsByStream.forEach((name, subjects) -> streams.put(name, new Recovering(List.copyOf(subjects))));
        for (Kept k : unsorted) {
            Recovering r = recoveringFor(k.subject);
            if (r != null) {
                r.waiting.add(k);
            } else {
                keptBytes -= k.bytes();
            }
        }
        unsorted = null;
    }

    /**
     * The stream is open (and its consumers recovered): what was kept for it is appended now, in order,
     * and its later messages go straight to it. On the JetStream thread.
     */
    void opened(String name, Stream stream) {
        synchronized (this) {
            Recovering r = streams == null ? null : streams.get(name);
            if (r == null) {
                return;
            }
            for (Kept k : r.waiting) {
                // Responses deferred (inline false): nothing is published while the monitor is held.
                stream.store(k.subject, k.reply, k.headers, ByteBuffer.wrap(k.payload), false);
                keptBytes -= k.bytes();
            }
            r.waiting.clear();
            r.open = stream;
        }
    }

    /** The stream could not be reopened: what was kept for it is dropped. On the JetStream thread. */
    synchronized void failed(String name) {
        Recovering r = streams == null ? null : streams.get(name);
        if (r != null) {
            for (Kept k : r.waiting) {
                keptBytes -= k.bytes();
            }
            r.waiting.clear();
            r.failed = true;
        }
    }

    /**
     * The consumers listen for acks now: the acks kept meanwhile are published again, in order.
     * On the JetStream thread.
     */
    void consumersStarted() {
        List<Kept> replay;
        synchronized (this) {
            replay = acks == null ? List.of() : acks;
            acks = null;
        }
        for (Kept k : replay) {
            broker.publish(k.subject, k.reply, k.headers, k.payload);
        }
    }

    /**
     * Step 3: every stream is open; their subscriptions replace the hold's. On the JetStream thread.
     *
     * @param streamSubscriptions the open streams' subscriptions, not yet in the broker
     */
    synchronized void release(List<Subscription> streamSubscriptions) {
        if (closed) {
            return; // JetStream closed during recovery: nothing to hand over to
        }
        if (unsorted != null) {
            streamsKnown(Map.of()); // recovery ended before it read any configuration
        }
        for (Recovering r : streams.values()) {
            if (r.open == null) {
                r.failed = true; // not reopened (recovery stopped early): nothing left to wait for
                r.waiting.clear();
            }
        }
        // Under the monitor, so that a close cannot slip in between; the subscriber takes the
        // monitor only after its match, so this waits for no route.
        broker.replace(subscription, streamSubscriptions);
        // Not closed: a publish matched just before the swap may still be on its way to the
        // subscriber, which hands it to the stream that now captures its subject.
        released = true;
        streams = Map.of();
        acks = null; // kept only when recovery failed before the consumers started
        keptBytes = 0;
    }

    /** Stops holding without handing over (JetStream closes, possibly during recovery). Any thread. */
    synchronized void close() {
        if (!closed && !released) {
            subscription.close();
            broker.unsubscribe(subscription);
        }
        closed = true;
    }

    /** The subscriber on {@code >}: keep, hand over, or leave alone (see the class comment). */
    private boolean onMessage(PublishFrame frame, ClientSession from) {
        String subject = frame.subject();
        Stream target;
        synchronized (this) {
            if (released) {
                // Matched just before the swap: the stream that now captures the subject takes it,
                // as its own subscription would have.
                List<Stream> capturing = isAck(subject) ? List.of() : jetStream.streams(subject);
                target = capturing.isEmpty() ? null : capturing.get(0);
            } else if (isAck(subject)) {
                return acks != null && keep(acks, frame, subject); // else the consumers' subscriptions have it
            } else if (unsorted != null) {
                return keep(unsorted, frame, subject);
            } else {
                Recovering r = recoveringFor(subject);
                if (r == null || r.failed) {
                    return false;
                }
                if (r.open == null) {
                    return keep(r.waiting, frame, subject);
                }
                target = r.open;
            }
        }
        // Outside the monitor: the stream may publish its answer from here, and that publish reaches
        // this subscriber again.
        return target != null && target.onMessage(frame, from);
    }

    /** Copies the message into {@code into}; taken either way (see the class comment on overflow). */
    private boolean keep(List<Kept> into, PublishFrame frame, String subject) {
        int headerLength = Math.max(frame.headerLength(), 0);
        long size = subject.length() + frame.replyLength() + headerLength + frame.payloadLength();
        if (keptBytes + size > MAX_KEPT_BYTES) {
            if (!overflowLogged) {
                overflowLogged = true;
                LOG.log(System.Logger.Level.WARNING, "JetStream is still recovering and {0} bytes of publishes wait "
                        + "for it; dropping further ones (they are not acknowledged)", keptBytes);
            }
            return true;
        }
        byte[] headers = null;
        if (headerLength > 0) {
            headers = new byte[headerLength];
            frame.message().getBytes(frame.messageIndex(), headers);
        }
        byte[] payload = frame.payloadLength() == 0 ? NO_PAYLOAD : new byte[frame.payloadLength()];
        frame.message().getBytes(frame.messageIndex() + headerLength, payload);
        into.add(new Kept(subject, frame.reply(), headers, payload));
        keptBytes += size;
        return true;
    }

    /** The recovering stream that captures {@code subject}, or null. With the monitor held. */
    private Recovering recoveringFor(String subject) {
        for (Recovering r : streams.values()) {
            for (String filter : r.subjects) {
                if (Subjects.matches(filter, subject)) {
                    return r;
                }
            }
        }
        return null;
    }

    private static boolean isAck(String subject) {
        return subject.startsWith(Consumers.ACK_PREFIX) || subject.startsWith(Consumers.FC_PREFIX);
    }

    /** Bytes waiting (tests). */
    synchronized long keptBytes() {
        return keptBytes;
    }
}
