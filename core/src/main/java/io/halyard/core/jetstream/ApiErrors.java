package io.halyard.core.jetstream;

/**
 * The catalog of every JetStream API error Halyard sends: codes, {@code err_code}s and descriptions
 * as nats-server's {@code server/errors.json} defines them (clients match {@code err_code}; some
 * tools match the text). A description with a placeholder there ({@code {err}}, {@code {seq}},
 * {@code {id}}) is a method taking the value here.
 *
 * <p>Stateless; thread-safe.
 */
public final class ApiErrors {
    private ApiErrors() {
    }

    // --- requests -------------------------------------------------------------------------------
    /** JSBadRequestErr. */
    public static final ApiError BAD_REQUEST = new ApiError(400, 10003, "bad request");

    /** JSInvalidJSONErr: {@code invalid JSON: {err}}. */
    public static ApiError invalidJson(String err) {
        return new ApiError(400, 10025, "invalid JSON: " + err);
    }

    /** JSNotEmptyRequestErr. */
    public static final ApiError NOT_EMPTY_REQUEST = new ApiError(400, 10038, "expected an empty request payload");

    /** JSNotEnabledErr. */
    public static final ApiError NOT_ENABLED = new ApiError(503, 10076, "JetStream not enabled");
    /** JSClusterNotAvailErr: what a request gets when it waited too long for JetStream's recovery. */
    public static final ApiError TEMPORARILY_UNAVAILABLE = new ApiError(503, 10008, "JetStream system temporarily unavailable");

    // --- streams --------------------------------------------------------------------------------
    /** JSStreamNotFoundErr. */
    public static final ApiError STREAM_NOT_FOUND = new ApiError(404, 10059, "stream not found");
    /** JSStreamNameExistErr. */
    public static final ApiError STREAM_NAME_EXISTS =
            new ApiError(400, 10058, "stream name already in use with a different configuration");
    /** JSStreamSubjectOverlapErr. */
    public static final ApiError STREAM_SUBJECT_OVERLAP = new ApiError(400, 10065, "subjects overlap with an existing stream");
    /** JSStreamMismatchErr. */
    public static final ApiError STREAM_NAME_MISMATCH = new ApiError(400, 10056, "stream name in subject does not match request");
    /** JSStreamNameContainsPathSeparatorsErr. */
    public static final ApiError STREAM_NAME_PATH_SEPARATORS =
            new ApiError(400, 10128, "Stream name can not contain path separators");
    /** JSReplicasCountCannotBeNegative. */
    public static final ApiError REPLICAS_NEGATIVE = new ApiError(400, 10133, "replicas count cannot be negative");
    /** JSStreamReplicasNotSupportedErr (a single server: replicas above 1). */
    public static final ApiError REPLICAS_NOT_SUPPORTED = new ApiError(500, 10074, "replicas > 1 not supported in non-clustered mode");
    /** JSStreamSealedErr. */
    public static final ApiError STREAM_SEALED = new ApiError(400, 10109, "invalid operation on sealed stream");

    /** JSStreamInvalidConfigF: {@code {err}}. */
    /** JSStreamTransformInvalidSource. */
    public static ApiError transformInvalidSource(String err) {
        return new ApiError(400, 10155, "stream transform source: " + err);
    }

    /** JSStreamTransformInvalidDestination. */
    public static ApiError transformInvalidDestination(String err) {
        return new ApiError(400, 10156, "stream transform: " + err);
    }

    /** JSSourceDuplicateDetected. */
    public static final ApiError SOURCE_DUPLICATE = new ApiError(400, 10140, "duplicate source configuration detected");
    /** JSSourceInvalidStreamName. */
    public static final ApiError SOURCE_INVALID_NAME = new ApiError(400, 10141, "sourced stream name is invalid");
    /** JSSourceMultipleFiltersNotAllowed. */
    public static final ApiError SOURCE_FILTER_AND_TRANSFORMS = new ApiError(400, 10144,
            "source with multiple subject transforms cannot also have a single subject filter");
    /** JSSourceOverlappingSubjectFilters. */
    public static final ApiError SOURCE_OVERLAPPING_FILTERS = new ApiError(400, 10147, "source filters can not overlap");
    /** JSSourceMaxMessageSizeTooBigErr. */
    public static final ApiError SOURCE_MAX_MSG_SIZE = new ApiError(400, 10046,
            "stream source must have max message size >= target");

