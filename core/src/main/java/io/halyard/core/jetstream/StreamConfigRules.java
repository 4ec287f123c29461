package io.halyard.core.jetstream;

import io.halyard.core.subject.SubjectTransform;
import io.halyard.core.subject.Subjects;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * nats-server's stream configuration rules ({@code checkStreamCfg} and {@code configUpdateCheck} in
 * its stream.go): what a create or update must satisfy, the defaults it fills in, and which changes an
 * update may make. Every rejection is an {@link ApiException} with nats-server's error and text.
 *
 * <p>Stateless; thread-safe.
 */
public final class StreamConfigRules {
    /** nats-server's JSMaxNameLen. */
    public static final int MAX_NAME_LENGTH = 255;
    /** nats-server's JSMaxDescriptionLen. */
    public static final int MAX_DESCRIPTION_LENGTH = 4 * 1024;
    /** nats-server's JSMaxMetadataLen. */
    public static final int MAX_METADATA_LENGTH = 128 * 1024;
    /** nats-server's StreamDefaultDuplicatesWindow: 2 minutes. */
    public static final long DEFAULT_DUPLICATE_WINDOW_NANOS = 120_000_000_000L;
    private static final long HUNDRED_MILLIS = 100_000_000L;

    private StreamConfigRules() {
    }

    /**
     * Checks {@code c} and fills in nats-server's defaults in place: unlimited values become -1, the
     * subjects default to the name, the duplicate window to 2 minutes (or the max age when shorter),
     * replicas to 1.
     */
    public static StreamConfig normalize(StreamConfig c) {
        if (!isValidName(c.name)) {
            throw invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'");
        }
        if (c.name.length() > MAX_NAME_LENGTH) {
            throw invalid("stream name is too long, maximum allowed is " + MAX_NAME_LENGTH);
        }
        if (c.description.length() > MAX_DESCRIPTION_LENGTH) {
            throw invalid("stream description is too long, maximum allowed is " + MAX_DESCRIPTION_LENGTH);
        }
        int metadataLength = 0;
        for (var e : c.metadata.entrySet()) {
            metadataLength += e.getKey().length() + e.getValue().length();
        }
        if (metadataLength > MAX_METADATA_LENGTH) {
            throw invalid("stream metadata exceeds maximum size of " + MAX_METADATA_LENGTH + " bytes");
        }
        if (c.replicas == 0) {
            c.replicas = 1;
        }
        if (c.replicas < 0) {
            throw new ApiException(ApiErrors.REPLICAS_NEGATIVE);
        }
        if (c.replicas > 5) {
            throw invalid("maximum replicas is 5");
        }
        if (c.replicas > 1) {
            // A single server: nats-server refuses replicas > 1 outside a cluster.
            throw new ApiException(ApiErrors.REPLICAS_NOT_SUPPORTED);
        }
        c.maxMsgs = unlimitedIfNotPositive(c.maxMsgs);
        c.maxMsgsPerSubject = unlimitedIfNotPositive(c.maxMsgsPerSubject);
        c.maxBytes = unlimitedIfNotPositive(c.maxBytes);
        c.maxMsgSize = unlimitedIfNotPositive(c.maxMsgSize);
        c.maxConsumers = unlimitedIfNotPositive(c.maxConsumers);
        if (c.maxMsgSize > Integer.MAX_VALUE) {
            throw new ApiException(ApiErrors.invalidJson("json: cannot unmarshal number into Go struct field StreamConfig.max_msg_size of type int32"));
        }
        if (c.maxAgeNanos < 0) {
            throw invalid("max age can not be negative");
        }
        if (c.maxAgeNanos != 0 && c.maxAgeNanos < HUNDRED_MILLIS) {
            throw invalid("max age needs to be >= 100ms");
        }
        if (c.duplicateWindowNanos == 0) {
            c.duplicateWindowNanos = c.maxAgeNanos != 0 && c.maxAgeNanos < DEFAULT_DUPLICATE_WINDOW_NANOS
                    ? c.maxAgeNanos : DEFAULT_DUPLICATE_WINDOW_NANOS;
        }
        if (c.duplicateWindowNanos < 0) {
            throw invalid("duplicates window can not be negative");
        }
        if (c.maxAgeNanos != 0 && c.duplicateWindowNanos > c.maxAgeNanos) {
            throw invalid("duplicates window can not be larger then max age");
        }
        if (c.duplicateWindowNanos < HUNDRED_MILLIS) {
            throw invalid("duplicates window needs to be >= 100ms");
        }
        if (c.denyPurge && c.allowRollup) {
            throw invalid("roll-ups require the purge permission");
        }
        if (c.discardNewPerSubject) {
            if (!c.discard.equals("new")) {
                throw invalid("discard new per subject requires discard new policy to be set");
            }
            if (c.maxMsgsPerSubject <= 0) {
                throw invalid("discard new per subject requires max msgs per subject > 0");
            }
        }
        if (c.subjectDeleteMarkerTtlNanos < 0) {
            throw invalid("subject delete marker TTL must not be negative");
        }
        if (c.subjectDeleteMarkerTtlNanos > 0) {
            if (c.subjectDeleteMarkerTtlNanos < 1_000_000_000L) {
                throw invalid("subject delete marker TTL must be at least 1 second");
            }
            // Markers carry a TTL and roll up their subject: nats-server turns both on (when not pedantic).
            c.allowMsgTtl = true;
            c.allowRollup = true;
            c.denyPurge = false;
        }
        if (c.mirrorDirect && c.mirror == null) {
            throw invalid("stream has no mirror but does have mirror direct");
        }
        checkMirror(c);
        checkSources(c);
        checkSubjects(c);
        checkSubjectTransform(c);
        checkRePublish(c);
        return c;
    }

