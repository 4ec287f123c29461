package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.halyard.log.StoreState;
import io.halyard.log.StoredMessage;
import io.halyard.log.StreamStore;
import io.halyard.log.SubjectFilter;

import java.util.List;

/**
 * Reading and deleting single messages: {@code STREAM.MSG.GET}, {@code STREAM.MSG.DELETE}, and direct
 * get ({@code DIRECT.GET.<stream>} with a JSON body, {@code DIRECT.GET.<stream>.<subject>} for the
 * last message on a subject), with nats-server's request rules, headers and statuses
 * ({@code jsMsgGetRequest}, {@code jsMsgDeleteRequest}, {@code processDirectGetRequest},
 * {@code getDirectRequest}).
 *
 * <p>Direct get answers with the message itself: its stored headers plus {@code Nats-Stream},
 * {@code Nats-Subject}, {@code Nats-Sequence}, {@code Nats-Time-Stamp} (and for batches
 * {@code Nats-Num-Pending}, {@code Nats-Last-Sequence}, ended by a {@code 204 EOB} status), or a
 * status header alone ({@code 404 Message Not Found}, {@code 408 Bad Request}, …). It is taken only for
 * a stream with {@code allow_direct}; otherwise the request gets no-responders, as nats-server only
 * subscribes such streams.
 *
 * <p>{@code STREAM.MSG.GET} and direct get run on the requester's event loop (they read only the
 * stream map and its store, both thread-safe), so a key-value read costs no thread hop; a read of a
 * message still in a write batch waits for its group commit there. Deletes run on the JetStream thread.
 */
final class MessageApi {
    private static final String V1 = "io.nats.jetstream.api.v1.";

    private final JetStream js;

    private MessageApi(JetStream js) {
        this.js = js;
    }

    static void register(JetStreamApi api, JetStream js) {
        MessageApi m = new MessageApi(js);
        api.registerInline("STREAM.MSG.GET", 1, 1, V1 + "stream_msg_get_response", m::get);
        api.register("STREAM.MSG.DELETE", 1, 1, V1 + "stream_msg_delete_response", m::delete);
        api.registerInline("DIRECT.GET", 1, -1, m::directAllowed, m::directGet);
    }

    /** The parsed fields of nats-server's JSApiMsgGetRequest. */
    private record GetRequest(long seq, String lastFor, String nextFor, int batch, int maxBytes, long startTimeNanos,
                              List<String> multiLast, long upToSeq, long upToTimeNanos, boolean noHeaders) {
        static GetRequest parse(ObjectNode j) {
            JsonNode start = j.get("start_time");
            long startNanos = start == null || start.isNull() ? 0 : ApiJson.parseTime(start.asText());
            List<String> multi = new java.util.ArrayList<>();
            JsonNode m = j.get("multi_last");
            if (m != null && !m.isNull()) {
                if (!m.isArray()) {
                    throw new ApiException(ApiErrors.BAD_REQUEST);
                }
                for (JsonNode f : m) {
                    if (!f.isTextual()) {
                        throw new ApiException(ApiErrors.BAD_REQUEST);
                    }
                    multi.add(f.textValue());
                }
            }
            JsonNode upToTime = j.get("up_to_time");
            long upToNanos = upToTime == null || upToTime.isNull() ? 0 : ApiJson.parseTime(upToTime.asText());
            return new GetRequest(StreamApi.unsigned(j, "seq"), StreamApi.textOrNull(j, "last_by_subj"),
                    StreamApi.textOrNull(j, "next_by_subj"), (int) StreamApi.unsigned(j, "batch"),
                    (int) StreamApi.unsigned(j, "max_bytes"), startNanos, List.copyOf(multi),
                    StreamApi.unsigned(j, "up_to_seq"), upToNanos, j.path("no_hdr").asBoolean(false));
        }

        boolean hasMultiLast() {
            return !multiLast.isEmpty();
        }

        boolean hasUpToTime() {
            return upToTimeNanos != 0;
        }

        boolean hasStartTime() {
            return startTimeNanos != 0;
        }
    }

