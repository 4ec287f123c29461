package io.halyard.cli.bench;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.MessageHandler;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs {@code jspull} and {@code jspull-ackall}: a file stream is filled with
 * {@link JetStreamSettings#pullMessages()} messages (windowed publish, not measured), then
 * {@link ScenarioRun#clients()} jnats connections drain one durable pull consumer with jnats'
 * {@code consume} (continuous pulls of {@link JetStreamSettings#pullBatch()} messages).
 *
 * <p>With ack policy explicit every message is acknowledged ({@code ack()}, no reply); with ack policy
 * all a client acknowledges every {@code min(batch / 4, 400 / clients)} messages and its last one (so
 * acks held back never reach the default max_ack_pending of 1,000). The rate is acknowledgements the
 * server applied ÷ (first pull → consumer info showing every ack sent applied), polled once every
 * message has arrived: a message counts once the server has taken its acknowledgement, not merely once
 * the client received it. An ack the server never applies fails the run.
 *
 * <p>Every stream sequence must arrive exactly once; a redelivery (ack_wait is a minute) or a gap fails
 * the run.
 *
 * <p>Not thread-safe; one run at a time. jnats dispatches each client's messages on its own thread.
 */
final class JsPullScenario {
    private static final String CONSUMER = "bench";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** The server's default max_ack_pending (1,000) must never be held up by acks-all not yet sent. */
    private static final int ACK_ALL_BUDGET = 400;

    private final ServerUrl url;
    private final String target;
    private final long serverPid;
    private final ScenarioRun run;
    private final BenchSettings settings;
    private final JetStreamSettings js;
    private final boolean ackAll;
    private final String stream;
    private final String subject;
    private final String inbox;

    JsPullScenario(BenchRunner.Target target, ScenarioRun run, BenchSettings settings, JetStreamSettings js,
                   String runId) {
        this.url = target.url();
        this.target = target.label();
        this.serverPid = target.pid();
        this.run = run;
        this.settings = settings;
        this.js = js;
        this.ackAll = run.scenario() == Scenario.JSPULL_ACKALL;
        String id = (runId + "_" + run.label() + "_" + run.sizeBytes()).replace('-', '_');
        this.stream = "BENCH_PULL_" + id;
        this.subject = "bench.jspull." + id;
        this.inbox = "_INBOX.jspullfill." + id;
    }

    ScenarioResult run() {
        try (Connection setup = JnatsConnections.connect(url, "bench-jspull-setup")) {
            JetStreamManagement jsm = setup.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                    .storageType(StorageType.File).build());
            try {
                long filled = fill();
                long stored = jsm.getStreamInfo(stream).getStreamState().getMsgCount();
                if (stored != filled || filled == 0) {
                    return ScenarioResult.failed(target, run, "filling the stream: " + filled + " published, "
                            + stored + " stored");
                }
                jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable(CONSUMER)
                        .ackPolicy(ackAll ? AckPolicy.All : AckPolicy.Explicit).ackWait(Duration.ofMinutes(1))
                        .build());
                return measure(jsm, filled);
            } finally {
                jsm.deleteStream(stream);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return ScenarioResult.failed(target, run, "jetstream: " + ThroughputScenario.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScenarioResult.failed(target, run, "interrupted");
        }
    }

    /** Publishes up to {@code min(--msgs, pullMessages)} messages; returns how many were acknowledged. */
    private long fill() throws IOException {
        long wanted = Math.min(settings.maxMessages(), js.pullMessages());
        long limit = TimeUnit.SECONDS.toNanos(120);
        try (ConnectionGroup group = new ConnectionGroup(limit + settings.hardLimitNanos())) {
            RawConnection ackConnection = group.open(url, "bench-jspull-fill-acks", settings.readBufferBytes(), 0);
            ackConnection.subscribe(inbox, null, 1);
            ackConnection.flush();
            Subscriber acks = new Subscriber(ackConnection, null);
            Thread ackThread = new Thread(acks, acks.name());
            ackThread.setDaemon(true);
            ackThread.start();
            RawConnection connection = group.open(url, "bench-jspull-fill", 4096, 0);
            long sent = new WindowedPublisher(connection, acks, subject, inbox, run.sizeBytes(), 4096,
                    settings.batchBytes()).publish(wanted, System.nanoTime() + limit, settings.idleTimeoutNanos());
            WindowedPublisher.awaitAcks(acks, sent, settings.idleTimeoutNanos());
            acks.stop();
            ThroughputScenario.join(ackThread);
            if (acks.failure() != null) {
                throw new IOException(ThroughputScenario.describe(acks.failure()));
            }
            return acks.received();
        }
    }

    private ScenarioResult measure(JetStreamManagement jsm, long messages) throws IOException, JetStreamApiException,
            InterruptedException {
        AtomicLongArray seen = new AtomicLongArray((int) ((messages + 64) / 64));
        AtomicLong received = new AtomicLong();
        CountDownLatch all = new CountDownLatch(1);
        int ackEvery = ackAll ? Math.max(1, Math.min(js.pullBatch() / 4, ACK_ALL_BUDGET / run.clients())) : 1;
        List<PullClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < run.clients(); i++) {
                Connection connection = JnatsConnections.connect(url, "bench-jspull-" + i);
                clients.add(new PullClient(connection, seen, received, messages, all, ackEvery));
            }
            io.nats.client.ConsumeOptions options = io.nats.client.ConsumeOptions.builder()
                    .batchSize(js.pullBatch()).build();
            List<ConsumerContext> contexts = new ArrayList<>();
            for (PullClient c : clients) {
                contexts.add(c.connection.getConsumerContext(stream, CONSUMER));
            }
            CpuUsage.Meter cpu = new CpuUsage.Meter(serverPid);
            long start = System.nanoTime();
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).consumer = contexts.get(i).consume(options, clients.get(i));
            }
            boolean complete = all.await(settings.maxNanos(), TimeUnit.NANOSECONDS);
            for (PullClient c : clients) {
                c.consumer.stop();
            }
            if (!complete) {
                awaitQuiet(received); // out of time: messages already sent out still arrive and are acked
            }
            long acksSent = 0;
            long highestAcked = 0;
            for (PullClient c : clients) {
                c.ackLast();
                acksSent += c.acks;
                highestAcked = Math.max(highestAcked, c.highestAcked);
            }
            ConsumerInfo info = awaitAcked(jsm, acksSent, highestAcked);
            long end = System.nanoTime();
            CpuUsage usage = cpu.finish();
            long applied = acksApplied(info);
            long duplicates = 0;
            long unexpected = 0;
            for (PullClient c : clients) {
                duplicates += c.duplicates;
                unexpected += c.unexpected;
            }
            long distinct = received.get() - duplicates;
            String error = null;
            if (ackAll ? info.getAckFloor().getStreamSequence() < highestAcked : applied < acksSent) {
                error = "the server applied " + (ackAll ? "acks up to " + info.getAckFloor().getStreamSequence()
                        + " of " + highestAcked : applied + " of " + acksSent + " acks") + " within "
                        + TimeUnit.NANOSECONDS.toMillis(settings.idleTimeoutNanos()) + " ms";
            }
            long counted = ackAll ? info.getAckFloor().getStreamSequence() : applied;
            ScenarioResult.Throughput rate = new ScenarioResult.Throughput(counted, end - start, run.sizeBytes());
            long expected = complete ? messages : distinct;
            ScenarioResult.Delivery delivery = new ScenarioResult.Delivery(expected, received.get(),
                    Math.max(0, expected - distinct), duplicates, unexpected);
            return new ScenarioResult(target, run, rate, null, delivery, null, error, usage);
        } finally {
            for (PullClient c : clients) {
                c.close();
            }
        }
    }

    /**
     * Acks the server has applied: with ack policy explicit, the messages it delivered less those still
     * pending (the stream is contiguous and nothing is redelivered within the run); with ack policy all,
     * the ack floor.
     */
    private long acksApplied(ConsumerInfo info) {
        return ackAll ? info.getAckFloor().getStreamSequence()
                : info.getDelivered().getStreamSequence() - info.getNumAckPending();
    }

    /**
     * Polls consumer info until the server has applied the acks sent ({@code acksSent} explicit ones,
     * or an ack-all of {@code highestAcked}), or for at most the idle timeout.
     */
    private ConsumerInfo awaitAcked(JetStreamManagement jsm, long acksSent, long highestAcked)
            throws IOException, JetStreamApiException, InterruptedException {
        long deadline = System.nanoTime() + settings.idleTimeoutNanos();
        while (true) {
            ConsumerInfo info = jsm.getConsumerInfo(stream, CONSUMER);
            boolean applied = ackAll ? info.getAckFloor().getStreamSequence() >= highestAcked
                    : acksApplied(info) >= acksSent;
            if (applied || System.nanoTime() - deadline > 0) {
                return info;
            }
            TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        }
    }

    /** Waits until no message has arrived for 200 ms (or the idle timeout passed). */
    private void awaitQuiet(AtomicLong received) throws InterruptedException {
        long deadline = System.nanoTime() + settings.idleTimeoutNanos();
        long last = -1;
        while (System.nanoTime() - deadline < 0) {
            long now = received.get();
            if (now == last) {
                return;
            }
            last = now;
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /**
     * One pulling client: records each stream sequence and acknowledges. Runs on its connection's
     * dispatcher thread; the coordinator reads its counters only after the consumer has stopped.
     */
    private static final class PullClient implements MessageHandler {
        final Connection connection;
        private final AtomicLongArray seen;
        private final AtomicLong received;
        private final long expected;
        private final CountDownLatch all;
        private final int ackEvery;
        MessageConsumer consumer;
        private int sinceAck;
        private volatile Message unacked;
        /** Written by the dispatcher thread, read once the consumer is stopped and quiet. */
        volatile long acks;
        volatile long highestAcked;
        long duplicates;
        long unexpected;

        PullClient(Connection connection, AtomicLongArray seen, AtomicLong received, long expected,
                   CountDownLatch all, int ackEvery) {
            this.connection = connection;
            this.seen = seen;
            this.received = received;
            this.expected = expected;
            this.all = all;
            this.ackEvery = ackEvery;
        }

        @Override
        public void onMessage(Message m) {
            if (!m.isJetStream()) {
                return; // a status (heartbeat, 408 at a pull's expiry): jnats handles it
            }
            long seq = m.metaData().streamSequence();
            if (seq < 1 || seq > expected) {
                unexpected++;
            } else {
                int word = (int) (seq >>> 6);
                long bit = 1L << (seq & 63);
                long before = seen.getAndAccumulate(word, bit, (a, b) -> a | b);
                if ((before & bit) != 0) {
                    duplicates++;
                }
            }
            if (++sinceAck >= ackEvery) {
                sinceAck = 0;
                unacked = null;
                ack(m, seq);
            } else {
                unacked = m;
            }
            if (received.incrementAndGet() == expected) {
                all.countDown();
            }
        }

        private void ack(Message m, long seq) {
            m.ack();
            acks++;
            highestAcked = Math.max(highestAcked, seq);
        }

        /** Ack policy all: the last message received covers everything before it. */
        void ackLast() {
            Message m = unacked;
            if (m != null) {
                unacked = null;
                ack(m, m.metaData().streamSequence());
            }
        }

        void close() {
            try {
                connection.flush(Duration.ofSeconds(2));
            } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
                // closing anyway
            }
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
