package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.halyard.log.SubjectFilter;

import java.util.List;

/**
 * The account and stream operations of the API: {@code INFO}, {@code STREAM.CREATE / UPDATE / INFO /
 * NAMES / LIST / DELETE / PURGE}, with nats-server's request fields, responses and errors
 * ({@code jsAccountInfoRequest}, {@code jsStreamCreateRequest}, … in its jetstream_api.go).
 *
 * <p>Runs on the JetStream thread only. Stateless apart from the {@link JetStream} it serves.
 */
final class StreamApi {
    private static final String V1 = "io.nats.jetstream.api.v1.";
    /** nats-server's JSApiNamesLimit and JSApiListLimit. */
    static final int NAMES_LIMIT = 1024;
    static final int LIST_LIMIT = 256;

    private final JetStream js;

    private StreamApi(JetStream js) {
        this.js = js;
    }

    static void register(JetStreamApi api, JetStream js) {
        StreamApi s = new StreamApi(js);
        api.register("INFO", 0, 0, V1 + "account_info_response", s::accountInfo);
        api.register("STREAM.CREATE", 1, 1, V1 + "stream_create_response", s::create);
        api.register("STREAM.UPDATE", 1, 1, V1 + "stream_update_response", s::update);
        api.register("STREAM.INFO", 1, 1, V1 + "stream_info_response", s::info);
        api.register("STREAM.NAMES", 0, 0, V1 + "stream_names_response", s::names);
        api.register("STREAM.LIST", 0, 0, V1 + "stream_list_response", s::list);
        api.register("STREAM.DELETE", 1, 1, V1 + "stream_delete_response", s::delete);
        api.register("STREAM.PURGE", 1, 1, V1 + "stream_purge_response", s::purge);
    }

    private void accountInfo(ApiRequest request, ObjectNode response) {
        JetStream.Usage usage = js.usage();
        response.put("memory", usage.memory());
        response.put("storage", usage.storage());
        response.put("reserved_memory", usage.reservedMemory());
        response.put("reserved_storage", usage.reservedStorage());
        response.put("streams", js.streams().size());
        response.put("consumers", js.consumers().count());
        ObjectNode limits = response.putObject("limits");
        limits.put("max_memory", -1).put("max_storage", -1).put("max_streams", -1).put("max_consumers", -1)
                .put("max_ack_pending", -1).put("memory_max_stream_bytes", -1).put("storage_max_stream_bytes", -1)
                .put("max_bytes_required", false);
        response.putObject("api").put("level", JetStreamApi.API_LEVEL)
                .put("total", js.api().totalRequests()).put("errors", js.api().errorResponses());
    }

    private StreamConfig requestConfig(ApiRequest request) {
        StreamConfig config = StreamConfig.fromJson(ApiJson.parseObject(request.body()));
        return config;
    }

    private void create(ApiRequest request, ObjectNode response) {
        StreamConfig config = requestConfig(request);
        String name = request.stream();
        if (!name.equals(config.name)) {
            throw new ApiException(ApiErrors.STREAM_NAME_MISMATCH);
        }
        if (name.contains("/") || name.contains("\\")) {
            throw new ApiException(ApiErrors.STREAM_NAME_PATH_SEPARATORS);
        }
        if (config.sealed) {
            throw new ApiException(ApiErrors.invalidConfig("stream configuration for create can not be sealed"));
        }
        StreamConfigRules.normalize(config);
        Stream stream = js.create(config);
        StreamInfoJson.write(response, stream, false, null, 0, js.clock().epochNanos());
        consumerCount(response, stream);
        response.put("did_create", true);
    }

    private void update(ApiRequest request, ObjectNode response) {
        StreamConfig config = requestConfig(request);
        StreamConfigRules.normalize(config);
        if (!request.stream().equals(config.name)) {
            throw new ApiException(ApiErrors.STREAM_NAME_MISMATCH);
        }
        Stream stream = js.update(config);
        StreamInfoJson.write(response, stream, false, null, 0, js.clock().epochNanos());
        consumerCount(response, stream);
    }

    private void info(ApiRequest request, ObjectNode response) {
        boolean details = false;
        String subjects = null;
        int offset = 0;
        if (!ApiJson.isEmpty(request.body())) {
            ObjectNode body = ApiJson.parseObject(request.body());
            details = body.path("deleted_details").asBoolean(false);
            subjects = textOrNull(body, "subjects_filter");
            offset = Math.max(0, body.path("offset").asInt(0));
        }
        Stream stream = existing(request.stream());
        StreamInfoJson.write(response, stream, details, subjects, offset, js.clock().epochNanos());
        consumerCount(response, stream);
    }

