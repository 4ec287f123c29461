package io.halyard.core.jetstream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.halyard.core.subject.SubjectTransform;
import io.halyard.log.StoredMessage;
import io.halyard.log.StreamStore;
import io.halyard.log.SubjectFilter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream's {@code sources}, or its {@code mirror}: copies the messages of other streams of this
 * server into it, as nats-server does for sources and mirrors in the same account.
 *
 * <p><b>Mirror.</b> A mirror has one origin and keeps its sequences: each message is appended at the
 * origin's sequence ({@link Stream#storeMirrored}, which skips the store to it over the origin's
 * gaps), with the origin's headers as they are and no {@code Nats-Stream-Source}, and resumes after
 * its own last sequence. The rest below applies to both.
 *
 * <p>Each source follows its origin stream's durable sequence ({@link StreamListener}): what the
 * origin has made durable and its filters take is appended to the target like a publish without a
 * reply (limits, {@code Nats-Msg-Id} deduplication and rollups apply; the origin's
 * {@code Nats-Expected-*} and {@code Nats-Batch-*} headers are dropped, as is an earlier
 * {@code Nats-Stream-Source}), under the subject its transform gives, with a
 * {@code Nats-Stream-Source} header in nats-server's form: {@code <stream> <sequence> <filters>
 * <destinations> <original subject>}.
 *
 * <p><b>Where it resumes.</b> That header is also the source's position: on start, the target's
 * messages are read from the newest back until every source has been seen, and each source resumes
 * after the origin sequence its newest copy names (so a restart, even after SIGKILL, neither loses
 * nor repeats a durable copy: a copy that was not durable is copied again). Positions are also saved
 * once a second in {@value #POSITIONS_FILE} ({@link #savePositions}) with the target sequence they
 * account for, so that only newer copies are read back, and so that a source whose copies the
 * target's limits removed resumes too. A source with neither starts at {@code opt_start_seq}, at
 * {@code opt_start_time}, or at the origin's first message.
 *
 * <p><b>Flow.</b> Copies run on the JetStream thread in batches of {@value #BATCH}, so API requests
 * interleave with a long backlog. A copy refused for the target's limits (discard new, storage) is
 * tried again every second, and the source's {@code error} says why meanwhile; any other refusal
 * (too large, a TTL the target does not allow) skips that message. An origin that does not exist
 * yet, or was deleted, is attached when a stream of that name appears.
 *
 * <p>Thread-safe: everything but the info runs on the JetStream thread.
 */
final class StreamSources {
    private static final System.Logger LOG = System.getLogger(StreamSources.class.getName());
    static final String HEADER = "Nats-Stream-Source";
    static final int BATCH = 1_000;
    private static final long RETRY_MILLIS = 1_000;

    /** Where a file stream keeps its sources' positions (null for a memory stream). */
    static final String POSITIONS_FILE = "sources.json";

    private final JetStream js;
    private final Stream target;
    private final java.nio.file.Path positionsFile;
    private String writtenPositions = "";
    private final ScheduledExecutorService executor;
    private final List<Source> sources = new ArrayList<>();
    private volatile boolean stopped;

    StreamSources(JetStream js, Stream target, ScheduledExecutorService executor, java.nio.file.Path streamDirectory) {
        this.js = js;
        this.target = target;
        this.executor = executor;
        StreamConfig.Source mirrorConfig = target.config().mirror;
        this.mirror = mirrorConfig != null;
        this.positionsFile = streamDirectory == null || mirror ? null : streamDirectory.resolve(POSITIONS_FILE);
        if (mirror) {
            sources.add(new Source(mirrorConfig));
        } else {
            for (StreamConfig.Source c : target.config().sources) {
                sources.add(new Source(c));
            }
        }
    }

    /** Whether this is a stream's {@code mirror} (one origin, its sequences kept) rather than its sources. */
    private final boolean mirror;

    boolean isMirror() {
        return mirror;
    }

    /** Finds where each source resumes and attaches the origins that exist. On the JetStream thread. */
    void start() {
        if (mirror) {
            // A mirror holds the origin's sequences: it resumes after its own last one.
            long last = target.store().state().lastSequence();
            if (last > 0) {
                sources.get(0).next = last + 1;
            }
        } else {
            resumePoints();
        }
        for (Source s : sources) {
            s.attach(js.stream(s.config.name()));
        }
    }

    /** A stream named {@code name} appeared (created or recovered): sources of it attach. */
    void streamAppeared(Stream stream) {
        for (Source s : sources) {
            if (s.config.name().equals(stream.name()) && s.origin == null) {
                s.attach(stream);
            }
        }
    }

    /** The stream named {@code name} is gone: its sources wait for a new one. */
    void streamGone(String name) {
        for (Source s : sources) {
            if (s.config.name().equals(name)) {
                s.detach();
            }
        }
    }

    /** Stops copying (the target is deleted, updated or closing). */
    void stop() {
        stopped = true;
        for (Source s : sources) {
            s.detach();
        }
    }

    /** Each source's (or the mirror's) origin name and lag. */
    List<Stream.CopyLag> lags() {
        List<Stream.CopyLag> out = new ArrayList<>(sources.size());
        for (Source s : sources) {
            out.add(new Stream.CopyLag(s.config.name(), mirror, s.lag()));
        }
        return out;
    }

    /** nats-server's {@code mirror} in stream info: the one source's object. */
    ObjectNode mirrorInfoJson() {
        return (ObjectNode) infoJson().get(0);
    }

    /** nats-server's {@code sources} in stream info: name, filter, transforms, lag, active and error. */
    ArrayNode infoJson() {
        ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        long now = System.nanoTime();
        for (Source s : sources) {
            ObjectNode j = a.addObject();
            j.put("name", s.config.name());
            if (!s.config.filterSubject().isEmpty()) {
                j.put("filter_subject", s.config.filterSubject());
            }
            if (!s.config.transforms().isEmpty()) {
                ArrayNode ts = j.putArray("subject_transforms");
                for (StreamConfig.Transform t : s.config.transforms()) {
                    ts.addObject().put("src", t.source()).put("dest", t.destination());
                }
            }
            j.put("lag", s.lag());
            long active = s.lastActiveNanos;
            j.put("active", active == 0 ? -1 : now - active);
            ApiError error = s.error;
            if (error != null) {
                j.putObject("error").put("code", error.code()).put("err_code", error.errCode())
                        .put("description", error.description());
            }
        }
        return a;
    }

    /**
     * Writes each source's position, as far as the target has made its copies durable, when it
     * changed: the fallback for a source whose copies the target's limits have all removed (the
     * {@code Nats-Stream-Source} headers, read back on start, win when they are further on). Not
     * fsynced: losing it to a power failure only falls back to the headers. On the JetStream thread.
     */
    void savePositions() {
        if (positionsFile == null || stopped || mirror) {
            return;
        }
        long durable = target.store().durableSequence();
        ObjectNode j = ApiJson.object();
        for (Source s : sources) {
            if (s.copiedAt <= durable && s.copiedNext > 0 && s.copiedNext != s.savedNext) {
                // Every copy of this source so far is durable; later ones land after `durable`.
                s.savedNext = s.copiedNext;
                s.savedThrough = durable;
            }
            if (s.savedNext > 0) {
                j.putObject(s.config.indexName()).put("next", s.savedNext).put("through", s.savedThrough);
            }
        }
        String text = j.toString();
        if (text.equals(writtenPositions)) {
            return;
        }
        try {
            java.nio.file.Path temp = positionsFile.resolveSibling(POSITIONS_FILE + ".tmp");
            java.nio.file.Files.writeString(temp, text);
            java.nio.file.Files.move(temp, positionsFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            writtenPositions = text;
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot save the source positions of stream {0}: {1}", target.name(),
                    e.getMessage());
        }
    }

    /** The positions {@link #savePositions} wrote, by index name: {next, through}; empty when none. */
    private Map<String, long[]> savedPositions() {
        Map<String, long[]> saved = new HashMap<>();
        if (positionsFile == null || !java.nio.file.Files.exists(positionsFile)) {
            return saved;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode j = ApiJson.MAPPER.readTree(java.nio.file.Files.readString(positionsFile));
            j.fields().forEachRemaining(e -> saved.put(e.getKey(),
                    new long[] {e.getValue().path("next").asLong(), e.getValue().path("through").asLong()}));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring the source positions of stream {0}: {1}", target.name(),
                    e.getMessage());
        }
        return saved;
    }

    /**
     * Reads the target from its newest message back until every source's newest copy is found, or
     * down to where its saved position already accounts for every copy ({@code through}: the
     * target's durable sequence when it was saved, so only copies made in the last second before a
     * stop are read back); a source with neither starts from its options.
     */
    private void resumePoints() {
        Map<String, Source> unresolved = new HashMap<>();
        Map<String, long[]> saved = savedPositions();
        for (Source s : sources) {
            unresolved.put(s.config.indexName(), s);
            long[] position = saved.get(s.config.indexName());
            if (position != null && position[0] > 0) {
                s.next = position[0];
                s.savedNext = position[0];
                s.savedThrough = position[1];
                s.copiedNext = position[0];
            }
        }
        StreamStore store = target.store();
        long first = store.state().firstSequence();
        for (long seq = store.state().lastSequence(); seq >= first && seq > 0 && !unresolved.isEmpty(); seq--) {
            long at = seq;
            unresolved.values().removeIf(s -> s.savedNext > 0 && s.savedThrough >= at);
            if (unresolved.isEmpty()) {
                break;
            }
            StoredMessage m = store.get(seq);
            if (m == null || m.headers() == null || m.headers().length == 0) {
                continue;
            }
            String value = NatsHeaders.get(m.headers(), HEADER);
            if (value == null) {
                continue;
            }
            String[] f = value.split(" ");
            if (f.length < 4) {
                continue;
            }
            Source s = unresolved.remove(f[0] + " " + f[2] + " " + f[3]);
            if (s != null) {
                try {
                    s.next = Math.max(s.next, Long.parseLong(f[1]) + 1);
                    s.copiedNext = s.next;
                } catch (NumberFormatException e) {
                    unresolved.put(s.config.indexName(), s);
                }
            }
        }
    }

    private static boolean retryable(ApiError e) {
        return e.errCode() == ApiErrors.INSUFFICIENT_RESOURCES.errCode()
                || e.description().contains("maximum messages") || e.description().contains("maximum bytes");
    }

    /** One source: its origin, filters and transforms, and the next origin sequence to copy. */
    private final class Source implements StreamListener {
        final StreamConfig.Source config;
        /** Empty: every subject. Parallel to {@link #transforms}. */
        final SubjectFilter[] filters;
        /** Null where the subject stays as it is. */
        final SubjectTransform[] transforms;
        final String headerFilters;
        final String headerDestinations;
        final AtomicBoolean scheduled = new AtomicBoolean();

        /** Next origin sequence to copy; 0 until known (resumed, or from the start options once attached). */
        volatile long next;
        volatile Stream origin;
        volatile long lastActiveNanos;
        volatile ApiError error;
        /** The next origin sequence after the last copy, the target sequence that copy needs durable, and what was saved. */
        long copiedNext;
        long copiedAt;
        long savedNext;
        /** The target's durable sequence when {@link #savedNext} was saved: every copy up to it is accounted for. */
        long savedThrough;

        Source(StreamConfig.Source config) {
            this.config = config;
            String[] parts = config.indexName().split(" ");
            headerFilters = parts[1];
            headerDestinations = parts[2];
            if (!config.transforms().isEmpty()) {
                filters = new SubjectFilter[config.transforms().size()];
                transforms = new SubjectTransform[filters.length];
                for (int i = 0; i < filters.length; i++) {
                    StreamConfig.Transform t = config.transforms().get(i);
                    filters[i] = SubjectFilter.of(t.source().isEmpty() ? ">" : t.source());
                    transforms[i] = t.destination().isEmpty() ? null : SubjectTransform.of(t.source(), t.destination());
                }
            } else if (!config.filterSubject().isEmpty()) {
                filters = new SubjectFilter[] {SubjectFilter.of(config.filterSubject())};
                transforms = new SubjectTransform[1];
            } else {
                filters = new SubjectFilter[0];
                transforms = new SubjectTransform[0];
            }
        }

        void attach(Stream stream) {
            if (stream == null || stopped) {
                return;
            }
            origin = stream;
            if (next == 0) {
                StreamStore store = stream.store();
                if (config.optStartSeq() > 0) {
                    next = config.optStartSeq();
                } else if (config.optStartTime() != null) {
                    next = store.sequenceAtOrAfter(ApiJson.parseTime(config.optStartTime()));
                } else {
                    next = Math.max(1, store.state().firstSequence());
                }
            }
            stream.addListener(this);
            schedule(0);
        }

        void detach() {
            Stream o = origin;
            if (o != null) {
                o.removeListener(this);
            }
            origin = null;
        }

        long lag() {
            Stream o = origin;
            if (o == null || next == 0) {
                return 0;
            }
            return Math.max(0, o.store().state().lastSequence() - (next - 1));
        }

        @Override
        public void onDurable(Stream stream, long durableSequence) {
            if (durableSequence >= next) {
                schedule(0);
            }
        }

        private void schedule(long delayMillis) {
            if (stopped || !scheduled.compareAndSet(false, true)) {
                return;
            }
            try {
                if (delayMillis == 0) {
                    executor.execute(this::pump);
                } else {
                    executor.schedule(this::pump, delayMillis, TimeUnit.MILLISECONDS);
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // JetStream is closing
            }
        }

        /** Copies up to a batch of what the origin made durable; schedules itself again for the rest. */
        private void pump() {
            scheduled.set(false);
            Stream o = origin;
            if (stopped || o == null) {
                return;
            }
            long before = next;
            try {
                copy(o.store());
            } finally {
                if (next != before) {
                    // Once per batch rather than per copy: a memory stream's copies are durable
                    // now; a file stream's writer thread tells again once its fsync is done.
                    target.onDurable(target.store().durableSequence());
                }
            }
        }

        private void copy(StreamStore store) {
            long durable = store.durableSequence();
            SubjectFilter only = filters.length == 1 ? filters[0] : null;
            ApiError[] why = new ApiError[1];
            for (int work = 0; work < BATCH && next <= durable; work++) {
                StoredMessage m;
                try {
                    m = store.getNext(next, only);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Source {0} of stream {1}: {2}", config.name(), target.name(),
                            e.getMessage());
                    schedule(RETRY_MILLIS);
                    return;
                }
                if (m == null || m.sequence() > durable) {
                    next = durable + 1;
                    break;
                }
                int pick = pick(m.subject());
                if (pick < 0) {
                    next = m.sequence() + 1;
                    continue;
                }
                String subject = transforms.length == 0 || transforms[pick] == null ? m.subject()
                        : transforms[pick].transform(m.subject());
                if (mirror) {
                    long r = target.storeMirrored(m.sequence(), m.timestampNanos(), subject,
                            m.headers() == null || m.headers().length == 0 ? null : m.headers(),
                            ByteBuffer.wrap(m.payload()));
                    if (r == Stream.MIRROR_CLOSED) {
                        return;
                    }
                    if (r < 0 && r != StreamStore.REJECTED_MESSAGE_TOO_LARGE) {
                        error = r == Stream.MIRROR_NO_STORAGE ? ApiErrors.INSUFFICIENT_RESOURCES : Stream.storeRejection(r);
                        schedule(RETRY_MILLIS);
                        return;
                    }
                    error = null;
                    next = m.sequence() + 1;
                    lastActiveNanos = System.nanoTime();
                    continue;
                }
                byte[] headers = m.headers() == null || m.headers().length == 0 ? null
                        : NatsHeaders.without(m.headers(), StreamSources::dropped);
                headers = NatsHeaders.append(headers, HEADER, config.name() + " " + m.sequence() + " " + headerFilters
                        + " " + headerDestinations + " " + m.subject());
                why[0] = null;
                long stored = target.storeSourced(subject, headers, ByteBuffer.wrap(m.payload()), why);
                if (stored < 0) {
                    return; // the target closed
                }
                if (stored == 0 && why[0] != null && retryable(why[0])) {
                    error = why[0];
                    schedule(RETRY_MILLIS);
                    return;
                }
                if (stored == 0 && why[0] != null) {
                    LOG.log(System.Logger.Level.DEBUG, "Source {0} of stream {1}: sequence {2} skipped: {3}",
                            config.name(), target.name(), m.sequence(), why[0].description());
                }
                error = null;
                next = m.sequence() + 1;
                copiedNext = next;
                copiedAt = Math.max(copiedAt, stored);
                lastActiveNanos = System.nanoTime();
            }
            if (next <= store.durableSequence()) {
                schedule(0);
            }
        }

        /** Which filter takes {@code subject} (0 when there are none), or -1. */
        private int pick(String subject) {
            if (filters.length == 0) {
                return 0;
            }
            for (int i = 0; i < filters.length; i++) {
                if (filters[i].matches(subject)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Headers of the origin message that a copy does not keep, as nats-server drops them. */
    private static boolean dropped(String name) {
        return name.equalsIgnoreCase(HEADER) || name.regionMatches(true, 0, "Nats-Expected-", 0, 14)
                || name.regionMatches(true, 0, "Nats-Batch-", 0, 11);
    }
}
