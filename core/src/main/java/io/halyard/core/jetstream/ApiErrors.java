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
}
