package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consumer's configuration as nats-server's {@code ConsumerConfig} JSON carries it
 * ({@code consumer_configuration.json} in jsm.go's schemas): parsed from a create request, completed
 * with nats-server's defaults by {@link ConsumerConfigRules}, written back in info responses.
 * Durations are nanoseconds.
 *
 * <p>A plain mutable value: built and normalised on the JetStream thread, then never changed (an
 * update replaces the consumer's instance).
 */
public final class ConsumerConfig {
    public String name = "";
    public String durable = "";
    public String description = "";
    public String deliverPolicy = "all";
    public long optStartSeq;
    public String optStartTime;
    public String ackPolicy = "none";
    public long ackWaitNanos;
    public long maxDeliver;
    public List<Long> backoffNanos = new ArrayList<>();
    public String filterSubject = "";
    public List<String> filterSubjects = new ArrayList<>();
    public String replayPolicy = "instant";
    public long rateLimitBps;
    public String sampleFrequency = "";
    public long maxWaiting;
    public long maxAckPending;
    public boolean flowControl;
    public long idleHeartbeatNanos;
    public boolean headersOnly;
    public long maxRequestBatch;
    public long maxRequestExpiresNanos;
    public long maxRequestMaxBytes;
    public String deliverSubject = "";
    public String deliverGroup = "";
    public long inactiveThresholdNanos;
    public long replicas;
    public boolean memStorage;
    public String pauseUntil;
    public Map<String, String> metadata = new LinkedHashMap<>();
    /** ADR-42 priority groups: the group names, the policy and the pinned client's timeout. */
    public List<String> priorityGroups = new ArrayList<>();
    public String priorityPolicy = "none";
    public long pinnedTtlNanos;

    /** Parses the {@code config} object of a create request; type errors are invalid JSON (10025). */
    public static ConsumerConfig fromJson(ObjectNode j) {
        ConsumerConfig c = new ConsumerConfig();
        c.name = text(j, "name", "");
        c.durable = text(j, "durable_name", "");
        c.description = text(j, "description", "");
        c.deliverPolicy = oneOf(j, "deliver_policy", "all", "all", "last", "new", "by_start_sequence", "by_start_time",
                "last_per_subject");
        c.optStartSeq = number(j, "opt_start_seq");
        c.optStartTime = text(j, "opt_start_time", null);
        c.ackPolicy = oneOf(j, "ack_policy", "none", "none", "all", "explicit");
        c.ackWaitNanos = number(j, "ack_wait");
        c.maxDeliver = number(j, "max_deliver");
        JsonNode backoff = j.get("backoff");
        if (backoff != null && backoff.isArray()) {
            for (JsonNode b : backoff) {
                if (!b.isIntegralNumber()) {
                    throw typeError("backoff", "[]time.Duration");
                }
                c.backoffNanos.add(b.longValue());
            }
        }
        c.filterSubject = text(j, "filter_subject", "");
        JsonNode filters = j.get("filter_subjects");
        if (filters != null && filters.isArray()) {
            for (JsonNode f : filters) {
                c.filterSubjects.add(f.asText());
            }
        }
        c.replayPolicy = oneOf(j, "replay_policy", "instant", "instant", "original");
        c.rateLimitBps = number(j, "rate_limit_bps");
        c.sampleFrequency = text(j, "sample_freq", "");
        c.maxWaiting = number(j, "max_waiting");
        c.maxAckPending = number(j, "max_ack_pending");
        c.flowControl = bool(j, "flow_control");
        c.idleHeartbeatNanos = number(j, "idle_heartbeat");
        c.headersOnly = bool(j, "headers_only");
        c.maxRequestBatch = number(j, "max_batch");
        c.maxRequestExpiresNanos = number(j, "max_expires");
        c.maxRequestMaxBytes = number(j, "max_bytes");
        c.deliverSubject = text(j, "deliver_subject", "");
        c.deliverGroup = text(j, "deliver_group", "");
        c.inactiveThresholdNanos = number(j, "inactive_threshold");
        c.replicas = number(j, "num_replicas");
        c.memStorage = bool(j, "mem_storage");
        c.pauseUntil = text(j, "pause_until", null);
        JsonNode groups = j.get("priority_groups");
        if (groups != null && groups.isArray()) {
            for (JsonNode g : groups) {
                c.priorityGroups.add(g.asText());
            }
        }
        c.priorityPolicy = oneOf(j, "priority_policy", "none", "none", "overflow", "pinned_client", "prioritized");
        c.pinnedTtlNanos = number(j, "priority_timeout");
        JsonNode metadata = j.get("metadata");
        if (metadata != null && metadata.isObject()) {
            metadata.fields().forEachRemaining(e -> c.metadata.put(e.getKey(), e.getValue().asText()));
        }
        return c;
    }

    public ObjectNode toJson() {
        ObjectNode j = ApiJson.object();
        if (!name.isEmpty()) {
            j.put("name", name);
        }
        if (!durable.isEmpty()) {
            j.put("durable_name", durable);
        }
        if (!description.isEmpty()) {
            j.put("description", description);
        }
        if (!deliverSubject.isEmpty()) {
            j.put("deliver_subject", deliverSubject);
        }
        if (!deliverGroup.isEmpty()) {
            j.put("deliver_group", deliverGroup);
        }
        j.put("deliver_policy", deliverPolicy);
        if (optStartSeq > 0) {
            j.put("opt_start_seq", optStartSeq);
        }
        if (optStartTime != null) {
            j.put("opt_start_time", optStartTime);
        }
        j.put("ack_policy", ackPolicy);
        if (ackWaitNanos > 0) {
            j.put("ack_wait", ackWaitNanos);
        }
        j.put("max_deliver", maxDeliver);
        if (!backoffNanos.isEmpty()) {
            ArrayNode b = j.putArray("backoff");
            backoffNanos.forEach(b::add);
        }
        if (!filterSubject.isEmpty()) {
            j.put("filter_subject", filterSubject);
        }
        if (!filterSubjects.isEmpty()) {
            ArrayNode f = j.putArray("filter_subjects");
            filterSubjects.forEach(f::add);
        }
        j.put("replay_policy", replayPolicy);
        if (rateLimitBps > 0) {
            j.put("rate_limit_bps", rateLimitBps);
        }
        if (!sampleFrequency.isEmpty()) {
            j.put("sample_freq", sampleFrequency);
        }
        if (maxWaiting > 0) {
            j.put("max_waiting", maxWaiting);
        }
        if (maxAckPending != 0) {
            j.put("max_ack_pending", maxAckPending);
        }
        if (flowControl) {
            j.put("flow_control", true);
        }
        if (idleHeartbeatNanos > 0) {
            j.put("idle_heartbeat", idleHeartbeatNanos);
        }
        if (headersOnly) {
            j.put("headers_only", true);
        }
        if (maxRequestBatch > 0) {
            j.put("max_batch", maxRequestBatch);
        }
        if (!priorityGroups.isEmpty()) {
            ArrayNode g = j.putArray("priority_groups");
            priorityGroups.forEach(g::add);
        }
        if (!priorityPolicy.equals("none")) {
            j.put("priority_policy", priorityPolicy);
        }
        if (pinnedTtlNanos > 0) {
            j.put("priority_timeout", pinnedTtlNanos);
        }
        if (maxRequestExpiresNanos > 0) {
            j.put("max_expires", maxRequestExpiresNanos);
        }
        if (maxRequestMaxBytes > 0) {
            j.put("max_bytes", maxRequestMaxBytes);
        }
        if (inactiveThresholdNanos > 0) {
            j.put("inactive_threshold", inactiveThresholdNanos);
        }
        j.put("num_replicas", replicas);
        if (memStorage) {
            j.put("mem_storage", true);
        }
        if (pauseUntil != null) {
            j.put("pause_until", pauseUntil);
        }
        if (!metadata.isEmpty()) {
            ObjectNode m = j.putObject("metadata");
            metadata.forEach(m::put);
        }
        return j;
    }

    public boolean isPush() {
        return !deliverSubject.isEmpty();
    }

    public boolean isDurable() {
        return !durable.isEmpty();
    }

    /** The effective filters: filter_subjects, or filter_subject, or none (everything). */
    public List<String> filters() {
        if (!filterSubjects.isEmpty()) {
            return filterSubjects;
        }
        return filterSubject.isEmpty() ? List.of() : List.of(filterSubject);
    }

    public ConsumerConfig copy() {
        return fromJson(toJson());
    }

    /** Same configuration, by its JSON (what a repeated create compares). */
    public boolean sameAs(ConsumerConfig other) {
        return toJson().equals(other.toJson());
    }

    private static final String STRUCT = "ConsumerConfig";

    private static ApiException typeError(String field, String type) {
        return ConfigFields.typeError(STRUCT, field, type);
    }

    private static String text(ObjectNode json, String field, String absent) {
        return ConfigFields.text(json, STRUCT, field, absent);
    }

    private static long number(ObjectNode json, String field) {
        return ConfigFields.number(json, STRUCT, field);
    }

    private static boolean bool(ObjectNode json, String field) {
        return ConfigFields.bool(json, STRUCT, field);
    }

    private static String oneOf(ObjectNode json, String field, String absent, String... allowed) {
        return ConfigFields.oneOf(json, STRUCT, field, absent, allowed);
    }
}
