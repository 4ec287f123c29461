package io.halyard.cli.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Human-readable output: one row per result for a single server, or — with a baseline — one row per
 * metric with both values and their ratio. Rows are printed as results arrive.
 */
final class ResultTable {

    /** How to read a ratio of two values of a metric. */
    enum Direction { HIGHER_IS_BETTER, LOWER_IS_BETTER, INFORMATION }

    /** One figure of a result. */
    record Metric(String name, double value, Direction direction) {
    }

    private static final String ROW = "%-16s %6s %11s %12s %9s %12s %9s %9s %9s %9s %8s %8s  %s%n";
    private static final String COMPARISON_ROW = "%-16s %6s  %-12s %14s %14s %8s%n";
    private static final String MEDIAN_ROW = "%-16s %6s  %-12s %14s %14s %8s  %s%n";

    private final PrintStream out;

    ResultTable(PrintStream out) {
        this.out = out;
    }

    void printHeader(String target, BenchSettings settings) {
        out.printf("halyard bench against %s: up to %,d msgs or %.0f s per scenario%n", target,
                settings.maxMessages(), settings.maxNanos() / 1e9);
        out.println("(rates: pub = first write → server's PONG; sub = all subscribers together, first write → last"
                + " message; MB = 10^6 payload bytes; latency = request round trip)");
        out.printf(ROW, "scenario", "size", "msgs", "pub msgs/s", "pub MB/s", "sub msgs/s", "sub MB/s",
                "p50 µs", "p99 µs", "p99.9 µs", "srv cpu%", "drv cpu%", "result");
    }

    void printRow(ScenarioResult r) {
        ScenarioResult.Throughput pub = r.published();
        ScenarioResult.Throughput sub = r.delivered();
        ScenarioResult.LatencySummary lat = r.latency();
        out.printf(ROW, r.run().label(), size(r.run().sizeBytes()),
                pub == null ? "-" : String.format(Locale.ROOT, "%,d", pub.messages()),
                pub == null ? "-" : rate(pub.messagesPerSecond()),
                pub == null ? "-" : megabytes(pub.megabytesPerSecond()),
                sub == null ? "-" : rate(sub.messagesPerSecond()),
                sub == null ? "-" : megabytes(sub.megabytesPerSecond()),
                lat == null ? "-" : micros(lat.p50()), lat == null ? "-" : micros(lat.p99()),
                lat == null ? "-" : micros(lat.p999()), percent(r.cpu() == null ? Double.NaN : r.cpu().serverPercent()),
                percent(r.cpu() == null ? Double.NaN : r.cpu().driverPercent()), r.verdict());
    }

    void printComparisonHeader(String target, String baseline, BenchSettings settings) {
        out.printf("halyard bench, %s vs %s: up to %,d msgs or %.0f s per scenario, alternating per scenario%n",
                target, baseline, settings.maxMessages(), settings.maxNanos() / 1e9);
        out.printf("ratio = %s ÷ %s. Throughput (msgs/s, MB/s): higher is better, ratio > 1 means %s is"
                + " faster. Latency (µs): lower is better, ratio < 1 means %s is faster.%n"
                + "cpu%% = percent of one core over the scenario, for the server process and for this load generator.%n",
                target, baseline, target, target);
        out.printf(COMPARISON_ROW, "scenario", "size", "metric", target, baseline, "ratio");
    }

    void printComparison(ScenarioResult target, ScenarioResult baseline) {
        String scenario = target.run().label();
        String size = size(target.run().sizeBytes());
        List<Metric> a = metrics(target);
        List<Metric> b = metrics(baseline);
        List<Metric> names = a.isEmpty() ? b : a;
        for (int i = 0; i < names.size(); i++) {
            Metric m = names.get(i);
            Double va = i < a.size() ? a.get(i).value() : null;
            Double vb = i < b.size() ? b.get(i).value() : null;
            out.printf(COMPARISON_ROW, i == 0 ? scenario : "", i == 0 ? size : "", m.name(),
                    format(m, va), format(m, vb), m.direction() == Direction.INFORMATION ? "" : ratio(va, vb));
        }
        if (!target.ok()) {
            out.printf("%-16s %6s  %s: %s%n", scenario, size, target.target(), target.verdict());
        }
        if (!baseline.ok()) {
            out.printf("%-16s %6s  %s: %s%n", scenario, size, baseline.target(), baseline.verdict());
        }
    }

