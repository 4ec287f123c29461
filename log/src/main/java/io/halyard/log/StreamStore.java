package io.halyard.log;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One stream's messages, in sequence order. Sequences start at 1 and are never reused; deleting a
 * message leaves a gap. Implementations: {@link FileStore} (durable) and {@link MemoryStore}.
 *
 * <p><b>Appending.</b> {@link #append} assigns the next sequence and returns it at once, or returns a
 * negative {@code REJECTED_*} code and stores nothing. The message is not yet durable: it becomes
 * durable (and readable) when {@link #durableSequence()} reaches its sequence, at which point the
 * store's {@link DurabilityListener} is told. Reads only ever see durable messages.
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread. Mutators ({@code append},
 * {@code delete}, {@code purge}, {@code expire}, {@code updateLimits}) are serialised by the store;
 * a stream should still have a single appending owner so that its checks and its append are atomic
 * together.
 */
public interface StreamStore extends AutoCloseable {
    /** The message is larger than {@link StoreLimits#maxMessageBytes()}. */
    long REJECTED_MESSAGE_TOO_LARGE = -1;
    /** Discard-new store at {@link StoreLimits#maxMessages()}. */
    long REJECTED_MAX_MESSAGES = -2;
    /** Discard-new store at {@link StoreLimits#maxBytes()}. */
    long REJECTED_MAX_BYTES = -3;
    /** Discard-new-per-subject store with the subject at {@link StoreLimits#maxMessagesPerSubject()}. */
    long REJECTED_MAX_MESSAGES_PER_SUBJECT = -4;
    /** The store is closed, or failed on an I/O error and accepts nothing more. */
    long REJECTED_UNAVAILABLE = -5;

    /**
     * Appends a message, timestamped by the store's clock. {@code headers} may be null. The buffers
     * are read from position to limit and left unchanged; the store copies what it needs.
     *
     * @return the message's sequence, or a negative {@code REJECTED_*} code
     */
    long append(String subject, ByteBuffer headers, ByteBuffer payload);

    /**
     * {@link #append(String, ByteBuffer, ByteBuffer)} with the message's timestamp given (a mirror
     * keeps its origin's), no earlier than the store's last one, so timestamps never go back.
     */
    long append(String subject, ByteBuffer headers, ByteBuffer payload, long timestampNanos);

    default long append(String subject, byte[] headers, byte[] payload) {
        return append(subject, headers == null ? null : ByteBuffer.wrap(headers), ByteBuffer.wrap(payload));
    }

    /** The highest sequence such that it and every sequence before it are durable (0 if none). */
    long durableSequence();

    /** Waits until {@code sequence} is durable; false on timeout or if the store failed. */
    boolean awaitDurable(long sequence, long timeoutNanos) throws InterruptedException;

    /** The message with this sequence, or null when there is none (deleted, purged, lost, not yet durable). */
    StoredMessage get(long sequence);

    /** The last message on a subject matching the filter, or null. */
    StoredMessage getLast(SubjectFilter filter);

    /** The first message at or after {@code fromSequence} on a subject matching the filter, or null. */
    StoredMessage getNext(long fromSequence, SubjectFilter filter);

    /**
     * The first sequence whose timestamp is at or after {@code epochNanos}; {@code lastSequence + 1}
     * when there is none.
     */
    long sequenceAtOrAfter(long epochNanos);

    /**
     * Deletes one message; its sequence becomes a gap. The deletion is durable with the next group
     * commit (see {@link #sync}).
     *
     * @return false when there is no such message
     */
    boolean delete(long sequence);

    /**
     * JetStream's purge: removes messages on subjects matching {@code filter} ({@code null} = all),
     * only those below {@code beforeSequence} when it is positive, keeping the newest {@code keep}
     * matching messages when it is positive. The purge is durable when this returns.
     *
     * @return the number of messages removed
     */
    long purge(SubjectFilter filter, long beforeSequence, long keep);

    /**
     * Moves the next sequence forward to {@code nextSequence}, keeping every message: the sequences
     * skipped are gaps, as if appended and deleted (a mirror keeps its origin's sequences across the
     * origin's deletions). Nothing happens when {@code nextSequence} is not past the next sequence.
     * Durable with the next append, or at {@link #sync}.
     */
    void skipTo(long nextSequence);

    /** Removes messages older than the max age now (the store also does this on its own). */
    long expire();

    /**
     * Makes every deletion and purge so far durable, waiting for the writer if needed. A file store
     * may leave the record of a deletion made by its limits unsynced for a while (recovery applies
     * the limits again); call this before recording looser limits anywhere recovery reads them.
     */
    void sync();

    StoreState state();

    /** The subject's state, or null when the store holds no message on it. */
    SubjectState subjectState(String subject);

    /** Message counts per subject, for subjects matching the filter. */
    Map<String, Long> subjectCounts(SubjectFilter filter);

    StoreLimits limits();

    /**
     * Applies new limits now (a stream update); removes what the new limits no longer allow. Deletions
     * made under the old limits are durable first.
     */
    void updateLimits(StoreLimits limits);

    /** Completes outstanding writes (and their fsync) and releases files. Idempotent. */
    @Override
    void close();
}