    /** JSMirrorWithSubjectsErr. */
    public static final ApiError MIRROR_WITH_SUBJECTS = new ApiError(400, 10034, "stream mirrors can not contain subjects");
    /** JSMirrorWithSourcesErr. */
    public static final ApiError MIRROR_WITH_SOURCES = new ApiError(400, 10031,
            "stream mirrors can not also contain other sources");
    /** JSMirrorWithFirstSeqErr. */
    public static final ApiError MIRROR_WITH_FIRST_SEQ = new ApiError(400, 10143,
            "stream mirrors can not have first sequence configured");
    /** JSMirrorInvalidStreamName. */
    public static final ApiError MIRROR_INVALID_NAME = new ApiError(400, 10142, "mirrored stream name is invalid");
    /** JSMirrorMultipleFiltersNotAllowed. */
    public static final ApiError MIRROR_FILTER_AND_TRANSFORMS = new ApiError(400, 10150,
            "mirror with multiple subject transforms cannot also have a single subject filter");
    /** JSMirrorOverlappingSubjectFilters. */
    public static final ApiError MIRROR_OVERLAPPING_FILTERS = new ApiError(400, 10152,
            "mirror subject filters can not overlap");
    /** JSStreamMirrorNotUpdatableErr. */
    public static final ApiError MIRROR_NOT_UPDATABLE = new ApiError(400, 10055,
            "stream mirror configuration can not be updated");

    /** JSMirrorInvalidSubjectFilter. */
    public static ApiError mirrorInvalidFilter(String err) {
        return new ApiError(400, 10151, "mirror transform source: " + err);
    }

    /** JSMirrorInvalidTransformDestination. */
    public static ApiError mirrorInvalidTransform(String err) {
        return new ApiError(400, 10154, "mirror transform: " + err);
    }

    /** JSSourceInvalidSubjectFilter. */
    public static ApiError sourceInvalidFilter(String err) {
        return new ApiError(400, 10145, "source transform source: " + err);
    }

    /** JSSourceInvalidTransformDestination. */
    public static ApiError sourceInvalidTransform(String err) {
        return new ApiError(400, 10146, "source transform: " + err);
    }

    public static ApiError invalidConfig(String err) {
        return new ApiError(500, 10052, err);
    }

    /** JSStreamCreateErrF: {@code {err}}. */
    public static ApiError streamCreate(String err) {
        return new ApiError(500, 10049, err);
    }

    /** JSStreamUpdateErrF: {@code {err}}. */
    public static ApiError streamUpdate(String err) {
        return new ApiError(500, 10069, err);
    }

    /** JSStreamDeleteErrF: {@code {err}}. */
    public static ApiError streamDelete(String err) {
        return new ApiError(500, 10050, err);
    }

    /** JSStreamGeneralErrorF: {@code {err}}. */
    public static ApiError streamGeneral(String err) {
        return new ApiError(500, 10051, err);
    }

    /** JSStreamPurgeFailedF: {@code {err}}. */
    public static ApiError purgeFailed(String err) {
        return new ApiError(500, 10110, err);
    }

    // --- messages -------------------------------------------------------------------------------
    /** JSNoMessageFoundErr. */
    public static final ApiError NO_MESSAGE_FOUND = new ApiError(404, 10037, "no message found");

    /** JSSequenceNotFoundErrF: {@code sequence {seq} not found}. */
    public static ApiError sequenceNotFound(long seq) {
        return new ApiError(400, 10043, "sequence " + Long.toUnsignedString(seq) + " not found");
    }

    /** JSStreamMsgDeleteFailedF: {@code {err}}. */
    public static ApiError msgDeleteFailed(String err) {
        return new ApiError(500, 10057, err);
    }

