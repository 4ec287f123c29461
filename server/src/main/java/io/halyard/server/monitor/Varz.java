package io.halyard.server.monitor;

import io.halyard.core.Broker;
import io.halyard.core.BrokerConfig;
import io.halyard.core.BrokerStats;
import io.halyard.core.jetstream.JetStream;
import io.halyard.server.config.ServerOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;

/**
 * {@code /varz}: the server's identity, settings and counters, with nats-server's field names
 * (its {@code Varz} struct; checked against a real nats-server by {@code MonitoringConformanceTest}).
 * Fields Halyard has no equivalent for (routes, gateways, leaf nodes) are present with their empty
 * values, as from a nats-server without them.
 */
final class Varz {
    private Varz() {
    }

    static String json(MonitorContext ctx, Map<String, Long> requestStats) {
        Broker broker = ctx.broker;
        BrokerConfig config = broker.config();
        ServerOptions o = ctx.options;
        BrokerStats.Snapshot stats = broker.stats().snapshot(broker.clients());
        long now = ctx.nowEpochNanos();
        JsonWriter j = new JsonWriter().beginObject();
        j.field("server_id", config.serverId);
        j.field("server_name", config.serverName);
        j.field("version", Broker.NATS_COMPATIBLE_VERSION);
        j.field("halyard_version", Broker.HALYARD_VERSION);
        j.field("proto", 1);
        j.field("go", "halyard");
        j.field("host", o.host);
        j.field("port", config.port);
        if (config.authenticator.required()) {
            j.field("auth_required", true);
        }
        if (config.tlsRequired) {
            j.field("tls_required", true);
        }
        if (config.tlsVerify) {
            j.field("tls_verify", true);
        }
        j.field("max_connections", config.maxConnections);
        if (config.maxSubscriptions > 0) {
            j.field("max_subscriptions", config.maxSubscriptions);
        }
        j.field("ping_interval", config.pingIntervalNanos);
        j.field("ping_max", config.pingMax);
        j.field("http_host", ctx.httpHost);
        j.field("http_port", ctx.httpPort);
        j.field("http_base_path", "");
        j.field("https_port", 0);
        j.field("auth_timeout", config.authTimeoutNanos / 1e9);
        j.field("max_control_line", config.maxControlLine);
        j.field("max_payload", config.maxPayload);
        j.field("max_pending", config.maxPendingBytes);
        j.beginObject("cluster").endObject();
        j.beginObject("gateway").endObject();
        j.beginObject("leaf").endObject();
        j.beginObject("mqtt").endObject();
        j.beginObject("websocket");
        if (o.webSocket != null && o.webSocket.port != 0) {
            j.field("host", o.webSocket.host == null ? "0.0.0.0" : o.webSocket.host);
            j.field("port", o.webSocket.port);
            if (o.webSocket.noTls) {
                j.field("no_tls", true);
            }
            if (o.webSocket.compression) {
                j.field("compression", true);
            }
        }
        j.endObject();
        JetStream js = ctx.jetStream();
        if (js != null) {
            j.beginObject("jetstream");
            Jsz.config(j, ctx);
            j.beginObject("stats");
            Jsz.totals(j, js, false, 0);
            j.endObject();
            j.endObject();
        } else {
            j.beginObject("jetstream").endObject();
        }
        j.field("tls_timeout", o.tls == null ? 2.0 : o.tls.timeout.toMillis() / 1e3);
        j.field("write_deadline", o.writeDeadline.toNanos());
        j.time("start", broker.startEpochNanos());
        j.time("now", now);
        j.field("uptime", GoDurations.uptime(now - broker.startEpochNanos()));
        Runtime rt = Runtime.getRuntime();
        j.field("mem", rt.totalMemory() - rt.freeMemory());
        j.field("cores", rt.availableProcessors());
        j.field("gomaxprocs", rt.availableProcessors());
        j.field("cpu", cpuPercent());
        j.field("connections", broker.clientCount());
        j.field("total_connections", stats.connectionsAccepted());
        j.field("routes", 0);
        j.field("remotes", 0);
        j.field("leafnodes", 0);
        j.field("in_msgs", stats.messagesIn());
        j.field("out_msgs", stats.messagesOut());
        j.field("in_bytes", stats.bytesIn());
        j.field("out_bytes", stats.bytesOut());
        j.field("slow_consumers", stats.slowConsumers());
        j.field("subscriptions", broker.subscriptionCount());
        j.beginObject("http_req_stats");
        synchronized (requestStats) {
            requestStats.forEach(j::field);
        }
        j.endObject();
        j.time("config_load_time", broker.startEpochNanos());
        j.beginObject("slow_consumer_stats");
        j.field("clients", stats.slowConsumers());
        j.field("routes", 0);
        j.field("gateways", 0);
        j.field("leafs", 0);
        j.endObject();
        return j.endObject().toString();
    }

    /** The process's recent CPU use in percent of one core, as nats-server reports {@code cpu}. */
    private static double cpuPercent() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double load = sun.getProcessCpuLoad();
            if (load >= 0) {
                return Math.round(load * os.getAvailableProcessors() * 1000) / 10.0;
            }
        }
        return 0;
    }
}
