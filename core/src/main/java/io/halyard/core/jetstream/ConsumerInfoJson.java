package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A consumer's {@code ConsumerInfo} JSON as nats-server writes it (consumer_info.json): stream and
 * name, config, delivered and ack_floor positions, num_ack_pending, num_redelivered, num_waiting,
 * num_pending, push_bound, pause state.
 *
 * <p>Stateless; call on the JetStream thread (it reads the consumer's state).
 */
final class ConsumerInfoJson {
    private ConsumerInfoJson() {
    }

    static void write(ObjectNode j, Consumer c, long nowNanos) {
        ConsumerState s = c.state;
        j.put("stream_name", c.stream);
        j.put("name", c.name);
        j.put("created", ApiJson.time(c.createdNanos));
        j.set("config", c.config.toJson());
        ObjectNode delivered = j.putObject("delivered");
        delivered.put("consumer_seq", s.deliveredConsumerSeq).put("stream_seq", s.deliveredStreamSeq);
        if (s.lastDeliveredNanos > 0) {
            delivered.put("last_active", ApiJson.time(s.lastDeliveredNanos));
        }
        ObjectNode floor = j.putObject("ack_floor");
        floor.put("consumer_seq", s.ackFloorConsumerSeq).put("stream_seq", s.ackFloorStreamSeq);
        if (s.lastAckNanos > 0) {
            floor.put("last_active", ApiJson.time(s.lastAckNanos));
        }
        j.put("num_ack_pending", s.pending.size());
        j.put("num_redelivered", s.redelivered.size());
        j.put("num_waiting", c.numWaiting());
        j.put("num_pending", c.numPending());
        if (c.isPush()) {
            j.put("push_bound", c.pushBound());
        }
        if (!c.config.priorityGroups.isEmpty()) {
            // nats-server reports the first group (it supports one) with its pin.
            ObjectNode g = j.putArray("priority_groups").addObject();
            g.put("group", c.config.priorityGroups.get(0));
            if (!c.pinId().isEmpty()) {
                g.put("pinned_client_id", c.pinId());
                g.put("pinned_ts", ApiJson.time(c.pinnedNanos()));
            }
        }
        if (c.paused(nowNanos)) {
            j.put("paused", true);
            j.put("pause_remaining", c.pausedUntilNanos - nowNanos);
        }
        j.put("ts", ApiJson.time(nowNanos));
    }
}