    // --- publishing -----------------------------------------------------------------------------
    /** JSStreamNotMatchErr: the {@code Nats-Expected-Stream} header names another stream. */
    public static final ApiError EXPECTED_STREAM_MISMATCH = new ApiError(400, 10060, "expected stream does not match");
    /** JSStreamMessageExceedsMaximumErr: larger than the stream's {@code max_msg_size}. */
    public static final ApiError MESSAGE_EXCEEDS_MAXIMUM = new ApiError(400, 10054, "message size exceeds maximum allowed");
    /** JSStreamExpectedLastSeqPerSubjectInvalid. */
    public static final ApiError EXPECTED_LAST_SUBJECT_SEQ_INVALID =
            new ApiError(400, 10193, "missing sequence for expected last sequence per subject");
    /** JSInsufficientResourcesErr: a publish when the server's storage limit is used up. */
    public static final ApiError INSUFFICIENT_RESOURCES = new ApiError(503, 10023, "insufficient resources");
    /** JSStorageResourcesExceededErr: a file stream's max_bytes does not fit in max_file_store. */
    public static final ApiError STORAGE_RESOURCES_EXCEEDED = new ApiError(500, 10047, "insufficient storage resources available");
    /** JSMemoryResourcesExceededErr: a memory stream's max_bytes does not fit in max_memory_store. */
    public static final ApiError MEMORY_RESOURCES_EXCEEDED = new ApiError(500, 10028, "insufficient memory resources available");
    /** JSMessageTTLDisabledErr. */
    public static final ApiError MESSAGE_TTL_DISABLED = new ApiError(400, 10166, "per-message TTL is disabled");
    /** JSMessageTTLInvalidErr. */
    public static final ApiError MESSAGE_TTL_INVALID = new ApiError(400, 10165, "invalid per-message TTL");

    /** JSStreamWrongLastSequenceErrF: {@code wrong last sequence: {seq}}. */
    public static ApiError wrongLastSequence(long seq) {
        return new ApiError(400, 10071, "wrong last sequence: " + Long.toUnsignedString(seq));
    }

    /** JSStreamWrongLastMsgIDErrF: {@code wrong last msg ID: {id}}. */
    public static ApiError wrongLastMsgId(String id) {
        return new ApiError(400, 10070, "wrong last msg ID: " + id);
    }

    /** JSStreamRollupFailedF: {@code {err}}. */
    public static ApiError rollupFailed(String err) {
        return new ApiError(500, 10111, err);
    }

    /**
     * JSStreamStoreFailedF: {@code {err}}, with the store's error text as nats-server words it
     * ({@code maximum messages exceeded}, {@code maximum bytes exceeded}, …).
     */
    public static ApiError storeFailed(String err) {
        return new ApiError(503, 10077, err);
    }

