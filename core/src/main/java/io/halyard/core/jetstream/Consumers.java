package io.halyard.core.jetstream;

import io.halyard.core.Broker;
import io.halyard.core.client.ClientSession;
import io.halyard.core.client.Subscription;
import io.halyard.core.subject.Subjects;
import io.halyard.log.EpochClock;
import io.halyard.protocol.PublishFrame;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumers of every stream: creation, lookup and deletion; the {@code $JS.ACK.>} and
 * {@code $JS.FC.>} subscriptions that route acknowledgements and flow-control replies to them; the
 * timer that ticks them; waking them when their stream has new durable messages; and saving
 * durable consumers under their stream's directory ({@link ConsumerStore}).
 *
 * <p><b>Threads.</b> Consumers live on the JetStream thread. Acks arrive on the acknowledging
 * client's event loop: the subject and body are copied there and handed to the JetStream thread in
 * bursts ({@link AckInbox}). A stream's durability listener only records the highest durable sequence and
 * schedules one wake-up at a time. The timer runs every {@link #TICK_MILLIS} ms on the JetStream
 * thread, reading the injected clock.
 *
 * <p><b>Durable state.</b> Every change to a durable consumer's state is recorded in the
 * {@link ConsumerJournal} as it happens (acks sent as requests are answered once durable). Every
 * {@link #SAVE_MILLIS} ms the states that changed are encoded on the JetStream thread and written as
 * snapshots on the {@code halyard-consumer-state} thread, off the JetStream thread's path; once a
 * round is on disk the journal is purged below it. One round at a time: a consumer created or
 * deleted waits for the round in flight, so a late snapshot never lands on a newer consumer's files.
 *
 * <p>Thread-safe as described: public mutators run on the JetStream thread; the subscribers and
 * listeners may be called from any thread.
 */
final class Consumers {
    private static final System.Logger LOG = System.getLogger(Consumers.class.getName());
    static final long TICK_MILLIS = 20;
    static final long SAVE_MILLIS = 2000;
    static final String ACK_PREFIX = "$JS.ACK.";
    static final String FC_PREFIX = "$JS.FC.";

    private final JetStream js;
    private final Broker broker;
    private final EpochClock clock;
    /** stream → consumer name → consumer; only touched on the JetStream thread. */
    private final Map<String, ConcurrentSkipListMap<String, Consumer>> byStream = new ConcurrentHashMap<>();
    private final Map<String, Wake> wakes = new ConcurrentHashMap<>();
    private final ConsumerOutput output;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private ScheduledFuture<?> ticker;
    /** Acks from the event loops, handed to the JetStream thread in bursts. */
    private final AckInbox ackInbox;
    /** JetStream thread only: the dots of the ack being parsed, and the consumer of the previous ack. */
    private final int[] ackDots = new int[8];
    private Consumer lastAcked;
    private long lastSaveNanos;
    private final ConsumerJournal journal;
    private java.util.concurrent.ExecutorService snapshotWriter;
    private java.util.concurrent.Future<?> snapshotRound;
    private long purgedThrough;
    /** The highest journal sequence a recovered snapshot includes. */
    private long recoveredJournalSequence;

    /** One stream's pending wake-up: the highest durable sequence seen, and whether a wake is queued. */
    private static final class Wake {
        final AtomicLong durable = new AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
    }

    Consumers(JetStream js, Broker broker, EpochClock clock) {
        this.js = js;
        this.broker = broker;
        this.clock = clock;
        this.ackInbox = new AckInbox(js.executor(), this::onAck);
        this.journal = new ConsumerJournal(js.accountDirectory().resolve(ConsumerJournal.DIRECTORY), js.executor(), clock);
        this.output = new ConsumerOutput() {
            @Override
            public void publish(String subject, String reply, byte[] headers, byte[] payload) {
                broker.publish(subject, reply, headers, payload);
            }

            @Override
            public void publishTo(String to, String subject, String reply, byte[] headers, byte[] payload) {
                broker.publishTo(to, subject, reply, headers, payload);
            }

            @Override
            public boolean hasInterest(String subject) {
                return !broker.match(subject).isEmpty();
            }
        };
    }

    /** The consumer journal's durability (see {@link JetStream#syncInterval}); before {@link #start}. */
    void syncInterval(long nanos) {
        journal.syncInterval(nanos);
    }

    /** Subscribes to acks and flow-control replies and starts the timer. Call once, after the streams are open. */
    void start(ScheduledExecutorService executor) {
        if (recoveredJournalSequence > 0) {
            journal.advancePast(recoveredJournalSequence);
        }
        for (String prefix : new String[] {ACK_PREFIX, FC_PREFIX}) {
            Subscription sub = Subscription.internal(prefix + ">", null, this::onAckMessage);
            broker.subscribe(sub);
            subscriptions.add(sub);
        }
        ticker = executor.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    // --- registry -------------------------------------------------------------------------------

    Consumer get(String stream, String name) {
        ConcurrentSkipListMap<String, Consumer> m = byStream.get(stream);
        return m == null ? null : m.get(name);
    }

    /** The stream's consumers sorted by name. */
    List<Consumer> of(String stream) {
        ConcurrentSkipListMap<String, Consumer> m = byStream.get(stream);
        return m == null ? List.of() : new ArrayList<>(m.values());
    }

    int count() {
        int n = 0;
        for (ConcurrentSkipListMap<String, Consumer> m : byStream.values()) {
            n += m.size();
        }
        return n;
    }

    int count(String stream) {
        ConcurrentSkipListMap<String, Consumer> m = byStream.get(stream);
        return m == null ? 0 : m.size();
    }

    /** Creates a consumer from a checked, normalised config; saves it if durable on a file stream. */
    Consumer create(Stream stream, ConsumerConfig config) {
        StreamConfig sc = stream.config();
        if (sc.maxConsumers > 0 && count(stream.name()) >= sc.maxConsumers) {
            throw new ApiException(ApiErrors.MAXIMUM_CONSUMERS);
        }
        if (sc.retention.equals("workqueue")) {
            checkWorkQueue(stream.name(), config);
        }
        long now = clock.epochNanos();
        Consumer c = new Consumer(stream.name(), config, now, stream.store(), output, retention(sc), null, now);
        if (persistent(stream, config)) {
            try {
                awaitSnapshotRound();
                ConsumerStore store = new ConsumerStore(js.streamDirectory(stream.name()), config.name);
                store.writeMeta(config, now);
                c.attachJournal(journal);
                // Entries of an earlier consumer of the same name, up to here, are not this one's.
                store.writeState(c.state, journal.lastSequence());
                c.dirty = false;
            } catch (IOException e) {
                throw new ApiException(ApiErrors.consumerStoreFailed(e.getMessage()));
            }
        }
        attach(stream, c);
        c.deliver(now);
        return c;
    }

    /** The retention a consumer of a stream with this config applies when it is done with a message. */
    private AckRetention retention(StreamConfig sc) {
        switch (sc.retention) {
            case "workqueue":
                return (c, seq) -> c.store.delete(seq);
            case "interest":
                return (c, seq) -> {
                    // The message goes once every other consumer is done with it too. The subject is
                    // read only when another consumer exists (the common single consumer needs no read).
                    ConcurrentSkipListMap<String, Consumer> all = byStream.get(c.stream);
                    String subject = null;
                    if (all != null) {
                        for (Consumer other : all.values()) {
                            if (other == c) {
                                continue;
                            }
                            if (subject == null) {
                                io.halyard.log.StoredMessage m = c.store.get(seq);
                                if (m == null) {
                                    return;
                                }
                                subject = m.subject();
                            }
                            if (!other.isDoneWith(seq, subject)) {
                                return;
                            }
                        }
                    }
                    c.store.delete(seq);
                };
            default:
                return null;
        }
    }

    private void checkWorkQueue(String stream, ConsumerConfig config) {
        for (Consumer other : of(stream)) {
            List<String> theirs = other.config.filters();
            List<String> mine = config.filters();
            if (theirs.isEmpty() || mine.isEmpty()) {
                throw new ApiException(ApiErrors.WQ_MULTIPLE_UNFILTERED);
            }
            for (String a : mine) {
                for (String b : theirs) {
                    if (Subjects.overlaps(a, b)) {
                        throw new ApiException(ApiErrors.WQ_NOT_UNIQUE);
                    }
                }
            }
        }
    }

    void update(Stream stream, Consumer c, ConsumerConfig next) {
        if (persistent(stream, next)) {
            try {
                new ConsumerStore(js.streamDirectory(stream.name()), next.name).writeMeta(next, c.createdNanos);
            } catch (IOException e) {
                throw new ApiException(ApiErrors.consumerStoreFailed(e.getMessage()));
            }
        }
        c.update(next, clock.epochNanos());
    }

    private static boolean persistent(Stream stream, ConsumerConfig config) {
        return config.isDurable() && !stream.config().isMemory() && !config.memStorage;
    }

    private void attach(Stream stream, Consumer c) {
        byStream.computeIfAbsent(stream.name(), k -> {
            Wake wake = new Wake();
            wakes.put(k, wake);
            stream.addListener(this::onDurable);
            return new ConcurrentSkipListMap<>();
        }).put(c.name, c);
    }

    /** Deletes a consumer and its files; false when there is none. */
    boolean delete(String stream, String name) {
        ConcurrentSkipListMap<String, Consumer> m = byStream.get(stream);
        Consumer c = m == null ? null : m.remove(name);
        if (c == null) {
            return false;
        }
        c.delete();
        Path dir = js.streamDirectory(stream);
        if (dir != null) {
            awaitSnapshotRound();
            new ConsumerStore(dir, name).delete();
        }
        return true;
    }

    /** The stream is being deleted: its consumers go with it (their files go with the stream's directory). */
    void streamDeleted(String stream) {
        ConcurrentSkipListMap<String, Consumer> m = byStream.remove(stream);
        wakes.remove(stream);
        awaitSnapshotRound();
        if (m != null) {
            m.values().forEach(Consumer::delete);
        }
    }

    /** Reopens the durable consumers saved under a recovered stream's directory. */
    void recover(Stream stream, Path streamDirectory) {
        Path obs = streamDirectory.resolve(ConsumerStore.DIRECTORY);
        if (!Files.isDirectory(obs)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(obs)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                ConsumerStore store = new ConsumerStore(streamDirectory, name);
                try {
                    ConsumerStore.Meta meta = store.readMeta();
                    ConsumerState state = store.readState();
                    if (state != null) {
                        journal.replay(stream.name(), name, state.journalSequence, state);
                        recoveredJournalSequence = Math.max(recoveredJournalSequence, state.journalSequence);
                    }
                    long now = clock.epochNanos();
                    Consumer c = new Consumer(stream.name(), meta.config(), meta.createdNanos(), stream.store(), output,
                            retention(stream.config()), state, now);
                    c.attachJournal(journal);
                    c.dirty = true; // the next round snapshots what the journal added
                    attach(stream, c);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "Consumer {0} of stream {1} not restored: {2}", name, stream.name(),
                            e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "Cannot list consumers in " + obs, e);
        }
    }

    // --- events ---------------------------------------------------------------------------------

    /** A stream's durability listener: any thread; keeps the maximum and queues one wake-up. */
    private void onDurable(Stream stream, long durableSequence) {
        Wake wake = wakes.get(stream.name());
        if (wake == null) {
            return;
        }
        wake.durable.accumulateAndGet(durableSequence, Math::max);
        if (wake.queued.compareAndSet(false, true)) {
            js.executor().execute(() -> {
                wake.queued.set(false);
                long now = clock.epochNanos();
                long durable = wake.durable.get();
                for (Consumer c : of(stream.name())) {
                    c.onNewMessages(durable, now);
                }
            });
        }
    }

    /** Whether any consumer of the stream wants messages on {@code subject} (interest retention). Any thread. */
    boolean anyWants(String stream, String subject) {
        ConcurrentSkipListMap<String, Consumer> m = byStream.get(stream);
        if (m == null) {
            return false;
        }
        for (Consumer c : m.values()) {
            if (c.wants(subject)) {
                return true;
            }
        }
        return false;
    }

    /** {@code $JS.ACK.<stream>.<consumer>.<n>.<sseq>.<cseq>.<ts>.<pending>} and {@code $JS.FC.<stream>.<consumer>.<n>}. */
    private boolean onAckMessage(PublishFrame frame, ClientSession from) {
        String subject = frame.subject();
        String reply = frame.reply();
        int headerLength = Math.max(frame.headerLength(), 0);
        byte[] body = frame.payloadLength() == 0 ? ConsumerStatus.EMPTY : new byte[frame.payloadLength()];
        frame.message().getBytes(frame.messageIndex() + headerLength, body);
        ackInbox.add(subject, reply, body);
        return true;
    }

    private void onAck(String subject, String reply, byte[] body) {
        long now = clock.epochNanos();
        if (subject.startsWith(FC_PREFIX)) {
            String[] t = subject.split("\\.");
            Consumer c = t.length == 5 ? get(t[2], t[3]) : null;
            if (c != null) {
                c.onFlowControlReply(subject, now);
            }
            return;
        }
        // One ack per message: the dots are found by hand and the consumer of the previous ack is
        // reused when the names match, so an ack allocates nothing here.
        int dots = 0;
        for (int i = 0; i < subject.length(); i++) {
            if (subject.charAt(i) == '.') {
                if (dots == ackDots.length) {
                    return; // the v2 layout (domain, account hash) is not issued by Halyard
                }
                ackDots[dots++] = i;
            }
        }
        if (dots != ackDots.length) {
            return;
        }
        Consumer c = ackedConsumer(subject);
        long streamSeq = parseAckNumber(subject, ackDots[4] + 1, ackDots[5]);
        long consumerSeq = parseAckNumber(subject, ackDots[5] + 1, ackDots[6]);
        if (c == null || streamSeq < 0 || consumerSeq < 0) {
            return; // a malformed ack subject is ignored, as by nats-server
        }
        c.acks.onAck(streamSeq, consumerSeq, body, reply, now);
    }

    /** The consumer named by tokens 2 and 3 of an ack subject whose dots are in {@link #ackDots}. */
    private Consumer ackedConsumer(String subject) {
        Consumer last = lastAcked;
        int stream = ackDots[1] + 1;
        int name = ackDots[2] + 1;
        if (last != null && !last.isDeleted() && ackDots[2] - stream == last.stream.length()
                && ackDots[3] - name == last.name.length() && subject.startsWith(last.stream, stream)
                && subject.startsWith(last.name, name)) {
            return last;
        }
        Consumer c = get(subject.substring(stream, ackDots[2]), subject.substring(name, ackDots[3]));
        lastAcked = c;
        return c;
    }

    /** The decimal number in {@code s[from, to)}, or -1 when it is not one. */
    private static long parseAckNumber(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            n = n * 10 + (ch - '0');
        }
        return n;
    }

    private void tick() {
        long now = clock.epochNanos();
        for (ConcurrentSkipListMap<String, Consumer> m : byStream.values()) {
            for (Consumer c : new ArrayList<>(m.values())) {
                try {
                    if (!c.tick(now)) {
                        LOG.log(System.Logger.Level.DEBUG, "Deleting inactive consumer {0}", c);
                        delete(c.stream, c.name);
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Consumer " + c + " failed its tick", e);
                }
            }
        }
        if (now - lastSaveNanos >= SAVE_MILLIS * 1_000_000L) {
            lastSaveNanos = now;
            try {
                saveAsync();
            } catch (RuntimeException e) {
                // A periodic task that throws is never run again: redeliveries and saves would stop.
                LOG.log(System.Logger.Level.WARNING, "Saving consumer state failed", e);
            }
        }
    }

    /** One consumer's encoded snapshot, to be written off the JetStream thread. */
    private record Snapshot(Consumer consumer, ConsumerStore store, byte[] encoded) {
    }

    /** The states of the durable consumers that changed since their last snapshot, encoded now. */
    private List<Snapshot> encodeDirty(long journalSequence) {
        List<Snapshot> round = new ArrayList<>();
        for (ConcurrentSkipListMap<String, Consumer> m : byStream.values()) {
            for (Consumer c : m.values()) {
                Stream stream = js.stream(c.stream);
                if (!c.dirty || stream == null || !persistent(stream, c.config)) {
                    continue;
                }
                round.add(new Snapshot(c, new ConsumerStore(js.streamDirectory(c.stream), c.name),
                        c.state.encode(journalSequence)));
                c.dirty = false;
            }
        }
        return round;
    }

    /** Writes the round's snapshots; returns those that failed. Any thread. */
    private static List<Consumer> write(List<Snapshot> round) {
        List<Consumer> failed = new ArrayList<>();
        for (Snapshot s : round) {
            try {
                s.store().writeState(s.encoded());
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot save consumer " + s.consumer() + ": " + e.getMessage());
                failed.add(s.consumer());
            }
        }
        return failed;
    }

    /**
     * Starts a round of snapshots unless one is in flight: encodes the changed states here, writes them
     * on the snapshot thread, then purges the journal below the round (only if every write succeeded;
     * a consumer whose write failed is retried next round).
     */
    void saveAsync() {
        if (snapshotRound != null && !snapshotRound.isDone()) {
            return;
        }
        long journalSequence = journal.lastSequence();
        List<Snapshot> round = encodeDirty(journalSequence);
        if (round.isEmpty() && journalSequence <= purgedThrough) {
            return;
        }
        if (snapshotWriter == null) {
            snapshotWriter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "halyard-consumer-state");
                t.setDaemon(true);
                return t;
            });
        }
        purgedThrough = journalSequence;
        snapshotRound = snapshotWriter.submit(() -> {
            List<Consumer> failed = write(round);
            if (failed.isEmpty()) {
                journal.purgeThrough(journalSequence);
            } else {
                js.executor().execute(() -> {
                    failed.forEach(c -> c.dirty = true);
                    purgedThrough = 0;
                });
            }
        });
    }

    /** Waits for the snapshot round in flight, if any. On the JetStream thread. */
    private void awaitSnapshotRound() {
        if (snapshotRound == null) {
            return;
        }
        try {
            snapshotRound.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "A consumer snapshot round failed", e.getCause());
        }
    }

    /** Writes every changed durable consumer's state now and purges the journal below it. */
    void save() {
        awaitSnapshotRound();
        long journalSequence = journal.lastSequence();
        if (write(encodeDirty(journalSequence)).isEmpty()) {
            journal.purgeThrough(journalSequence);
        }
    }

    /** Stops the timer and subscriptions and saves every durable consumer. On the JetStream thread. */
    void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (Subscription sub : subscriptions) {
            sub.close();
            broker.unsubscribe(sub);
        }
        subscriptions.clear();
        save();
        journal.close();
        if (snapshotWriter != null) {
            snapshotWriter.shutdown();
        }
    }
}