    /** nats-server's subject transform checks: a valid source (or none: all) and a valid mapping. */
    private static void checkSubjectTransform(StreamConfig c) {
        StreamConfig.Transform t = c.subjectTransform;
        if (t == null) {
            return;
        }
        if (!t.source().isEmpty() && !Subjects.isValidFilter(t.source())) {
            throw new ApiException(ApiErrors.transformInvalidSource("invalid subject " + t.source()));
        }
        if (t.destination().isEmpty()) {
            return; // as nats-server: accepted, and nothing is transformed
        }
        try {
            SubjectTransform.of(t.source(), t.destination());
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiErrors.transformInvalidDestination(e.getMessage()));
        }
    }

    /** nats-server's republish checks: the source defaults to all, the destination must not feed the stream. */
    private static void checkRePublish(StreamConfig c) {
        StreamConfig.RePublish r = c.rePublish;
        if (r == null) {
            return;
        }
        if (r.source().isEmpty()) {
            r = c.rePublish = new StreamConfig.RePublish(">", r.destination(), r.headersOnly());
        }
        StreamConfig.Transform t = c.subjectTransform;
        if (r.source().equals(">") && r.destination().equals(">") && t != null && c.subjects.size() == 1
                && t.source().equals(c.subjects.get(0))) {
            // As nats-server: > to > on a stream whose one subject is transformed republishes the stored subjects.
            r = c.rePublish = new StreamConfig.RePublish(t.destination(), t.destination(), r.headersOnly());
        }
        if (r.destination().isEmpty()) {
            return; // as nats-server: accepted, and nothing is republished
        }
        for (String subject : c.subjects) {
            if (Subjects.isValidFilter(r.destination()) && Subjects.overlaps(r.destination(), subject)) {
                throw invalid("stream configuration for republish destination forms a cycle");
            }
        }
        try {
            SubjectTransform.of(r.source(), r.destination());
        } catch (IllegalArgumentException e) {
            throw invalid("stream configuration for republish with transform from '" + r.source() + "' to '"
                    + r.destination() + "' not valid");
        }
    }

    /**
     * nats-server's source checks, in its order: a valid stream name, no two sources alike (same
     * stream, filters and destinations), a filter or transforms but not both, valid transforms whose
     * filters do not overlap. Halyard sources streams of its own server and account: {@code external}
     * and {@code consumer} sources are refused, and so is the stream itself.
     */
    private static void checkSources(StreamConfig c) {
        java.util.Set<String> indexNames = new HashSet<>();
        for (StreamConfig.Source src : c.sources) {
            if (src == null || !isValidName(src.name())) {
                throw new ApiException(ApiErrors.SOURCE_INVALID_NAME);
            }
            if (!indexNames.add(src.indexName())) {
                throw new ApiException(ApiErrors.SOURCE_DUPLICATE);
            }
            if (!src.filterSubject().isEmpty() && !src.transforms().isEmpty()) {
                throw new ApiException(ApiErrors.SOURCE_FILTER_AND_TRANSFORMS);
            }
            if (!src.filterSubject().isEmpty() && !Subjects.isValidFilter(src.filterSubject())) {
                throw new ApiException(ApiErrors.sourceInvalidFilter("invalid subject " + src.filterSubject()));
            }
            for (StreamConfig.Transform t : src.transforms()) {
                checkCopyTransform(t, ApiErrors::sourceInvalidFilter, ApiErrors::sourceInvalidTransform);
            }
            List<StreamConfig.Transform> ts = src.transforms();
            for (int i = 0; i < ts.size(); i++) {
                for (int j = 0; j < ts.size(); j++) {
                    String a = ts.get(i).source().isEmpty() ? ">" : ts.get(i).source();
                    String b = ts.get(j).source().isEmpty() ? ">" : ts.get(j).source();
                    if (i != j && Subjects.isSubsetOf(a, b)) {
                        throw new ApiException(ApiErrors.SOURCE_OVERLAPPING_FILTERS);
                    }
                }
            }
            if (src.external() != null) {
                throw invalid("stream sources from another domain or account (external) not supported by Halyard yet");
            }
            if (src.consumer() != null) {
                throw invalid("stream sources through a durable consumer not supported by Halyard yet");
            }
            if (src.name().equals(c.name)) {
                throw invalid("stream configuration can not source itself");
            }
            if (src.optStartTime() != null) {
                ApiJson.parseTime(src.optStartTime()); // 10025, as Go's decoder refuses a bad time
            }
        }
    }

    /**
     * One subject transform of a source or mirror: a valid filter (empty: all) and, when a destination
     * is given, a valid mapping; refused with the source's or the mirror's error.
     */
    private static void checkCopyTransform(StreamConfig.Transform t, java.util.function.Function<String, ApiError> badFilter,
                                           java.util.function.Function<String, ApiError> badTransform) {
        if (!t.source().isEmpty() && !Subjects.isValidFilter(t.source())) {
            throw new ApiException(badFilter.apply("invalid subject " + t.source()));
        }
        if (!t.destination().isEmpty()) {
            try {
                SubjectTransform.of(t.source(), t.destination());
            } catch (IllegalArgumentException e) {
                throw new ApiException(badTransform.apply(e.getMessage()));
            }
        }
    }

    /** nats-server's mirror checks, in its order; Halyard mirrors streams of its own server and account. */
    private static void checkMirror(StreamConfig c) {
        StreamConfig.Source m = c.mirror;
        if (m == null) {
            return;
        }
        if (c.firstSeq > 0) {
            throw new ApiException(ApiErrors.MIRROR_WITH_FIRST_SEQ);
        }
        if (!c.subjects.isEmpty()) {
            throw new ApiException(ApiErrors.MIRROR_WITH_SUBJECTS);
        }
        if (!c.sources.isEmpty()) {
            throw new ApiException(ApiErrors.MIRROR_WITH_SOURCES);
        }
        if (m.consumer() != null) {
            throw invalid("stream mirrors through a durable consumer not supported by Halyard yet");
        }
        if (!m.filterSubject().isEmpty() && !m.transforms().isEmpty()) {
            throw new ApiException(ApiErrors.MIRROR_FILTER_AND_TRANSFORMS);
        }
        if (c.subjectDeleteMarkerTtlNanos > 0) {
            throw invalid("subject delete markers forbidden on mirrors");
        }
        List<StreamConfig.Transform> ts = m.transforms();
        for (int i = 0; i < ts.size(); i++) {
            StreamConfig.Transform t = ts.get(i);
            checkCopyTransform(t, ApiErrors::mirrorInvalidFilter, ApiErrors::mirrorInvalidTransform);
            for (int j = 0; j < ts.size(); j++) {
                String a = t.source().isEmpty() ? ">" : t.source();
                String b = ts.get(j).source().isEmpty() ? ">" : ts.get(j).source();
                if (i != j && Subjects.overlaps(a, b)) {
                    throw new ApiException(ApiErrors.MIRROR_OVERLAPPING_FILTERS);
                }
            }
        }
        if (m.external() != null) {
            throw invalid("stream mirrors of another domain or account (external) not supported by Halyard yet");
        }
        if (!isValidName(m.name())) {
            throw new ApiException(ApiErrors.MIRROR_INVALID_NAME);
        }
        if (m.name().equals(c.name)) {
            throw invalid("stream configuration can not mirror itself");
        }
        if (!m.filterSubject().isEmpty() && !Subjects.isValidFilter(m.filterSubject())) {
            throw new ApiException(ApiErrors.mirrorInvalidFilter("invalid subject " + m.filterSubject()));
        }
        if (m.optStartTime() != null) {
            ApiJson.parseTime(m.optStartTime());
        }
    }

    private static void checkSubjects(StreamConfig c) {
        if (c.subjects.isEmpty() && c.sources.isEmpty() && c.mirror == null) {
            // As nats-server: a stream that only sources others captures no subject of its own.
            c.subjects.add(c.name);
        }
        Set<String> seen = new HashSet<>();
        List<String> subjects = c.subjects;
        for (int i = 0; i < subjects.size(); i++) {
            String subject = subjects.get(i);
            if (!Subjects.isValidFilter(subject)) {
                throw invalid("invalid subject");
            }
            if (!seen.add(subject)) {
                throw invalid("duplicate subjects detected");
            }
            if (subject.equals(">")) {
                if (!c.noAck) {
                    throw invalid("capturing all subjects requires no-ack to be true");
                }
            }
            if (!c.noAck) {
                if (Subjects.overlaps(subject, "$JS.>") && !Subjects.isSubsetOf(subject, "$JS.EVENT.>")) {
                    throw invalid("subjects that overlap with jetstream api require no-ack to be true");
                }
                if (Subjects.overlaps(subject, "$SYS.>") && !Subjects.isSubsetOf(subject, "$SYS.ACCOUNT.>")) {
                    throw invalid("subjects that overlap with system api require no-ack to be true");
                }
            }
            for (int j = i + 1; j < subjects.size(); j++) {
                if (Subjects.overlaps(subjects.get(j), subject)) {
                    throw invalid("subject \"" + subject + "\" overlaps with \"" + subjects.get(j) + "\"");
                }
            }
        }
    }

    /**
     * The update rules: {@code next} (already {@linkplain #normalize normalised}) may replace
     * {@code old} only if it keeps the name and storage, does not move retention to or from
     * workqueue, and does not undo sealed, deny_delete, deny_purge or allow_msg_ttl. A sealed
     * config gets nats-server's sealed settings.
     */
    public static void checkUpdate(StreamConfig old, StreamConfig next) {
        if (!next.name.equals(old.name)) {
            throw invalid("stream configuration name must match original");
        }
        if (!next.storage.equals(old.storage)) {
            throw invalid("stream configuration update can not change storage type");
        }
        if (!next.retention.equals(old.retention)
                && (old.retention.equals("workqueue") || next.retention.equals("workqueue"))) {
            throw invalid("stream configuration update can not change retention policy to/from workqueue");
        }
        if (!next.sealed && old.sealed) {
            throw invalid("stream configuration update can not unseal a sealed stream");
        }
        if (!next.denyDelete && old.denyDelete) {
            throw invalid("stream configuration update can not cancel deny message deletes");
        }
        if (!next.denyPurge && old.denyPurge) {
            throw invalid("stream configuration update can not cancel deny purge");
        }
        if (old.allowMsgTtl && !next.allowMsgTtl) {
            throw invalid("message TTL status can not be disabled");
        }
        // A mirror may be removed (the stream is promoted to a normal one), not changed.
        if (next.mirror != null && (old.mirror == null || !next.mirror.toJson().equals(old.mirror.toJson()))) {
            throw new ApiException(ApiErrors.MIRROR_NOT_UPDATABLE);
        }
        if (next.sealed) {
            next.maxAgeNanos = 0;
            next.discard = "new";
            next.denyDelete = true;
            next.denyPurge = true;
            next.allowRollup = false;
        }
    }

    /**
     * nats-server's {@code isValidName} for streams (and later consumers): not empty, no white space,
     * no control characters, none of {@code . * > / \}.
     */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0, n = name.length(); i < n; i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch == 0x7f || ch == '.' || ch == '*' || ch == '>' || ch == '/' || ch == '\\') {
                return false;
            }
        }
        return true;
    }

    private static long unlimitedIfNotPositive(long value) {
        return value <= 0 ? -1 : value;
    }

    private static ApiException invalid(String err) {
        return new ApiException(ApiErrors.invalidConfig(err));
    }
}
