package io.halyard.server.monitor;

import io.halyard.core.client.ConnectionSnapshot;
import io.halyard.core.client.Subscription;
import io.halyard.core.jetstream.JetStream;
import io.halyard.core.subject.Match;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /subsz} (also {@code /subscriptionsz}): the subscription count and, with {@code subs=1},
 * the clients' subscriptions ({@code offset}, {@code limit}); {@code test=<subject>} keeps only
 * those a message on that literal subject would reach. nats-server's sublist cache statistics
 * ({@code num_cache}, {@code num_matches}, fan-out) are not kept by Halyard's subject index and are
 * reported as 0. Internal subscriptions (JetStream's) count in {@code num_subscriptions} but are not
 * listed.
 */
final class Subsz {
    private Subsz() {
    }

    static String json(MonitorContext ctx, Map<String, List<String>> query) {
        boolean list = Query.flag(query, "subs");
        String test = Query.string(query, "test", null);
        int offset = Math.max(0, Query.integer(query, "offset", 0));
        int limit = Query.integer(query, "limit", Connz.DEFAULT_LIMIT);
        if (limit <= 0) {
            limit = Connz.DEFAULT_LIMIT;
        }
        if (test != null && !io.halyard.core.subject.Subjects.isValidPublishSubject(test)) {
            throw new Query.BadRequest("invalid test subject, must be valid publish subject: " + test);
        }
        List<ConnectionSnapshot.SubscriptionDetail> subs = new ArrayList<>();
        if (list || test != null) {
            Set<String> reached = test == null ? null : reachedBy(ctx, test);
            for (ConnectionSnapshot c : ctx.openConnections(true)) {
                for (ConnectionSnapshot.SubscriptionDetail s : c.subscriptions()) {
                    if (reached == null || reached.contains(s.cid() + " " + s.sid())) {
                        subs.add(s);
                    }
                }
            }
            subs.sort(Comparator.comparingLong(ConnectionSnapshot.SubscriptionDetail::cid)
                    .thenComparing(ConnectionSnapshot.SubscriptionDetail::subject));
        }
        int total = subs.size();
        List<ConnectionSnapshot.SubscriptionDetail> page = offset >= total ? List.of()
                : subs.subList(offset, Math.min(total, offset + limit));

        JsonWriter j = new JsonWriter().beginObject();
        j.field("server_id", ctx.broker.config().serverId);
        j.time("now", ctx.nowEpochNanos());
        j.field("num_subscriptions", ctx.broker.subscriptionCount());
        j.field("num_cache", 0);
        j.field("num_inserts", 0);
        j.field("num_removes", 0);
        j.field("num_matches", 0);
        j.field("cache_hit_rate", 0.0);
        j.field("max_fanout", 0);
        j.field("avg_fanout", 0.0);
        j.field("total", total);
        j.field("offset", offset);
        j.field("limit", limit);
        if (list || test != null) {
            j.beginArray("subscriptions_list");
            for (ConnectionSnapshot.SubscriptionDetail s : page) {
                subscription(j, s, true);
            }
            j.endArray();
        }
        return j.endObject().toString();
    }

    /** {@code "cid sid"} of every client subscription a message on {@code subject} reaches (any queue member). */
    private static Set<String> reachedBy(MonitorContext ctx, String subject) {
        Match<Subscription> m = ctx.broker.match(subject);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < m.plainCount(); i++) {
            add(keys, m.plain(i));
        }
        for (int g = 0; g < m.groupCount(); g++) {
            for (int i = 0; i < m.groupSize(g); i++) {
                add(keys, m.member(g, i));
            }
        }
        return keys;
    }

    private static void add(Set<String> keys, Subscription s) {
        if (!s.isInternal() && s.owner() != null) {
            keys.add(s.owner().clientId() + " " + s.sid());
        }
    }

    /** One subscription, as nats-server's {@code SubDetail} ({@code account} only in /subsz). */
    static void subscription(JsonWriter j, ConnectionSnapshot.SubscriptionDetail s, boolean withAccount) {
        j.beginObject();
        if (withAccount) {
            j.field("account", JetStream.GLOBAL_ACCOUNT);
        }
        j.field("subject", s.subject());
        j.fieldOmitEmpty("qgroup", s.queue());
        j.field("sid", s.sid());
        j.field("msgs", s.msgs());
        if (s.max() > 0) {
            j.field("max", s.max());
        }
        j.field("cid", s.cid());
        j.endObject();
    }
}
