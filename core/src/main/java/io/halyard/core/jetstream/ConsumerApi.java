package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.util.List;

/**
 * The consumer operations of the API: {@code CONSUMER.CREATE} in its three forms (legacy
 * {@code .<stream>}, named {@code .<stream>.<name>}, named with filter {@code .<stream>.<name>.<filter>}),
 * {@code CONSUMER.DURABLE.CREATE}, {@code INFO}, {@code NAMES}, {@code LIST}, {@code DELETE},
 * {@code PAUSE}, and the pull requests of {@code CONSUMER.MSG.NEXT} — with nats-server's request
 * checks in its order ({@code jsConsumerCreateRequest} in its jetstream_api.go) and the
 * {@code action} create / update semantics.
 *
 * <p>Runs on the JetStream thread only, apart from MSG.NEXT's {@code accepts} test (any thread).
 */
final class ConsumerApi {
    private static final String V1 = "io.nats.jetstream.api.v1.";
    private static final String NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JetStream js;

    private ConsumerApi(JetStream js) {
        this.js = js;
    }

    static void register(JetStreamApi api, JetStream js) {
        ConsumerApi c = new ConsumerApi(js);
        api.register("CONSUMER.CREATE", 1, -1, V1 + "consumer_create_response", c::create);
        api.register("CONSUMER.DURABLE.CREATE", 1, -1, V1 + "consumer_create_response", c::createDurable);
        api.register("CONSUMER.INFO", 2, 2, V1 + "consumer_info_response", c::info);
        api.register("CONSUMER.NAMES", 1, 1, V1 + "consumer_names_response", c::names);
        api.register("CONSUMER.LIST", 1, 1, V1 + "consumer_list_response", c::list);
        api.register("CONSUMER.DELETE", 2, 2, V1 + "consumer_delete_response", c::delete);
        api.register("CONSUMER.PAUSE", 2, 2, V1 + "consumer_pause_response", c::pause);
        api.register("CONSUMER.UNPIN", 2, 2, V1 + "consumer_unpin_response", c::unpin);
        // Like nats-server, where the consumer itself subscribes to its MSG.NEXT subject: a request for
        // a consumer that does not exist gets no responders.
        api.registerRaw("CONSUMER.MSG.NEXT", 2, 2, args -> js.consumers().get(args.get(0), args.get(1)) != null, c::next);
    }

    private void create(ApiRequest request, ObjectNode response) {
        List<String> args = request.args();
        String name = args.size() > 1 ? args.get(1) : "";
        String filter = args.size() > 2 ? request.argsFrom(2) : "";
        createConsumer(request, response, args.size() == 1, false, name, filter);
    }

    private void createDurable(ApiRequest request, ObjectNode response) {
        if (request.args().size() != 2) {
            throw new ApiException(ApiErrors.DURABLE_NAME_NOT_IN_SUBJECT);
        }
        createConsumer(request, response, false, true, request.args().get(1), "");
    }

