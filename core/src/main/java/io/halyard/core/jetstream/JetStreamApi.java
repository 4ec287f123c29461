package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Subscription;
import io.halyard.protocol.PublishFrame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private final JetStream jetStream;
    private final Broker broker;
    private final List<Operation> operations = new CopyOnWriteArrayList<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private Subscription subscription;

    JetStreamApi(JetStream jetStream, Broker broker) {
        this.jetStream = jetStream;
        this.broker = broker;
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

    private synchronized void add(Operation op) {
        List<Operation> next = new ArrayList<>(operations);
        next.add(op);
        // Longer operations first, so STREAM.MSG.GET is tried before anything shorter it might shadow.
        next.sort(Comparator.comparingInt((Operation o) -> o.tokens.length).reversed());
        operations.clear();
        operations.addAll(next);
    }

    void start() {
        subscription = Subscription.internal(PREFIX + ">", null, this::onMessage);
        broker.subscribe(subscription);
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
        String[] tokens = subject.substring(PREFIX.length()).split("\\.", -1);
        for (Operation op : operations) {
            int args = tokens.length - op.tokens.length;
            if (args < op.minArgs || (op.maxArgs >= 0 && args > op.maxArgs) || !startsWith(tokens, op.tokens)) {
                continue;
            }
            List<String> argList = Arrays.asList(tokens).subList(op.tokens.length, tokens.length);
            if (op.accepts != null && !op.accepts.test(argList)) {
                return false;
            }
            if (!frame.hasReply()) {
                return true;
            }
            int headerLength = Math.max(frame.headerLength(), 0);
            byte[] headers = new byte[headerLength];
            frame.message().getBytes(frame.messageIndex(), headers);
            byte[] body = new byte[frame.payloadLength()];
            frame.message().getBytes(frame.messageIndex() + headerLength, body);
            ApiRequest request = new ApiRequest(subject, frame.reply(), List.copyOf(argList), body, headers);
            if (op.inline && from != null) {
                run(op, request);
            } else {
                jetStream.executor().execute(() -> run(op, request));
            }
            return true;
        }
        return false;
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
        broker.publish(request.reply(), null, null, ApiJson.bytes(response));
    }

    private ObjectNode error(String type, ApiError error) {
        errors.incrementAndGet();
        ObjectNode response = ApiJson.object().put("type", type);
        ObjectNode e = response.putObject("error");
        e.put("code", error.code()).put("err_code", error.errCode()).put("description", error.description());
        return response;
    }
}
