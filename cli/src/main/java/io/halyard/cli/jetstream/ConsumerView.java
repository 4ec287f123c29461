package io.halyard.cli.jetstream;

import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Details;
import io.halyard.cli.format.Durations;
import io.halyard.cli.format.Times;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.SequenceInfo;
import java.io.PrintWriter;
import java.util.List;

/** A consumer's configuration and state for people, as {@code consumer info} (and add) print it. */
final class ConsumerView {

    private ConsumerView() {
    }

    static void print(ConsumerInfo info, PrintWriter out) {
        ConsumerConfiguration c = info.getConsumerConfiguration();
        boolean pull = c.getDeliverSubject() == null;
        Details d = new Details()
                .heading("Consumer " + info.getName() + " of stream " + info.getStreamName() + " created "
                        + Times.format(info.getCreationTime()));
        d.section("Configuration")
                .add("Name", info.getName())
                .add("Durable", c.getDurable() != null)
                .add("Description", c.getDescription())
                .add("Mode", pull ? "pull" : "push to " + c.getDeliverSubject())
                .add("Deliver Group", c.getDeliverGroup())
                .add("Filter Subjects", filters(c))
                .add("Deliver Policy", deliver(c))
                .add("Ack Policy", c.getAckPolicy())
                .add("Ack Wait", Durations.format(c.getAckWait()))
                .add("Backoff", c.getBackoff().isEmpty() ? null
                        : String.join(", ", c.getBackoff().stream().map(Durations::format).toList()))
                .add("Replay Policy", c.getReplayPolicy())
                .add("Max Deliver", c.getMaxDeliver() <= 0 ? "unlimited" : String.format("%,d", c.getMaxDeliver()))
                .add("Max Ack Pending", c.getMaxAckPending() <= 0 ? "unlimited" : String.format("%,d", c.getMaxAckPending()))
                .add("Max Waiting Pulls", pull && c.getMaxPullWaiting() > 0 ? String.format("%,d", c.getMaxPullWaiting()) : null)
                .add("Max Pull Batch", pull && c.getMaxBatch() > 0 ? String.format("%,d", c.getMaxBatch()) : null)
                .add("Max Pull Bytes", pull && c.getMaxBytes() > 0 ? ByteSizes.format(c.getMaxBytes()) : null)
                .add("Idle Heartbeat", positive(c.getIdleHeartbeat()))
                .add("Flow Control", !pull && c.isFlowControl() ? "true" : null)
                .add("Headers Only", c.isHeadersOnly() ? "true" : null)
                .add("Inactive Threshold", positive(c.getInactiveThreshold()));
        SequenceInfo delivered = info.getDelivered();
        SequenceInfo floor = info.getAckFloor();
        d.section("State")
                .add("Last Delivered", String.format("consumer seq %,d, stream seq %,d, %s", delivered.getConsumerSequence(),
                        delivered.getStreamSequence(), lastActive(delivered)))
                .add("Ack Floor", String.format("consumer seq %,d, stream seq %,d, %s", floor.getConsumerSequence(),
                        floor.getStreamSequence(), lastActive(floor)))
                .add("Outstanding Acks", String.format("%,d", info.getNumAckPending()))
                .add("Redelivered", String.format("%,d", info.getRedelivered()))
                .add("Unprocessed", String.format("%,d", info.getNumPending()))
                .add("Waiting Pulls", pull ? String.format("%,d", info.getNumWaiting()) : null)
                .add("Paused", info.getPaused() ? "true" : null);
        d.print(out);
    }

    private static String filters(ConsumerConfiguration c) {
        List<String> filters = c.getFilterSubjects();
        return filters == null || filters.isEmpty() ? null : String.join(", ", filters);
    }

    private static String deliver(ConsumerConfiguration c) {
        DeliverPolicy p = c.getDeliverPolicy();
        if (p == DeliverPolicy.ByStartSequence) {
            return "from sequence " + c.getStartSequence();
        }
        if (p == DeliverPolicy.ByStartTime) {
            return "from " + Times.format(c.getStartTime());
        }
        return p.toString();
    }

    private static String positive(java.time.Duration d) {
        return d == null || d.isZero() || d.isNegative() ? null : Durations.format(d);
    }

    private static String lastActive(SequenceInfo s) {
        return s.getLastActive() == null || Times.never(s.getLastActive()) ? "never" : Times.ago(s.getLastActive());
    }
}