    // --- consumers ------------------------------------------------------------------------------
    /** JSConsumerNotFoundErr. */
    public static final ApiError CONSUMER_NOT_FOUND = new ApiError(404, 10014, "consumer not found");
    /** JSConsumerNameExistErr. */
    public static final ApiError CONSUMER_NAME_EXISTS = new ApiError(400, 10013, "consumer name already in use");
    /** JSConsumerAlreadyExists (action "create" on an existing, different consumer). */
    public static final ApiError CONSUMER_ALREADY_EXISTS = new ApiError(400, 10148, "consumer already exists");
    /** JSConsumerDoesNotExist (action "update" on a missing consumer). */
    public static final ApiError CONSUMER_DOES_NOT_EXIST = new ApiError(400, 10149, "consumer does not exist");
    /** JSConsumerConfigRequiredErr. */
    public static final ApiError CONSUMER_CONFIG_REQUIRED = new ApiError(400, 10078, "consumer config required");
    /** JSConsumerDurableNameNotInSubjectErr. */
    public static final ApiError DURABLE_NAME_NOT_IN_SUBJECT =
            new ApiError(400, 10016, "consumer expected to be durable but no durable name set in subject");
    /** JSConsumerDurableNameNotMatchSubjectErr. */
    public static final ApiError DURABLE_NAME_NOT_MATCH_SUBJECT =
            new ApiError(400, 10017, "consumer name in subject does not match durable name in request");
    /** JSConsumerDurableNameNotSetErr. */
    public static final ApiError DURABLE_NAME_NOT_SET =
            new ApiError(400, 10018, "consumer expected to be durable but a durable name was not set");
    /** JSConsumerEphemeralWithDurableNameErr. */
    public static final ApiError EPHEMERAL_WITH_DURABLE_NAME =
            new ApiError(400, 10020, "consumer expected to be ephemeral but a durable name was set in request");
    /** JSConsumerNameContainsPathSeparatorsErr. */
    public static final ApiError CONSUMER_NAME_PATH_SEPARATORS =
            new ApiError(400, 10127, "Consumer name can not contain path separators");
    /** JSConsumerCreateFilterSubjectMismatchErr. */
    public static final ApiError FILTER_SUBJECT_MISMATCH =
            new ApiError(400, 10131, "Consumer create request did not match filtered subject from create subject");
    /** JSConsumerCreateDurableAndNameMismatch. */
    public static final ApiError DURABLE_AND_NAME_MISMATCH =
            new ApiError(400, 10132, "Consumer Durable and Name have to be equal if both are provided");
    /** JSConsumerMultipleFiltersNotAllowed. */
    public static final ApiError MULTIPLE_FILTERS_NOT_ALLOWED =
            new ApiError(400, 10137, "consumer with multiple subject filters cannot use subject based API");
    /** JSConsumerDuplicateFilterSubjects. */
    public static final ApiError DUPLICATE_FILTER_SUBJECTS =
            new ApiError(400, 10136, "consumer cannot have both FilterSubject and FilterSubjects specified");
    /** JSConsumerOverlappingSubjectFilters. */
    public static final ApiError OVERLAPPING_FILTERS = new ApiError(400, 10138, "consumer subject filters cannot overlap");
    /** JSConsumerEmptyFilter. */
    public static final ApiError EMPTY_FILTER = new ApiError(400, 10139, "consumer filter in FilterSubjects cannot be empty");
    /** JSConsumerFilterNotSubsetErr. */
    public static final ApiError FILTER_NOT_SUBSET =
            new ApiError(400, 10093, "consumer filter subject is not a valid subset of the interest subjects");
    /** JSConsumerDeliverToWildcardsErr. */
    public static final ApiError DELIVER_TO_WILDCARDS = new ApiError(400, 10079, "consumer deliver subject has wildcards");
    /** JSConsumerPushMaxWaitingErr. */
    public static final ApiError PUSH_MAX_WAITING = new ApiError(400, 10080, "consumer in push mode can not set max waiting");
    /** JSConsumerDeliverCycleErr. */
    public static final ApiError DELIVER_CYCLE = new ApiError(400, 10081, "consumer deliver subject forms a cycle");
    /** JSConsumerMaxPendingAckPolicyRequiredErr. */
    public static final ApiError MAX_PENDING_ACK_POLICY_REQUIRED =
            new ApiError(400, 10082, "consumer requires ack policy for max ack pending");
    /** JSConsumerSmallHeartbeatErr. */
    public static final ApiError SMALL_HEARTBEAT = new ApiError(400, 10083, "consumer idle heartbeat needs to be >= 100ms");
    /** JSConsumerPullRequiresAckErr. */
    public static final ApiError PULL_REQUIRES_ACK =
            new ApiError(400, 10084, "consumer in pull mode requires explicit ack policy on workqueue stream");
    /** JSConsumerPullWithRateLimitErr. */
    /** JSConsumerInvalidSamplingErrF: sample_freq is not a whole percentage. */
    public static ApiError invalidSampling(String error) {
        return new ApiError(400, 10095, "failed to parse consumer sampling configuration: " + error);
    }

    /** JSConsumerPushWithPriorityGroupErr. */
    public static final ApiError PUSH_WITH_PRIORITY_GROUP =
            new ApiError(400, 10178, "priority groups can not be used with push consumers");
    /** JSConsumerPriorityPolicyWithoutGroup. */
    public static final ApiError PRIORITY_POLICY_WITHOUT_GROUP =
            new ApiError(400, 10159, "Setting PriorityPolicy requires at least one PriorityGroup to be set");
    /** JSConsumerEmptyGroupName. */
    public static final ApiError EMPTY_GROUP_NAME = new ApiError(400, 10161, "Group name cannot be an empty string");
    /** JSConsumerInvalidGroupNameErr. */
    public static final ApiError INVALID_GROUP_NAME = new ApiError(400, 10162,
            "Valid priority group name must match A-Z, a-z, 0-9, -_/=)+ and may not exceed 16 characters");
    /** JSConsumerPriorityGroupWithPolicyNone. */
    public static final ApiError PRIORITY_GROUP_WITH_POLICY_NONE =
            new ApiError(400, 10196, "consumer can not have priority groups when policy is none");
    /** JSConsumerPinnedTTLWithoutPriorityPolicyNone. */
    public static final ApiError PINNED_TTL_WITHOUT_POLICY =
            new ApiError(400, 10197, "PinnedTTL cannot be set when PriorityPolicy is none");
    /** JSConsumerInvalidPriorityGroupErr: UNPIN for a group the consumer does not have. */
    public static final ApiError INVALID_PRIORITY_GROUP =
            new ApiError(400, 10160, "Provided priority group does not exist for this consumer");

