package io.halyard.server.monitor;

import io.halyard.core.jetstream.ConsumerSummary;
import io.halyard.core.jetstream.JetStream;
import io.halyard.core.jetstream.Stream;
import io.halyard.log.StoreState;
import io.halyard.server.HalyardServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code /jsz}: JetStream's configuration and totals, and with {@code accounts=1} or
 * {@code streams=1} the one account's streams ({@code config=1} adds each stream's configuration).
 * Field names are nats-server's ({@code JSInfo}). Halyard has no clustering ({@code ha_assets} 0)
 * and one account ({@code $G}). Consumers are read on the JetStream thread ({@link ConsumerSummary});
 * {@code consumers=1} lists each stream's consumers with their pending counts. API request counters
 * are not kept yet and report 0.
 */
final class Jsz {
    private Jsz() {
    }

    static String json(MonitorContext ctx, Map<String, List<String>> query) {
        boolean consumers = Query.flag(query, "consumers");
        boolean streams = Query.flag(query, "streams") || consumers;
        boolean accounts = Query.flag(query, "accounts") || streams;
        boolean config = Query.flag(query, "config");
        JetStream js = ctx.jetStream();
        JsonWriter j = new JsonWriter().beginObject();
        j.field("server_id", ctx.broker.config().serverId);
        j.time("now", ctx.nowEpochNanos());
        if (js == null) {
            j.field("disabled", true);
            j.beginObject("config").field("max_memory", 0).field("max_storage", 0).endObject();
            zeroTotals(j);
            return j.endObject().toString();
        }
        List<ConsumerSummary> all = ConsumerSummary.all(js, 2_000);
        config(j, ctx);
        totals(j, js, true, all.size());
        if (accounts) {
            j.beginArray("account_details");
            j.beginObject();
            j.field("name", JetStream.GLOBAL_ACCOUNT);
            j.field("id", JetStream.GLOBAL_ACCOUNT);
            totals(j, js, false, all.size());
            if (streams) {
                j.beginArray("stream_detail");
                for (Stream s : js.streams()) {
                    stream(j, s, config, consumers, all);
                }
                j.endArray();
            }
            j.endObject();
            j.endArray();
        }
        return j.endObject().toString();
    }

    private static void stream(JsonWriter j, Stream s, boolean withConfig, boolean withConsumers,
                               List<ConsumerSummary> consumers) {
        List<ConsumerSummary> mine = consumers.stream().filter(c -> c.stream().equals(s.name())).toList();
        StoreState st = s.store().state();
        j.beginObject();
        j.field("name", s.name());
        j.time("created", s.createdNanos());
        if (withConfig) {
            j.raw("config", s.config().toJson().toString());
        }
        j.beginObject("state");
        j.field("messages", st.messages());
        j.field("bytes", st.bytes());
        j.field("first_seq", st.firstSequence());
        j.time("first_ts", st.messages() == 0 ? 0 : st.firstTimestampNanos());
        j.field("last_seq", st.lastSequence());
        j.time("last_ts", st.lastTimestampNanos());
        if (st.subjects() > 0) {
            j.field("num_subjects", st.subjects());
        }
        if (st.deleted() > 0) {
            j.field("num_deleted", st.deleted());
        }
        j.field("consumer_count", mine.size());
        j.endObject();
        if (withConsumers && !mine.isEmpty()) {
            j.beginArray("consumer_detail");
            for (ConsumerSummary c : mine) {
                j.beginObject();
                j.field("stream_name", c.stream());
                j.field("name", c.name());
                j.beginObject("delivered").field("stream_seq", c.deliveredStreamSeq()).endObject();
                j.beginObject("ack_floor").field("stream_seq", c.ackFloorStreamSeq()).endObject();
                j.field("num_ack_pending", c.numAckPending());
                j.field("num_redelivered", c.numRedelivered());
                j.field("num_waiting", c.numWaiting());
                j.field("num_pending", c.numPending());
                j.endObject();
            }
            j.endArray();
        }
        j.endObject();
    }

    /** The {@code config} object: limits (nats-server's automatic ones when not set), the store directory and the sync policy. */
    static void config(JsonWriter j, MonitorContext ctx) {
        Path dir = HalyardServer.storeDirectory(ctx.options).resolve("jetstream").toAbsolutePath();
        long maxMemory = HalyardServer.maxMemoryStore(ctx.options);
        long maxStorage = HalyardServer.maxFileStore(ctx.options);
        j.beginObject("config");
        j.field("max_memory", maxMemory);
        j.field("max_storage", maxStorage);
        j.field("store_dir", dir.toString());
        // As nats-server's JetStreamConfig: sync_interval in nanoseconds when set, sync_always when every write is fsynced.
        long sync = ctx.options.syncInterval.toNanos();
        if (sync > 0) {
            j.field("sync_interval", sync);
        } else {
            j.field("sync_always", true);
        }
        j.endObject();
    }

    /** memory, storage, reserved_*, accounts, ha_assets, api, and with {@code counts} streams/consumers/messages/bytes. */
    static void totals(JsonWriter j, JetStream js, boolean counts, int consumers) {
        JetStream.Usage usage = js.usage();
        j.field("memory", usage.memory());
        j.field("storage", usage.storage());
        j.field("reserved_memory", usage.reservedMemory());
        j.field("reserved_storage", usage.reservedStorage());
        j.field("accounts", 1);
        j.field("ha_assets", 0);
        j.beginObject("api").field("total", js.api().totalRequests()).field("errors", js.api().errorResponses()).endObject();
        if (counts) {
            j.field("streams", js.streams().size());
            j.field("consumers", consumers);
            j.field("messages", usage.messages());
            j.field("bytes", usage.memory() + usage.storage());
        }
    }

    private static void zeroTotals(JsonWriter j) {
        j.field("memory", 0).field("storage", 0).field("reserved_memory", 0).field("reserved_storage", 0);
        j.field("accounts", 0).field("ha_assets", 0);
        j.beginObject("api").field("total", 0).field("errors", 0).endObject();
        j.field("streams", 0).field("consumers", 0).field("messages", 0).field("bytes", 0);
    }
}
