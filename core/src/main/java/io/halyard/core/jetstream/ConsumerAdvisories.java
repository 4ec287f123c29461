package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.UUID;

/**
 * The consumer advisories nats-server publishes on {@code $JS.EVENT.ADVISORY.CONSUMER.*}: a message
 * that reached max_deliver, and one the client terminated with {@code +TERM}; and the ack samples of
 * {@code sample_freq} on {@code $JS.EVENT.METRIC.CONSUMER.ACK.<stream>.<consumer>}.
 *
 * <p>Not thread-safe: used on the JetStream thread.
 */
final class ConsumerAdvisories {
    static final String MAX_DELIVERIES = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.";
    static final String TERMINATED = "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.";
    static final String ACK_METRIC = "$JS.EVENT.METRIC.CONSUMER.ACK.";
    static final String PINNED = "$JS.EVENT.ADVISORY.CONSUMER.PINNED.";
    static final String UNPINNED = "$JS.EVENT.ADVISORY.CONSUMER.UNPINNED.";

    private final ConsumerOutput out;
    private final String stream;
    private final String consumer;

    ConsumerAdvisories(ConsumerOutput out, String stream, String consumer) {
        this.out = out;
        this.stream = stream;
        this.consumer = consumer;
    }

    void maxDeliveries(long streamSeq, int deliveries, long nowNanos) {
        ObjectNode j = base("io.nats.jetstream.advisory.v1.max_deliver", nowNanos);
        j.put("stream_seq", streamSeq).put("deliveries", deliveries);
        out.publish(MAX_DELIVERIES + stream + "." + consumer, null, null, ApiJson.bytes(j));
    }

    void terminated(long streamSeq, long consumerSeq, int deliveries, String reason, long nowNanos) {
        ObjectNode j = base("io.nats.jetstream.advisory.v1.terminated", nowNanos);
        j.put("consumer_seq", consumerSeq).put("stream_seq", streamSeq).put("deliveries", deliveries);
        if (reason != null && !reason.isEmpty()) {
            j.put("reason", reason);
        }
        out.publish(TERMINATED + stream + "." + consumer, null, null, ApiJson.bytes(j));
    }

    /** ADR-42: a pull request was given the pin of a pinned_client group. */
    void pinned(String group, String pinId, long nowNanos) {
        ObjectNode j = base("io.nats.jetstream.advisory.v1.consumer_group_pinned", nowNanos);
        j.put("account", JetStream.GLOBAL_ACCOUNT).put("group", group).put("pinned_id", pinId);
        out.publish(PINNED + stream + "." + consumer, null, null, ApiJson.bytes(j));
    }

    /** ADR-42: the pin was dropped ({@code admin} or {@code timeout}). */
    void unpinned(String group, String reason, long nowNanos) {
        ObjectNode j = base("io.nats.jetstream.advisory.v1.consumer_group_unpinned", nowNanos);
        j.put("account", JetStream.GLOBAL_ACCOUNT).put("group", group).put("reason", reason);
        out.publish(UNPINNED + stream + "." + consumer, null, null, ApiJson.bytes(j));
    }

    /** A sampled ack (sample_freq): how long after its delivery the message was acknowledged. */
    void ackSample(long streamSeq, long consumerSeq, int deliveries, long ackTimeNanos, long nowNanos) {
        ObjectNode j = base("io.nats.jetstream.metric.v1.consumer_ack", nowNanos);
        j.put("consumer_seq", consumerSeq).put("stream_seq", streamSeq).put("ack_time", ackTimeNanos)
                .put("deliveries", deliveries);
        out.publish(ACK_METRIC + stream + "." + consumer, null, null, ApiJson.bytes(j));
    }

    private ObjectNode base(String type, long nowNanos) {
        ObjectNode j = ApiJson.object();
        j.put("type", type).put("id", UUID.randomUUID().toString().replace("-", ""))
                .put("timestamp", ApiJson.time(nowNanos)).put("stream", stream).put("consumer", consumer);
        return j;
    }
}