    /**
     * After repeated runs: per scenario, size and metric, the median of each server's values and the
     * median of the per-run ratios, then the per-run ratios. {@code results} hold the runs one after
     * another, each as pairs in target order.
     */
    void printMedians(List<ScenarioResult> results, int runs) {
        record Key(String scenario, String size, String metric) {
        }
        java.util.Map<Key, List<double[]>> byKey = new java.util.LinkedHashMap<>();
        java.util.Map<Key, Metric> metricOf = new java.util.HashMap<>();
        for (int i = 0; i + 1 < results.size(); i += 2) {
            ScenarioResult a = results.get(i);
            List<Metric> ma = metrics(a);
            List<Metric> mb = metrics(results.get(i + 1));
            for (int m = 0; m < Math.min(ma.size(), mb.size()); m++) {
                Key key = new Key(a.run().label(), size(a.run().sizeBytes()), ma.get(m).name());
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {ma.get(m).value(), mb.get(m).value()});
                metricOf.put(key, ma.get(m));
            }
        }
        out.printf("%nmedians of %d runs (ratio: median of the runs' ratios, which follow)%n", runs);
        Key previous = null;
        for (java.util.Map.Entry<Key, List<double[]>> e : byKey.entrySet()) {
            Key key = e.getKey();
            Metric m = metricOf.get(key);
            List<double[]> values = e.getValue();
            double[] ratios = values.stream().filter(v -> v[1] != 0).mapToDouble(v -> v[0] / v[1]).toArray();
            StringBuilder each = new StringBuilder();
            for (double r : ratios) {
                each.append(each.length() == 0 ? "[" : " ").append(String.format(Locale.ROOT, "%.2f", r));
            }
            boolean info = m.direction() == Direction.INFORMATION || ratios.length == 0;
            boolean first = previous == null || !previous.scenario().equals(key.scenario())
                    || !previous.size().equals(key.size());
            previous = key;
            out.printf(MEDIAN_ROW, first ? key.scenario() : "", first ? key.size() : "", m.name(),
                    format(m, median(values.stream().mapToDouble(v -> v[0]).toArray())),
                    format(m, median(values.stream().mapToDouble(v -> v[1]).toArray())),
                    info ? "" : String.format(Locale.ROOT, "%.2f", median(ratios)), info ? "" : each.append(']'));
        }
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The figures worth comparing for a result, in display order; empty if it failed outright. */
    static List<Metric> metrics(ScenarioResult r) {
        List<Metric> metrics = new ArrayList<>();
        if (r.error() != null && r.published() == null) {
            return metrics;
        }
        Direction higher = Direction.HIGHER_IS_BETTER;
        if (r.run().scenario() == Scenario.KV) {
            metrics.add(new Metric("put/s", r.published().messagesPerSecond(), higher));
            if (r.latency() != null) {
                metrics.add(new Metric("put p50 µs", r.latency().p50() / 1e3, Direction.LOWER_IS_BETTER));
                metrics.add(new Metric("put p99 µs", r.latency().p99() / 1e3, Direction.LOWER_IS_BETTER));
            }
            if (r.delivered() != null) {
                metrics.add(new Metric("get/s", r.delivered().messagesPerSecond(), higher));
            }
            if (r.readLatency() != null) {
                metrics.add(new Metric("get p50 µs", r.readLatency().p50() / 1e3, Direction.LOWER_IS_BETTER));
                metrics.add(new Metric("get p99 µs", r.readLatency().p99() / 1e3, Direction.LOWER_IS_BETTER));
            }
        } else if (r.run().scenario() == Scenario.MIRROR || r.run().scenario() == Scenario.SOURCE) {
            metrics.add(new Metric("copied msgs/s", r.published().messagesPerSecond(), higher));
            metrics.add(new Metric("copied MB/s", r.published().megabytesPerSecond(), higher));
        } else if (r.run().scenario() == Scenario.JSPULL || r.run().scenario() == Scenario.JSPULL_ACKALL) {
            metrics.add(new Metric("acked msgs/s", r.published().messagesPerSecond(), higher));
            metrics.add(new Metric("acked MB/s", r.published().megabytesPerSecond(), higher));
        } else if (r.latency() != null) {
            metrics.add(new Metric("req/s", r.published().messagesPerSecond(), higher));
            metrics.add(new Metric("p50 µs", r.latency().p50() / 1e3, Direction.LOWER_IS_BETTER));
            metrics.add(new Metric("p99 µs", r.latency().p99() / 1e3, Direction.LOWER_IS_BETTER));
            metrics.add(new Metric("p99.9 µs", r.latency().p999() / 1e3, Direction.LOWER_IS_BETTER));
        } else if (r.run().scenario() == Scenario.JSPUB) {
            metrics.add(new Metric("acked msgs/s", r.published().messagesPerSecond(), higher));
            metrics.add(new Metric("acked MB/s", r.published().megabytesPerSecond(), higher));
        } else {
            metrics.add(new Metric("pub msgs/s", r.published().messagesPerSecond(), higher));
            if (r.delivered() == null) {
                metrics.add(new Metric("pub MB/s", r.published().megabytesPerSecond(), higher));
            } else {
                metrics.add(new Metric("sub msgs/s", r.delivered().messagesPerSecond(), higher));
                metrics.add(new Metric("sub MB/s", r.delivered().megabytesPerSecond(), higher));
            }
        }
        if (r.cpu() != null) {
            metrics.add(new Metric("srv cpu%", r.cpu().serverPercent(), Direction.INFORMATION));
            metrics.add(new Metric("drv cpu%", r.cpu().driverPercent(), Direction.INFORMATION));
        }
        return metrics;
    }

    private static String format(Metric m, Double value) {
        if (value == null) {
            return "FAIL";
        }
        if (m.name().endsWith("cpu%")) {
            return percent(value);
        }
        if (m.name().endsWith("µs")) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return m.name().endsWith("MB/s") ? megabytes(value) : rate(value);
    }

    static String ratio(Double target, Double baseline) {
        if (target == null || baseline == null || baseline == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", target / baseline);
    }

    static String size(int bytes) {
        return bytes % 1024 == 0 && bytes > 0 ? bytes / 1024 + "KiB" : bytes + "B";
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String megabytes(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }
}
