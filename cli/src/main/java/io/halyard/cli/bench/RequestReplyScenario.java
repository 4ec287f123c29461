package io.halyard.cli.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code reqrep}: one raw {@link Responder} and N raw {@link Requester}s, each on its own
 * connection and thread, each with one request in flight. Reports round-trip percentiles (all
 * requesters merged) and requests per second (all completed ÷ first start → last end).
 *
 * <p>Each requester first sends a few unrecorded warm-up requests, so that connection setup and the
 * first JIT compilations do not land in the percentiles.
 */
final class RequestReplyScenario {

    private static final long WARMUP_REQUESTS = 500;

    private final ServerUrl url;
    private final String target;
    private final long serverPid;
    private final ScenarioRun run;
    private final BenchSettings settings;
    private final String subject;
    private final String inboxPrefix;

    RequestReplyScenario(BenchRunner.Target target, ScenarioRun run, BenchSettings settings, String runId) {
        this.url = target.url();
        this.target = target.label();
        this.serverPid = target.pid();
        this.run = run;
        this.settings = settings;
        this.subject = "bench." + runId + "." + run.label() + "." + run.sizeBytes();
        this.inboxPrefix = "_INBOX.bench." + runId + "." + run.label() + "." + run.sizeBytes() + ".";
    }

    ScenarioResult run() {
        try (ConnectionGroup group = new ConnectionGroup(settings.hardLimitNanos())) {
            try {
                return measure(group);
            } catch (IOException | RuntimeException e) {
                return ScenarioResult.failed(target, run,
                        group.expired() ? group.expiryMessage() : ThroughputScenario.describe(e));
            }
        }
    }

    private ScenarioResult measure(ConnectionGroup group) throws IOException {
        RawConnection responderConnection = group.open(url, "bench-responder", settings.readBufferBytes(), 0);
        responderConnection.subscribe(subject, null, 1);
        responderConnection.flush();
        Responder responder = new Responder(responderConnection, run.sizeBytes(), settings.batchBytes());
        Thread responderThread = new Thread(responder, "bench-responder");
        responderThread.setDaemon(true);
        responderThread.start();

        List<Requester> requesters = new ArrayList<>();
        for (int i = 0; i < run.clients(); i++) {
            RawConnection connection = group.open(url, "bench-requester-" + i, 64 * 1024, 0);
            connection.subscribe(inboxPrefix + i, null, 1);
            connection.flush();
            requesters.add(new Requester(connection, subject, inboxPrefix + i, run.sizeBytes()));
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        CpuUsage.Meter cpu = new CpuUsage.Meter(serverPid);
        runRequesters(requesters, failure);
        CpuUsage cpuUsage = cpu.finish();
        responder.stop();
        ThroughputScenario.join(responderThread);
        if (group.expired()) {
            return ScenarioResult.failed(target, run, group.expiryMessage());
        }
        Exception first = failure.get() != null ? failure.get() : responder.failure();
        return summarize(requesters, first == null ? null : ThroughputScenario.describe(first)).withCpu(cpuUsage);
    }

    private void runRequesters(List<Requester> requesters, AtomicReference<Exception> failure) {
        long perRequester = (settings.maxMessages() + requesters.size() - 1) / requesters.size();
        long warmup = Math.min(WARMUP_REQUESTS, Math.max(1, perRequester / 10));
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < requesters.size(); i++) {
            Requester requester = requesters.get(i);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    requester.run(warmup, perRequester, System.nanoTime() + settings.maxNanos());
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-requester-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        threads.forEach(ThroughputScenario::join);
    }

    private ScenarioResult summarize(List<Requester> requesters, String error) {
        LatencyHistogram all = new LatencyHistogram();
        long completed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Requester r : requesters) {
            all.add(r.histogram());
            completed += r.completed();
            first = Math.min(first, r.startNanos());
            last = Math.max(last, r.endNanos());
        }
        ScenarioResult.Throughput rate = new ScenarioResult.Throughput(completed, last - first, run.sizeBytes());
        String problem = error == null && completed == 0 ? "no request completed" : error;
        return new ScenarioResult(target, run, rate, null, null, ScenarioResult.LatencySummary.of(all), problem);
    }
}
