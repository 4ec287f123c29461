package io.halyard.server.monitor;

import io.halyard.core.jetstream.JetStream;

import java.util.List;
import java.util.Map;

/**
 * {@code /healthz}: {@code {"status":"ok","status_code":200}}, or HTTP 503 with
 * {@code {"status":"unavailable","status_code":503,"error":"..."}} when the server is not healthy.
 * Unhealthy means: shutting down or in lame-duck mode (so a Kubernetes readiness probe takes the pod
 * out of service while it drains — a Halyard choice); with {@code js-enabled-only=true}, JetStream
 * switched off; JetStream on but not running, or still reopening its streams and consumers after a
 * start (it recovers in the background while core NATS is served, see {@code JetStream}; nats-server
 * does not serve clients until then, and reports streams not yet recovered as unavailable).
 * {@code js-server-only=true} is accepted; Halyard has no per-stream checks yet, so it changes nothing.
 */
final class Healthz {
    /** The status and the JSON body. */
    record Result(int status, String json) {
    }

    private Healthz() {
    }

    static Result check(MonitorContext ctx, Map<String, List<String>> query) {
        boolean jsEnabledOnly = Query.flag(query, "js-enabled-only") || Query.flag(query, "js-enabled");
        if (ctx.stopping()) {
            return unavailable(ctx.broker.inLameDuckMode() ? "server is in lame duck mode" : "server is shutting down");
        }
        JetStream js = ctx.jetStream();
        if (!ctx.options.jetStream) {
            return jsEnabledOnly ? unavailable("JetStream not enabled") : ok();
        }
        if (js == null) {
            return unavailable("JetStream has not started");
        }
        if (!js.isRecovered()) {
            return unavailable("JetStream is recovering its streams and consumers");
        }
        if (js.recoveryFailure() != null) {
            return unavailable("JetStream recovery failed: " + js.recoveryFailure().getMessage());
        }
        // js-server-only skips nats-server's per-stream and per-consumer checks; Halyard has no such
        // checks yet (a stream's store that failed is not visible here), so both answer alike.
        return ok();
    }

    private static Result ok() {
        return new Result(200, new JsonWriter().beginObject().field("status", "ok").field("status_code", 200)
                .endObject().toString());
    }

    private static Result unavailable(String error) {
        return new Result(503, new JsonWriter().beginObject().field("status", "unavailable")
                .field("status_code", 503).field("error", error).endObject().toString());
    }
}
