package io.halyard.cli.server;

import io.halyard.cli.format.Durations;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a health check, with the Nagios plugin conventions monitoring systems expect: a status
 * (OK, WARNING, CRITICAL, UNKNOWN — also the exit code, 0 to 3), what was found, and the measurements.
 * The worst finding sets the status.
 *
 * <p>Text: {@code OK connection: connected in 2.1ms; rtt 180µs; request 410µs}. JSON:
 * {@code {check, status, messages: […], metrics: {name: value}}}, durations in seconds.
 *
 * <p>Not thread-safe.
 */
final class CheckResult {

    enum Status { OK, WARNING, CRITICAL, UNKNOWN }

    private final String check;
    private Status status = Status.OK;
    private final List<String> messages = new ArrayList<>();
    private final Map<String, Object> metrics = new LinkedHashMap<>();

    CheckResult(String check) {
        this.check = check;
    }

    void ok(String message) {
        messages.add(message);
    }

    void warning(String message) {
        raise(Status.WARNING, message);
    }

    void critical(String message) {
        raise(Status.CRITICAL, message);
    }

    private void raise(Status to, String message) {
        if (to.ordinal() > status.ordinal()) {
            status = to;
        }
        messages.add(message);
    }

    void metric(String name, Object value) {
        metrics.put(name, value instanceof Duration d ? d.toNanos() / 1e9 : value);
    }

    /** Judges a duration against warning and critical thresholds (a zero threshold is off). */
    void judge(String what, Duration measured, Duration warn, Duration critical, String text) {
        if (!critical.isZero() && measured.compareTo(critical) >= 0) {
            critical(text + " (critical: " + what + " over " + Durations.format(critical) + ")");
        } else if (!warn.isZero() && measured.compareTo(warn) >= 0) {
            warning(text + " (warning: " + what + " over " + Durations.format(warn) + ")");
        } else {
            ok(text);
        }
    }

    Status status() {
        return status;
    }

    /** Prints the result and returns the exit code. */
    int report(OutputOptions output) {
        if (output.json()) {
            output.printJson(Json.object().put("check", check).put("status", status.name()).put("messages", messages)
                    .put("metrics", metrics).build());
        } else {
            output.println(status + " " + check + ": " + String.join("; ", messages));
        }
        return status.ordinal();
    }
}
