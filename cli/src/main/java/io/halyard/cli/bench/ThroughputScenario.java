package io.halyard.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs {@code pub}, {@code pubsub}, {@code fanout} and {@code queue}: subscribers connect and subscribe
 * first (each confirmed by a {@code PING}/{@code PONG}), then one pipelined {@link Publisher} sends until
 * its message or time cap, flushes, and the subscribers are given until they have everything — or until
 * they go {@link BenchSettings#idleTimeoutNanos() idle}, in which case the rest counts as lost.
 *
 * <p>Publisher rate: messages ÷ (first write → final {@code PONG}). Subscriber rate: messages received by
 * all subscribers together ÷ (first write → last message received by any of them). CPU use is measured
 * over the same span (ending when delivery is complete or given up), not over setup.
 *
 * <p>Not thread-safe; one run at a time. Starts one thread per subscriber and joins them all.
 */
final class ThroughputScenario {

    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final ServerUrl url;
    private final String target;
    private final long serverPid;
    private final ScenarioRun run;
    private final BenchSettings settings;
    private final String subject;

    ThroughputScenario(BenchRunner.Target target, ScenarioRun run, BenchSettings settings, String runId) {
        this.url = target.url();
        this.target = target.label();
        this.serverPid = target.pid();
        this.run = run;
        this.settings = settings;
        this.subject = "bench." + runId + "." + run.label() + "." + run.sizeBytes();
    }

    ScenarioResult run() {
        try (ConnectionGroup group = new ConnectionGroup(settings.hardLimitNanos())) {
            try {
                return measure(group);
            } catch (IOException | RuntimeException e) {
                return ScenarioResult.failed(target, run, group.expired() ? group.expiryMessage() : describe(e));
            }
        }
    }

    private ScenarioResult measure(ConnectionGroup group) throws IOException {
        boolean queue = run.scenario() == Scenario.QUEUE;
        List<Subscriber> subscribers = subscribe(group, subscriberCount(), queue);
        List<Thread> threads = new ArrayList<>();
        for (Subscriber s : subscribers) {
            Thread thread = new Thread(s, s.name());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        RawConnection connection = group.open(url, "bench-pub", 4096, 0);
        Publisher publisher = new Publisher(connection, subject, run.sizeBytes(), queue, settings.batchBytes());
        CpuUsage.Meter cpu = new CpuUsage.Meter(serverPid);
        long published = publisher.run(settings.maxMessages(), System.nanoTime() + settings.maxNanos());
        awaitDelivery(subscribers, queue, published);
        CpuUsage cpuUsage = cpu.finish();
        subscribers.forEach(Subscriber::stop);
        for (Thread thread : threads) {
            join(thread);
        }
        if (group.expired()) {
            return ScenarioResult.failed(target, run, group.expiryMessage());
        }
        ScenarioResult.Throughput pub = new ScenarioResult.Throughput(published,
                publisher.endNanos() - publisher.startNanos(), run.sizeBytes());
        if (subscribers.isEmpty()) {
            return new ScenarioResult(target, run, pub, null, null, null, null, cpuUsage);
        }
        return new ScenarioResult(target, run, pub, delivered(subscribers, publisher.startNanos()),
                delivery(subscribers, queue, published), null, firstFailure(subscribers), cpuUsage);
    }

    private int subscriberCount() {
        return switch (run.scenario()) {
            case PUB -> 0;
            case PUBSUB -> 1;
            default -> run.clients();
        };
    }

    private List<Subscriber> subscribe(ConnectionGroup group, int count, boolean queue) throws IOException {
        List<Subscriber> subscribers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            RawConnection connection = group.open(url, "bench-sub-" + i, settings.readBufferBytes(),
                    queue ? Publisher.SEQUENCE_BYTES : 0);
            connection.subscribe(subject, queue ? "bench-q" : null, 1);
            connection.flush();
            subscribers.add(new Subscriber(connection, queue ? new DeliveryLedger(settings.maxMessages()) : null));
        }
        return subscribers;
    }

    /** Waits until every subscriber (queue: the group) has {@code expected}, one dies, or all go idle. */
    private void awaitDelivery(List<Subscriber> subscribers, boolean queue, long expected) {
        long lastTotal = -1;
        long lastProgress = System.nanoTime();
        while (!subscribers.isEmpty()) {
            long total = 0;
            boolean everyoneDone = true;
            for (Subscriber s : subscribers) {
                long received = s.received();
                total += received;
                everyoneDone &= received >= expected;
                if (s.finished()) {
                    return;
                }
            }
            if (queue ? total >= expected : everyoneDone) {
                return;
            }
            long now = System.nanoTime();
            if (total != lastTotal) {
                lastTotal = total;
                lastProgress = now;
            } else if (now - lastProgress > settings.idleTimeoutNanos()) {
                return;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private ScenarioResult.Throughput delivered(List<Subscriber> subscribers, long startNanos) {
        long total = 0;
        long last = startNanos;
        for (Subscriber s : subscribers) {
            total += s.received();
            last = Math.max(last, s.lastNanos());
        }
        return new ScenarioResult.Throughput(total, last - startNanos, run.sizeBytes());
    }

    private static ScenarioResult.Delivery delivery(List<Subscriber> subscribers, boolean queue, long published) {
        long received = 0;
        for (Subscriber s : subscribers) {
            received += s.received();
        }
        if (queue) {
            DeliveryLedger.Verdict verdict = DeliveryLedger.check(published,
                    subscribers.stream().map(Subscriber::ledger).toArray(DeliveryLedger[]::new));
            return new ScenarioResult.Delivery(published, received, verdict.missing(), verdict.duplicates(),
                    verdict.unexpected());
        }
        long missing = 0;
        long extra = 0;
        for (Subscriber s : subscribers) {
            missing += Math.max(0, published - s.received());
            extra += Math.max(0, s.received() - published);
        }
        return new ScenarioResult.Delivery(published * subscribers.size(), received, missing, extra, 0);
    }

    private static String firstFailure(List<Subscriber> subscribers) {
        for (Subscriber s : subscribers) {
            if (s.failure() != null) {
                return describe(s.failure());
            }
        }
        return null;
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
