package io.halyard.core.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halyard.core.Broker;
import io.halyard.core.BrokerConfig;
import io.halyard.core.ListenerInfo;
import io.halyard.core.auth.Authenticator;
import io.halyard.core.auth.Credentials;
import io.halyard.core.auth.Permissions;
import io.halyard.core.subject.Match;
import io.halyard.core.subject.Subjects;
import io.halyard.protocol.NatsEncoder;
import io.halyard.protocol.NatsParser;
import io.halyard.protocol.ParserListener;
import io.halyard.protocol.ProtocolError;
import io.halyard.protocol.PublishFrame;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client connection's protocol state: it decides what each decoded operation means (auth,
 * permissions, limits, subscriptions) and answers through its {@link Outbound}. Behaviour, texts and
 * close decisions follow nats-server's {@code client.go}.
 *
 * <p>Thread-safety: confined to the connection's event loop, except {@link #deliver} (called by
 * publishers on any loop, synchronised by the {@link Outbound} lock) and the read-only accessors used
 * by monitoring.
 */
public final class ClientSession implements ParserListener {
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());
    /**
     * Jackson's mapper for CONNECT and INFO from clients, built when the first client sends one:
     * building it loads ~500 classes (~250 ms), which must not delay the first INFO.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    /** nats-server sends the first PING to a client 2 s after CONNECT, plus up to 20 % jitter. */
    private static final long FIRST_PING_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** nats-server re-measures a client's round-trip time hourly. */
    private static final long RTT_MEASUREMENT_INTERVAL_NANOS = TimeUnit.HOURS.toNanos(1);
    /** How often a stalled producer looks at its consumer, and the longest it waits. */
    private static final long STALL_CHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long STALL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final byte[] NO_RESPONDERS_HEADER_START = NatsEncoder.ascii("NATS/1.0 503\r\nNats-Subject: ");
    private static final byte[] HEADER_END = NatsEncoder.ascii("\r\n\r\n");

    private final Broker broker;
    private final BrokerConfig config;
    private final Transport transport;
    private final ListenerInfo listener;
    private final long clientId;
    private final Outbound outbound;
    private final NatsParser parser;
    private final DeliveryBatch batch = new DeliveryBatch();
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private final PublishFrame noRespondersFrame = new PublishFrame();

    // CONNECT options. Like nats-server, a client is verbose and pedantic until its CONNECT says
    // otherwise, and a CONNECT that omits a field keeps its previous value.
    private boolean connectReceived;
    private boolean verbose = true;
    private boolean pedantic = true;
    private boolean echo = true;
    private boolean headers;
    private boolean noResponders;
    private String name;
    private String lang;
    private String version;
    private String user;
    /** What CONNECT presented, kept to check the client again when the authorization is reloaded. */
    private Credentials credentials;
    /** Read by publishers on other loops ({@link #deliver}); replaced by a reload. */
    private volatile Permissions permissions;

    /** Producer back-pressure: reading paused while {@link #stallTarget} drains. */
    private boolean readPaused;
    private long stallStartNanos;
    private Outbound stallTarget;
    private final Runnable stallCheck = this::checkStall;

    private boolean closing;
    private boolean closed;
    private String closeReason;
    private long lastInNanos;
    private int pingsOut;
    /** Round-trip measurement, as nats-server keeps it: a PING goes out when none is known or it is old. */
    private long rttPingSentNanos;
    private long rttNanos;
    private long rttMeasuredAtNanos;
    private Transport.Cancellable authTimer;
    private Transport.Cancellable pingTimer;

    private long messagesIn;
    private long bytesIn;
    /** When the connection was accepted (broker clock), for monitoring. */
    private final long startNanos;
    /** The connection as it was when it closed ({@code /connz?state=closed}); set on close. */
    private volatile ConnectionSnapshot closedSnapshot;

    /**
     * @param listener what INFO says about the listener the connection came through, or null for the
     *                 client port
     */
    public ClientSession(Broker broker, Transport transport, long clientId, ListenerInfo listener) {
        this.broker = broker;
        this.listener = listener;
        this.config = broker.config();
        this.transport = transport;
        this.clientId = clientId;
        this.outbound = new Outbound(this, transport, config.maxPendingBytes);
        this.parser = new NatsParser(this, config.maxControlLine, config.maxPayload);
        this.lastInNanos = broker.nanoTime();
        this.startNanos = lastInNanos;
    }

    // ------------------------------------------------------------------------------------------
    // Lifecycle, driven by the transport
    // ------------------------------------------------------------------------------------------

    /** Sends INFO and arms the auth timer when authentication is required. */
    public void start() {
        writeInfo();
        outbound.flush();
        if (config.authenticator.required()) {
            authTimer = transport.schedule(this::authTimeout, config.authTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Feeds bytes read from the socket. The caller keeps ownership of {@code in}. */
    public void read(ByteBuf in) {
        if (closing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        lastInNanos = broker.nanoTime();
        parser.parse(in);
    }

    /**
     * The socket read is done: flush every connection this read delivered to, and if one of them has
     * too much queued, stop reading from this producer until it drains.
     */
    public void readComplete() {
        batch.flush();
        maybeStall();
    }

    /** Pauses reading from this producer when a delivery reported a consumer over its threshold. */
    private void maybeStall() {
        Outbound stalledOn = batch.takeStall();
        if (stalledOn != null && stalledOn != outbound && !closing && !readPaused) {
            readPaused = true;
            stallStartNanos = broker.nanoTime();
            transport.setReadPaused(true); // Netty stops after the buffer being parsed
            stallTarget = stalledOn;
            transport.schedule(stallCheck, STALL_CHECK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Resumes reading once the consumer we waited for is below half its stall threshold, or after
     * {@link #STALL_MAX_NANOS} in any case (a stuck consumer then runs into max_pending and is cut,
     * as in nats-server, whose producers stall at most 5 ms at a time).
     */
    private void checkStall() {
        if (!readPaused || closing) {
            return;
        }
        Outbound target = stallTarget;
        boolean drained = target.pendingBytes() < target.stallThresholdBytes() / 2;
        if (drained || broker.nanoTime() - stallStartNanos >= STALL_MAX_NANOS) {
            readPaused = false;
            stallTarget = null;
            transport.setReadPaused(false);
        } else {
            transport.schedule(stallCheck, STALL_CHECK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** The connection is gone (closed by either side): drop subscriptions and deregister. */
    public void transportClosed() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        cancelTimers();
        closedSnapshot = snapshot(true).closed(broker.epochNanos(broker.nanoTime()), closeReasonText());
        for (Subscription sub : subscriptions.values()) {
            sub.closed = true;
            broker.unsubscribe(sub);
        }
        subscriptions.clear();
        outbound.close();
        broker.removed(this);
    }

    /**
     * Server shutdown: flushes what is queued to this client and closes the connection once those
     * bytes are written (or after the transport's close grace). Any thread; runs on the event loop.
     */
    public void shutdown(Runnable done) {
        transport.execute(() -> {
            if (!closing) {
                batch.flush();
                outbound.flush();
                closing = true;
                closeReason = "server shutdown";
                cancelTimers();
                transport.close();
            }
            done.run();
        });
    }

    /**
     * Lame-duck mode: tells the client with an asynchronous INFO carrying {@code "ldm":true} (the
     * broker's INFO includes it from now on), so clients that know it reconnect elsewhere before
     * the server closes them. Any thread; runs on the event loop.
     */
    public void sendLameDuckInfo() {
        transport.execute(() -> {
            if (!closing) {
                writeInfo();
                batch.flush();
                outbound.flush();
            }
        });
    }

    /**
     * Lame-duck mode's gradual close: flushes and closes this client as a shutdown does, with the
     * close reason nats-server gives ("Server Shutdown"). Any thread; runs on the event loop.
     */
    public void closeForLameDuck() {
        shutdown(() -> { });
    }

    /** Refuses a connection beyond max_connections. */
    public void rejectMaxConnections() {
        writeInfo();
        closeWithError(ProtocolError.MAX_CONNECTIONS_EXCEEDED.text(), "max connections exceeded");
    }

    /**
     * A config reload lowered max_connections below the number of clients and picked this one to go:
     * {@code -ERR 'maximum connections exceeded'} and close, as nats-server's {@code maxConnExceeded}.
     * Any thread; runs on the event loop.
     */
    public void closeMaxConnectionsExceeded() {
        transport.execute(() -> {
            closeWithError(ProtocolError.MAX_CONNECTIONS_EXCEEDED.text(), "max connections exceeded");
        });
    }

    /**
     * The authorization was reloaded: check this client again against the broker's authenticator,
     * as nats-server's {@code reloadAuthorization} does. Any thread; runs on the event loop.
     * <ul>
     *   <li>A client that presented a user name that is no longer configured is closed without an
     *       error, to reconnect (nats-server: "moved to a different account", {@code ClientClosed}).</li>
     *   <li>A client whose CONNECT credentials no longer authenticate gets
     *       {@code -ERR 'Authorization Violation'} and is closed.</li>
     *   <li>Any other client gets its user's new permissions; each subscription they no longer
     *       allow is removed with {@code -ERR 'Permissions Violation for Subscription to "s" (sid "1")'}.</li>
     * </ul>
     * A client that has not sent CONNECT yet is left alone: its CONNECT meets the new authorization.
     * (nats-server checks it too, with no credentials, and so closes it when authentication is
     * required.)
     */
    public void authorizationReloaded(Runnable done) {
        transport.execute(() -> {
            try {
                recheckAuthorization();
            } finally {
                done.run();
            }
        });
    }

    private void recheckAuthorization() {
        if (closing || !connectReceived) {
            return;
        }
        Authenticator authenticator = config.authenticator;
        if (credentials.user() != null && !authenticator.hasUser(credentials.user())) {
            LOG.log(System.Logger.Level.INFO, "{0} user {1} is no longer configured, closing", this, credentials.user());
            close("client closed");
            return;
        }
        Authenticator.Result auth = authenticator.authenticate(credentials);
        if (!auth.accepted()) {
            LOG.log(System.Logger.Level.INFO, "{0} no longer authorized (user {1}), closing", this, credentials.user());
            closeWithError(ProtocolError.AUTHORIZATION_VIOLATION.text(), "authentication failed");
            return;
        }
        user = auth.user();
        permissions = auth.permissions();
        if (permissions != null) {
            removeRevokedSubscriptions(permissions);
        }
        outbound.flush();
    }

    /** Removes, with an -ERR each, the subscriptions {@code perms} no longer allow (as SUB checks them). */
    private void removeRevokedSubscriptions(Permissions perms) {
        for (Subscription sub : new ArrayList<>(subscriptions.values())) {
            if (!perms.canSubscribe(sub.subject)) {
                removeSubscription(sub);
                writeError(ProtocolError.subscriptionRevoked(sub.subject, sub.queue, sub.sid));
                LOG.log(System.Logger.Level.INFO, "{0} removed sub {1} (sid {2}) for {3} - not authorized",
                        this, sub.subject, sub.sid, user);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // ParserListener: decide
    // ------------------------------------------------------------------------------------------

    @Override
    public void onConnect(String json) {
        JsonNode opts;
        try {
            opts = Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            opts = null;
        }
        if (opts == null || !opts.isObject()) {
            // nats-server fails to unmarshal and closes without an -ERR.
            close("invalid CONNECT JSON");
            return;
        }
        cancel(authTimer);
        authTimer = null;
        Credentials creds = new Credentials(text(opts, "user"), text(opts, "pass"), text(opts, "auth_token"));
        Authenticator.Result auth = config.authenticator.authenticate(creds);
        if (!auth.accepted()) {
            LOG.log(System.Logger.Level.DEBUG, "{0} authentication failed (user {1})", this, creds.user());
            closeWithError(ProtocolError.AUTHORIZATION_VIOLATION.text(), "authentication failed");
            return;
        }
        boolean first = !connectReceived;
        connectReceived = true;
        credentials = creds;
        user = auth.user();
        permissions = auth.permissions();
        verbose = opts.path("verbose").asBoolean(verbose);
        pedantic = opts.path("pedantic").asBoolean(pedantic);
        echo = opts.path("echo").asBoolean(echo);
        headers = opts.path("headers").asBoolean(headers);
        noResponders = opts.path("no_responders").asBoolean(noResponders);
        name = opts.has("name") ? text(opts, "name") : name;
        lang = opts.has("lang") ? text(opts, "lang") : lang;
        version = opts.has("version") ? text(opts, "version") : version;
        int protocol = opts.path("protocol").asInt(0);
        if (protocol < 0 || protocol > 1) {
            protocolError(ProtocolError.INVALID_CLIENT_PROTOCOL);
            return;
        }
        if (noResponders && !headers) {
            protocolError(ProtocolError.NO_RESPONDERS_REQUIRES_HEADERS);
            return;
        }
        if (verbose) {
            writeOk();
        }
        if (first) {
            armPingTimer(firstPingDelay());
        }
    }

    @Override
    public void onPublish(PublishFrame frame) {
        if (!admitted()) {
            return;
        }
        if (frame.hasHeaders() && !headers) {
            // nats-server: HPUB from a client that did not announce headers support is a protocol violation.
            close("headers not supported by client");
            return;
        }
        messagesIn++;
        bytesIn += frame.messageLength();
        if (pedantic && !Subjects.isValidPublishSubject(frame.line(), frame.subjectOffset(), frame.subjectLength())) {
            // nats-server tells a pedantic client, and then routes the message anyway.
            writeError(ProtocolError.INVALID_PUBLISH_SUBJECT.text());
        }
        io.halyard.core.subject.SubjectMappings mappings = config.mappings;
        if (mappings != null && !applyMapping(frame, mappings)) {
            return;
        }
        if (permissions != null
                && !permissions.canPublish(frame.line(), frame.subjectOffset(), frame.subjectLength())) {
            writeError(ProtocolError.publishViolation(frame.subject()));
            return;
        }
        if (verbose) {
            writeOk(); // before any MSG the publish produces, as nats-server orders them
        }
        int delivered = broker.route(this, frame, batch);
        if (delivered == 0 && noResponders && frame.hasReply()) {
            sendNoResponders(frame);
        }
        maybeStall();
    }

    /**
     * Rewrites the frame's subject when a subject mapping applies (as nats-server, before the publish
     * permission check, which then sees the mapped subject). False when the mapping sends the
     * message nowhere: it is dropped, and a request gets no-responders.
     */
    private boolean applyMapping(PublishFrame frame, io.halyard.core.subject.SubjectMappings mappings) {
        // One char per byte, so that a subject's bytes come back unchanged in the mapped one.
        String subject = new String(frame.line(), frame.subjectOffset(), frame.subjectLength(),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        String mapped = mappings.map(subject);
        if (mapped == subject) {
            return true;
        }
        if (mapped == null) {
            if (noResponders && frame.hasReply()) {
                sendNoResponders(frame);
            }
            return false;
        }
        int subjectLength = mapped.length();
        int replyLength = frame.replyLength();
        byte[] line = new byte[subjectLength + replyLength];
        for (int i = 0; i < subjectLength; i++) {
            line[i] = (byte) mapped.charAt(i);
        }
        System.arraycopy(frame.line(), frame.replyOffset(), line, subjectLength, replyLength);
        frame.set(line, 0, subjectLength, subjectLength, replyLength, frame.headerLength(), frame.message(),
                frame.messageIndex(), frame.messageLength());
        return true;
    }

    @Override
    public void onSubscribe(String subject, String queue, String sid) {
        if (!admitted()) {
            return;
        }
        if (!Subjects.isValidFilter(subject) || (queue != null && !isValidQueueName(queue))) {
            writeError(ProtocolError.INVALID_SUBJECT.text());
            return;
        }
        if (permissions != null && !permissions.canSubscribe(subject)) {
            writeError(ProtocolError.subscribeViolation(subject, queue));
            LOG.log(System.Logger.Level.INFO, "{0} subscription violation: subject {1} sid {2}", this, subject, sid);
            return;
        }
        if (subscriptions.containsKey(sid)) {
            // nats-server keeps the existing subscription of a reused sid.
            okIfVerbose();
            return;
        }
        if (config.maxSubscriptions > 0 && subscriptions.size() >= config.maxSubscriptions) {
            writeError(ProtocolError.MAX_SUBSCRIPTIONS_EXCEEDED.text());
            return;
        }
        Subscription sub = new Subscription(this, subject, queue, sid);
        subscriptions.put(sid, sub);
        broker.subscribe(sub);
        okIfVerbose();
    }

    @Override
    public void onUnsubscribe(String sid, long maxMessages) {
        if (!admitted()) {
            return;
        }
        Subscription sub = subscriptions.get(sid);
        if (sub != null) {
            boolean removeNow;
            outbound.lock();
            try {
                // Under the outbound lock: publishers read maxMessages/delivered there.
                removeNow = maxMessages <= 0 || sub.delivered >= maxMessages;
                if (!removeNow) {
                    sub.maxMessages = maxMessages;
                }
            } finally {
                outbound.unlock();
            }
            if (removeNow) {
                removeSubscription(sub);
            }
        }
        okIfVerbose();
    }

    @Override
    public void onInfo(String json) {
        // nats-server ignores INFO from a client, but closes the connection when it is not JSON.
        try {
            Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            close("invalid INFO JSON");
        }
    }

    @Override
    public void onPing() {
        if (!admitted()) {
            return;
        }
        write(NatsEncoder::writePong, 6);
    }

    @Override
    public void onPong() {
        if (!admitted()) {
            return;
        }
        pingsOut = 0;
        if (rttPingSentNanos != 0) {
            long now = broker.nanoTime();
            rttNanos = Math.max(1, now - rttPingSentNanos);
            rttMeasuredAtNanos = now;
            rttPingSentNanos = 0;
        }
    }

    @Override
    public void onProtocolError(ProtocolError error) {
        LOG.log(System.Logger.Level.DEBUG, "{0} protocol error: {1}", this, error);
        protocolError(error);
    }

    // ------------------------------------------------------------------------------------------
    // Delivery (publisher's thread)
    // ------------------------------------------------------------------------------------------

    /**
     * Copies one message into the subscriber's outbound queue as MSG (or HMSG when the message has
     * headers and the subscriber supports them; otherwise the headers are stripped, as nats-server
     * does). Returns false when nothing was written: the subscription closed, reached its max, the
     * subject is denied to it, or its connection is closed or a slow consumer.
     */
    public static boolean deliver(Subscription sub, PublishFrame f, DeliveryBatch batch) {
        ClientSession owner = sub.owner;
        Permissions perms = owner.permissions;
        if (perms != null && perms.hasSubscribeDeny()
                && perms.denySubscriptionDelivery(f.line(), f.subjectOffset(), f.subjectLength())) {
            return false;
        }
        byte[] sid = sub.sidBytes;
        FrameTemplate frame = batch.template(f, owner.headers);
        int size = frame.frameSize(sid);
        Outbound out = owner.outbound;
        ByteBuf buf = out.lockForWrite(size);
        if (buf == null) {
            return false;
        }
        boolean reachedMax;
        boolean flushEarly;
        boolean stall;
        try {
            long max = sub.maxMessages;
            if (sub.closed || (max > 0 && sub.delivered >= max)) {
                return false;
            }
            frame.write(buf, sid);
            out.countMessage(size);
            sub.delivered++;
            reachedMax = max > 0 && sub.delivered >= max;
            if (reachedMax) {
                sub.closed = true;
            }
        } finally {
            flushEarly = out.takeEarlyFlush();
            stall = out.overStallThreshold();
            out.unlock();
        }
        batch.add(out);
        if (flushEarly) {
            out.requestFlush();
        }
        if (stall) {
            batch.stallOn(out);
        }
        if (reachedMax) {
            owner.transport.execute(() -> owner.removeSubscription(sub));
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    /** Whether the connection may use non-CONNECT operations; if not, closes it as nats-server does. */
    private boolean admitted() {
        if (connectReceived || !config.authenticator.required()) {
            return !closing;
        }
        closeWithError(ProtocolError.AUTHORIZATION_VIOLATION.text(), "operation before CONNECT");
        return false;
    }

    private void removeSubscription(Subscription sub) {
        if (subscriptions.get(sub.sid) == sub) {
            subscriptions.remove(sub.sid);
        }
        sub.closed = true;
        broker.unsubscribe(sub);
    }

    /** nats-server answers a request nobody can serve with a 503 status on the requester's own sub. */
    private void sendNoResponders(PublishFrame f) {
        Match<Subscription> m = broker.match(f.reply());
        Subscription mine = null;
        for (int i = 0; i < m.plainCount(); i++) {
            if (m.plain(i).owner == this) {
                mine = m.plain(i);
                break;
            }
        }
        if (mine == null) {
            return;
        }
        int subjectLength = f.subjectLength();
        int headerLength = NO_RESPONDERS_HEADER_START.length + subjectLength + HEADER_END.length;
        ByteBuf header = transport.allocator().heapBuffer(headerLength);
        try {
            header.writeBytes(NO_RESPONDERS_HEADER_START);
            header.writeBytes(f.line(), f.subjectOffset(), subjectLength);
            header.writeBytes(HEADER_END);
            // Deliver as HMSG <reply> <sid> <hdr> <hdr>: subject = the request's reply, no reply.
            noRespondersFrame.set(f.line(), f.replyOffset(), f.replyLength(), 0, 0, headerLength,
                    header, 0, headerLength);
            batch.beginMessage();
            deliver(mine, noRespondersFrame, batch);
        } finally {
            header.release();
        }
    }

    private void authTimeout() {
        if (!connectReceived && !closing) {
            closeWithError(ProtocolError.AUTHENTICATION_TIMEOUT.text(), "authentication timeout");
        }
    }

    private long firstPingDelay() {
        long d = Math.min(config.pingIntervalNanos, FIRST_PING_NANOS);
        return d + ThreadLocalRandom.current().nextLong(Math.max(1, d / 5));
    }

    private void armPingTimer(long delayNanos) {
        if (!closing) {
            pingTimer = transport.schedule(this::pingTimerFired, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The ping timer: skip the PING when the client sent something within the interval and its
     * round-trip time is known and fresh; close the connection as stale when ping_max PINGs are
     * already unanswered. (nats-server's rule; harnesses such as jnats-server-runner wait for the
     * first PING, 2 s after CONNECT, to know the server is ready.)
     */
    void pingTimerFired() {
        pingTimer = null;
        if (closing) {
            return;
        }
        long now = broker.nanoTime();
        boolean recentlyActive = now - lastInNanos < config.pingIntervalNanos;
        boolean needRtt = rttNanos == 0 || now - rttMeasuredAtNanos > RTT_MEASUREMENT_INTERVAL_NANOS;
        if (!recentlyActive || needRtt) {
            if (rttPingSentNanos == 0) {
                rttPingSentNanos = now;
            }
            if (pingsOut + 1 > config.pingMax) {
                broker.stats().staleConnection();
                closeWithError(ProtocolError.STALE_CONNECTION.text(), "stale connection");
                return;
            }
            pingsOut++;
            write(NatsEncoder::writePing, 6);
            outbound.flush();
        }
        armPingTimer(config.pingIntervalNanos);
    }

    /** Max pending exceeded (reported by the outbound on our loop): count it and drop the client. */
    void slowConsumer() {
        if (closing) {
            return;
        }
        broker.stats().slowConsumer();
        LOG.log(System.Logger.Level.WARNING, "{0} slow consumer detected: max pending of {1} bytes exceeded",
                this, config.maxPendingBytes);
        closing = true;
        closeReason = "slow consumer";
        outbound.close();
        transport.close();
    }

    private void protocolError(ProtocolError error) {
        String reason = error.name().toLowerCase(java.util.Locale.ROOT);
        if (!error.hasText()) {
            close(reason); // nats-server closes these without an -ERR
        } else if (error.closesConnection()) {
            closeWithError(error.text(), reason);
        } else {
            writeError(error.text());
        }
    }

    private void closeWithError(String text, String reason) {
        if (closing) {
            return;
        }
        writeError(text);
        close(reason);
    }

    private void close(String reason) {
        if (closing) {
            return;
        }
        closing = true;
        closeReason = reason;
        cancelTimers();
        batch.flush();
        outbound.flush();
        transport.close();
    }

    private void cancelTimers() {
        cancel(authTimer);
        cancel(pingTimer);
        authTimer = null;
        pingTimer = null;
    }

    private static void cancel(Transport.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }

    private void writeInfo() {
        String json = broker.infoJson(this);
        write(b -> NatsEncoder.writeInfo(b, json), json.length() * 3 + 8);
    }

    private void okIfVerbose() {
        if (verbose) {
            writeOk();
        }
    }

    private void writeOk() {
        write(NatsEncoder::writeOk, 5);
    }

    private void writeError(String text) {
        write(b -> NatsEncoder.writeError(b, text), text.length() * 3 + 10);
    }

    /** Queues a control frame to this connection; flushed when the current batch ends. */
    private void write(java.util.function.Consumer<ByteBuf> encoder, int maxSize) {
        ByteBuf buf = outbound.lockForWrite(maxSize);
        if (buf == null) {
            return;
        }
        try {
            encoder.accept(buf);
        } finally {
            outbound.unlock();
        }
        batch.add(outbound);
    }

    private static boolean isValidQueueName(String queue) {
        for (int i = 0; i < queue.length(); i++) {
            char c = queue.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return false;
            }
        }
        return !queue.isEmpty();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    // ------------------------------------------------------------------------------------------
    // Accessors (monitoring, broker)
    // ------------------------------------------------------------------------------------------

    /**
     * This connection as monitoring shows it. Event loop only; see {@link #snapshot(boolean, java.util.function.Consumer)}
     * for other threads.
     *
     * @param withSubscriptions include each subscription (else only their number)
     */
    public ConnectionSnapshot snapshot(boolean withSubscriptions) {
        List<ConnectionSnapshot.SubscriptionDetail> subs = List.of();
        if (withSubscriptions && !subscriptions.isEmpty()) {
            subs = new ArrayList<>(subscriptions.size());
            for (Subscription s : subscriptions.values()) {
                // delivered and maxMessages are guarded by the outbound lock; a monitoring read may be
                // one message behind, which is fine for a counter.
                subs.add(new ConnectionSnapshot.SubscriptionDetail(s.subject, s.queue, s.sid, s.delivered,
                        s.maxMessages, clientId));
            }
        }
        String addr = transport.remoteAddress();
        int port = 0;
        if (addr != null) {
            int colon = addr.lastIndexOf(':');
            try {
                port = colon > 0 ? Integer.parseInt(addr.substring(colon + 1)) : 0;
            } catch (NumberFormatException e) {
                port = 0;
            }
        }
        return new ConnectionSnapshot(clientId, clientIp(), port, broker.epochNanos(startNanos),
                broker.epochNanos(lastInNanos), 0, null, rttNanos, outbound.pendingBytes(), messagesIn,
                outbound.messagesOut(), bytesIn, outbound.bytesOut(), subscriptions.size(), name, lang, version,
                user, transport.isSecure(), listener != null, subs);
    }

    /**
     * Takes {@link #snapshot(boolean)} on the connection's event loop and hands it to {@code to} there;
     * a connection that is already gone hands nothing. Any thread.
     */
    public void snapshot(boolean withSubscriptions, java.util.function.Consumer<ConnectionSnapshot> to) {
        transport.execute(() -> {
            if (!closed) {
                to.accept(snapshot(withSubscriptions));
            }
        });
    }

    /** The connection as it was when it closed, or null while open. */
    public ConnectionSnapshot closedSnapshot() {
        return closedSnapshot;
    }

    /** The close reason in nats-server's words ({@code ClosedState.String()}), as {@code /connz} shows it. */
    private String closeReasonText() {
        String r = closeReason;
        if (r == null) {
            return "Client Closed";
        }
        switch (r) {
            case "server shutdown": return "Server Shutdown";
            case "slow consumer": return "Slow Consumer (Pending Bytes)";
            case "stale connection": return "Stale Connection";
            case "authentication timeout": return "Authentication Timeout";
            case "authentication failed": return "Authentication Failure";
            case "max connections exceeded": return "Maximum Connections Exceeded";
            case "client closed": return "Client Closed";
            default: return "Protocol Violation";
        }
    }

    /** The last measured round-trip time, or 0 when not yet known. */
    public long rttNanos() {
        return rttNanos;
    }

    public long clientId() {
        return clientId;
    }

    /** The listener the connection came through, as INFO describes it; null for the client port. */
    public ListenerInfo listener() {
        return listener;
    }

    public boolean echo() {
        return echo;
    }

    public Outbound outbound() {
        return outbound;
    }

    public long messagesIn() {
        return messagesIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public String name() {
        return name;
    }

    public String lang() {
        return lang;
    }

    public String version() {
        return version;
    }

    public String user() {
        return user;
    }

    public String closeReason() {
        return closeReason;
    }

    public String clientIp() {
        String addr = transport.remoteAddress();
        if (addr == null) {
            return null;
        }
        int colon = addr.lastIndexOf(':');
        return colon > 0 ? addr.substring(0, colon) : addr;
    }

    public Collection<Subscription> subscriptions() {
        return Collections.unmodifiableCollection(new ArrayList<>(subscriptions.values()));
    }

    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            out.add(s.subject);
        }
        return out;
    }

    @Override
    public String toString() {
        return transport.remoteAddress() + " - cid:" + clientId;
    }
}
