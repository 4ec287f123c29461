package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * Applies the acknowledgements of ADR-15 sent to a consumer's {@code $JS.ACK} reply subjects:
 * {@code +ACK} (or an empty body), {@code -NAK} with an optional delay ({@code {"delay":ns}} or a
 * Go duration), {@code +WPI}, {@code +NXT} with an optional pull request, and {@code +TERM} with an
 * optional reason. An ack sent as a request (with a reply subject) is answered with an empty
 * message once applied — the "double ack" of {@code ackSync}.
 *
 * <p>Not thread-safe: confined to the JetStream thread, like its {@link Consumer}.
 */
final class ConsumerAcks {
    private final Consumer consumer;
    private final ConsumerAdvisories advisories;

    ConsumerAcks(Consumer consumer, ConsumerAdvisories advisories) {
        this.consumer = consumer;
        this.advisories = advisories;
    }

    /**
     * One acknowledgement of the delivery {@code streamSeq}/{@code consumerSeq}.
     *
     * @param body  the ack's payload
     * @param reply the ack message's own reply subject, or null
     */
    void onAck(long streamSeq, long consumerSeq, byte[] body, String reply, long nowNanos) {
        consumer.activity(nowNanos);
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("+ACK")) {
            ack(streamSeq, nowNanos);
        } else if (trimmed.startsWith("-NAK")) {
            nak(streamSeq, trimmed.substring(4).trim(), nowNanos);
        } else if (trimmed.startsWith("+WPI")) {
            consumer.extendDeadline(streamSeq, nowNanos + consumer.ackWait(consumer.state.deliveries(streamSeq)));
        } else if (trimmed.startsWith("+TERM")) {
            terminate(streamSeq, consumerSeq, trimmed.substring(5).trim(), nowNanos);
        } else if (trimmed.startsWith("+NXT")) {
            ack(streamSeq, nowNanos);
            if (reply != null) {
                byte[] request = trimmed.substring(4).trim().getBytes(StandardCharsets.UTF_8);
                consumer.pull(PullRequest.parse(reply, request, nowNanos), nowNanos);
            }
            consumer.deliver(nowNanos);
            return;
        } else {
            return; // not an acknowledgement nats-server knows: ignored
        }
        if (reply != null) {
            consumer.replyToAck(reply);
        }
        consumer.deliver(nowNanos);
    }

    private void ack(long streamSeq, long nowNanos) {
        ConsumerState state = consumer.state;
        ConsumerState.Pending pending = state.pending.get(streamSeq);
        if (pending != null && consumer.shouldSample()) {
            advisories.ackSample(streamSeq, pending.consumerSequence, state.deliveries(streamSeq),
                    nowNanos - pending.deliveredNanos, nowNanos);
        }
        switch (consumer.config.ackPolicy) {
            case "explicit" -> {
                if (state.ack(streamSeq, nowNanos)) {
                    consumer.redeliverQueue.remove(streamSeq);
                    retire(streamSeq);
                    consumer.dirty = true;
                }
            }
            case "all" -> {
                for (long seq : state.ackAll(streamSeq, nowNanos)) {
                    consumer.redeliverQueue.remove(seq);
                    retire(seq);
                }
                consumer.dirty = true;
            }
            default -> { }
        }
    }

    private void nak(long streamSeq, String rest, long nowNanos) {
        if (!consumer.state.pending.containsKey(streamSeq)) {
            return;
        }
        long delay = parseDelay(rest);
        if (delay > 0) {
            consumer.extendDeadline(streamSeq, nowNanos + delay);
        } else {
            consumer.redeliverQueue.add(streamSeq);
        }
    }

    private void terminate(long streamSeq, long consumerSeq, String reason, long nowNanos) {
        ConsumerState state = consumer.state;
        if (state.pending.containsKey(streamSeq)) {
            int deliveries = state.deliveries(streamSeq);
            state.ack(streamSeq, nowNanos);
            consumer.redeliverQueue.remove(streamSeq);
            retire(streamSeq);
            consumer.dirty = true;
            advisories.terminated(streamSeq, consumerSeq, deliveries, reason, nowNanos);
        }
    }

    private void retire(long streamSeq) {
        if (consumer.retention != null) {
            consumer.retention.done(consumer, streamSeq);
        }
    }

    /** A NAK's delay: {@code {"delay":nanos}} as jnats sends it, or a Go duration such as {@code 5s}. */
    static long parseDelay(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        if (text.startsWith("{")) {
            try {
                ObjectNode j = ApiJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
                return Math.max(0, j.path("delay").asLong(0));
            } catch (ApiException e) {
                return 0;
            }
        }
        return GoDuration.parse(text);
    }
}
