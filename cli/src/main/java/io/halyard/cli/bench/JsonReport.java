package io.halyard.cli.bench;

import java.util.List;
import java.util.Locale;

/**
 * Machine-readable output ({@code --json}): one object with the settings, every result, and — when a
 * baseline was measured — the per-metric comparisons. Units are in the field names.
 */
final class JsonReport {

    private final StringBuilder json = new StringBuilder(4096);

    static String render(List<BenchRunner.Target> targets, BenchSettings settings, List<ScenarioResult> results) {
        return new JsonReport().build(targets, settings, results);
    }

    private String build(List<BenchRunner.Target> targets, BenchSettings settings, List<ScenarioResult> results) {
        json.append("{\"tool\":\"halyard bench\",\"targets\":[");
        for (int i = 0; i < targets.size(); i++) {
            BenchRunner.Target t = targets.get(i);
            json.append(i == 0 ? "" : ",").append("{\"label\":");
            string(t.label()).append(",\"url\":");
            string(t.url().toString()).append('}');
        }
        json.append("],\"max_msgs\":").append(settings.maxMessages())
                .append(",\"max_seconds\":").append(number(settings.maxNanos() / 1e9))
                .append(",\"mb\":\"10^6 payload bytes\",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            json.append(i == 0 ? "" : ",");
            result(results.get(i));
        }
        json.append(']');
        if (targets.size() == 2) {
            comparisons(targets, results);
        }
        return json.append('}').toString();
    }

    private void result(ScenarioResult r) {
        json.append("{\"target\":");
        string(r.target()).append(",\"scenario\":");
        string(r.run().scenario().cliName()).append(",\"label\":");
        string(r.run().label()).append(",\"clients\":").append(r.run().clients())
                .append(",\"size_bytes\":").append(r.run().sizeBytes())
                .append(",\"ok\":").append(r.ok()).append(",\"verdict\":");
        string(r.verdict());
        boolean kv = r.run().scenario() == Scenario.KV;
        if (r.published() != null) {
            throughput(kv ? "puts" : r.latency() == null ? "pub" : "requests", r.published());
        }
        if (r.delivered() != null) {
            throughput(kv ? "gets" : "sub", r.delivered());
        }
        if (r.delivery() != null) {
            ScenarioResult.Delivery d = r.delivery();
            json.append(",\"delivery\":{\"expected\":").append(d.expected()).append(",\"received\":")
                    .append(d.received()).append(",\"missing\":").append(d.missing()).append(",\"duplicates\":")
                    .append(d.duplicates()).append(",\"unexpected\":").append(d.unexpected()).append('}');
        }
        if (r.latency() != null) {
            latency(kv ? "put_latency_us" : "latency_us", r.latency());
        }
        if (r.readLatency() != null) {
            latency("get_latency_us", r.readLatency());
        }
        if (r.cpu() != null) {
            json.append(",\"cpu_percent\":{\"driver\":").append(number(r.cpu().driverPercent()))
                    .append(",\"server\":").append(number(r.cpu().serverPercent())).append('}');
        }
        json.append('}');
    }

    private void latency(String name, ScenarioResult.LatencySummary l) {
        json.append(",\"").append(name).append("\":{\"count\":").append(l.count())
                .append(",\"p50\":").append(number(l.p50() / 1e3))
                .append(",\"p99\":").append(number(l.p99() / 1e3))
                .append(",\"p99_9\":").append(number(l.p999() / 1e3))
                .append(",\"max\":").append(number(l.max() / 1e3))
                .append(",\"mean\":").append(number(l.mean() / 1e3)).append('}');
    }

    private void throughput(String name, ScenarioResult.Throughput t) {
        json.append(",\"").append(name).append("\":{\"msgs\":").append(t.messages())
                .append(",\"seconds\":").append(number(t.nanos() / 1e9))
                .append(",\"msgs_per_sec\":").append(number(t.messagesPerSecond()))
                .append(",\"mb_per_sec\":").append(number(t.megabytesPerSecond())).append('}');
    }

    /** Results come in target order per scenario (see {@link BenchRunner#run}), so pairs are adjacent. */
    private void comparisons(List<BenchRunner.Target> targets, List<ScenarioResult> results) {
        json.append(",\"comparisons\":[");
        boolean first = true;
        for (int i = 0; i + 1 < results.size(); i += 2) {
            ScenarioResult a = results.get(i);
            List<ResultTable.Metric> ma = ResultTable.metrics(a);
            List<ResultTable.Metric> mb = ResultTable.metrics(results.get(i + 1));
            for (int m = 0; m < Math.min(ma.size(), mb.size()); m++) {
                if (ma.get(m).direction() == ResultTable.Direction.INFORMATION) {
                    continue;
                }
                json.append(first ? "" : ",").append("{\"label\":");
                first = false;
                string(a.run().label()).append(",\"size_bytes\":").append(a.run().sizeBytes()).append(",\"metric\":");
                string(ma.get(m).name()).append(",\"higher_is_better\":")
                        .append(ma.get(m).direction() == ResultTable.Direction.HIGHER_IS_BETTER)
                        .append(',');
                string(targets.get(0).label()).append(':').append(number(ma.get(m).value())).append(',');
                string(targets.get(1).label()).append(':').append(number(mb.get(m).value()))
                        .append(",\"ratio\":").append(mb.get(m).value() == 0 ? "null"
                                : number(ma.get(m).value() / mb.get(m).value())).append('}');
            }
        }
        json.append(']');
    }

    private StringBuilder string(String value) {
        if (value == null) {
            return json.append("null");
        }
        RawConnection.appendJsonString(json, value);
        return json;
    }

    private static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