    private void createConsumer(ApiRequest request, ObjectNode response, boolean legacyEphemeral, boolean legacyDurable,
                                String subjectName, String subjectFilter) {
        ObjectNode body = ApiJson.parseObject(request.body());
        JsonNode configJson = body.get("config");
        if (configJson == null || !configJson.isObject()) {
            throw new ApiException(ApiErrors.CONSUMER_CONFIG_REQUIRED);
        }
        ConsumerConfig config = ConsumerConfig.fromJson((ObjectNode) configJson);
        String action = body.path("action").asText("");
        String stream = request.stream();
        if (!stream.equals(body.path("stream_name").asText(""))) {
            throw new ApiException(ApiErrors.STREAM_NAME_MISMATCH);
        }
        if (legacyEphemeral) {
            subjectName = config.name;
        }
        if (!subjectName.isEmpty() && (subjectName.contains("/") || subjectName.contains("\\"))) {
            throw new ApiException(ApiErrors.CONSUMER_NAME_PATH_SEPARATORS);
        }
        if (legacyDurable) {
            if (config.durable.isEmpty()) {
                throw new ApiException(ApiErrors.DURABLE_NAME_NOT_SET);
            }
            if (!subjectName.equals(config.durable)) {
                throw new ApiException(ApiErrors.DURABLE_NAME_NOT_MATCH_SUBJECT);
            }
            config.name = subjectName;
        } else if (!legacyEphemeral) {
            if (!config.durable.isEmpty() && !subjectName.equals(config.durable)) {
                throw new ApiException(ApiErrors.DURABLE_NAME_NOT_MATCH_SUBJECT);
            }
            config.name = subjectName;
        }
        if (legacyEphemeral && !config.durable.isEmpty()) {
            throw new ApiException(ApiErrors.EPHEMERAL_WITH_DURABLE_NAME);
        }
        if (!subjectFilter.isEmpty() && !config.filterSubjects.isEmpty()) {
            throw new ApiException(ApiErrors.MULTIPLE_FILTERS_NOT_ALLOWED);
        }
        if (!subjectFilter.isEmpty() && !subjectFilter.equals(config.filterSubject)) {
            throw new ApiException(ApiErrors.FILTER_SUBJECT_MISMATCH);
        }
        if (config.replicas > 1) {
            throw new ApiException(ApiErrors.REPLICAS_NOT_SUPPORTED);
        }
        Stream s = js.stream(stream);
        if (s == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        if (!config.name.isEmpty() && !config.durable.isEmpty() && !config.name.equals(config.durable)) {
            throw new ApiException(ApiErrors.DURABLE_AND_NAME_MISMATCH);
        }
        if (config.name.isEmpty()) {
            config.name = config.durable.isEmpty() ? randomName() : config.durable;
        }
        if (config.name.length() > ConsumerConfigRules.MAX_NAME) {
            throw new ApiException(new ApiError(400, 10102, "consumer name is too long, maximum allowed is "
                    + ConsumerConfigRules.MAX_NAME));
        }
        ConsumerConfigRules.applyDefaults(config, s.config());
        ConsumerConfigRules.check(config, s.config());
        Consumers consumers = js.consumers();
        Consumer existing = consumers.get(stream, config.name);
        Consumer result;
        if (existing != null) {
            if (action.equals("create") && !existing.config.sameAs(config)) {
                throw new ApiException(ApiErrors.CONSUMER_ALREADY_EXISTS);
            }
            ConsumerConfigRules.checkUpdate(existing.config, config);
            if (!existing.config.sameAs(config)) {
                consumers.update(s, existing, config);
            }
            result = existing;
        } else {
            if (action.equals("update")) {
                throw new ApiException(ApiErrors.CONSUMER_DOES_NOT_EXIST);
            }
            result = consumers.create(s, config);
        }
        ConsumerInfoJson.write(response, result, js.clock().epochNanos());
    }

    /** nats-server's createConsumerName: eight random letters and digits. */
    private static String randomName() {
        char[] name = new char[8];
        for (int i = 0; i < name.length; i++) {
            name[i] = NAME_CHARS.charAt(RANDOM.nextInt(NAME_CHARS.length()));
        }
        return new String(name);
    }

    private Consumer lookup(ApiRequest request) {
        if (js.stream(request.stream()) == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        Consumer c = js.consumers().get(request.stream(), request.args().get(1));
        if (c == null) {
            throw new ApiException(ApiErrors.CONSUMER_NOT_FOUND);
        }
        return c;
    }

    private void info(ApiRequest request, ObjectNode response) {
        ConsumerInfoJson.write(response, lookup(request), js.clock().epochNanos());
    }

    private List<Consumer> page(ApiRequest request, ObjectNode response, int limit) {
        if (js.stream(request.stream()) == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        ObjectNode body = ApiJson.parseObject(request.body());
        List<Consumer> all = js.consumers().of(request.stream());
        int offset = Math.min(Math.max(0, body.path("offset").asInt(0)), all.size());
        response.put("total", all.size());
        response.put("offset", offset);
        response.put("limit", limit);
        return all.subList(offset, Math.min(all.size(), offset + limit));
    }

    private void names(ApiRequest request, ObjectNode response) {
        List<Consumer> page = page(request, response, StreamApi.NAMES_LIMIT);
        ArrayNode names = response.putArray("consumers");
        page.forEach(c -> names.add(c.name));
    }

    private void list(ApiRequest request, ObjectNode response) {
        List<Consumer> page = page(request, response, StreamApi.LIST_LIMIT);
        ArrayNode infos = response.putArray("consumers");
        long now = js.clock().epochNanos();
        for (Consumer c : page) {
            ConsumerInfoJson.write(infos.addObject(), c, now);
        }
        response.putArray("missing");
    }

    private void delete(ApiRequest request, ObjectNode response) {
        Consumer c = lookup(request);
        js.consumers().delete(c.stream, c.name);
        response.put("success", true);
    }

    private void pause(ApiRequest request, ObjectNode response) {
        Consumer c = lookup(request);
        ObjectNode body = ApiJson.parseObject(request.body());
        String until = body.path("pause_until").asText(null);
        long now = js.clock().epochNanos();
        ConsumerConfig next = c.config.copy();
        next.pauseUntil = until == null || ApiJson.parseTime(until) <= now ? null : until;
        js.consumers().update(js.stream(c.stream), c, next);
        boolean paused = c.paused(now);
        response.put("paused", paused);
        response.put("pause_until", until == null ? ApiJson.ZERO_TIME : until);
        if (paused) {
            response.put("pause_remaining", c.pausedUntilNanos - now);
        }
    }

    /** ADR-42 {@code CONSUMER.UNPIN.<stream>.<consumer>} with {@code {"group":…}}: drops the pin. */
    private void unpin(ApiRequest request, ObjectNode response) {
        Consumer c = lookup(request);
        String group = ApiJson.parseObject(request.body()).path("group").asText("");
        if (group.isEmpty()) {
            throw new ApiException(ApiErrors.invalidJson("consumer group not specified"));
        }
        if (!ConsumerConfigRules.isValidGroupName(group)) {
            throw new ApiException(ApiErrors.INVALID_GROUP_NAME);
        }
        if (!c.config.priorityGroups.contains(group)) {
            throw new ApiException(ApiErrors.INVALID_PRIORITY_GROUP);
        }
        c.unpin(group, js.clock().epochNanos());
    }

    private void next(ApiRequest request) {
        Consumer c = js.consumers().get(request.stream(), request.args().get(1));
        if (c == null) {
            return;
        }
        long now = js.clock().epochNanos();
        PullRequest pull;
        try {
            pull = PullRequest.parse(request.reply(), request.body(), now);
        } catch (ApiException e) {
            js.broker().publish(request.reply(), null, "NATS/1.0 400 Bad Request\r\n\r\n".getBytes(), ConsumerStatus.EMPTY);
            return;
        }
        c.pull(pull, now);
    }
}
