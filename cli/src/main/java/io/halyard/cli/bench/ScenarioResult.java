package io.halyard.cli.bench;

/**
 * What one scenario run against one server measured.
 *
 * @param target    the server's label (e.g. {@code halyard}, {@code nats-server})
 * @param published publisher side (for reqrep: completed requests)
 * @param delivered subscriber side, all subscribers together (null when there are none)
 * @param delivery  expected versus received counts (null when there are no subscribers)
 * @param latency   request round trips (null except for reqrep; kv: puts)
 * @param error     why the run failed, or null
 * @param cpu       CPU used by this process and the server during the load phase (null if not measured)
 * @param readLatency kv: get round trips (null otherwise)
 */
record ScenarioResult(String target, ScenarioRun run, Throughput published, Throughput delivered,
                      Delivery delivery, LatencySummary latency, String error, CpuUsage cpu,
                      LatencySummary readLatency) {

    ScenarioResult(String target, ScenarioRun run, Throughput published, Throughput delivered,
                   Delivery delivery, LatencySummary latency, String error, CpuUsage cpu) {
        this(target, run, published, delivered, delivery, latency, error, cpu, null);
    }

    /** A result before its CPU use is attached (see {@link #withCpu}). */
    ScenarioResult(String target, ScenarioRun run, Throughput published, Throughput delivered,
                   Delivery delivery, LatencySummary latency, String error) {
        this(target, run, published, delivered, delivery, latency, error, null);
    }

    ScenarioResult withCpu(CpuUsage usage) {
        return new ScenarioResult(target, run, published, delivered, delivery, latency, error, usage, readLatency);
    }

    /** Messages over elapsed time; MB are 10^6 bytes of payload (protocol overhead excluded). */
    record Throughput(long messages, long nanos, int payloadBytes) {
        double messagesPerSecond() {
            return nanos <= 0 ? 0 : messages * 1e9 / nanos;
        }

        double megabytesPerSecond() {
            return messagesPerSecond() * payloadBytes / 1e6;
        }
    }

    /** Counts for loss and duplicate detection; {@code unexpected} is out-of-range or unreadable sequences. */
    record Delivery(long expected, long received, long missing, long duplicates, long unexpected) {
        boolean complete() {
            return missing == 0 && duplicates == 0 && unexpected == 0;
        }
    }

    /** Round-trip latency percentiles in nanoseconds. */
    record LatencySummary(long count, long p50, long p99, long p999, long max, double mean) {
        static LatencySummary of(LatencyHistogram h) {
            return new LatencySummary(h.count(), h.percentile(50), h.percentile(99), h.percentile(99.9), h.max(),
                    h.mean());
        }
    }

    static ScenarioResult failed(String target, ScenarioRun run, String error) {
        return new ScenarioResult(target, run, null, null, null, null, error);
    }

    boolean ok() {
        return error == null && (delivery == null || delivery.complete());
    }

    /** One line describing the outcome: {@code OK}, or what went wrong. */
    String verdict() {
        if (error != null) {
            return "FAIL: " + error;
        }
        if (delivery != null && !delivery.complete()) {
            return String.format("FAIL: received %d of %d (missing %d, duplicates %d, unexpected %d)",
                    delivery.received(), delivery.expected(), delivery.missing(), delivery.duplicates(),
                    delivery.unexpected());
        }
        return "OK";
    }
}
