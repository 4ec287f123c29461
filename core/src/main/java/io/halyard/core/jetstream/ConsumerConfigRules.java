package io.halyard.core.jetstream;

import io.halyard.core.subject.Subjects;

import java.util.List;

/**
 * nats-server's consumer rules: the defaults it fills in ({@code setConsumerConfigDefaults}) and the
 * checks it makes ({@code checkConsumerCfg}), in its order and with its error codes; and what an
 * update may change.
 *
 * <p>Stateless; thread-safe.
 */
final class ConsumerConfigRules {
    /** nats-server's defaults: JsAckWaitDefault, JsDefaultMaxAckPending, JSWaitQueueDefaultMax, JsDeleteWaitTimeDefault. */
    static final long DEFAULT_ACK_WAIT_NANOS = 30_000_000_000L;
    static final long DEFAULT_MAX_ACK_PENDING = 1000;
    static final long DEFAULT_MAX_WAITING = 512;
    /** nats-server's JsDefaultPinnedTTL: a pinned client that sends no request for this long loses the pin. */
    static final long DEFAULT_PINNED_TTL_NANOS = 120_000_000_000L;
    static final long DEFAULT_EPHEMERAL_INACTIVE_NANOS = 5_000_000_000L;
    static final int MAX_DESCRIPTION = 4 * 1024;
    static final int MAX_NAME = 255;

    private ConsumerConfigRules() {
    }

    /** Fills nats-server's defaults into {@code c} for a consumer of {@code stream}. */
    static void applyDefaults(ConsumerConfig c, StreamConfig stream) {
        if (c.pinnedTtlNanos < 0) {
            c.pinnedTtlNanos = 0;
        }
        if (c.priorityPolicy.equals("pinned_client") && c.pinnedTtlNanos == 0) {
            c.pinnedTtlNanos = DEFAULT_PINNED_TTL_NANOS;
        }
        if (c.maxDeliver == 0 || c.maxDeliver < -1) {
            c.maxDeliver = -1;
        }
        c.maxWaiting = Math.max(c.maxWaiting, 0);
        if (c.maxAckPending < -1) {
            c.maxAckPending = -1;
        }
        c.maxRequestBatch = Math.max(c.maxRequestBatch, 0);
        c.maxRequestExpiresNanos = Math.max(c.maxRequestExpiresNanos, 0);
        c.maxRequestMaxBytes = Math.max(c.maxRequestMaxBytes, 0);
        c.idleHeartbeatNanos = Math.max(c.idleHeartbeatNanos, 0);
        c.inactiveThresholdNanos = Math.max(c.inactiveThresholdNanos, 0);
        if (c.deliverSubject.isEmpty() && c.maxWaiting == 0) {
            c.maxWaiting = DEFAULT_MAX_WAITING;
        }
        if (c.ackWaitNanos == 0 && !c.ackPolicy.equals("none")) {
            c.ackWaitNanos = DEFAULT_ACK_WAIT_NANOS;
        }
        if (!c.backoffNanos.isEmpty()) {
            c.ackWaitNanos = c.backoffNanos.get(0);
        }
        long limitAckPending = stream.consumerLimits.path("max_ack_pending").asLong(0);
        long limitInactive = stream.consumerLimits.path("inactive_threshold").asLong(0);
        if (c.maxAckPending == 0) {
            c.maxAckPending = limitAckPending;
        }
        if (c.inactiveThresholdNanos == 0) {
            c.inactiveThresholdNanos = limitInactive;
        }
        if (c.maxAckPending == 0 && !c.ackPolicy.equals("none")) {
            c.maxAckPending = DEFAULT_MAX_ACK_PENDING;
        }
        if (!c.isDurable() && c.inactiveThresholdNanos == 0) {
            c.inactiveThresholdNanos = DEFAULT_EPHEMERAL_INACTIVE_NANOS;
        }
    }