    public static final ApiError PULL_WITH_RATE_LIMIT = new ApiError(400, 10086, "consumer in pull mode can not have rate limit set");
    /** JSConsumerHBRequiresPushErr. */
    public static final ApiError HEARTBEAT_REQUIRES_PUSH =
            new ApiError(400, 10088, "consumer idle heartbeat requires a push based consumer");
    /** JSConsumerFCRequiresPushErr. */
    public static final ApiError FLOW_CONTROL_REQUIRES_PUSH =
            new ApiError(400, 10089, "consumer flow control requires a push based consumer");
    /** JSConsumerWithFlowControlNeedsHeartbeats. */
    public static final ApiError FLOW_CONTROL_NEEDS_HEARTBEATS =
            new ApiError(400, 10108, "consumer with flow control also needs heartbeats");
    /** JSConsumerWQRequiresExplicitAckErr. */
    public static final ApiError WQ_REQUIRES_EXPLICIT_ACK = new ApiError(400, 10098, "workqueue stream requires explicit ack");
    /** JSConsumerWQMultipleUnfilteredErr. */
    public static final ApiError WQ_MULTIPLE_UNFILTERED =
            new ApiError(400, 10099, "multiple non-filtered consumers not allowed on workqueue stream");
    /** JSConsumerWQConsumerNotUniqueErr. */
    public static final ApiError WQ_NOT_UNIQUE = new ApiError(400, 10100, "filtered consumer not unique on workqueue stream");
    /** JSConsumerWQConsumerNotDeliverAllErr. */
    public static final ApiError WQ_NOT_DELIVER_ALL = new ApiError(400, 10101, "consumer must be deliver all on workqueue stream");
    /** JSConsumerInvalidDeliverSubject. */
    public static final ApiError INVALID_DELIVER_SUBJECT = new ApiError(400, 10112, "invalid push consumer deliver subject");
    /** JSConsumerMaxRequestBatchNegativeErr. */
    public static final ApiError MAX_REQUEST_BATCH_NEGATIVE = new ApiError(400, 10114, "consumer max request batch needs to be > 0");
    /** JSConsumerMaxRequestExpiresTooSmall. */
    public static final ApiError MAX_REQUEST_EXPIRES_TOO_SMALL =
            new ApiError(400, 10115, "consumer max request expires needs to be >= 1ms");
    /** JSConsumerMaxDeliverBackoffErr. */
    public static final ApiError MAX_DELIVER_BACKOFF =
            new ApiError(400, 10116, "max deliver is required to be > length of backoff values");
    /** JSConsumerReplicasExceedsStream. */
    public static final ApiError CONSUMER_REPLICAS_EXCEED_STREAM =
            new ApiError(400, 10126, "consumer config replica count exceeds parent stream");
    /** JSConsumerAckWaitNegativeErr. */
    public static final ApiError ACK_WAIT_NEGATIVE = new ApiError(400, 10183, "consumer ack wait needs to be positive");
    /** JSConsumerBackOffNegativeErr. */
    public static final ApiError BACKOFF_NEGATIVE = new ApiError(400, 10184, "consumer backoff needs to be positive");
    /** JSConsumerExistingActiveErr. */
    public static final ApiError CONSUMER_EXISTING_ACTIVE = new ApiError(400, 10105, "consumer already exists and is still active");
    /** JSMaximumConsumersLimitErr. */
    public static final ApiError MAXIMUM_CONSUMERS = new ApiError(400, 10026, "maximum consumers limit reached");

    /** JSConsumerCreateErrF: {@code {err}}. */
    public static ApiError consumerCreate(String err) {
        return new ApiError(500, 10012, err);
    }

    /** JSConsumerInvalidPolicyErrF: {@code {err}}. */
    public static ApiError consumerInvalidPolicy(String err) {
        return new ApiError(400, 10094, err);
    }

    /** JSConsumerDescriptionTooLongErrF. */
    public static ApiError consumerDescriptionTooLong(int max) {
        return new ApiError(400, 10107, "consumer description is too long, maximum allowed is " + max);
    }

    /** JSConsumerMaxPendingAckExcessErrF. */
    public static ApiError maxAckPendingExcess(long limit) {
        return new ApiError(400, 10121, "consumer max ack pending exceeds system limit of " + limit);
    }

    /** JSConsumerInactiveThresholdExcess. */
    public static ApiError inactiveThresholdExcess(String limit) {
        return new ApiError(400, 10153, "consumer inactive threshold exceeds system limit of " + limit);
    }

    /** JSConsumerStoreFailedErrF. */
    public static ApiError consumerStoreFailed(String err) {
        return new ApiError(500, 10104, "error creating store for consumer: " + err);
    }
}
