package io.halyard.server.monitor;

import io.halyard.core.client.ConnectionSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /connz}: connections, with nats-server's query parameters and field names —
 * {@code sort} (cid, start, subs, pending, msgs_to, msgs_from, bytes_to, bytes_from, last, idle,
 * uptime, rtt; stop and reason for closed connections), {@code offset}, {@code limit} (1,024),
 * {@code subs} ({@code 1}/{@code true}: subjects; {@code detail}: each subscription),
 * {@code cid}, {@code state} ({@code open}, {@code closed}, {@code any}/{@code all}).
 */
final class Connz {
    static final int DEFAULT_LIMIT = 1024;

    private Connz() {
    }

    static String json(MonitorContext ctx, Map<String, List<String>> query) {
        String sort = Query.string(query, "sort", "cid").toLowerCase(Locale.ROOT);
        String subsOption = Query.string(query, "subs", "");
        boolean detail = subsOption.equalsIgnoreCase("detail");
        boolean subs = detail || Query.bool(subsOption);
        int offset = Math.max(0, Query.integer(query, "offset", 0));
        int limit = Query.integer(query, "limit", DEFAULT_LIMIT);
        if (limit <= 0) {
            limit = DEFAULT_LIMIT;
        }
        long cid = Query.integer(query, "cid", 0);
        String state = Query.string(query, "state", "open").toLowerCase(Locale.ROOT);
        boolean open;
        boolean closed;
        switch (state) {
            case "open" -> { open = true; closed = false; }
            case "closed" -> { open = false; closed = true; }
            case "any", "all" -> { open = true; closed = true; }
            default -> throw new Query.BadRequest("invalid connection state: " + state);
        }
        Comparator<ConnectionSnapshot> order = order(sort);
        if (!closed && (sort.equals("stop") || sort.equals("reason"))) {
            throw new Query.BadRequest("invalid sorting option: " + sort + " is only valid for closed connections");
        }

        long now = ctx.nowEpochNanos();
        List<ConnectionSnapshot> all = new ArrayList<>();
        if (open) {
            all.addAll(ctx.openConnections(subs));
        }
        if (closed) {
            all.addAll(ctx.broker.closedConnections().list());
        }
        if (cid > 0) {
            all.removeIf(c -> c.cid() != cid);
        }
        all.sort(order.thenComparingLong(ConnectionSnapshot::cid));
        int total = all.size();
        List<ConnectionSnapshot> page = offset >= total ? List.of()
                : all.subList(offset, Math.min(total, offset + limit));

        JsonWriter j = new JsonWriter().beginObject();
        j.field("server_id", ctx.broker.config().serverId);
        j.time("now", now);
        j.field("num_connections", page.size());
        j.field("total", total);
        j.field("offset", offset);
        j.field("limit", limit);
        j.beginArray("connections");
        for (ConnectionSnapshot c : page) {
            connection(j, c, now, subs, detail);
        }
        j.endArray();
        return j.endObject().toString();
    }

    private static void connection(JsonWriter j, ConnectionSnapshot c, long now, boolean subs, boolean detail) {
        boolean isClosed = c.stopEpochNanos() != 0;
        long end = isClosed ? c.stopEpochNanos() : now;
        j.beginObject();
        j.field("cid", c.cid());
        j.field("kind", "Client");
        j.field("type", c.websocket() ? "websocket" : "nats");
        j.fieldOmitEmpty("ip", c.ip());
        j.field("port", c.port());
        j.time("start", c.startEpochNanos());
        j.time("last_activity", c.lastActivityEpochNanos());
        if (isClosed) {
            j.time("stop", c.stopEpochNanos());
            j.field("reason", c.reason());
        }
        // "0s" until the first PING/PONG measured it (nats-server measures it sooner, after the
        // client's first PING, and omits the field before that).
        j.field("rtt", GoDurations.goString(c.rttNanos()));
        j.field("uptime", GoDurations.uptime(end - c.startEpochNanos()));
        j.field("idle", GoDurations.uptime(end - c.lastActivityEpochNanos()));
        j.field("pending_bytes", isClosed ? 0 : c.pendingBytes());
        j.field("in_msgs", c.inMsgs());
        j.field("out_msgs", c.outMsgs());
        j.field("in_bytes", c.inBytes());
        j.field("out_bytes", c.outBytes());
        j.field("subscriptions", c.subscriptionCount());
        j.fieldOmitEmpty("name", c.name());
        j.fieldOmitEmpty("lang", c.lang());
        j.fieldOmitEmpty("version", c.version());
        j.fieldOmitEmpty("authorized_user", c.user());
        if (subs && !c.subscriptions().isEmpty()) {
            if (detail) {
                j.beginArray("subscriptions_list_detail");
                for (ConnectionSnapshot.SubscriptionDetail s : c.subscriptions()) {
                    Subsz.subscription(j, s, false);
                }
            } else {
                j.beginArray("subscriptions_list");
                for (ConnectionSnapshot.SubscriptionDetail s : c.subscriptions()) {
                    j.value(s.subject());
                }
            }
            j.endArray();
        }
        j.endObject();
    }

    /** nats-server's sort orders: cid, start and reason ascending, the others largest first. */
    static Comparator<ConnectionSnapshot> order(String sort) {
        return switch (sort) {
            case "cid" -> Comparator.comparingLong(ConnectionSnapshot::cid);
            case "start" -> Comparator.comparingLong(ConnectionSnapshot::startEpochNanos);
            case "subs" -> Comparator.comparingInt(ConnectionSnapshot::subscriptionCount).reversed();
            case "pending" -> Comparator.comparingLong(ConnectionSnapshot::pendingBytes).reversed();
            case "msgs_to" -> Comparator.comparingLong(ConnectionSnapshot::outMsgs).reversed();
            case "msgs_from" -> Comparator.comparingLong(ConnectionSnapshot::inMsgs).reversed();
            case "bytes_to" -> Comparator.comparingLong(ConnectionSnapshot::outBytes).reversed();
            case "bytes_from" -> Comparator.comparingLong(ConnectionSnapshot::inBytes).reversed();
            // Most recent activity first; idle: longest idle first (earliest activity).
            case "last" -> Comparator.comparingLong(ConnectionSnapshot::lastActivityEpochNanos).reversed();
            case "idle" -> Comparator.comparingLong(ConnectionSnapshot::lastActivityEpochNanos);
            case "uptime" -> Comparator.comparingLong(ConnectionSnapshot::startEpochNanos);
            case "rtt" -> Comparator.comparingLong(ConnectionSnapshot::rttNanos).reversed();
            case "stop" -> Comparator.comparingLong(ConnectionSnapshot::stopEpochNanos).reversed();
            case "reason" -> Comparator.comparing(ConnectionSnapshot::reason, Comparator.nullsFirst(Comparator.naturalOrder()));
            default -> throw new Query.BadRequest("invalid sorting option: " + sort);
        };
    }
}