    /** The checks of checkConsumerCfg that apply to a single server. */
    static void check(ConsumerConfig c, StreamConfig stream) {
        if (!c.name.isEmpty() && !StreamConfigRules.isValidName(c.name)) {
            throw invalid("consumer name can not contain '.', '*', '>', '\\', '/'");
        }
        if (!c.durable.isEmpty() && !StreamConfigRules.isValidName(c.durable)) {
            throw invalid("consumer durable name can not contain '.', '*', '>', '\\', '/'");
        }
        if (c.replicas > 0 && c.replicas > Math.max(stream.replicas, 1)) {
            throw new ApiException(ApiErrors.CONSUMER_REPLICAS_EXCEED_STREAM);
        }
        if (c.replicas < 0) {
            throw new ApiException(ApiErrors.REPLICAS_NEGATIVE);
        }
        checkPriorityGroups(c);
        if (!c.sampleFrequency.isEmpty()) {
            String percent = c.sampleFrequency.endsWith("%")
                    ? c.sampleFrequency.substring(0, c.sampleFrequency.length() - 1) : c.sampleFrequency;
            try {
                if (Integer.parseInt(percent) < 0) {
                    throw new ApiException(ApiErrors.invalidSampling("<nil>")); // nats-server prints its nil error
                }
            } catch (NumberFormatException e) {
                throw new ApiException(ApiErrors.invalidSampling("strconv.Atoi: parsing \"" + percent + "\": invalid syntax"));
            }
        }
        for (long b : c.backoffNanos) {
            if (b < 0) {
                throw new ApiException(ApiErrors.BACKOFF_NEGATIVE);
            }
        }
        if (c.ackWaitNanos < 0) {
            throw new ApiException(ApiErrors.ACK_WAIT_NEGATIVE);
        }
        if (!c.backoffNanos.isEmpty() && c.maxDeliver != -1 && c.backoffNanos.size() > c.maxDeliver) {
            throw new ApiException(ApiErrors.MAX_DELIVER_BACKOFF);
        }
        if (c.description.length() > MAX_DESCRIPTION) {
            throw new ApiException(ApiErrors.consumerDescriptionTooLong(MAX_DESCRIPTION));
        }
        if (c.isPush()) {
            checkPush(c, stream);
        } else {
            checkPull(c, stream);
        }
        long limitAckPending = stream.consumerLimits.path("max_ack_pending").asLong(0);
        if (limitAckPending > 0 && c.maxAckPending > limitAckPending) {
            throw new ApiException(ApiErrors.maxAckPendingExcess(limitAckPending));
        }
        checkFilters(c, stream);
        checkPolicies(c, stream);
    }

    private static void checkPush(ConsumerConfig c, StreamConfig stream) {
        if (!Subjects.isLiteral(c.deliverSubject)) {
            throw new ApiException(ApiErrors.DELIVER_TO_WILDCARDS);
        }
        if (!Subjects.isValidPublishSubject(c.deliverSubject)) {
            throw new ApiException(ApiErrors.INVALID_DELIVER_SUBJECT);
        }
        for (String s : stream.subjects) {
            if (Subjects.overlaps(s, c.deliverSubject)) {
                throw new ApiException(ApiErrors.DELIVER_CYCLE);
            }
        }
        if (c.maxWaiting != 0) {
            throw new ApiException(ApiErrors.PUSH_MAX_WAITING);
        }
        if (c.maxAckPending > 0 && c.ackPolicy.equals("none")) {
            throw new ApiException(ApiErrors.MAX_PENDING_ACK_POLICY_REQUIRED);
        }
        if (c.idleHeartbeatNanos > 0 && c.idleHeartbeatNanos < 100_000_000L) {
            throw new ApiException(ApiErrors.SMALL_HEARTBEAT);
        }
    }

    /** ADR-42: a policy needs groups (pull consumers only), groups need a policy; names as nats-server allows. */
    private static void checkPriorityGroups(ConsumerConfig c) {
        if (!c.priorityPolicy.equals("none")) {
            if (!c.deliverSubject.isEmpty()) {
                throw new ApiException(ApiErrors.PUSH_WITH_PRIORITY_GROUP);
            }
            if (c.priorityGroups.isEmpty()) {
                throw new ApiException(ApiErrors.PRIORITY_POLICY_WITHOUT_GROUP);
            }
            for (String group : c.priorityGroups) {
                if (group.isEmpty()) {
                    throw new ApiException(ApiErrors.EMPTY_GROUP_NAME);
                }
                if (!isValidGroupName(group)) {
                    throw new ApiException(ApiErrors.INVALID_GROUP_NAME);
                }
            }
        } else {
            if (!c.priorityGroups.isEmpty()) {
                throw new ApiException(ApiErrors.PRIORITY_GROUP_WITH_POLICY_NONE);
            }
            if (c.pinnedTtlNanos > 0) {
                throw new ApiException(ApiErrors.PINNED_TTL_WITHOUT_POLICY);
            }
        }
    }

