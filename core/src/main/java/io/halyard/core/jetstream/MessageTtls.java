package io.halyard.core.jetstream;

import java.util.PriorityQueue;

/**
 * Per-message TTLs of a stream with {@code allow_msg_ttl} (ADR-43): the {@code Nats-TTL} header's
 * value, and the stored messages that expire, by deadline.
 *
 * <p><b>Values.</b> {@code Nats-TTL} is a Go duration of at least one second ({@code 30s},
 * {@code 1h30m}) or a whole number of seconds; {@code never} means the message is exempt from the
 * stream's max_age. As in nats-server a TTL is kept in whole seconds, and {@code 0} means none.
 *
 * <p>Thread-safe: {@link #add} runs on publishing event loops (under the stream's publish lock),
 * {@link #due} on the JetStream thread; both synchronise on this object.
 */
final class MessageTtls {
    static final String HEADER = "Nats-TTL";
    static final String MARKER_REASON = "Nats-Marker-Reason";
    /** The TTL of a message that never expires, not even by max_age. */
    static final long NEVER = -1;
    /** A value that is not a TTL. */
    static final long INVALID = Long.MIN_VALUE;
    private static final long SECOND = 1_000_000_000L;

    /** (deadline nanos, stream sequence), earliest first. */
    private final PriorityQueue<long[]> byDeadline = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

    /** The header's TTL in seconds: positive, {@link #NEVER}, 0 for none, or {@link #INVALID}. */
    static long parseSeconds(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("never")) {
            return NEVER;
        }
        long nanos = GoDuration.parseStrict(v);
        if (nanos != Long.MIN_VALUE) { // a Go duration, "0" included: under a second is invalid
            return nanos < SECOND ? INVALID : nanos / SECOND;
        }
        if (!isDigits(v)) {
            return INVALID;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return INVALID;
        }
    }

    private static boolean isDigits(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The TTL a stream applies: subject delete markers raise a shorter one to the marker TTL (nats-server). */
    static long effectiveSeconds(long ttlSeconds, StreamConfig c) {
        long markerSeconds = c.subjectDeleteMarkerTtlNanos / SECOND;
        if (ttlSeconds > 0 && markerSeconds > 0 && c.maxMsgsPerSubject != 1 && ttlSeconds < markerSeconds) {
            return markerSeconds;
        }
        return ttlSeconds;
    }

    /** Message {@code sequence}, stored at {@code timestampNanos}, expires after {@code ttlSeconds}. */
    synchronized void add(long sequence, long timestampNanos, long ttlSeconds) {
        byDeadline.add(new long[] {timestampNanos + ttlSeconds * SECOND, sequence});
    }

    /** Removes and returns, in deadline order, the sequences whose deadline is at or before {@code nowNanos}. */
    synchronized long[] due(long nowNanos) {
        int n = 0;
        long[] out = new long[8];
        while (!byDeadline.isEmpty() && byDeadline.peek()[0] <= nowNanos) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = byDeadline.poll()[1];
        }
        return java.util.Arrays.copyOf(out, n);
    }

    synchronized int size() {
        return byDeadline.size();
    }
}