    private void get(ApiRequest request, ObjectNode response) {
        if (ApiJson.isEmpty(request.body())) {
            throw new ApiException(ApiErrors.BAD_REQUEST);
        }
        GetRequest r = GetRequest.parse(ApiJson.parseObject(request.body()));
        if (r.batch > 0 || r.maxBytes > 0
                || (r.seq > 0 && r.lastFor != null)
                || (r.seq == 0 && r.lastFor == null && r.nextFor == null && !r.hasStartTime())
                || (r.seq > 0 && r.hasStartTime())
                || (r.hasStartTime() && r.lastFor != null)
                || (r.lastFor != null && r.nextFor != null)) {
            throw new ApiException(ApiErrors.BAD_REQUEST);
        }
        Stream stream = js.stream(request.stream());
        if (stream == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        StreamStore store = stream.store();
        long seq = r.hasStartTime() ? store.sequenceAtOrAfter(r.startTimeNanos) : r.seq;
        StoredMessage m;
        if (r.lastFor != null) {
            m = store.getLast(SubjectFilter.of(r.lastFor));
        } else if (r.nextFor != null) {
            m = store.getNext(Math.max(seq, 1), SubjectFilter.of(r.nextFor));
        } else {
            m = store.get(seq);
        }
        if (m == null) {
            throw new ApiException(ApiErrors.NO_MESSAGE_FOUND);
        }
        ObjectNode message = response.putObject("message");
        message.put("subject", m.subject());
        message.put("seq", m.sequence());
        if (m.headers().length > 0) {
            message.put("hdrs", m.headers());
        }
        if (m.payload().length > 0) {
            message.put("data", m.payload());
        }
        message.put("time", ApiJson.time(m.timestampNanos()));
    }

    private void delete(ApiRequest request, ObjectNode response) {
        if (ApiJson.isEmpty(request.body())) {
            throw new ApiException(ApiErrors.BAD_REQUEST);
        }
        ObjectNode body = ApiJson.parseObject(request.body());
        long seq = StreamApi.unsigned(body, "seq");
        Stream stream = js.stream(request.stream());
        if (stream == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        if (stream.config().sealed) {
            throw new ApiException(ApiErrors.STREAM_SEALED);
        }
        if (stream.config().denyDelete) {
            throw new ApiException(ApiErrors.msgDeleteFailed("message delete not permitted"));
        }
        // no_erase is accepted: the store never overwrites a deleted record in place anyway; the
        // record's bytes go when its segment is compacted.
        if (!stream.deleteMessage(seq)) {
            throw new ApiException(ApiErrors.sequenceNotFound(seq));
        }
        response.put("success", true);
    }

    // --- direct get -----------------------------------------------------------------------------

    private boolean directAllowed(List<String> args) {
        Stream stream = js.stream(args.get(0));
        return stream != null && stream.config().allowDirect;
    }

    private void directGet(ApiRequest request) {
        Stream stream = js.stream(request.stream());
        if (stream == null) {
            return; // deleted since the request was taken: let it time out, as a vanished responder would
        }
        GetRequest r;
        try {
            r = request.args().size() > 1 ? lastBySubjectRequest(request) : bodyRequest(request);
        } catch (ApiException e) {
            status(request.reply(), e.getMessage());
            return;
        }
        if (r == null) {
            return;
        }
        if (r.hasMultiLast()) {
            answerMultiLast(stream, r, request.reply());
            return;
        }
        answer(stream, r, request.reply());
    }

    /** {@code DIRECT.GET.<stream>}: the JSON body, checked as nats-server's processDirectGetRequest does. */
    private GetRequest bodyRequest(ApiRequest request) {
        if (ApiJson.isEmpty(request.body())) {
            throw new ApiException(new ApiError(408, 0, "408 Empty Request"));
        }
        GetRequest r;
        try {
            r = GetRequest.parse(ApiJson.parseObject(request.body()));
        } catch (ApiException e) {
            throw new ApiException(new ApiError(408, 0, "408 Malformed Request"));
        }
        if (r.seq == 0 && r.lastFor == null && r.nextFor == null && !r.hasMultiLast() && !r.hasStartTime()) {
            throw new ApiException(new ApiError(408, 0, "408 Empty Request"));
        }
        if ((r.seq > 0 && r.lastFor != null) || (r.seq > 0 && r.hasStartTime()) || (r.hasStartTime() && r.lastFor != null)
                || (r.lastFor != null && r.nextFor != null) || (r.lastFor != null && r.batch > 0)
                || (r.lastFor != null && r.hasMultiLast()) || (r.nextFor != null && r.hasMultiLast())
                || (r.upToSeq > 0 && r.hasUpToTime())) {
            throw new ApiException(new ApiError(408, 0, "408 Bad Request"));
        }
        return r;
    }

    /** {@code DIRECT.GET.<stream>.<subject>}: the last message on the subject; a body may only be empty. */
    private GetRequest lastBySubjectRequest(ApiRequest request) {
        GetRequest r = new GetRequest(0, null, null, 0, 0, 0, List.of(), 0, 0, false);
        if (!ApiJson.isEmpty(request.body())) {
            try {
                r = GetRequest.parse(ApiJson.parseObject(request.body()));
            } catch (ApiException e) {
                throw new ApiException(new ApiError(408, 0, "408 Malformed Request"));
            }
            if (r.lastFor != null || r.nextFor != null || r.hasMultiLast() || r.seq != 0 || r.batch != 0
                    || r.hasStartTime() || r.upToSeq != 0 || r.hasUpToTime()) {
                throw new ApiException(new ApiError(408, 0, "408 Bad Request"));
            }
        }
        return new GetRequest(0, request.argsFrom(1), null, 0, r.maxBytes, 0, List.of(), 0, 0, r.noHeaders);
    }

    private void answer(Stream stream, GetRequest r, String reply) {
        StreamStore store = stream.store();
        String name = stream.name();
        long seq = r.hasStartTime() ? store.sequenceAtOrAfter(r.startTimeNanos) : r.seq;
        boolean batchRequest = r.batch > 0;
        int batch = batchRequest ? r.batch : 1;
        SubjectFilter next = r.nextFor == null ? null : SubjectFilter.of(r.nextFor);
        long pending = batchRequest ? numPending(store, seq, next == null ? SubjectFilter.ALL : next) : 0;
        long maxBytes = r.maxBytes > 0 ? r.maxBytes : js.broker().config().maxPendingBytes;
        long sentBytes = 0;
        long lastSent = 0;
        for (int i = 0; i < batch; i++) {
            StoredMessage m;
            if (r.lastFor != null) {
                m = store.getLast(SubjectFilter.of(r.lastFor));
            } else if (next != null || batchRequest) {
                m = store.getNext(Math.max(seq, 1), next == null ? SubjectFilter.ALL : next);
            } else {
                m = store.get(seq);
            }
            if (m == null) {
                if (i > 0) {
                    break;
                }
                status(reply, "404 Message Not Found");
                return;
            }
            seq = m.sequence() + 1;
            byte[] headers = null;
            if (!r.noHeaders) {
                String time = ApiJson.time(m.timestampNanos());
                String sequence = Long.toString(m.sequence());
                if (batchRequest) {
                    pending = Math.max(0, pending - 1);
                    headers = NatsHeaders.append(m.headers(), "Nats-Stream", name, "Nats-Subject", m.subject(),
                            "Nats-Sequence", sequence, "Nats-Time-Stamp", time,
                            "Nats-Num-Pending", Long.toString(pending), "Nats-Last-Sequence", Long.toString(lastSent));
                } else {
                    headers = NatsHeaders.append(m.headers(), "Nats-Stream", name, "Nats-Subject", m.subject(),
                            "Nats-Sequence", sequence, "Nats-Time-Stamp", time);
                }
            }
            lastSent = m.sequence();
            js.broker().publish(reply, null, headers, m.payload());
            sentBytes += m.subject().length() + m.headers().length + m.payload().length;
            if (sentBytes >= maxBytes) {
                break;
            }
        }
        if (batchRequest) {
            js.broker().publish(reply, null, NatsHeaders.withStatus("204 EOB", "Nats-Num-Pending", Long.toString(pending),
                    "Nats-Last-Sequence", Long.toString(lastSent)), new byte[0]);
        }
    }

    /** nats-server's limit on the subjects one multi_last request may return. */
    static final int MAX_MULTI_LAST_RESULTS = 1024;

    /**
     * {@code multi_last} (ADR-31): the last message of every subject matching one of the filters, at
     * or before {@code up_to_seq} (or the last sequence before {@code up_to_time}), in sequence order,
     * skipping those below {@code seq}; each with {@code Nats-Num-Pending} (results still to come) and
     * {@code Nats-Last-Sequence} (the previous one sent), then {@code 204 EOB} with
     * {@code Nats-UpTo-Sequence}. {@code 404 No Results} when nothing matches, {@code 413 Too Many
     * Results} past {@link #MAX_MULTI_LAST_RESULTS} subjects. Bounded by {@code batch} and max bytes.
     */
    private void answerMultiLast(Stream stream, GetRequest r, String reply) {
        StreamStore store = stream.store();
        StoreState state = store.state();
        long upTo = r.upToSeq;
        if (r.hasUpToTime()) {
            long at = store.sequenceAtOrAfter(r.upToTimeNanos);
            if (at <= state.firstSequence()) {
                status(reply, "404 No Results");
                return;
            }
            upTo = at - 1; // the ceiling: the last message stored before that time
        }
        if (upTo == 0 || upTo > state.lastSequence()) {
            upTo = state.lastSequence();
        }
        long[] sequences = multiLastSequences(store, r.multiLast, upTo, state.lastSequence());
        if (sequences == null) {
            status(reply, "413 Too Many Results");
            return;
        }
        if (sequences.length == 0) {
            status(reply, "404 No Results");
            return;
        }
        String name = stream.name();
        long maxBytes = r.maxBytes > 0 ? r.maxBytes : js.broker().config().maxPendingBytes;
        long pending = sequences.length;
        long lastSent = 0;
        long sentBytes = 0;
        int sent = 0;
        for (long seq : sequences) {
            if (pending > 0) {
                pending--;
            }
            if (seq < r.seq) {
                continue;
            }
            StoredMessage m = store.get(seq);
            if (m == null) {
                status(reply, "404 Message Not Found");
                return;
            }
            byte[] headers = NatsHeaders.append(m.headers(), "Nats-Stream", name, "Nats-Subject", m.subject(),
                    "Nats-Sequence", Long.toString(seq), "Nats-Time-Stamp", ApiJson.time(m.timestampNanos()),
                    "Nats-Num-Pending", Long.toString(pending), "Nats-Last-Sequence", Long.toString(lastSent));
            lastSent = seq;
            js.broker().publish(reply, null, headers, m.payload());
            sentBytes += m.subject().length() + m.headers().length + m.payload().length;
            sent++;
            if (sentBytes >= maxBytes || (r.batch > 0 && sent >= r.batch)) {
                break;
            }
        }
        js.broker().publish(reply, null, NatsHeaders.withStatus("204 EOB", "Nats-Num-Pending", Long.toString(pending),
                "Nats-Last-Sequence", Long.toString(lastSent), "Nats-UpTo-Sequence", Long.toString(upTo)), new byte[0]);
    }

    /**
     * The last sequence at or before {@code upTo} of each subject matching one of {@code filters},
     * sorted, without duplicates; null when there are more than {@link #MAX_MULTI_LAST_RESULTS}.
     */
    private static long[] multiLastSequences(StreamStore store, List<String> filters, long upTo, long lastSequence) {
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        for (String f : filters) {
            SubjectFilter filter = SubjectFilter.of(f);
            if (upTo >= lastSequence) {
                for (String subject : store.subjectCounts(filter).keySet()) {
                    io.halyard.log.SubjectState s = store.subjectState(subject);
                    if (s != null && s.lastSequence() > 0) {
                        out.add(s.lastSequence());
                    }
                }
            } else {
                // Up to an earlier sequence: one pass over the filter's messages up to it.
                java.util.Map<String, Long> last = new java.util.HashMap<>();
                StoredMessage m;
                long seq = 1;
                while ((m = store.getNext(seq, filter)) != null && m.sequence() <= upTo) {
                    last.put(m.subject(), m.sequence());
                    seq = m.sequence() + 1;
                }
                out.addAll(last.values());
            }
            if (out.size() > MAX_MULTI_LAST_RESULTS) {
                return null;
            }
        }
        long[] result = new long[out.size()];
        int i = 0;
        for (long seq : out) {
            result[i++] = seq;
        }
        return result;
    }

    /** Messages at or after {@code fromSequence} matching {@code filter}. */
    private static long numPending(StreamStore store, long fromSequence, SubjectFilter filter) {
        StoreState s = store.state();
        if (fromSequence <= s.firstSequence()) {
            if (filter.matchesAll()) {
                return s.messages();
            }
            long total = 0;
            for (long count : store.subjectCounts(filter).values()) {
                total += count;
            }
            return total;
        }
        long count = 0;
        StoredMessage m;
        long seq = fromSequence;
        while ((m = store.getNext(seq, filter)) != null) {
            count++;
            seq = m.sequence() + 1;
        }
        return count;
    }

    private void status(String reply, String status) {
        js.broker().publish(reply, null, NatsHeaders.withStatus(status), new byte[0]);
    }
}
