package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Subscription;
import io.halyard.protocol.PublishFrame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The {@code $JS.API.>} request/reply API: one internal subscription, a table of operations, and the
 * JetStream thread that runs them.
 *
 * <p><b>Dispatch.</b> {@link #onMessage} runs on the requester's event loop: it matches the subject
 * against the registered operations ({@code STREAM.INFO} with one argument, …). A subject no
 * operation takes is not taken, so a request gets nats-server's 503 no-responders answer, as for an
 * API nats-server does not subscribe to. A taken request is copied into an {@link ApiRequest} and
 * run on {@link JetStream#executor()}; its handler's response (or its {@link ApiException} as
 * {@code {"type":…,"error":{…}}}) is published to the reply subject. Requests without a reply are
 * dropped, as nats-server does.
 *
 * <p><b>While JetStream recovers</b> (streams and consumers reopening in the background after the
 * client port serves), every request is held, unmatched: its operation may read streams and
 * consumers that are not open yet, and the operations themselves are registered on the JetStream
 * thread ({@link #registerOperations}) so that their classes load off the path to the first INFO.
 * {@link #ready} dispatches the held requests in their order on the JetStream thread, answering a
 * {@code NATS/1.0 503} status (what no-responders looks like) where no operation takes one. A request
 * still held after {@value #HOLD_LIMIT_MILLIS} ms is answered as nats-server answers when its
 * JetStream is not available, 503 {@code JetStream system temporarily unavailable} (err_code 10008),
 * or with the 503 status for an operation that answers with status lines; it is then never run. The
 * limit is under the 5 s API timeout of nats.go and the nats CLI, so they get an answer rather than a
 * timeout (jnats' default is 2 s).
 *
 * <p><b>Adding operations</b> (the consumer API): {@link #register} a JSON operation with its
 * response type, or {@link #registerRaw} one that publishes its own answer (direct get). Register
 * before {@link #start}, or at any time: the table is copy-on-write.
 *
 * <p>Thread-safe.
 */
public final class JetStreamApi {
    private static final System.Logger LOG = System.getLogger(JetStreamApi.class.getName());
    public static final String PREFIX = "$JS.API.";
    /** The API level of nats-server 2.11, the version Halyard advertises. */
    public static final int API_LEVEL = 1;

    /** An operation that publishes its own answer (not JSON: direct get's messages and status headers). */
    @FunctionalInterface
    public interface RawHandler {
        void handle(ApiRequest request);
    }

    private record Operation(String name, String[] tokens, int minArgs, int maxArgs, String responseType,
                             ApiHandler handler, RawHandler raw, Predicate<List<String>> accepts, boolean inline) {
    }

    /** How long a request waits for JetStream's recovery before it is answered 503. */
    static final long HOLD_LIMIT_MILLIS = 4_000;
    private static final byte[] STATUS_503 = "NATS/1.0 503\r\nNats-Subject: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A request that arrived while JetStream was recovering, copied. */
    private record Held(String subject, String reply, byte[] body, byte[] headers) {
    }

    /** An operation and the argument tokens a subject gives it. */
    private record Matched(Operation op, List<String> args) {
    }

    private final JetStream jetStream;
    private final Broker broker;
    /** Replaced whole by {@link #add}, so that a reader never sees a table half built. */
    private volatile List<Operation> operations = List.of();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private Subscription subscription;
    /** False until {@link #ready}; written under {@link #held}'s monitor. */
    private volatile boolean ready;
    /** Requests waiting for {@link #ready}, in arrival order; guarded by itself. */
    private final List<Held> held = new ArrayList<>();

    JetStreamApi(JetStream jetStream, Broker broker) {
        this.jetStream = jetStream;
        this.broker = broker;
    }

    /** Registers the stream, message and consumer operations. On the JetStream thread, before {@link #ready}. */
    void registerOperations() {
        StreamApi.register(this, jetStream);
        MessageApi.register(this, jetStream);
        ConsumerApi.register(this, jetStream);
    }

    /**
     * Registers {@code $JS.API.<operation>[.<arg>…]} with between {@code minArgs} and {@code maxArgs}
     * argument tokens ({@code maxArgs} -1: any number), answering JSON of {@code responseType}
     * (e.g. {@code io.nats.jetstream.api.v1.stream_info_response}).
     */
    public void register(String operation, int minArgs, int maxArgs, String responseType, ApiHandler handler) {
        add(new Operation(operation, operation.split("\\."), minArgs, maxArgs, responseType, handler, null, null, false));
    }

    /**
     * Registers an operation that answers by itself. {@code accepts} (may be null) decides on the event
     * loop whether the request is taken at all; a request not taken gets no-responders.
     */
    public void registerRaw(String operation, int minArgs, int maxArgs, Predicate<List<String>> accepts, RawHandler handler) {
        add(new Operation(operation, operation.split("\\."), minArgs, maxArgs, null, null, handler, accepts, false));
    }

    /**
     * A raw operation answered on the requester's event loop, without the hop to the JetStream
     * thread: only for handlers that touch nothing but thread-safe state (a stream's store), such as
     * direct get — a key-value read should cost what a nats-server read costs. Requests the broker
     * itself originates still go through the JetStream thread (see {@link Broker#publish}).
     */
    public void registerInline(String operation, int minArgs, int maxArgs, Predicate<List<String>> accepts,
                               RawHandler handler) {
        add(new Operation(operation, operation.split("\\."), minArgs, maxArgs, null, null, handler, accepts, true));
    }

    /**
     * A JSON operation answered on the requester's event loop, under the same rule as
     * {@link #registerInline(String, int, int, Predicate, RawHandler)}: its handler reads only
     * thread-safe state (STREAM.MSG.GET reads a stream's store).
     */
    public void registerInline(String operation, int minArgs, int maxArgs, String responseType, ApiHandler handler) {
        add(new Operation(operation, operation.split("\\."), minArgs, maxArgs, responseType, handler, null, null, true));
    }

    private synchronized void add(Operation op) {
        List<Operation> next = new ArrayList<>(operations);
        next.add(op);
        // Longer operations first, so STREAM.MSG.GET is tried before anything shorter it might shadow.
        next.sort(Comparator.comparingInt((Operation o) -> o.tokens.length).reversed());
        operations = List.copyOf(next);
    }

    /** Subscribes to {@code $JS.API.>}; requests are held until {@link #ready}. */
    void start() {
        subscription = Subscription.internal(PREFIX + ">", null, this::onMessage);
        broker.subscribe(subscription);
    }

    /**
     * JetStream has recovered: dispatches the held requests in their order, then answers requests as
     * they come. On the JetStream thread.
     */
    void ready() {
        List<Held> waiting;
        synchronized (held) {
            ready = true;
            waiting = new ArrayList<>(held);
            held.clear();
        }
        for (Held h : waiting) {
            Matched m = match(h.subject);
            if (m == null || m.op.accepts != null && !m.op.accepts.test(m.args)) {
                answerStatus503(h.subject, h.reply);
            } else {
                run(m.op, new ApiRequest(h.subject, h.reply, m.args, h.body, h.headers));
            }
        }
    }

    /** Holds the request until {@link #ready}; false when JetStream became ready meanwhile. */
    private boolean hold(Held h) {
        synchronized (held) {
            if (ready) {
                return false;
            }
            held.add(h);
        }
        CompletableFuture.delayedExecutor(HOLD_LIMIT_MILLIS, TimeUnit.MILLISECONDS).execute(() -> expire(h));
        return true;
    }

    /** Answers a request held too long, unless {@link #ready} took it. Any thread. */
    private void expire(Held h) {
        synchronized (held) {
            if (!held.remove(h)) {
                return;
            }
        }
        total.incrementAndGet();
        Matched m = match(h.subject);
        if (m == null || m.op.raw != null) {
            answerStatus503(h.subject, h.reply);
        } else {
            broker.publish(h.reply, null, null, Json.bytes(error(m.op.responseType, ApiErrors.TEMPORARILY_UNAVAILABLE)));
        }
    }

    /** A {@code NATS/1.0 503} status to {@code reply}: what a requester hears when nobody serves the subject. */
    private void answerStatus503(String subject, String reply) {
        byte[] name = subject.getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[STATUS_503.length + name.length + HEADER_END.length];
        System.arraycopy(STATUS_503, 0, header, 0, STATUS_503.length);
        System.arraycopy(name, 0, header, STATUS_503.length, name.length);
        System.arraycopy(HEADER_END, 0, header, STATUS_503.length + name.length, HEADER_END.length);
        broker.publish(reply, null, header, new byte[0]);
    }

    void stop() {
        if (subscription != null) {
            subscription.close();
            broker.unsubscribe(subscription);
            subscription = null;
        }
    }

    /** API requests answered since start, and how many of them with an error (account info's "api"). */
    public long totalRequests() {
        return total.get();
    }

    public long errorResponses() {
        return errors.get();
    }

    private boolean onMessage(PublishFrame frame, ClientSession from) {
        String subject = frame.subject();
        if (!subject.startsWith(PREFIX)) {
            return false;
        }
        if (!ready) {
            if (!frame.hasReply() || hold(new Held(subject, frame.reply(), body(frame), headers(frame)))) {
                return true;
            }
        }
        Matched m = match(subject);
        if (m == null || m.op.accepts != null && !m.op.accepts.test(m.args)) {
            return false;
        }
        if (!frame.hasReply()) {
            return true;
        }
        ApiRequest request = new ApiRequest(subject, frame.reply(), List.copyOf(m.args), body(frame), headers(frame));
        Operation op = m.op;
        if (op.inline && from != null) {
            run(op, request);
        } else {
            jetStream.executor().execute(() -> run(op, request));
        }
        return true;
    }

    /** The operation that takes {@code $JS.API.<subject>} and its arguments, or null. */
    private Matched match(String subject) {
        String[] tokens = subject.substring(PREFIX.length()).split("\\.", -1);
        for (Operation op : operations) {
            int args = tokens.length - op.tokens.length;
            if (args < op.minArgs || (op.maxArgs >= 0 && args > op.maxArgs) || !startsWith(tokens, op.tokens)) {
                continue;
            }
            return new Matched(op, Arrays.asList(tokens).subList(op.tokens.length, tokens.length));
        }
        return null;
    }

    private static byte[] headers(PublishFrame frame) {
        byte[] headers = new byte[Math.max(frame.headerLength(), 0)];
        frame.message().getBytes(frame.messageIndex(), headers);
        return headers;
    }

    private static byte[] body(PublishFrame frame) {
        byte[] body = new byte[frame.payloadLength()];
        frame.message().getBytes(frame.messageIndex() + Math.max(frame.headerLength(), 0), body);
        return body;
    }

    private static boolean startsWith(String[] tokens, String[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (!tokens[i].equals(prefix[i])) {
                return false;
            }
        }
        return true;
    }

    private void run(Operation op, ApiRequest request) {
        total.incrementAndGet();
        if (op.raw != null) {
            try {
                op.raw.handle(request);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "JetStream API " + request.subject() + " failed", e);
            }
            return;
        }
        ObjectNode response = ApiJson.object().put("type", op.responseType);
        try {
            op.handler.handle(request, response);
        } catch (ApiException e) {
            response = error(op.responseType, e.error());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "JetStream API " + request.subject() + " failed", e);
            response = error(op.responseType, ApiErrors.streamGeneral(String.valueOf(e.getMessage())));
        }
        broker.publish(request.reply(), null, null, Json.bytes(response));
    }

    /**
     * A response's bytes, in a class of its own: passing an {@code ObjectNode} where Jackson takes a
     * {@code JsonNode} makes the verifier load Jackson's node classes with the class that does it.
     * Here they load with the first response, not with the dispatcher before the first INFO.
     */
    private static final class Json {
        static byte[] bytes(ObjectNode response) {
            return ApiJson.bytes(response);
        }
    }

    private ObjectNode error(String type, ApiError error) {
        errors.incrementAndGet();
        ObjectNode response = ApiJson.object().put("type", type);
        ObjectNode e = response.putObject("error");
        e.put("code", error.code()).put("err_code", error.errCode()).put("description", error.description());
        return response;
    }
}
