package io.halyard.core;

import io.halyard.core.client.ClientSession;
import io.halyard.core.client.DeliveryBatch;
import io.halyard.core.client.Subscription;
import io.halyard.core.client.Transport;
import io.halyard.core.subject.Match;
import io.halyard.core.subject.SubjectIndex;
import io.halyard.protocol.PublishFrame;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The broker: registry of connected clients, the subject index, and the router that turns one
 * publish into frames queued on every interested connection.
 *
 * <p>Routing ({@link #route}) runs on the publisher's event loop and takes no lock of its own: the
 * subject index answers from a cache, and each subscriber's {@link Outbound} is locked only while its
 * frame is copied in. Nothing is allocated per message.
 *
 * <p>Thread-safe.
 */
public final class Broker {
    /** The NATS server version advertised in INFO; jnats enables features by it. */
    public static final String NATS_COMPATIBLE_VERSION = "2.11.0";
    /** Halyard's own version, advertised beside it. */
    public static final String HALYARD_VERSION = "0.1.0";

    private final BrokerConfig config;
    private final LongSupplier nanoClock;
    private final SubjectIndex<Subscription> index = new SubjectIndex<>();
    private final Map<Long, ClientSession> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextClientId = new AtomicLong();
    private final BrokerStats stats = new BrokerStats();
    private final ClosedConnections closedConnections = new ClosedConnections(ClosedConnections.DEFAULT_CAPACITY);
    /** Wall-clock and broker-clock readings taken together, to turn broker times into epoch times. */
    private final long startEpochNanos;
    private final long startNanos;
    private volatile boolean lameDuck;

    public Broker(BrokerConfig config) {
        this(config, System::nanoTime);
    }

    /** {@code nanoClock} is the time source of every timer decision (injectable for tests). */
    public Broker(BrokerConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        java.time.Instant now = java.time.Instant.now();
        this.startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** When the broker was created, in epoch nanoseconds. */
    public long startEpochNanos() {
        return startEpochNanos;
    }

    /** A time of the broker's clock ({@link #nanoTime()}) as epoch nanoseconds. */
    public long epochNanos(long brokerNanos) {
        return startEpochNanos + (brokerNanos - startNanos);
    }

    /** The recently closed connections ({@code /connz?state=closed}). */
    public ClosedConnections closedConnections() {
        return closedConnections;
    }

    /**
     * Enters lame-duck mode: from now on INFO carries {@code "ldm":true}, and every client is sent
     * that INFO at once. The caller (the server) has stopped accepting and closes clients later.
     */
    public void enterLameDuckMode() {
        lameDuck = true;
        for (ClientSession session : clients.values()) {
            session.sendLameDuckInfo();
        }
    }

    public boolean inLameDuckMode() {
        return lameDuck;
    }

    public BrokerConfig config() {
        return config;
    }

    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    public BrokerStats stats() {
        return stats;
    }

    /** {@link #accept(Transport, ListenerInfo)} for a connection to the client port. */
    public ClientSession accept(Transport transport) {
        return accept(transport, null);
    }

    /**
     * Creates the session of a new connection and sends it INFO — or, beyond max_connections, sends
     * {@code -ERR 'maximum connections exceeded'}, closes it and returns the (closed) session.
     *
     * @param listener what INFO says about the listener the connection came through (host, port,
     *                 TLS), or null for the client port
     */
    public ClientSession accept(Transport transport, ListenerInfo listener) {
        long cid = nextClientId.incrementAndGet();
        ClientSession session = new ClientSession(this, transport, cid, listener);
        stats.connectionsAccepted.incrementAndGet();
        if (clients.size() >= config.maxConnections) {
            session.rejectMaxConnections();
            return session;
        }
        clients.put(cid, session);
        session.start();
        return session;
    }

    /**
     * The authorization changed (a config reload): every connected client is checked again on its own
     * event loop (see {@link ClientSession#authorizationReloaded}). Waits, for at most
     * {@code timeoutNanos}, until every check has run, so that when a reload reports success the new
     * permissions are in force on every connection.
     *
     * @return false when some checks had not run by the deadline (they still will)
     */
    public boolean authorizationReloaded(long timeoutNanos) {
        java.util.Collection<ClientSession> sessions = java.util.List.copyOf(clients.values());
        java.util.concurrent.CountDownLatch applied = new java.util.concurrent.CountDownLatch(sessions.size());
        for (ClientSession session : sessions) {
            session.authorizationReloaded(applied::countDown);
        }
        try {
            return applied.await(timeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * max_connections may have been lowered below the number of clients (a config reload): closes
     * clients picked at random until the rest fit, each with {@code -ERR 'maximum connections
     * exceeded'}, as nats-server does (it walks its client map, whose order Go randomises). Returns
     * how many it closes.
     */
    public int closeConnectionsBeyondMax() {
        List<ClientSession> all = new ArrayList<>(clients.values());
        int excess = all.size() - Math.max(0, config.maxConnections);
        if (excess <= 0) {
            return 0;
        }
        Collections.shuffle(all, ThreadLocalRandom.current());
        for (int i = 0; i < excess; i++) {
            all.get(i).closeMaxConnectionsExceeded();
        }
        return excess;
    }

    /** Called by a session once its connection is gone. */
    public void removed(ClientSession session) {
        if (clients.remove(session.clientId()) != null) {
            stats.retire(session);
            if (session.closedSnapshot() != null) {
                closedConnections.add(session.closedSnapshot());
            }
        }
    }

    public Collection<ClientSession> clients() {
        return Collections.unmodifiableCollection(clients.values());
    }

    public int clientCount() {
        return clients.size();
    }

    public void subscribe(Subscription sub) {
        index.insert(sub.subject(), sub.queue(), sub);
    }

    public void unsubscribe(Subscription sub) {
        index.remove(sub.subject(), sub.queue(), sub);
    }

    /**
     * Takes {@code removed} out and puts {@code added} in as one change of the subject index: a
     * publish reaches either {@code removed} or those of {@code added} it matches, never both and
     * never neither (see {@link SubjectIndex#replace}).
     */
    public void replace(Subscription removed, List<Subscription> added) {
        List<SubjectIndex.Entry<Subscription>> in = new ArrayList<>(added.size());
        for (Subscription sub : added) {
            in.add(new SubjectIndex.Entry<>(sub.subject(), sub.queue(), sub));
        }
        index.replace(List.of(new SubjectIndex.Entry<>(removed.subject(), removed.queue(), removed)), in);
    }

    public int subscriptionCount() {
        return index.count();
    }

    /** The subscriptions a literal subject reaches (monitoring, tests). */
    public Match<Subscription> match(String subject) {
        return index.match(subject);
    }

    /**
     * Delivers a published message to every plain subscriber and one member of each queue group.
     * Returns how many subscriptions it was delivered to. {@code from} is the publishing session
     * ({@code null} for messages the broker itself originates); connections written to are added to
     * {@code batch}, which the caller flushes when its batch of work ends.
     */
    public int route(ClientSession from, PublishFrame frame, DeliveryBatch batch) {
        return route(from, frame, batch, index.match(frame.line(), frame.subjectOffset(), frame.subjectLength()));
    }

    private int route(ClientSession from, PublishFrame frame, DeliveryBatch batch, Match<Subscription> m) {
        batch.beginMessage();
        int delivered = 0;
        for (int i = 0, n = m.plainCount(); i < n; i++) {
            Subscription sub = m.plain(i);
            if (eligible(sub, from) && deliver(sub, frame, batch, from)) {
                delivered++;
            }
        }
        for (int g = 0, groups = m.groupCount(); g < groups; g++) {
            // One member per group: start at a random member and take the first that accepts, so a
            // closed member (or our own, without echo) never costs the message.
            int size = m.groupSize(g);
            for (int i = 0, start = m.pickIndex(g); i < size; i++) {
                Subscription sub = m.member(g, (start + i) % size);
                if (eligible(sub, from) && deliver(sub, frame, batch, from)) {
                    delivered++;
                    break;
                }
            }
        }
        return delivered;
    }

    private static boolean deliver(Subscription sub, PublishFrame frame, DeliveryBatch batch, ClientSession from) {
        return sub.isInternal() ? sub.deliverInternal(frame, from) : ClientSession.deliver(sub, frame, batch);
    }

    /**
     * Publishes a message the broker originates (an API response, an acknowledgement, an advisory)
     * from any thread. {@code headers} is a complete {@code NATS/1.0} header block or null.
     *
     * @return how many subscriptions it reached
     */
    public int publish(String subject, String reply, byte[] headers, byte[] payload) {
        return OUTGOING.get().publish(this, null, subject, reply, headers, payload);
    }

    /**
     * Like {@link #publish}, but reaches the subscribers of {@code to} while the delivered {@code MSG}
     * carries {@code subject}: how a JetStream consumer delivers a stored message to a deliver subject
     * or a pull request's inbox under the message's own subject, as nats-server does.
     */
    public int publishTo(String to, String subject, String reply, byte[] headers, byte[] payload) {
        return OUTGOING.get().publish(this, to, subject, reply, headers, payload);
    }

    /**
     * Holds back the flushes of the messages this thread publishes through {@link #publish} and
     * {@link #publishTo} until the matching {@link #releaseFlushes()}: a thread that publishes many
     * messages in one go (a consumer filling a pull request, the PubAcks of one group commit) then
     * wakes each receiving connection's event loop once instead of once per message. Calls nest;
     * pair each with a release in a {@code finally}. A connection whose outbound chunk fills is still
     * flushed at once.
     */
    public void holdFlushes() {
        OUTGOING.get().held++;
    }

    /** Ends a {@link #holdFlushes()}; the outermost release flushes every connection written to. */
    public void releaseFlushes() {
        Outgoing out = OUTGOING.get();
        if (out.held > 0 && --out.held == 0) {
            out.batch.flush();
        }
    }

    private static final ThreadLocal<Outgoing> OUTGOING = ThreadLocal.withInitial(Outgoing::new);

    /** A thread's reusable frame and delivery batch for broker-originated messages. */
    private static final class Outgoing {
        final PublishFrame frame = new PublishFrame();
        final DeliveryBatch batch = new DeliveryBatch();
        byte[] line = new byte[256];
        /** Nesting depth of {@link Broker#holdFlushes()}: while above 0, {@link #batch} is not flushed. */
        int held;

        int publish(Broker broker, String to, String subject, String reply, byte[] headers, byte[] payload) {
            int subjectLength = subject.length();
            int replyLength = reply == null ? 0 : reply.length();
            if (line.length < subjectLength + replyLength) {
                line = new byte[Math.max(line.length * 2, subjectLength + replyLength)];
            }
            for (int i = 0; i < subjectLength; i++) {
                line[i] = (byte) subject.charAt(i);
            }
            for (int i = 0; i < replyLength; i++) {
                line[subjectLength + i] = (byte) reply.charAt(i);
            }
            int headerLength = headers == null ? -1 : headers.length;
            io.netty.buffer.ByteBuf message = headers == null
                    ? io.netty.buffer.Unpooled.wrappedBuffer(payload)
                    : io.netty.buffer.Unpooled.wrappedBuffer(headers, payload);
            frame.set(line, 0, subjectLength, subjectLength, replyLength, headerLength, message,
                    message.readerIndex(), message.readableBytes());
            try {
                return to == null ? broker.route(null, frame, batch) : broker.route(null, frame, batch, broker.index.match(to));
            } finally {
                if (held == 0) {
                    batch.flush();
                }
                batch.takeStallForInternal();
            }
        }
    }

    private static boolean eligible(Subscription sub, ClientSession from) {
        return !sub.isClosed() && (from == null || from.echo() || sub.owner() != from);
    }

    /** The INFO JSON sent to a new connection, describing the listener it came through. */
    public String infoJson(ClientSession session) {
        ListenerInfo listener = session.listener() != null ? session.listener() : clientPort();
        return InfoJson.of(config, listener, session.clientId(), session.clientIp(), lameDuck);
    }

    /** The client port as INFO describes it; read per connection, since the port is known only once bound. */
    private ListenerInfo clientPort() {
        return new ListenerInfo(config.host, config.port, config.tlsRequired, false);
    }
}