    /** 1 to 16 of A-Z, a-z, 0-9, {@code / _ = -}. */
    static boolean isValidGroupName(String group) {
        if (group.isEmpty() || group.length() > 16) {
            return false;
        }
        for (int i = 0; i < group.length(); i++) {
            char ch = group.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '/' || ch == '_' || ch == '=' || ch == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void checkPull(ConsumerConfig c, StreamConfig stream) {
        if (c.ackPolicy.equals("none") && stream.retention.equals("workqueue")) {
            throw new ApiException(ApiErrors.PULL_REQUIRES_ACK);
        }
        if (c.rateLimitBps > 0) {
            throw new ApiException(ApiErrors.PULL_WITH_RATE_LIMIT);
        }
        if (c.idleHeartbeatNanos > 0) {
            throw new ApiException(ApiErrors.HEARTBEAT_REQUIRES_PUSH);
        }
        if (c.flowControl) {
            throw new ApiException(ApiErrors.FLOW_CONTROL_REQUIRES_PUSH);
        }
        if (c.maxRequestExpiresNanos != 0 && c.maxRequestExpiresNanos < 1_000_000L) {
            throw new ApiException(ApiErrors.MAX_REQUEST_EXPIRES_TOO_SMALL);
        }
    }

    private static void checkFilters(ConsumerConfig c, StreamConfig stream) {
        if (!c.filterSubject.isEmpty() && !c.filterSubjects.isEmpty()) {
            throw new ApiException(ApiErrors.DUPLICATE_FILTER_SUBJECTS);
        }
        if (!c.filterSubject.isEmpty() && !Subjects.isValidFilter(c.filterSubject)) {
            throw invalid("invalid subject");
        }
        List<String> filters = c.filterSubjects;
        for (int i = 0; i < filters.size(); i++) {
            String f = filters.get(i);
            if (f.isEmpty()) {
                throw new ApiException(ApiErrors.EMPTY_FILTER);
            }
            if (!Subjects.isValidFilter(f)) {
                throw invalid("invalid subject");
            }
            for (int k = 0; k < i; k++) {
                if (Subjects.overlaps(f, filters.get(k))) {
                    throw new ApiException(ApiErrors.OVERLAPPING_FILTERS);
                }
            }
        }
        for (String f : stream.sources.isEmpty() && stream.mirror == null ? c.filters() : List.<String>of()) {
            // A stream with sources or a mirror stores whatever subjects they bring: any filter may select some.
            boolean subset = false;
            for (String s : stream.subjects) {
                if (Subjects.overlaps(f, s)) {
                    subset = true;
                    break;
                }
            }
            StreamConfig.Transform t = stream.subjectTransform;
            if (!subset && t != null && !t.destination().isEmpty() && Subjects.isValidFilter(t.destination())) {
                // Messages are stored under the transform's subjects: a filter may select those.
                subset = Subjects.overlaps(f, t.destination().replaceAll("\\$\\d+|\\{\\{[^}]*}}", "*"));
            }
            if (!subset) {
                throw new ApiException(ApiErrors.FILTER_NOT_SUBSET);
            }
        }
    }

    private static void checkPolicies(ConsumerConfig c, StreamConfig stream) {
        switch (c.deliverPolicy) {
            case "by_start_sequence" -> {
                if (c.optStartSeq == 0) {
                    throw policy("consumer delivery policy is deliver by start sequence, but optional start sequence is not set");
                }
                if (c.optStartTime != null) {
                    throw policy("consumer delivery policy is deliver by start sequence, but optional start time is also set");
                }
            }
            case "by_start_time" -> {
                if (c.optStartTime == null) {
                    throw policy("consumer delivery policy is deliver by start time, but optional start time is not set");
                }
                if (c.optStartSeq != 0) {
                    throw policy("consumer delivery policy is deliver by start time, but optional start sequence is also set");
                }
                ApiJson.parseTime(c.optStartTime);
            }
            default -> {
                if (c.optStartSeq != 0) {
                    throw policy("consumer delivery policy is deliver " + c.deliverPolicy.replace('_', ' ')
                            + ", but optional start sequence is also set");
                }
                if (c.optStartTime != null) {
                    throw policy("consumer delivery policy is deliver " + c.deliverPolicy.replace('_', ' ')
                            + ", but optional start time is also set");
                }
            }
        }
        if (c.flowControl && c.idleHeartbeatNanos == 0) {
            throw new ApiException(ApiErrors.FLOW_CONTROL_NEEDS_HEARTBEATS);
        }
        if (stream.retention.equals("workqueue")) {
            if (!c.ackPolicy.equals("explicit")) {
                throw new ApiException(ApiErrors.WQ_REQUIRES_EXPLICIT_ACK);
            }
            if (!c.deliverPolicy.equals("all")) {
                throw new ApiException(ApiErrors.WQ_NOT_DELIVER_ALL);
            }
        }
    }

    /** What an update may not change (nats-server's checkNewConsumerConfig). */
    static void checkUpdate(ConsumerConfig old, ConsumerConfig next) {
        if (old.sameAs(next)) {
            return;
        }
        if (!old.deliverPolicy.equals(next.deliverPolicy)) {
            throw update("deliver policy can not be updated");
        }
        if (old.optStartSeq != next.optStartSeq) {
            throw update("start sequence can not be updated");
        }
        if (old.optStartTime == null ? next.optStartTime != null : !old.optStartTime.equals(next.optStartTime)) {
            throw update("start time can not be updated");
        }
        if (!old.ackPolicy.equals(next.ackPolicy)) {
            throw update("ack policy can not be updated");
        }
        if (!old.replayPolicy.equals(next.replayPolicy)) {
            throw update("replay policy can not be updated");
        }
        if (old.idleHeartbeatNanos != next.idleHeartbeatNanos) {
            throw update("heart beats can not be updated");
        }
        if (old.flowControl != next.flowControl) {
            throw update("flow control can not be updated");
        }
        if (old.isPush() != next.isPush()) {
            throw update(old.isPush() ? "can not update push consumer to pull based" : "can not update pull consumer to push based");
        }
    }

    private static ApiException update(String err) {
        return new ApiException(ApiErrors.consumerCreate(err));
    }

    private static ApiException policy(String err) {
        return new ApiException(ApiErrors.consumerInvalidPolicy(err));
    }

    private static ApiException invalid(String err) {
        return new ApiException(ApiErrors.invalidConfig(err));
    }
}
