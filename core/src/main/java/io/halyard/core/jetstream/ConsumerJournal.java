package io.halyard.core.jetstream;

import io.halyard.log.DurabilityMode;
import io.halyard.log.EpochClock;
import io.halyard.log.FileStore;
import io.halyard.log.StoreOptions;
import io.halyard.log.StoredMessage;
import io.halyard.log.SubjectFilter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write-ahead journal of durable consumers: every change to a durable consumer's
 * {@link ConsumerState} — a delivery, an ack, an ack-all, a message dropped from pending — is
 * recorded here before anyone can observe it as durable, so that a consumer restarted after SIGKILL
 * or power loss does not redeliver what was acknowledged. Snapshots ({@link ConsumerStore}'s
 * {@code state.dat}) carry the journal sequence they include; recovery reads a snapshot and replays
 * the consumer's newer journal entries; once a round of snapshots is on disk the journal is purged
 * below it.
 *
 * <p><b>On disk.</b> One {@link FileStore} for all consumers of the account
 * ({@code <store_dir>/jetstream/$G/consumer-journal/}), in {@link DurabilityMode#ALWAYS} (unless
 * {@code sync_interval} is set, see {@link JetStream#syncInterval}) so that its group commit
 * amortises fsyncs across consumers. A record's subject is {@code <stream>.<consumer>}
 * (neither name may contain a dot); its payload is one or more entries, each a type byte and fixed
 * fields (see {@link Writer}). The store is opened on first use, so a server without durable
 * consumers leaves no trace.
 *
 * <p><b>Batching.</b> Entries collect in each consumer's {@link Writer}; the first entry after a
 * flush queues one flush task on the JetStream thread, which appends each consumer's entries as a
 * single record. Whatever was queued on the JetStream thread before that task (a burst of acks) thus
 * shares one record and one fsync.
 *
 * <p><b>Double acks.</b> {@link #afterDurable} runs an action (the empty reply of {@code ackSync})
 * once everything recorded so far is durable: the store's durability listener (its writer thread)
 * records the watermark and queues at most one drain on the JetStream thread.
 *
 * <p>Not thread-safe apart from the durability listener: confined to the JetStream thread.
 */
final class ConsumerJournal {
    private static final System.Logger LOG = System.getLogger(ConsumerJournal.class.getName());
    static final String DIRECTORY = "consumer-journal";
    private static final int SEGMENT_BYTES = 8 * 1024 * 1024;

    static final byte DELIVERED = 'D';
    static final byte ACKED = 'A';
    static final byte ACKED_ALL = 'L';
    static final byte DROPPED = 'R';

    private final Path directory;
    private final Executor executor;
    private final EpochClock clock;
    private volatile FileStore store;
    private final List<Writer> unflushed = new ArrayList<>();
    private boolean flushQueued;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final AtomicLong durable = new AtomicLong();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    /** {@link JetStream#syncInterval}: 0 fsyncs every record before it counts as durable. */
    private volatile long syncIntervalNanos;

    private record Waiter(long sequence, Runnable action) {
    }

    ConsumerJournal(Path directory, Executor executor, EpochClock clock) {
        this.directory = directory;
        this.executor = executor;
        this.clock = clock;
    }

    /** The durability of the journal's store, when it is opened (see {@link JetStream#syncInterval}). */
    void syncInterval(long nanos) {
        this.syncIntervalNanos = nanos;
    }

    /** Whether a journal exists on disk (recovery opens it only then). */
    boolean exists() {
        return store != null || Files.isDirectory(directory);
    }

    /** The store, opened on first use. */
    private FileStore store() {
        if (store == null) {
            try {
                store = FileStore.open(JetStream.withSync(StoreOptions.defaults(directory), syncIntervalNanos)
                        .withSegmentMaxBytes(SEGMENT_BYTES)
                        .withClock(clock)
                        .withListener(this::onDurable));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot open the consumer journal in " + directory, e);
            }
        }
        return store;
    }

    /** A writer for one consumer's entries. */
    Writer writer(String stream, String consumer) {
        return new Writer(stream + "." + consumer);
    }

    /** The sequence of the last record appended (0 when none); a snapshot taken now includes it. */
    long lastSequence() {
        flush();
        return store == null ? 0 : store.state().lastSequence();
    }

    /** Appends every writer's collected entries, one record per consumer. */
    void flush() {
        flushQueued = false;
        if (unflushed.isEmpty()) {
            return;
        }
        FileStore s = store();
        for (Writer w : unflushed) {
            if (w.buffer.position() > 0) {
                w.buffer.flip();
                s.append(w.subject, ByteBuffer.allocate(0), w.buffer);
                w.buffer.clear();
            }
        }
        unflushed.clear();
    }

    /** Runs {@code action} on the JetStream thread once every entry recorded so far is durable. */
    void afterDurable(Runnable action) {
        long last = lastSequence();
        if (last <= durable.get() || store == null) {
            action.run();
            return;
        }
        waiters.add(new Waiter(last, action));
        onDurable(store.durableSequence()); // it may have become durable in between
    }

    /** The journal's durability listener: any thread; queues one drain of the waiters. */
    private void onDurable(long sequence) {
        durable.accumulateAndGet(sequence, Math::max);
        if (drainQueued.compareAndSet(false, true)) {
            executor.execute(this::drainWaiters);
        }
    }

    private void drainWaiters() {
        drainQueued.set(false);
        long d = durable.get();
        while (!waiters.isEmpty() && waiters.peekFirst().sequence() <= d) {
            try {
                waiters.pollFirst().action().run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A durable-ack reply failed", e);
            }
        }
    }

    /**
     * Makes the journal's next sequence follow {@code sequence} when it is behind it — the journal
     * was removed while snapshots that include later sequences were kept — so newer entries are
     * never mistaken for ones a snapshot already includes.
     */
    void advancePast(long sequence) {
        FileStore s = store();
        if (s.state().lastSequence() < sequence) {
            LOG.log(System.Logger.Level.WARNING, "The consumer journal is behind the consumers'' snapshots "
                    + "(removed?); continuing after sequence {0}", sequence);
            s.purge(null, sequence + 1, 0);
        }
    }

    /** Removes every record up to {@code sequence}: snapshots that include them are on disk. Any thread. */
    void purgeThrough(long sequence) {
        FileStore s = store;
        if (s != null && sequence > 0) {
            s.purge(null, sequence + 1, 0);
        }
    }

    /**
     * Applies the consumer's entries recorded after {@code afterSequence} to {@code state}, in order.
     * An entry that cannot be read ends the replay of its record (the record's checksum passed, so this
     * only happens with a newer format).
     */
    void replay(String stream, String consumer, long afterSequence, ConsumerState state) {
        if (!exists()) {
            return;
        }
        FileStore s = store();
        SubjectFilter only = SubjectFilter.of(stream + "." + consumer);
        long from = afterSequence + 1;
        StoredMessage m;
        while ((m = s.getNext(from, only)) != null) {
            state.apply(ByteBuffer.wrap(m.payload()));
            from = m.sequence() + 1;
        }
    }

    /** Closes the store after writing what is queued (waiters still queued get no reply). */
    void close() {
        flush();
        if (store != null) {
            store.close();
            store = null;
        }
        waiters.clear();
    }

    /**
     * One consumer's entries since the last flush. Layouts (big-endian):
     * <pre>
     * 'D' streamSeq:8 consumerSeq:8 deliveredNanos:8 deliveries:4 tracked:1   a delivery
     * 'A' streamSeq:8 nanos:8                                                  an ack (or +TERM)
     * 'L' streamSeq:8 nanos:8                                                  an ack of everything up to streamSeq
     * 'R' streamSeq:8                                                          dropped from pending (max_deliver, gone)
     * </pre>
     */
    final class Writer {
        private final String subject;
        private ByteBuffer buffer = ByteBuffer.allocate(256);

        private Writer(String subject) {
            this.subject = subject;
        }

        void delivered(long streamSeq, long consumerSeq, long nanos, int deliveries, boolean tracked) {
            room(30).put(DELIVERED).putLong(streamSeq).putLong(consumerSeq).putLong(nanos).putInt(deliveries)
                    .put((byte) (tracked ? 1 : 0));
        }

        void acked(long streamSeq, long nanos) {
            room(17).put(ACKED).putLong(streamSeq).putLong(nanos);
        }

        void ackedAll(long streamSeq, long nanos) {
            room(17).put(ACKED_ALL).putLong(streamSeq).putLong(nanos);
        }

        void dropped(long streamSeq) {
            room(9).put(DROPPED).putLong(streamSeq);
        }

        private ByteBuffer room(int bytes) {
            if (buffer.position() == 0) {
                unflushed.add(this);
                if (!flushQueued) {
                    flushQueued = true;
                    executor.execute(ConsumerJournal.this::flush);
                }
            }
            if (buffer.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            return buffer;
        }
    }
}
