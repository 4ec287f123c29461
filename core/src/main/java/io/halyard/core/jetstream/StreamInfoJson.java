package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.halyard.log.StoreState;
import io.halyard.log.StoredMessage;
import io.halyard.log.StreamStore;
import io.halyard.log.SubjectFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * nats-server's {@code StreamInfo} JSON: {@code config}, {@code created}, {@code state} (with subject
 * details and deleted sequences on request) and {@code ts}.
 *
 * <p>Stateless; thread-safe. {@code deleted_details} walks the stream's messages between first and
 * last sequence (only when some are deleted): its cost grows with the stream.
 */
final class StreamInfoJson {
    /** nats-server's JSMaxSubjectDetails. */
    static final int MAX_SUBJECT_DETAILS = 100_000;

    private StreamInfoJson() {
    }

    /** Adds the StreamInfo fields of {@code stream} to {@code into}. */
    static void write(ObjectNode into, Stream stream, boolean deletedDetails, String subjectsFilter, int offset, long nowNanos) {
        into.set("config", stream.config().toJson());
        into.put("created", ApiJson.time(stream.createdNanos()));
        into.set("state", state(stream.store(), deletedDetails, subjectsFilter, offset, into));
        StreamSources sources = stream.sources();
        if (sources != null && sources.isMirror()) {
            into.set("mirror", sources.mirrorInfoJson());
        } else if (sources != null) {
            into.set("sources", sources.infoJson());
        }
        into.put("ts", ApiJson.time(nowNanos));
    }

    private static ObjectNode state(StreamStore store, boolean deletedDetails, String subjectsFilter, int offset, ObjectNode paged) {
        StoreState s = store.state();
        ObjectNode j = ApiJson.object();
        j.put("messages", s.messages());
        j.put("bytes", s.bytes());
        j.put("first_seq", s.firstSequence());
        j.put("first_ts", ApiJson.time(s.messages() == 0 ? 0 : s.firstTimestampNanos()));
        j.put("last_seq", s.lastSequence());
        j.put("last_ts", ApiJson.time(s.lastTimestampNanos()));
        if (s.subjects() > 0) {
            j.put("num_subjects", s.subjects());
        }
        if (subjectsFilter != null && !subjectsFilter.isEmpty()) {
            Map<String, Long> counts = new TreeMap<>(store.subjectCounts(SubjectFilter.of(subjectsFilter)));
            if (!counts.isEmpty()) {
                paged.put("total", counts.size());
                paged.put("offset", offset);
                paged.put("limit", MAX_SUBJECT_DETAILS);
                ObjectNode subjects = j.putObject("subjects");
                int index = 0;
                for (Map.Entry<String, Long> e : counts.entrySet()) {
                    if (index >= offset && index < offset + MAX_SUBJECT_DETAILS) {
                        subjects.put(e.getKey(), e.getValue());
                    }
                    index++;
                }
            }
        }
        if (s.deleted() > 0) {
            j.put("num_deleted", s.deleted());
            if (deletedDetails) {
                ArrayNode deleted = j.putArray("deleted");
                deletedSequences(store, s).forEach(deleted::add);
            }
        }
        j.put("consumer_count", 0);
        return j;
    }

    /** The sequences between first and last that hold no message. */
    static List<Long> deletedSequences(StreamStore store, StoreState s) {
        List<Long> deleted = new ArrayList<>();
        long expected = s.firstSequence();
        StoredMessage m;
        while (expected <= s.lastSequence() && (m = store.getNext(expected, SubjectFilter.ALL)) != null
                && m.sequence() <= s.lastSequence()) {
            for (long gap = expected; gap < m.sequence(); gap++) {
                deleted.add(gap);
            }
            expected = m.sequence() + 1;
        }
        for (long gap = expected; gap <= s.lastSequence(); gap++) {
            deleted.add(gap);
        }
        return deleted;
    }
}
