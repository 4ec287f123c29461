package io.halyard.cli.bench;

/**
 * Which sequence numbers one subscriber received: a bitset over [0, capacity) plus counts of what
 * could not be recorded. {@link #check} merges the ledgers of a queue group to prove exactly-once
 * delivery across its members.
 *
 * <p>Not thread-safe: each subscriber thread owns its ledger; {@link #check} runs after they stop.
 */
final class DeliveryLedger {

    /** The outcome of an exactly-once check; all zero means every message arrived exactly once. */
    record Verdict(long missing, long duplicates, long unexpected) {
        boolean exactlyOnce() {
            return missing == 0 && duplicates == 0 && unexpected == 0;
        }
    }

    private final long capacity;
    private final long[] bits;
    private long duplicates;
    private long unexpected;

    DeliveryLedger(long capacity) {
        if (capacity > (1L << 31) * 8) {
            throw new IllegalArgumentException("too many messages to track: " + capacity);
        }
        this.capacity = capacity;
        this.bits = new long[(int) ((capacity + 63) >>> 6)];
    }

    /** Records the sequence number carried by {@code frame}'s first 8 payload bytes. */
    void record(MsgScanner frame) {
        if (frame.payloadPrefixLength() < Publisher.SEQUENCE_BYTES) {
            unexpected++;
            return;
        }
        record(frame.payloadPrefix());
    }

    void record(long sequence) {
        if (sequence < 0 || sequence >= capacity) {
            unexpected++;
            return;
        }
        int word = (int) (sequence >>> 6);
        long mask = 1L << sequence;
        if ((bits[word] & mask) != 0) {
            duplicates++;
        } else {
            bits[word] |= mask;
        }
    }

    /**
     * Checks that the members together received each of [0, published) exactly once: a sequence seen
     * by two members, or twice by one, is a duplicate; one seen by none is missing.
     */
    static Verdict check(long published, DeliveryLedger... members) {
        long duplicates = 0;
        long unexpected = 0;
        long union = 0;
        long words = (published + 63) >>> 6;
        for (DeliveryLedger member : members) {
            duplicates += member.duplicates;
            unexpected += member.unexpected;
        }
        int length = members.length == 0 ? 0 : members[0].bits.length;
        for (int w = 0; w < length; w++) {
            long any = 0;
            for (DeliveryLedger member : members) {
                long b = member.bits[w];
                duplicates += Long.bitCount(any & b);
                any |= b;
            }
            if (w < words) {
                long inRange = w == words - 1 && (published & 63) != 0 ? (1L << published) - 1 : -1L;
                union += Long.bitCount(any & inRange);
                unexpected += Long.bitCount(any & ~inRange);
            } else {
                unexpected += Long.bitCount(any);
            }
        }
        return new Verdict(published - union, duplicates, unexpected);
    }
}
