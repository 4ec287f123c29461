package io.halyard.core.jetstream;

import io.halyard.core.Broker;
import io.halyard.core.client.Subscription;
import io.halyard.core.subject.Subjects;
import io.halyard.log.DurabilityMode;
import io.halyard.log.EpochClock;
import io.halyard.log.FileStore;
import io.halyard.log.MemoryStore;
import io.halyard.log.StoreOptions;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JetStream in one server: the streams of the (single, global) account, where they live on disk,
 * and the thread that runs the API.
 *
 * <p><b>On disk.</b> {@code <store_dir>/jetstream/$G/streams/<name>/} holds {@link StreamMeta}'s
 * {@code meta.json} and the stream's {@link FileStore} directory {@code msgs/}. Directories are
 * created with the first file stream, so a server that never creates one leaves no trace. Memory
 * streams have no directory and are lost on restart, as with nats-server.
 *
 * <p><b>Start-up.</b> The server serves core NATS while the streams and consumers found on disk
 * are reopened on the JetStream thread (reading every record of every store takes a while):
 * {@link #startHolding} before the client port serves — from then on a {@link RecoveryHold} keeps
 * publishes to those streams and the API holds its requests — and {@link #startRecovery} once it
 * serves; both are served in order when recovery is done ({@link #isRecovered}). {@link #start}
 * does both and waits.
 *
 * <p><b>Threads.</b> Every API request runs on the single {@code halyard-jetstream} thread
 * ({@link #executor()}), so creates, updates and deletes are serialised without further locking;
 * the stream map is concurrent so that the publish path and the API dispatcher can look streams up
 * from event loops. The same thread expires aged messages of memory streams once a second (file
 * stores do it on their writer thread).
 *
 * <p>Thread-safe as described: mutators ({@link #create}, {@link #update}, {@link #delete}) must run
 * on the JetStream thread; lookups from any thread.
 */
public final class JetStream implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JetStream.class.getName());
    /** nats-server's global account, the only one until accounts come. */
    public static final String GLOBAL_ACCOUNT = "$G";
    static final String MESSAGES_DIRECTORY = "msgs";

    private final Broker broker;
    private final Path streamsDirectory;
    private final EpochClock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Consumers consumers;
    private final JetStreamApi api;
    private StorageLimit memoryLimit = new StorageLimit(-1);
    private StorageLimit fileLimit = new StorageLimit(-1);
    /** {@code sync_interval}: 0 means fsync before every acknowledgement (Halyard's default). */
    private volatile long syncIntervalNanos;
    private final RecoveryHold hold;
    private final CountDownLatch recovered = new CountDownLatch(1);
    /** Set when close() begins, so that a recovery still under way stops at the next stream. */
    private volatile boolean closing;
    /** Why recovery as a whole failed (streams that fail alone are only logged), or null. */
    private volatile RuntimeException recoveryFailure;

    /**
     * @param storeDirectory nats-server's {@code store_dir}; streams go under {@code jetstream/$G/streams}
     */
    public JetStream(Broker broker, Path storeDirectory, EpochClock clock) {
        this.broker = broker;
        this.streamsDirectory = storeDirectory.resolve("jetstream").resolve(GLOBAL_ACCOUNT).resolve("streams");
        this.clock = clock;
        this.executor = new JetStreamExecutor(broker);
        this.executor.setRemoveOnCancelPolicy(true);
        // After close, late deferred work (a PubAck for a closed stream) is dropped, not thrown.
        this.executor.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
        this.consumers = new Consumers(this, broker, clock);
        this.api = new JetStreamApi(this, broker);
        this.hold = new RecoveryHold(broker, this);
    }

    /**
     * The server's {@code max_memory_store} and {@code max_file_store} (not positive: unlimited).
     * Call before {@link #start} or {@link #startRecovery}.
     */
    public JetStream storageLimits(long maxMemoryBytes, long maxFileBytes) {
        this.memoryLimit = new StorageLimit(maxMemoryBytes);
        this.fileLimit = new StorageLimit(maxFileBytes);
        return this;
    }

    /**
     * nats-server's {@code sync_interval}: with a positive interval, file stores acknowledge once a
     * write has reached the operating system and fsync in the background at that interval (a process
     * crash loses nothing, a power failure may lose the last interval); 0, the default, fsyncs before
     * every acknowledgement. Applies to the streams and the consumer journal opened after the call:
     * call before {@link #start} or {@link #startRecovery}.
     */
    public JetStream syncInterval(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("sync interval must not be negative: " + nanos);
        }
        this.syncIntervalNanos = nanos;
        consumers.syncInterval(nanos);
        return this;
    }

    /** The configured {@code sync_interval} in nanoseconds; 0 when every acknowledgement waits for fsync. */
    public long syncIntervalNanos() {
        return syncIntervalNanos;
    }

    /** Options with the durability {@link #syncInterval} asks for. */
    static StoreOptions withSync(StoreOptions options, long syncIntervalNanos) {
        return syncIntervalNanos > 0
                ? options.withDurability(DurabilityMode.INTERVAL).withSyncIntervalNanos(syncIntervalNanos)
                : options.withDurability(DurabilityMode.ALWAYS);
    }

    /** Reopens the streams and consumers found on disk and starts answering the API; returns when done. */
    public JetStream start() {
        startHolding();
        startRecovery();
        try {
            recovered.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recovering streams", e);
        }
        RuntimeException failure = recoveryFailure;
        if (failure != null) {
            throw new IllegalStateException("cannot recover streams: " + failure.getMessage(), failure);
        }
        return this;
    }

    /**
     * From now on, publishes to the streams on disk and API requests are held until recovery is done.
     * Cheap (loads no stream, no JSON); call before clients can publish, then {@link #startRecovery}.
     */
    public JetStream startHolding() {
        hold.install();
        api.start();
        return this;
    }

    /**
     * Reopens the streams and consumers on disk on the JetStream thread, then serves what was held.
     * Returns at once; {@link #isRecovered} tells when it is done. Once, after {@link #startHolding}.
     */
    public JetStream startRecovery() {
        executor.execute(this::recover);
        return this;
    }

    /** Whether the streams and consumers on disk have been reopened (or recovery gave up). Any thread. */
    public boolean isRecovered() {
        return recovered.getCount() == 0;
    }

    /** Waits for {@link #isRecovered}; false on timeout. */
    public boolean awaitRecovered(long timeout, TimeUnit unit) throws InterruptedException {
        return recovered.await(timeout, unit);
    }

    /** Why recovery failed as a whole, or null. */
    public RuntimeException recoveryFailure() {
        return recoveryFailure;
    }

    /** Recovery, on the JetStream thread: configurations, then stores and consumers, then the hand-over. */
    private void recover() {
        long startNanos = System.nanoTime();
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            api.registerOperations();
            Map<String, StoredStream> found = readStreams();
            Map<String, List<String>> subjects = new LinkedHashMap<>();
            found.forEach((name, f) -> subjects.put(name, f.meta.config().subjects));
            hold.streamsKnown(subjects);
            for (StoredStream f : found.values()) {
                if (closing) {
                    break;
                }
                String name = f.meta.config().name;
                try {
                    Stream stream = open(f.meta.config(), f.meta.createdNanos(), f.dir);
                    streams.put(name, stream);
                    subscriptions.addAll(stream.startUnsubscribed());
                    consumers.recover(stream, f.dir);
                    hold.opened(name, stream);
                    LOG.log(System.Logger.Level.INFO, "Restored stream {0} ({1} messages)", name, stream.store().state().messages());
                } catch (IOException | RuntimeException e) {
                    hold.failed(name);
                    LOG.log(System.Logger.Level.ERROR, "Stream {0} not restored, its files are left as they are: {1}", name, e.getMessage());
                }
            }
            for (Stream s : streams.values()) {
                startSources(s); // once every stream is open, so that origins are there to attach
            }
            measureUsage();
            executor.scheduleWithFixedDelay(this::housekeeping, 1, 1, TimeUnit.SECONDS);
            consumers.start(executor);
            hold.consumersStarted();
        } catch (RuntimeException e) {
            recoveryFailure = e;
            LOG.log(System.Logger.Level.ERROR, "JetStream recovery failed", e);
        } finally {
            hold.release(subscriptions);
            api.ready();
            recovered.countDown();
        }
        LOG.log(System.Logger.Level.INFO, "JetStream recovered {0} streams and {1} consumers in {2,number,#} ms",
                streams.size(), consumers.count(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** A stream found on disk: its configuration and directory. */
    private record StoredStream(StreamMeta.Contents meta, Path dir) {
    }

    /** The configurations of the streams on disk, by name; removes what an unfinished delete left. */
    private Map<String, StoredStream> readStreams() {
        Map<String, StoredStream> found = new LinkedHashMap<>();
        if (!Files.isDirectory(streamsDirectory)) {
            return found;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(streamsDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!Files.isDirectory(dir) || name.startsWith(".")) {
                    if (name.startsWith(".deleted-")) {
                        deleteTree(dir); // a delete that did not finish
                    }
                    continue;
                }
                try {
                    StreamMeta.Contents meta = StreamMeta.read(dir);
                    if (!meta.config().name.equals(name)) {
                        throw new IOException("meta.json names stream " + meta.config().name);
                    }
                    found.put(name, new StoredStream(meta, dir));
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "Stream {0} not restored, its files are left as they are: {1}", name, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "Cannot list streams in " + streamsDirectory, e);
        }
        return found;
    }

    private Stream open(StreamConfig config, long createdNanos, Path dir) throws IOException {
        StoreOptions options = withSync(StoreOptions.defaults(config.isMemory() ? null : dir.resolve(MESSAGES_DIRECTORY))
                .withLimits(Stream.limits(config)).withClock(clock), syncIntervalNanos);
        Stream stream = new Stream(broker, executor, clock, config, createdNanos,
                listener -> config.isMemory() ? new MemoryStore(options) : FileStore.open(options.withListener(listener)));
        stream.storageLimit(config.isMemory() ? memoryLimit : fileLimit);
        stream.interest(consumers::anyWants);
        return stream;
    }

    /** The thread that runs API requests and deferred stream work. */
    public Executor executor() {
        return executor;
    }

    public Broker broker() {
        return broker;
    }

    public EpochClock clock() {
        return clock;
    }

    /** The API dispatcher, where further API handlers (consumers) are registered. */
    public JetStreamApi api() {
        return api;
    }

    /** The consumers of every stream. */
    Consumers consumers() {
        return consumers;
    }

    /** The account's directory, {@code <store_dir>/jetstream/$G}. */
    Path accountDirectory() {
        return streamsDirectory.getParent();
    }

    /** Where a file stream keeps its files (its consumers under {@code obs/}). */
    Path streamDirectory(String name) {
        return streamsDirectory.resolve(name);
    }

    /** The stream, or null. Any thread. */
    public Stream stream(String name) {
        return streams.get(name);
    }

    /** The streams sorted by name. Any thread. */
    public List<Stream> streams() {
        List<Stream> all = new ArrayList<>(streams.values());
        all.sort(Comparator.comparing(Stream::name));
        return all;
    }

    /** The streams with a subject that collides with {@code filter}, sorted by name. */
    public List<Stream> streams(String filter) {
        List<Stream> matching = new ArrayList<>();
        for (Stream s : streams()) {
            for (String subject : s.config().subjects) {
                if (Subjects.overlaps(filter, subject)) {
                    matching.add(s);
                    break;
                }
            }
        }
        return matching;
    }

    /**
     * Creates a stream from a normalised config; returns {@code null}-free: the existing stream when
     * one with the same name and the same config exists (a repeated create is not an error).
     */
    Stream create(StreamConfig config) {
        Stream existing = streams.get(config.name);
        if (existing != null) {
            if (existing.config().sameAs(config)) {
                return existing;
            }
            throw new ApiException(ApiErrors.STREAM_NAME_EXISTS);
        }
        checkOverlap(config, null);
        checkReservation(config, null);
        long created = clock.epochNanos();
        Path dir = streamsDirectory.resolve(config.name);
        Stream stream;
        try {
            if (!config.isMemory()) {
                Files.createDirectories(dir);
                StreamMeta.write(dir, config, created);
                StreamMeta.syncDirectory(streamsDirectory);
            }
            stream = open(config, created, dir);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Cannot create stream " + config.name, e);
            deleteTree(dir);
            throw new ApiException(ApiErrors.streamCreate("error creating store for stream: " + e.getMessage()));
        }
        if (config.firstSeq > 1) {
            stream.store().purge(null, config.firstSeq, 0); // an empty store's next sequence moves to first_seq
        }
        streams.put(config.name, stream);
        stream.start();
        startSources(stream);
        streamAppeared(stream);
        return stream;
    }

    /** Starts copying a stream's sources, if it has any. On the JetStream thread. */
    private void startSources(Stream stream) {
        if (stream.config().sources.isEmpty() && stream.config().mirror == null) {
            return;
        }
        StreamSources sources = new StreamSources(this, stream, executor,
                stream.config().isMemory() ? null : streamsDirectory.resolve(stream.name()));
        stream.sources(sources);
        sources.start();
    }

    private void stopSources(Stream stream) {
        StreamSources sources = stream.sources();
        if (sources != null) {
            sources.stop();
            stream.sources(null);
        }
    }

    /** Sources of other streams waiting for a stream of this name attach to it. */
    private void streamAppeared(Stream appeared) {
        for (Stream s : streams.values()) {
            StreamSources sources = s.sources();
            if (sources != null && s != appeared) {
                sources.streamAppeared(appeared);
            }
        }
    }

    /** Applies a normalised config to an existing stream, after nats-server's update rules. */
    Stream update(StreamConfig next) {
        Stream stream = streams.get(next.name);
        if (stream == null) {
            throw new ApiException(ApiErrors.STREAM_NOT_FOUND);
        }
        StreamConfigRules.checkUpdate(stream.config(), next);
        checkOverlap(next, stream);
        checkReservation(next, stream);
        next.firstSeq = stream.config().firstSeq;
        if (!next.isMemory()) {
            try {
                // Deletions made by the old limits must be durable before looser limits are on disk:
                // recovery under the new ones would not make them again (StreamStore.sync).
                stream.store().sync();
                StreamMeta.write(streamsDirectory.resolve(next.name), next, stream.createdNanos());
            } catch (IOException e) {
                throw new ApiException(ApiErrors.streamUpdate("cannot write the stream configuration: " + e.getMessage()));
            }
        }
        boolean sourcesChanged = !stream.config().toJson().path("sources").equals(next.toJson().path("sources"))
                || !stream.config().toJson().path("mirror").equals(next.toJson().path("mirror"));
        stream.update(next);
        if (sourcesChanged) {
            // New sources resume from the copies already stored, as after a restart.
            stopSources(stream);
            startSources(stream);
        }
        return stream;
    }

    /** Deletes a stream and its files; false when there is none. */
    boolean delete(String name) {
        Stream stream = streams.remove(name);
        if (stream == null) {
            return false;
        }
        consumers.streamDeleted(name);
        stopSources(stream);
        for (Stream s : streams.values()) {
            StreamSources sources = s.sources();
            if (sources != null) {
                sources.streamGone(name);
            }
        }
        stream.close();
        Path dir = streamsDirectory.resolve(name);
        if (Files.exists(dir)) {
            // Renamed first so that a crash half-way never leaves a stream that restarts half-deleted.
            Path doomed = streamsDirectory.resolve(".deleted-" + name + "-" + System.nanoTime());
            try {
                Files.move(dir, doomed);
                StreamMeta.syncDirectory(streamsDirectory);
            } catch (IOException e) {
                throw new ApiException(ApiErrors.streamDelete("cannot remove the stream's files: " + e.getMessage()));
            }
            deleteTree(doomed);
        }
        return true;
    }

    /** nats-server's server check: the stream's max_bytes must fit beside what the other streams reserve. */
    private void checkReservation(StreamConfig config, Stream self) {
        long reserved = 0;
        for (Stream other : streams.values()) {
            if (other != self && other.config().isMemory() == config.isMemory() && other.config().maxBytes > 0) {
                reserved += other.config().maxBytes;
            }
        }
        if (!(config.isMemory() ? memoryLimit : fileLimit).canReserve(config.maxBytes, reserved)) {
            throw new ApiException(config.isMemory() ? ApiErrors.MEMORY_RESOURCES_EXCEEDED : ApiErrors.STORAGE_RESOURCES_EXCEEDED);
        }
    }

    /** Sums the stores' bytes into the storage limits' usage. */
    private void measureUsage() {
        Usage u = usage();
        memoryLimit.used(u.memory());
        fileLimit.used(u.storage());
    }

    /** Bytes stored and reserved (the streams' max_bytes) per kind of storage, and messages, summed now. */
    public record Usage(long memory, long storage, long reservedMemory, long reservedStorage, long messages) {
    }

    /** The streams' usage, summed from their stores: what account INFO, /jsz and the storage limits report. Any thread. */
    public Usage usage() {
        long memory = 0;
        long storage = 0;
        long reservedMemory = 0;
        long reservedStorage = 0;
        long messages = 0;
        for (Stream s : streams.values()) {
            io.halyard.log.StoreState st = s.store().state();
            long reserved = Math.max(0, s.config().maxBytes);
            messages += st.messages();
            if (s.config().isMemory()) {
                memory += st.bytes();
                reservedMemory += reserved;
            } else {
                storage += st.bytes();
                reservedStorage += reserved;
            }
        }
        return new Usage(memory, storage, reservedMemory, reservedStorage, messages);
    }

    private void checkOverlap(StreamConfig config, Stream self) {
        for (Stream other : streams.values()) {
            if (other == self) {
                continue;
            }
            for (String mine : config.subjects) {
                for (String theirs : other.config().subjects) {
                    if (Subjects.overlaps(mine, theirs)) {
                        throw new ApiException(ApiErrors.STREAM_SUBJECT_OVERLAP);
                    }
                }
            }
        }
    }

    /**
     * Once a second: max_age of memory streams (file stores do it on their writer thread), per-message
     * TTLs, then the storage used.
     */
    private void housekeeping() {
        long now = clock.epochNanos();
        for (Stream s : streams.values()) {
            try {
                if (s.config().isMemory() && s.config().maxAgeNanos > 0) {
                    s.store().expire();
                }
                s.expireByTtl(now);
                StreamSources sources = s.sources();
                if (sources != null) {
                    sources.savePositions();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Expiring messages of stream " + s.name() + " failed", e);
            }
        }
        try {
            measureUsage();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: TTLs would stop expiring.
            LOG.log(System.Logger.Level.WARNING, "Measuring JetStream storage failed", e);
        }
    }

    /** Stops the API and closes every stream (file stores complete their writes and fsync). */
    @Override
    public void close() {
        closing = true;
        hold.close();
        api.stop();
        try {
            executor.submit(() -> {
                for (Stream s : streams.values()) {
                    StreamSources sources = s.sources();
                    if (sources != null) {
                        sources.savePositions();
                        sources.stop();
                    }
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "Stopping stream sources on close failed", e);
        }
        try {
            executor.submit(consumers::close).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "Saving consumers on close failed", e);
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Stream s : streams.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing stream " + s.name(), e);
            }
        }
        streams.clear();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "Cannot delete " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot delete " + root + ": " + e.getMessage());
        }
    }
}
