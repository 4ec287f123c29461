package io.halyard.server.monitor;

import io.halyard.core.Broker;
import io.halyard.core.BrokerStats;
import io.halyard.core.jetstream.ConsumerSummary;
import io.halyard.core.jetstream.JetStream;
import io.halyard.core.jetstream.Stream;
import io.halyard.log.StoreState;
import io.halyard.log.SyncLatency;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /metrics}: the broker's figures in the Prometheus text format, through the official
 * Prometheus Java client. Nothing is counted on the message path for this: the broker's own counters
 * (per-session, folded in at scrape time), the streams' store states and the stores' fsync
 * histogram ({@link SyncLatency}) are read when Prometheus scrapes, by one {@link MultiCollector}.
 * JVM metrics come from the client's {@link JvmMetrics}. Every metric is listed in
 * {@code docs/monitoring.md}.
 *
 * <p>Thread-safe; a scrape runs on the monitoring thread.
 */
final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    Metrics(Broker broker, Supplier<JetStream> jetStream) {
        registry.register(new BrokerCollector(broker, jetStream));
        JvmMetrics.builder().register(registry);
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toByteArray();
    }

    /** Reads the broker, the streams and the fsync histogram at scrape time. */
    private static final class BrokerCollector implements MultiCollector {
        private final Broker broker;
        private final Supplier<JetStream> jetStream;

        BrokerCollector(Broker broker, Supplier<JetStream> jetStream) {
            this.broker = broker;
            this.jetStream = jetStream;
        }

        @Override
        public MetricSnapshots collect() {
            BrokerStats.Snapshot s = broker.stats().snapshot(broker.clients());
            List<MetricSnapshot> out = new ArrayList<>();
            out.add(gauge("halyard_connections", "Client connections open now (TCP and WebSocket).", broker.clientCount()));
            out.add(counter("halyard_connections_accepted", "Client connections accepted since start.", s.connectionsAccepted()));
            out.add(gauge("halyard_subscriptions", "Subscriptions in the subject index now, internal ones included.", broker.subscriptionCount()));
            out.add(counter("halyard_in_messages", "Messages received from clients.", s.messagesIn()));
            out.add(counter("halyard_out_messages", "Messages sent to clients.", s.messagesOut()));
            out.add(counter("halyard_in_bytes", "Message bytes (headers and payload) received from clients.", s.bytesIn()));
            out.add(counter("halyard_out_bytes", "Message bytes (headers and payload) sent to clients.", s.bytesOut()));
            out.add(counter("halyard_slow_consumers", "Clients closed for exceeding max_pending.", s.slowConsumers()));
            out.add(counter("halyard_stale_connections", "Clients closed for not answering ping_max PINGs.", s.staleConnections()));
            out.add(gauge("halyard_lame_duck_mode", "1 while the server is in lame-duck mode, else 0.", broker.inLameDuckMode() ? 1 : 0));
            streams(out);
            out.add(fsync());
            return new MetricSnapshots(out);
        }

        private void streams(List<MetricSnapshot> out) {
            JetStream js = jetStream.get();
            List<Stream> streams = js == null ? List.of() : js.streams();
            GaugeSnapshot.Builder messages = GaugeSnapshot.builder().name("halyard_stream_messages").help("Messages stored in the stream.");
            GaugeSnapshot.Builder bytes = GaugeSnapshot.builder().name("halyard_stream_bytes").help("Bytes stored in the stream.");
            GaugeSnapshot.Builder first = GaugeSnapshot.builder().name("halyard_stream_first_seq").help("Sequence of the stream's first message.");
            GaugeSnapshot.Builder last = GaugeSnapshot.builder().name("halyard_stream_last_seq").help("Sequence of the stream's last message.");
            GaugeSnapshot.Builder copyLag = GaugeSnapshot.builder().name("halyard_stream_copy_lag")
                    .help("Messages of an origin stream that the stream's mirror or source has not copied yet.");
            for (Stream stream : streams) {
                for (Stream.CopyLag lag : stream.copyLags()) {
                    copyLag.dataPoint(point(Labels.of("stream", stream.name(), "origin", lag.origin(), "kind",
                            lag.mirror() ? "mirror" : "source"), lag.lag()));
                }
                StoreState st = stream.store().state();
                Labels labels = Labels.of("stream", stream.name(), "storage", stream.config().isMemory() ? "memory" : "file");
                messages.dataPoint(point(labels, st.messages()));
                bytes.dataPoint(point(labels, st.bytes()));
                first.dataPoint(point(labels, st.firstSequence()));
                last.dataPoint(point(labels, st.lastSequence()));
            }
            out.add(messages.build());
            out.add(bytes.build());
            out.add(first.build());
            out.add(last.build());
            out.add(copyLag.build());
            consumers(out, js);
        }

        private static void consumers(List<MetricSnapshot> out, JetStream js) {
            List<ConsumerSummary> all = js == null ? List.of() : ConsumerSummary.all(js, 2_000);
            GaugeSnapshot.Builder pending = GaugeSnapshot.builder().name("halyard_consumer_pending")
                    .help("Messages of the stream the consumer has not delivered yet (num_pending).");
            GaugeSnapshot.Builder ackPending = GaugeSnapshot.builder().name("halyard_consumer_ack_pending")
                    .help("Messages delivered and not yet acknowledged (num_ack_pending).");
            GaugeSnapshot.Builder redelivered = GaugeSnapshot.builder().name("halyard_consumer_redelivered")
                    .help("Messages delivered more than once and not yet acknowledged (num_redelivered).");
            GaugeSnapshot.Builder waiting = GaugeSnapshot.builder().name("halyard_consumer_waiting")
                    .help("Pull requests waiting for messages (num_waiting).");
            for (ConsumerSummary c : all) {
                Labels labels = Labels.of("stream", c.stream(), "consumer", c.name());
                pending.dataPoint(point(labels, c.numPending()));
                ackPending.dataPoint(point(labels, c.numAckPending()));
                redelivered.dataPoint(point(labels, c.numRedelivered()));
                waiting.dataPoint(point(labels, c.numWaiting()));
            }
            out.add(pending.build());
            out.add(ackPending.build());
            out.add(redelivered.build());
            out.add(waiting.build());
        }

        private static MetricSnapshot fsync() {
            SyncLatency.Snapshot s = SyncLatency.snapshot();
            double[] bounds = new double[s.upperBoundsSeconds().length + 1];
            System.arraycopy(s.upperBoundsSeconds(), 0, bounds, 0, bounds.length - 1);
            bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
            return HistogramSnapshot.builder()
                    .name("halyard_store_fsync_seconds")
                    .help("Time of one group commit's fsync in the file stores, all streams together.")
                    .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.counts()))
                            .sum(s.sumSeconds())
                            .build())
                    .build();
        }

        private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
            return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
        }

        private static GaugeSnapshot gauge(String name, String help, double value) {
            return GaugeSnapshot.builder().name(name).help(help)
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
        }

        private static CounterSnapshot counter(String name, String help, double value) {
            return CounterSnapshot.builder().name(name).help(help)
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
        }
    }
}
