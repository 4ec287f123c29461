package io.halyard.log;

/**
 * A store's limits, with JetStream's stream-limit semantics. A value of zero or less means "no
 * limit".
 *
 * <ul>
 *   <li>{@code maxMessages}, {@code maxBytes}: when a new message would exceed them, {@link
 *       DiscardPolicy#OLD} removes the oldest messages, {@link DiscardPolicy#NEW} rejects the new one.
 *   <li>{@code maxAgeNanos}: messages older than this are removed (whatever the discard policy).
 *   <li>{@code maxMessagesPerSubject}: the oldest message on the subject is removed to make room,
 *       unless {@code discardNewPerSubject} is set with {@link DiscardPolicy#NEW}, which rejects.
 *   <li>{@code maxMessageBytes}: a larger message is always rejected.
 * </ul>
 * Byte sizes are {@link #accountedBytes}: subject + headers + payload + 16, as JetStream's memory
 * store counts them.
 */
public record StoreLimits(long maxMessages, long maxBytes, long maxAgeNanos, long maxMessagesPerSubject,
                          long maxMessageBytes, DiscardPolicy discard, boolean discardNewPerSubject) {

    public static final StoreLimits NONE = new StoreLimits(0, 0, 0, 0, 0, DiscardPolicy.OLD, false);

    public StoreLimits {
        if (discard == null) {
            discard = DiscardPolicy.OLD;
        }
    }

    public static long accountedBytes(int subjectLength, int headerLength, int payloadLength) {
        return (long) subjectLength + headerLength + payloadLength + 16;
    }

    public StoreLimits withMaxMessages(long value) {
        return new StoreLimits(value, maxBytes, maxAgeNanos, maxMessagesPerSubject, maxMessageBytes, discard, discardNewPerSubject);
    }

    public StoreLimits withMaxBytes(long value) {
        return new StoreLimits(maxMessages, value, maxAgeNanos, maxMessagesPerSubject, maxMessageBytes, discard, discardNewPerSubject);
    }

    public StoreLimits withMaxAgeNanos(long value) {
        return new StoreLimits(maxMessages, maxBytes, value, maxMessagesPerSubject, maxMessageBytes, discard, discardNewPerSubject);
    }

    public StoreLimits withMaxMessagesPerSubject(long value) {
        return new StoreLimits(maxMessages, maxBytes, maxAgeNanos, value, maxMessageBytes, discard, discardNewPerSubject);
    }

    public StoreLimits withMaxMessageBytes(long value) {
        return new StoreLimits(maxMessages, maxBytes, maxAgeNanos, maxMessagesPerSubject, value, discard, discardNewPerSubject);
    }

    public StoreLimits withDiscard(DiscardPolicy value, boolean newPerSubject) {
        return new StoreLimits(maxMessages, maxBytes, maxAgeNanos, maxMessagesPerSubject, maxMessageBytes, value, newPerSubject);
    }

    boolean rejectsPerSubject() {
        return discard == DiscardPolicy.NEW && discardNewPerSubject;
    }
}
