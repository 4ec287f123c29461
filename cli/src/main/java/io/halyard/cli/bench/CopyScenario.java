package io.halyard.cli.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.Mirror;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code mirror} and {@code source}: a file stream filled with up to {@code min(--msgs,
 * pullMessages)} messages (jnats asynchronous publishes, 4,096 in flight; not timed), then a second
 * file stream created with that one as its {@code mirror} or its one {@code source}; reports the
 * copied messages per second from the create request until the copy's stream info counts them all
 * (polled every 2 ms), bounded by {@code --duration}.
 *
 * <p>Not thread-safe; one run at a time.
 */
final class CopyScenario {
    private static final int WINDOW = 4096;

    private final ServerUrl url;
    private final String target;
    private final long serverPid;
    private final ScenarioRun run;
    private final BenchSettings settings;
    private final JetStreamSettings js;
    private final String origin;
    private final String copy;
    private final String subject;

    CopyScenario(BenchRunner.Target target, ScenarioRun run, BenchSettings settings, JetStreamSettings js,
                 String runId) {
        this.url = target.url();
        this.target = target.label();
        this.serverPid = target.pid();
        this.run = run;
        this.settings = settings;
        this.js = js;
        String id = (runId + "_" + run.label() + "_" + run.sizeBytes()).replace('-', '_');
        this.origin = "BENCH_ORIGIN_" + id;
        this.copy = "BENCH_COPY_" + id;
        this.subject = "bench.copy." + id;
    }

    ScenarioResult run() {
        try (Connection setup = JnatsConnections.connect(url, "bench-copy")) {
            JetStreamManagement jsm = setup.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(origin).subjects(subject + ".>")
                    .storageType(StorageType.File).build());
            try {
                long filled = fill(setup.jetStream());
                StreamConfiguration.Builder b = StreamConfiguration.builder().name(copy).storageType(StorageType.File);
                if (run.scenario() == Scenario.MIRROR) {
                    b.mirror(Mirror.builder().sourceName(origin).build());
                } else {
                    b.sources(Source.builder().name(origin).build());
                }
                CpuUsage.Meter cpu = new CpuUsage.Meter(serverPid);
                long start = System.nanoTime();
                long deadline = start + settings.maxNanos();
                jsm.addStream(b.build());
                long copied = 0;
                while (copied < filled && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                    copied = jsm.getStreamInfo(copy).getStreamState().getMsgCount();
                }
                long nanos = System.nanoTime() - start;
                CpuUsage usage = cpu.finish();
                jsm.deleteStream(copy);
                String error = copied < filled ? copied + " of " + filled + " copied within the duration" : null;
                return new ScenarioResult(target, run, new ScenarioResult.Throughput(copied, nanos, run.sizeBytes()),
                        null, null, null, error, usage);
            } finally {
                jsm.deleteStream(origin);
            }
        } catch (IOException | JetStreamApiException | RuntimeException | ExecutionException e) {
            return ScenarioResult.failed(target, run, "copy: " + ThroughputScenario.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScenarioResult.failed(target, run, "interrupted");
        }
    }

    /** Publishes the origin's messages over 100 subjects; returns how many were acknowledged. */
    private long fill(JetStream jetStream) throws IOException, ExecutionException, InterruptedException {
        long wanted = Math.min(settings.maxMessages(), js.pullMessages());
        byte[] payload = Publisher.fillerPayload(run.sizeBytes());
        ArrayDeque<CompletableFuture<PublishAck>> window = new ArrayDeque<>();
        long acked = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (long i = 0; i < wanted && System.nanoTime() < deadline; i++) {
            window.add(jetStream.publishAsync(subject + "." + (i % 100), payload));
            if (window.size() >= WINDOW) {
                window.poll().get();
                acked++;
            }
        }
        while (!window.isEmpty()) {
            window.poll().get();
            acked++;
        }
        return acked;
    }
}
