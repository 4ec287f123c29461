package io.halyard.core.jetstream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer's position and acknowledgement state, nats-server's {@code ConsumerState}: the last
 * delivered consumer and stream sequences, the ack floor, the messages delivered and not yet
 * acknowledged (by stream sequence, with their consumer sequence, delivery time and deadline), and
 * how often each of those was delivered.
 *
 * <p>Pure bookkeeping: no I/O, no clock — deadlines are computed by the caller. Serialises to a
 * compact binary form for {@link ConsumerStore}.
 *
 * <p>Not thread-safe: confined to the JetStream thread.
 */
final class ConsumerState {
    /** One delivered, unacknowledged message. */
    static final class Pending {
        long consumerSequence;
        long deliveredNanos;
        long deadlineNanos;

        Pending(long consumerSequence, long deliveredNanos, long deadlineNanos) {
            this.consumerSequence = consumerSequence;
            this.deliveredNanos = deliveredNanos;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** Format 1 had no journal sequence; format 2 appends it. */
    private static final int FORMAT = 2;

    long deliveredConsumerSeq;
    long deliveredStreamSeq;
    long ackFloorConsumerSeq;
    long ackFloorStreamSeq;
    long lastDeliveredNanos;
    long lastAckNanos;
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    /** Deliveries per pending stream sequence, for those delivered more than once. */
    final Map<Long, Integer> redelivered = new HashMap<>();
    /** Where a durable consumer records each change ({@link ConsumerJournal}); null when not durable. */
    ConsumerJournal.Writer log;
    /** The last journal sequence a decoded snapshot includes. */
    long journalSequence;

    int deliveries(long streamSeq) {
        return redelivered.getOrDefault(streamSeq, 1);
    }

    /** Records a first delivery of {@code streamSeq} as consumer sequence {@code deliveredConsumerSeq + 1}. */
    long deliverNew(long streamSeq, long nowNanos, long deadlineNanos, boolean tracked) {
        deliveredConsumerSeq++;
        deliveredStreamSeq = Math.max(deliveredStreamSeq, streamSeq);
        lastDeliveredNanos = nowNanos;
        if (tracked) {
            pending.put(streamSeq, new Pending(deliveredConsumerSeq, nowNanos, deadlineNanos));
        } else {
            ackFloorConsumerSeq = deliveredConsumerSeq;
            ackFloorStreamSeq = deliveredStreamSeq;
        }
        if (log != null) {
            log.delivered(streamSeq, deliveredConsumerSeq, nowNanos, 1, tracked);
        }
        return deliveredConsumerSeq;
    }

    /** Records a redelivery of a pending message; returns its new consumer sequence. */
    long redeliver(long streamSeq, long nowNanos, long deadlineNanos) {
        deliveredConsumerSeq++;
        lastDeliveredNanos = nowNanos;
        Pending p = pending.get(streamSeq);
        if (p != null) {
            p.consumerSequence = deliveredConsumerSeq;
            p.deliveredNanos = nowNanos;
            p.deadlineNanos = deadlineNanos;
        }
        int deliveries = redelivered.merge(streamSeq, 2, (a, b) -> a + 1);
        if (log != null) {
            log.delivered(streamSeq, deliveredConsumerSeq, nowNanos, deliveries, true);
        }
        return deliveredConsumerSeq;
    }

    /** Acknowledges one message (ack policy explicit); false when it was not pending. */
    boolean ack(long streamSeq, long nowNanos) {
        Pending p = pending.remove(streamSeq);
        redelivered.remove(streamSeq);
        if (p == null) {
            return false;
        }
        lastAckNanos = nowNanos;
        moveAckFloor();
        if (log != null) {
            log.acked(streamSeq, nowNanos);
        }
        return true;
    }

    /** Forgets a pending message without an ack (max_deliver reached, or gone from the stream). */
    void drop(long streamSeq) {
        redelivered.remove(streamSeq);
        if (pending.remove(streamSeq) != null) {
            moveAckFloor();
            if (log != null) {
                log.dropped(streamSeq);
            }
        }
    }

    /** Acknowledges everything pending up to {@code streamSeq} (ack policy all); returns the acked sequences. */
    long[] ackAll(long streamSeq, long nowNanos) {
        Map<Long, Pending> head = pending.headMap(streamSeq, true);
        long[] acked = head.keySet().stream().mapToLong(Long::longValue).toArray();
        for (long s : acked) {
            redelivered.remove(s);
        }
        head.clear();
        if (acked.length > 0) {
            lastAckNanos = nowNanos;
        }
        moveAckFloor();
        if (log != null && acked.length > 0) {
            log.ackedAll(streamSeq, nowNanos);
        }
        return acked;
    }

    /**
     * The ack floor follows the oldest pending message: everything delivered before it is acknowledged
     * (or, for a message that reached max_deliver or was terminated, done with).
     */
    void moveAckFloor() {
        if (pending.isEmpty()) {
            ackFloorConsumerSeq = deliveredConsumerSeq;
            ackFloorStreamSeq = deliveredStreamSeq;
            return;
        }
        // The oldest pending message by stream sequence sets both floors, as in nats-server: O(log n)
        // per ack rather than a scan of every pending message.
        Map.Entry<Long, Pending> first = pending.firstEntry();
        ackFloorStreamSeq = Math.max(ackFloorStreamSeq, first.getKey() - 1);
        ackFloorConsumerSeq = Math.max(ackFloorConsumerSeq, first.getValue().consumerSequence - 1);
    }

    /**
     * Replays one journal record's entries ({@link ConsumerJournal.Writer}'s layouts) onto this state,
     * as the live changes made it. Called before {@link #log} is set, so nothing is journaled again.
     */
    void apply(java.nio.ByteBuffer entries) {
        while (entries.hasRemaining()) {
            byte type = entries.get();
            switch (type) {
                case ConsumerJournal.DELIVERED -> {
                    long streamSeq = entries.getLong();
                    long consumerSeq = entries.getLong();
                    long nanos = entries.getLong();
                    int deliveries = entries.getInt();
                    boolean tracked = entries.get() != 0;
                    deliveredConsumerSeq = consumerSeq - 1;
                    if (deliveries <= 1) {
                        deliverNew(streamSeq, nanos, 0, tracked);
                    } else {
                        redeliver(streamSeq, nanos, 0);
                        redelivered.put(streamSeq, deliveries);
                    }
                }
                case ConsumerJournal.ACKED -> {
                    long streamSeq = entries.getLong();
                    ack(streamSeq, entries.getLong());
                }
                case ConsumerJournal.ACKED_ALL -> {
                    long streamSeq = entries.getLong();
                    ackAll(streamSeq, entries.getLong());
                }
                case ConsumerJournal.DROPPED -> drop(entries.getLong());
                default -> {
                    return; // a newer entry type: the rest of this record cannot be read
                }
            }
        }
    }

    /**
     * The binary form: format, the six positions, the pending entries and delivery counts, and the
     * last journal sequence this state includes.
     */
    byte[] encode(long includesJournalSequence) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + pending.size() * 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeLong(deliveredConsumerSeq);
            out.writeLong(deliveredStreamSeq);
            out.writeLong(ackFloorConsumerSeq);
            out.writeLong(ackFloorStreamSeq);
            out.writeLong(lastDeliveredNanos);
            out.writeLong(lastAckNanos);
            out.writeInt(pending.size());
            for (Map.Entry<Long, Pending> e : pending.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue().consumerSequence);
                out.writeLong(e.getValue().deliveredNanos);
                out.writeInt(redelivered.getOrDefault(e.getKey(), 1));
            }
            out.writeLong(includesJournalSequence);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #encode}'s form; deadlines are left for the caller to set. */
    static ConsumerState decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            int format = in.readInt();
            if (format != 1 && format != FORMAT) {
                throw new IOException("unknown consumer state format " + format);
            }
            ConsumerState s = new ConsumerState();
            s.deliveredConsumerSeq = in.readLong();
            s.deliveredStreamSeq = in.readLong();
            s.ackFloorConsumerSeq = in.readLong();
            s.ackFloorStreamSeq = in.readLong();
            s.lastDeliveredNanos = in.readLong();
            s.lastAckNanos = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                long seq = in.readLong();
                s.pending.put(seq, new Pending(in.readLong(), in.readLong(), 0));
                int deliveries = in.readInt();
                if (deliveries > 1) {
                    s.redelivered.put(seq, deliveries);
                }
            }
            if (format >= 2) {
                s.journalSequence = in.readLong();
            }
            return s;
        }
    }
}
