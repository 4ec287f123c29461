package io.halyard.cli.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code kv}: a file bucket (history 1), then {@link ScenarioRun#clients()} jnats connections
 * each doing synchronous {@code put}s — one at a time, each waiting for its PubAck — over
 * {@link JetStreamSettings#kvKeys()} keys, then synchronous {@code get}s of keys they wrote. Each phase
 * is bounded by {@code --msgs} (all clients together) and {@code --duration}.
 *
 * <p>Reports puts/s and gets/s (operations of all clients ÷ first start → last end of the phase) and
 * the round-trip percentiles of each. A get that finds no value, or one of the wrong size, fails the run.
 * On Halyard a put's PubAck means the value is on disk; on nats-server, by default, it does not.
 *
 * <p>Not thread-safe; one run at a time. One thread per client.
 */
final class KvScenario {
    private final ServerUrl url;
    private final String target;
    private final long serverPid;
    private final ScenarioRun run;
    private final BenchSettings settings;
    private final JetStreamSettings js;
    private final String bucket;

    KvScenario(BenchRunner.Target target, ScenarioRun run, BenchSettings settings, JetStreamSettings js, String runId) {
        this.url = target.url();
        this.target = target.label();
        this.serverPid = target.pid();
        this.run = run;
        this.settings = settings;
        this.js = js;
        this.bucket = ("bench_" + runId + "_" + run.clients() + "_" + run.sizeBytes()).replace('-', '_');
    }

    ScenarioResult run() {
        try (Connection setup = JnatsConnections.connect(url, "bench-kv-setup")) {
            KeyValueManagement kvm = setup.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder().name(bucket).storageType(StorageType.File)
                    .maxHistoryPerKey(1).build());
            try {
                return measure();
            } finally {
                kvm.delete(bucket);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return ScenarioResult.failed(target, run, "kv: " + ThroughputScenario.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScenarioResult.failed(target, run, "interrupted");
        }
    }

    private ScenarioResult measure() throws IOException, InterruptedException {
        String[] keys = new String[js.kvKeys()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "k" + i;
        }
        byte[] value = Publisher.fillerPayload(run.sizeBytes());
        List<KvClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < run.clients(); i++) {
                Connection connection = JnatsConnections.connect(url, "bench-kv-" + i);
                clients.add(new KvClient(i, run.clients(), connection, connection.keyValue(bucket), keys, value));
            }
            long perClient = Math.max(1, settings.maxMessages() / clients.size());
            CpuUsage.Meter cpu = new CpuUsage.Meter(serverPid);
            AtomicReference<Exception> failure = new AtomicReference<>();
            Phase puts = runPhase(clients, true, perClient, failure);
            Phase gets = failure.get() == null ? runPhase(clients, false, perClient, failure) : new Phase(0, 1);
            CpuUsage usage = cpu.finish();
            LatencyHistogram putLatency = new LatencyHistogram();
            LatencyHistogram getLatency = new LatencyHistogram();
            long misses = 0;
            for (KvClient c : clients) {
                putLatency.add(c.putLatency);
                getLatency.add(c.getLatency);
                misses += c.misses;
            }
            String error = failure.get() != null ? ThroughputScenario.describe(failure.get())
                    : misses > 0 ? misses + " gets found no value or a wrong one"
                    : puts.operations == 0 || gets.operations == 0 ? "no operation completed" : null;
            return new ScenarioResult(target, run,
                    new ScenarioResult.Throughput(puts.operations, puts.nanos, run.sizeBytes()),
                    new ScenarioResult.Throughput(gets.operations, gets.nanos, run.sizeBytes()), null,
                    ScenarioResult.LatencySummary.of(putLatency), error, usage,
                    ScenarioResult.LatencySummary.of(getLatency));
        } finally {
            for (KvClient c : clients) {
                c.connection.close();
            }
        }
    }

    private record Phase(long operations, long nanos) {
    }

    private Phase runPhase(List<KvClient> clients, boolean put, long perClient, AtomicReference<Exception> failure) {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (KvClient c : clients) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    c.run(put, perClient, System.nanoTime() + settings.maxNanos());
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-kv-" + (put ? "put-" : "get-") + c.index);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        threads.forEach(ThroughputScenario::join);
        long operations = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (KvClient c : clients) {
            operations += c.operations;
            first = Math.min(first, c.startNanos);
            last = Math.max(last, c.endNanos);
        }
        return new Phase(operations, Math.max(1, last - first));
    }

    /** One client: its connection, the keys it wrote, and its own histograms (merged afterwards). */
    private static final class KvClient {
        final int index;
        /** Clients in all: client i writes keys i, i + stride, i + 2·stride, … (modulo the key count). */
        private final int stride;
        final Connection connection;
        private final KeyValue kv;
        private final String[] keys;
        private final byte[] value;
        private final int[] written;
        private int writtenCount;
        final LatencyHistogram putLatency = new LatencyHistogram();
        final LatencyHistogram getLatency = new LatencyHistogram();
        long misses;
        long operations;
        long startNanos;
        long endNanos;

        KvClient(int index, int stride, Connection connection, KeyValue kv, String[] keys, byte[] value) {
            this.index = index;
            this.stride = stride;
            this.connection = connection;
            this.kv = kv;
            this.keys = keys;
            this.value = value;
            this.written = new int[keys.length];
        }

        /** Puts (its keys in turn) or gets (keys it wrote, at random) until {@code max} or the deadline. */
        void run(boolean put, long max, long deadlineNanos) throws IOException, JetStreamApiException {
            SplittableRandom random = new SplittableRandom(index);
            boolean[] seen = put ? new boolean[keys.length] : null;
            operations = 0;
            startNanos = System.nanoTime();
            long now = startNanos;
            while (operations < max && now - deadlineNanos < 0) {
                if (put) {
                    int k = (int) ((index + operations * stride) % keys.length);
                    kv.put(keys[k], value);
                    long done = System.nanoTime();
                    putLatency.record(done - now);
                    now = done;
                    if (!seen[k]) {
                        seen[k] = true;
                        written[writtenCount++] = k;
                    }
                } else {
                    if (writtenCount == 0) {
                        break;
                    }
                    int k = written[random.nextInt(writtenCount)];
                    KeyValueEntry e = kv.get(keys[k]);
                    long done = System.nanoTime();
                    getLatency.record(done - now);
                    now = done;
                    if (e == null || e.getValue() == null || e.getValue().length != value.length) {
                        misses++;
                    }
                }
                operations++;
            }
            endNanos = now;
        }
    }
}
