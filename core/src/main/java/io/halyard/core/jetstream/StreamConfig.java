package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stream's configuration with the JSON of nats-server's {@code StreamConfig} (field names, units:
 * durations in nanoseconds, {@code -1} for "no limit" once normalised). Read from a request by
 * {@link #fromJson}, checked and normalised by {@link StreamConfigRules}, written by {@link #toJson}.
 *
 * <p>Mutable while being built and checked; a {@link Stream} holds a normalised instance and never
 * changes it (an update replaces it). Not thread-safe while mutable.
 */
public final class StreamConfig {
    public String name = "";
    public String description = "";
    public List<String> subjects = new ArrayList<>();
    /** limits, interest or workqueue. */
    public String retention = "limits";
    public long maxConsumers;
    public long maxMsgs;
    public long maxBytes;
    public long maxAgeNanos;
    public long maxMsgsPerSubject;
    public long maxMsgSize;
    /** old or new. */
    public String discard = "old";
    /** file or memory ("" until normalised: file). */
    public String storage = "file";
    public long replicas;
    public boolean noAck;
    public long duplicateWindowNanos;
    public String compression = "none";
    public long firstSeq;
    public boolean allowDirect;
    public boolean mirrorDirect;
    public boolean discardNewPerSubject;
    public boolean sealed;
    public boolean denyDelete;
    public boolean denyPurge;
    public boolean allowRollup;
    public boolean allowMsgTtl;
    public long subjectDeleteMarkerTtlNanos;
    public Map<String, String> metadata = new LinkedHashMap<>();
    /** {@code subject_transform}: the subject a captured message is stored under, or null. */
    public Transform subjectTransform;
    /** {@code republish}: where stored messages are published again, or null. */
    public RePublish rePublish;
    /** Kept as given ({@code inactive_threshold}, {@code max_ack_pending}) for the consumer work. */
    public ObjectNode consumerLimits = ApiJson.object();

    /** nats-server's {@code sources}: other streams of the server whose messages this one copies. */
    public final List<Source> sources = new ArrayList<>();

    /** nats-server's {@code mirror}: the one stream this one copies, sequence for sequence; or null. */
    public Source mirror;


    /**
     * nats-server's {@code StreamSource}: the stream {@code name}, where to start when nothing was
     * copied from it yet ({@code optStartSeq}, or {@code optStartTime} as given, RFC 3339), and which
     * of its messages to copy under which subjects: a {@code filterSubject}, or {@code transforms}
     * (each a filter and a destination). {@code external} (another domain or account) is kept as
     * given so that the config can be refused with its name.
     */
    public record Source(String name, long optStartSeq, String optStartTime, String filterSubject,
                         List<Transform> transforms, JsonNode external, JsonNode consumer) {
        /**
         * nats-server's index name: the stream, then the filters and the destinations (each joined by
         * a form feed, {@code >} for none): what tells two sources of one stream apart, and what the
         * {@code Nats-Stream-Source} header of a copied message names.
         */
        public String indexName() {
            String filters;
            String destinations;
            if (transforms.isEmpty()) {
                filters = filterSubject.isEmpty() ? ">" : filterSubject;
                destinations = ">";
            } else {
                StringBuilder f = new StringBuilder();
                StringBuilder d = new StringBuilder();
                for (Transform t : transforms) {
                    if (f.length() > 0) {
                        f.append('\f');
                        d.append('\f');
                    }
                    f.append(t.source().isEmpty() ? ">" : t.source());
                    d.append(t.destination().isEmpty() ? ">" : t.destination());
                }
                filters = f.toString();
                destinations = d.toString();
            }
            return name + " " + filters + " " + destinations;
        }

        ObjectNode toJson() {
            ObjectNode j = ApiJson.object();
            j.put("name", name);
            if (optStartSeq != 0) {
                j.put("opt_start_seq", optStartSeq);
            }
            if (optStartTime != null) {
                j.put("opt_start_time", optStartTime);
            }
            if (!filterSubject.isEmpty()) {
                j.put("filter_subject", filterSubject);
            }
            if (!transforms.isEmpty()) {
                ArrayNode a = j.putArray("subject_transforms");
                for (Transform t : transforms) {
                    a.addObject().put("src", t.source()).put("dest", t.destination());
                }
            }
            if (external != null) {
                j.set("external", external.deepCopy());
            }
            if (consumer != null) {
                j.set("consumer", consumer.deepCopy());
            }
            return j;
        }
    }

    /** nats-server's {@code SubjectTransformConfig}: {@code src} (empty: all) to {@code dest}. */
    public record Transform(String source, String destination) {
    }

    /**
     * nats-server's {@code RePublish}: messages stored on subjects matching {@code src} (empty:
     * all) are published again to {@code dest}, a subject transform (see {@link
     * io.halyard.core.subject.SubjectTransform}), with the stream's headers; without the payload
     * when {@code headersOnly}.
     */
    public record RePublish(String source, String destination, boolean headersOnly) {
    }

    /**
     * Reads a request's config. Unknown fields are ignored (as nats-server does); a field of the
     * wrong JSON type or an unknown enum value is invalid JSON (10025), as Go's decoder reports it.
     */
    public static StreamConfig fromJson(ObjectNode json) {
        StreamConfig c = new StreamConfig();
        c.name = text(json, "name", "");
        c.description = text(json, "description", "");
        JsonNode subjects = json.get("subjects");
        if (subjects != null && !subjects.isNull()) {
            if (!subjects.isArray()) {
                throw typeError("subjects", "[]string");
            }
            for (JsonNode s : subjects) {
                if (!s.isTextual()) {
                    throw typeError("subjects", "string");
                }
                c.subjects.add(s.textValue());
            }
        }
        c.retention = oneOf(json, "retention", "limits", "limits", "interest", "workqueue");
        c.maxConsumers = number(json, "max_consumers");
        c.maxMsgs = number(json, "max_msgs");
        c.maxBytes = number(json, "max_bytes");
        c.maxAgeNanos = number(json, "max_age");
        c.maxMsgsPerSubject = number(json, "max_msgs_per_subject");
        c.maxMsgSize = number(json, "max_msg_size");
        c.discard = oneOf(json, "discard", "old", "old", "new");
        c.storage = oneOf(json, "storage", "file", "file", "memory");
        c.replicas = number(json, "num_replicas");
        c.noAck = bool(json, "no_ack");
        c.duplicateWindowNanos = number(json, "duplicate_window");
        c.compression = oneOf(json, "compression", "none", "none", "s2");
        c.firstSeq = number(json, "first_seq");
        c.allowDirect = bool(json, "allow_direct");
        c.mirrorDirect = bool(json, "mirror_direct");
        c.discardNewPerSubject = bool(json, "discard_new_per_subject");
        c.sealed = bool(json, "sealed");
        c.denyDelete = bool(json, "deny_delete");
        c.denyPurge = bool(json, "deny_purge");
        c.allowRollup = bool(json, "allow_rollup_hdrs");
        c.allowMsgTtl = bool(json, "allow_msg_ttl");
        c.subjectDeleteMarkerTtlNanos = number(json, "subject_delete_marker_ttl");
        JsonNode metadata = json.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw typeError("metadata", "map[string]string");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw typeError("metadata", "string");
                }
                c.metadata.put(e.getKey(), e.getValue().textValue());
            }
        }
        JsonNode transform = json.get("subject_transform");
        if (transform != null && !transform.isNull()) {
            if (!transform.isObject()) {
                throw typeError("subject_transform", "server.SubjectTransformConfig");
            }
            ObjectNode t = (ObjectNode) transform;
            c.subjectTransform = new Transform(ConfigFields.text(t, "SubjectTransformConfig", "src", ""),
                    ConfigFields.text(t, "SubjectTransformConfig", "dest", ""));
        }
        JsonNode republish = json.get("republish");
        if (republish != null && !republish.isNull()) {
            if (!republish.isObject()) {
                throw typeError("republish", "server.RePublish");
            }
            ObjectNode r = (ObjectNode) republish;
            c.rePublish = new RePublish(ConfigFields.text(r, "RePublish", "src", ""),
                    ConfigFields.text(r, "RePublish", "dest", ""), ConfigFields.bool(r, "RePublish", "headers_only"));
        }
        JsonNode mirror = json.get("mirror");
        if (mirror != null && !mirror.isNull()) {
            if (!mirror.isObject()) {
                throw typeError("mirror", "server.StreamSource");
            }
            c.mirror = source((ObjectNode) mirror);
        }
        JsonNode sources = json.get("sources");
        if (sources != null && !sources.isNull()) {
            if (!sources.isArray()) {
                throw typeError("sources", "[]*server.StreamSource");
            }
            for (JsonNode s : sources) {
                if (s.isNull()) {
                    c.sources.add(null); // refused by the rules as nats-server does: an invalid name
                    continue;
                }
                if (!s.isObject()) {
                    throw typeError("sources", "server.StreamSource");
                }
                c.sources.add(source((ObjectNode) s));
            }
        }
        JsonNode limits = json.get("consumer_limits");
        if (limits != null && limits.isObject()) {
            c.consumerLimits = ((ObjectNode) limits).deepCopy();
        }
        return c;
    }

    private static Source source(ObjectNode s) {
        String struct = "StreamSource";
        List<Transform> transforms = new ArrayList<>();
        JsonNode ts = s.get("subject_transforms");
        if (ts != null && !ts.isNull()) {
            if (!ts.isArray()) {
                throw ConfigFields.typeError(struct, "subject_transforms", "[]server.SubjectTransformConfig");
            }
            for (JsonNode t : ts) {
                if (!t.isObject()) {
                    throw ConfigFields.typeError(struct, "subject_transforms", "server.SubjectTransformConfig");
                }
                transforms.add(new Transform(ConfigFields.text((ObjectNode) t, "SubjectTransformConfig", "src", ""),
                        ConfigFields.text((ObjectNode) t, "SubjectTransformConfig", "dest", "")));
            }
        }
        JsonNode external = s.get("external");
        JsonNode consumer = s.get("consumer");
        return new Source(ConfigFields.text(s, struct, "name", ""), ConfigFields.number(s, struct, "opt_start_seq"),
                ConfigFields.text(s, struct, "opt_start_time", null), ConfigFields.text(s, struct, "filter_subject", ""),
                List.copyOf(transforms), external == null || external.isNull() ? null : external,
                consumer == null || consumer.isNull() ? null : consumer);
    }

    /** The config as nats-server writes it, in its field order and with its omissions. */
    public ObjectNode toJson() {
        ObjectNode j = ApiJson.object();
        j.put("name", name);
        if (!description.isEmpty()) {
            j.put("description", description);
        }
        if (!subjects.isEmpty()) {
            ArrayNode a = j.putArray("subjects");
            subjects.forEach(a::add);
        }
        j.put("retention", retention);
        j.put("max_consumers", maxConsumers);
        j.put("max_msgs", maxMsgs);
        j.put("max_bytes", maxBytes);
        j.put("max_age", maxAgeNanos);
        j.put("max_msgs_per_subject", maxMsgsPerSubject);
        if (maxMsgSize != 0) {
            j.put("max_msg_size", maxMsgSize);
        }
        j.put("discard", discard);
        j.put("storage", storage);
        j.put("num_replicas", replicas);
        if (noAck) {
            j.put("no_ack", true);
        }
        if (duplicateWindowNanos != 0) {
            j.put("duplicate_window", duplicateWindowNanos);
        }
        if (mirror != null) {
            j.set("mirror", mirror.toJson());
        }
        if (!sources.isEmpty()) {
            ArrayNode a = j.putArray("sources");
            for (Source src : sources) {
                if (src == null) {
                    a.addNull();
                } else {
                    a.add(src.toJson());
                }
            }
        }
        j.put("compression", compression);
        if (firstSeq != 0) {
            j.put("first_seq", firstSeq);
        }
        if (subjectTransform != null) {
            ObjectNode t = j.putObject("subject_transform");
            t.put("src", subjectTransform.source());
            t.put("dest", subjectTransform.destination());
        }
        if (rePublish != null) {
            ObjectNode r = j.putObject("republish");
            if (!rePublish.source().isEmpty()) {
                r.put("src", rePublish.source());
            }
            r.put("dest", rePublish.destination());
            if (rePublish.headersOnly()) {
                r.put("headers_only", true);
            }
        }
        j.put("allow_direct", allowDirect);
        j.put("mirror_direct", mirrorDirect);
        if (discardNewPerSubject) {
            j.put("discard_new_per_subject", true);
        }
        j.put("sealed", sealed);
        j.put("deny_delete", denyDelete);
        j.put("deny_purge", denyPurge);
        j.put("allow_rollup_hdrs", allowRollup);
        j.set("consumer_limits", consumerLimits.deepCopy());
        j.put("allow_msg_ttl", allowMsgTtl);
        if (subjectDeleteMarkerTtlNanos != 0) {
            j.put("subject_delete_marker_ttl", subjectDeleteMarkerTtlNanos);
        }
        if (!metadata.isEmpty()) {
            ObjectNode m = j.putObject("metadata");
            metadata.forEach(m::put);
        }
        return j;
    }

    public StreamConfig copy() {
        return fromJson(toJson());
    }

    /** Same configuration (after normalisation both sides): what makes a repeated create idempotent. */
    public boolean sameAs(StreamConfig other) {
        return toJson().equals(other.toJson());
    }

    public boolean isMemory() {
        return storage.equals("memory");
    }

    private static final String STRUCT = "StreamConfig";

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
