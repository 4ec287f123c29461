package io.halyard.cli.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;

/**
 * Runs {@code jspub}: JetStream asynchronous publishing. A file stream captures the subject; one
 * raw connection publishes with a reply subject, keeping at most {@link ScenarioRun#clients()}
 * messages un-acknowledged (the window), and another connection counts the PubAcks arriving on that
 * reply subject. The rate is PubAcks per second (first write → last PubAck): a message counts once
 * the server says it is stored — on Halyard, after its fsync; on nats-server, by default, before.
 *
 * <p>The stream is created and deleted with jnats (setup only), which also checks at the end that
 * the stream holds every acknowledged message.
 *
 * <p>Not thread-safe; one run at a time.
 */
final class JsPublishScenario {
    private final ServerUrl url;
    private final String target;
    private final long serverPid;
    private final ScenarioRun run;
    private final BenchSettings settings;
    private final String stream;
    private final String subject;
    private final String inbox;

    JsPublishScenario(BenchRunner.Target target, ScenarioRun run, BenchSettings settings, String runId) {
        this.url = target.url();
        this.target = target.label();
        this.serverPid = target.pid();
        this.run = run;
        this.settings = settings;
        String id = (runId + "_" + run.sizeBytes()).replace('-', '_');
        this.stream = "BENCH_" + id;
        this.subject = "bench.js." + id;
        this.inbox = "_INBOX.jsbench." + id;
    }

    ScenarioResult run() {
        try (Connection nats = JnatsConnections.connect(url, "bench-js-setup")) {
            JetStreamManagement jsm = nats.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                    .storageType(StorageType.File).build());
            try (ConnectionGroup group = new ConnectionGroup(settings.hardLimitNanos())) {
                return measure(group, jsm);
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

    private ScenarioResult measure(ConnectionGroup group, JetStreamManagement jsm)
            throws IOException, JetStreamApiException {
        RawConnection ackConnection = group.open(url, "bench-js-acks", settings.readBufferBytes(), 0);
        ackConnection.subscribe(inbox, null, 1);
        ackConnection.flush();
        Subscriber acks = new Subscriber(ackConnection, null);
        Thread ackThread = new Thread(acks, acks.name());
        ackThread.setDaemon(true);
        ackThread.start();

        RawConnection connection = group.open(url, "bench-js-pub", 4096, 0);
        WindowedPublisher publisher = new WindowedPublisher(connection, acks, subject, inbox, run.sizeBytes(),
                run.clients(), settings.batchBytes());

        CpuUsage.Meter cpu = new CpuUsage.Meter(serverPid);
        long start = System.nanoTime();
        long sent = publisher.publish(settings.maxMessages(), start + settings.maxNanos(), settings.idleTimeoutNanos());
        WindowedPublisher.awaitAcks(acks, sent, settings.idleTimeoutNanos());
        CpuUsage cpuUsage = cpu.finish();
        acks.stop();
        ThroughputScenario.join(ackThread);
        if (group.expired()) {
            return ScenarioResult.failed(target, run, group.expiryMessage());
        }
        long acked = acks.received();
        ScenarioResult.Throughput rate = new ScenarioResult.Throughput(acked, acks.lastNanos() - start,
                run.sizeBytes());
        StreamInfo info = jsm.getStreamInfo(stream);
        long stored = info.getStreamState().getMsgCount();
        String error = acks.failure() != null ? ThroughputScenario.describe(acks.failure())
                : stored < acked ? "stream holds " + stored + " messages but " + acked + " were acknowledged" : null;
        ScenarioResult.Delivery delivery = new ScenarioResult.Delivery(sent, acked, Math.max(0, sent - acked),
                Math.max(0, acked - sent), 0);
        return new ScenarioResult(target, run, rate, null, delivery, null, error, cpuUsage);
    }
}