    private void names(ApiRequest request, ObjectNode response) {
        PagedFilter p = pagedFilter(request);
        List<Stream> streams = p.subject == null ? js.streams() : js.streams(p.subject);
        int offset = Math.min(p.offset, streams.size());
        response.put("total", streams.size());
        response.put("offset", offset);
        response.put("limit", NAMES_LIMIT);
        ArrayNode names = response.putArray("streams");
        for (Stream s : streams.subList(offset, Math.min(streams.size(), offset + NAMES_LIMIT))) {
            names.add(s.name());
        }
    }

    private void list(ApiRequest request, ObjectNode response) {
        PagedFilter p = pagedFilter(request);
        List<Stream> streams = p.subject == null ? js.streams() : js.streams(p.subject);
        int offset = Math.min(p.offset, streams.size());
        response.put("total", streams.size());
        response.put("offset", offset);
        response.put("limit", LIST_LIMIT);
        ArrayNode infos = response.putArray("streams");
        long now = js.clock().epochNanos();
        for (Stream s : streams.subList(offset, Math.min(streams.size(), offset + LIST_LIMIT))) {
            ObjectNode info = infos.addObject();
            StreamInfoJson.write(info, s, false, null, 0, now);
            consumerCount(info, s);
        }
    }

    private void delete(ApiRequest request, ObjectNode response) {
        if (!ApiJson.isEmptyRequest(request.body())) {
            throw new ApiException(ApiErrors.NOT_EMPTY_REQUEST);
        }
        if (!js.delete(request.stream())) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        response.put("success", true);
    }

    private void purge(ApiRequest request, ObjectNode response) {
        String filter = null;
        long seq = 0;
        long keep = 0;
        if (!ApiJson.isEmpty(request.body())) {
            ObjectNode body = ApiJson.parseObject(request.body());
            filter = textOrNull(body, "filter");
            seq = unsigned(body, "seq");
            keep = unsigned(body, "keep");
            if (seq > 0 && keep > 0) {
                throw new ApiException(ApiErrors.BAD_REQUEST);
            }
        }
        Stream stream = existing(request.stream());
        if (stream.config().sealed) {
            throw new ApiException(ApiErrors.STREAM_SEALED);
        }
        if (stream.config().denyPurge) {
            throw new ApiException(ApiErrors.purgeFailed("stream purge not permitted"));
        }
        if (filter != null && !io.halyard.core.subject.Subjects.isValidFilter(filter)) {
            throw new ApiException(ApiErrors.streamGeneral("invalid subject"));
        }
        long purged = stream.purge(filter == null ? null : SubjectFilter.of(filter), seq, keep);
        response.put("success", true);
        response.put("purged", purged);
    }

    private Stream existing(String name) {
        Stream stream = js.stream(name);
        if (stream == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        return stream;
    }

    private record PagedFilter(int offset, String subject) {
    }

    private static PagedFilter pagedFilter(ApiRequest request) {
        if (ApiJson.isEmpty(request.body())) {
            return new PagedFilter(0, null);
        }
        ObjectNode body = ApiJson.parseObject(request.body());
        return new PagedFilter(Math.max(0, body.path("offset").asInt(0)), textOrNull(body, "subject"));
    }

    static String textOrNull(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException(ApiErrors.invalidJson("json: cannot unmarshal " + v.getNodeType().name().toLowerCase()
                    + " into Go struct field ." + field + " of type string"));
        }
        return v.textValue().isEmpty() ? null : v.textValue();
    }

    /** An unsigned integer field (0 when absent); another type is invalid JSON, as Go's decoder says. */
    static long unsigned(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.longValue() < 0) {
            throw new ApiException(ApiErrors.invalidJson("json: cannot unmarshal " + v.getNodeType().name().toLowerCase()
                    + " into Go struct field ." + field + " of type uint64"));
        }
        return v.longValue();
    }

    /** The state's consumer_count, which the stream itself does not know. */
    private void consumerCount(ObjectNode info, Stream stream) {
        JsonNode state = info.get("state");
        if (state instanceof ObjectNode o) {
            o.put("consumer_count", js.consumers().count(stream.name()));
        }
    }
}
