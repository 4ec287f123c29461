package io.halyard.core.subject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;

/**
 * The routing table: which values (subscriptions) a published subject reaches. Entries are
 * (filter, queue group or null, value); {@link #match} returns the plain entries and the queue
 * groups whose filter matches a literal subject.
 *
 * <h2>Structure</h2>
 * A trie of subject levels like nats-server's sublist ({@link SubjectTrie}): literal tokens in a
 * hash map plus a {@code '*'} and a {@code '>'} child per level, so a match walks O(tokens)
 * levels (branching at wildcards) whatever the number of entries. In front of it, a bounded cache
 * of results keyed by the subject bytes ({@link MatchCache}, {@value #DEFAULT_CACHE_ENTRIES}
 * entries by default, four-way set-associative, evicting a random entry of a full set).
 *
 * <h2>Cache hit, miss and invalidation</h2>
 * A hit hashes the subject bytes, finds the entry by its hash among the four of its set and
 * compares bytes: no lock, no write to shared memory, no allocation, no {@code String}. A miss splits the
 * subject into byte ranges ({@link SubjectTokens}: no token strings), walks the trie and caches the frozen result, all under the lock in shared mode, so misses on
 * different threads run in parallel. Insert and remove hold the lock exclusively, change the trie,
 * then drop only the cache entries the change can affect (nats-server's approach): for a literal
 * filter the one entry for that subject, for a wildcard filter every cached subject the filter
 * matches (a scan of the table). Because a miss computes <em>and stores</em> its result under the
 * shared lock, no result computed from the trie before a change can be stored after that change's
 * invalidation; so once {@code insert} or {@code remove} returns, every later {@code match}
 * reflects it. Unlike a global generation counter, this keeps the cache warm for unrelated
 * subjects while clients subscribe and unsubscribe (for instance request/reply inboxes).
 *
 * <p>Why one shared cache rather than one per event loop: hits only read the table, so threads
 * share its cache lines without contention, and one table holds a hot subject once instead of once
 * per thread, with no per-thread lookup on the hot path and one place to invalidate.
 *
 * <h2>Thread-safety</h2>
 * Thread-safe. {@link #match} is meant for many event-loop threads at once; {@link #insert} and
 * {@link #remove} may come from any thread and are expected to be rare next to matches. No user
 * code runs under the lock. Returned {@link Match} objects are immutable.
 *
 * @param <T> the values, compared by identity
 */
public final class SubjectIndex<T> {

    /** Cache entries of the no-argument constructor. */
    public static final int DEFAULT_CACHE_ENTRIES = 4096;
    private static final int MAX_CACHE_ENTRIES = 1 << 20;

    /** One entry, for monitoring. {@code queueGroup} is null for a plain entry. */
    public record Entry<T>(String filter, String queueGroup, T value) {
    }

    private final StampedLock lock = new StampedLock();
    private final SubjectTrie trie = new SubjectTrie();
    private final MatchCache cache;
    private volatile int count;

    /** An index with a cache of {@value #DEFAULT_CACHE_ENTRIES} subjects. */
    public SubjectIndex() {
        this(DEFAULT_CACHE_ENTRIES);
    }

    /** An index whose cache holds {@code cacheEntries} subjects (4 to 2^20, rounded up to a power of 2). */
    public SubjectIndex(int cacheEntries) {
        if (cacheEntries < 4 || cacheEntries > MAX_CACHE_ENTRIES) {
            throw new IllegalArgumentException("cacheEntries must be in [4, 2^20]: " + cacheEntries);
        }
        this.cache = new MatchCache(cacheEntries);
    }

    /**
     * Adds an entry. Adding an entry that is already present (same filter, same group, the same
     * value by identity) changes nothing, as nats-server keeps a set of subscriptions per filter.
     *
     * @param filter a valid filter ({@link Subjects#isValidFilter})
     * @param queueGroup the queue group, or null for a plain entry
     * @throws IllegalArgumentException if the filter is invalid or the group is empty
     */
    public void insert(String filter, String queueGroup, T value) {
        Objects.requireNonNull(value, "value");
        checkFilter(filter, queueGroup);
        String[] tokens = tokens(filter);
        long stamp = lock.writeLock();
        try {
            if (trie.insert(filter, tokens, queueGroup, value)) {
                count++;
                invalidate(filter, tokens);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Removes the entry with this filter, group and value (by identity).
     *
     * @return whether it was present; false also for an invalid filter
     */
    public boolean remove(String filter, String queueGroup, T value) {
        if (!Subjects.isValidFilter(filter) || queueGroup != null && queueGroup.isEmpty()) {
            return false;
        }
        String[] tokens = tokens(filter);
        long stamp = lock.writeLock();
        try {
            if (!trie.remove(tokens, queueGroup, value)) {
                return false;
            }
            count--;
            invalidate(filter, tokens);
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Removes {@code removed} and adds {@code added} as one change: for any subject, a {@link #match}
     * sees either every entry of {@code removed} and none of {@code added}, or the other way round,
     * never a mix. This is how a catch-all that stood in for several subscriptions hands over to them
     * without a message reaching both or neither (JetStream's recovery hold). Entries absent from the
     * index are skipped; entries already present are not added twice.
     *
     * @throws IllegalArgumentException if a filter of {@code added} is invalid (nothing is changed)
     */
    public void replace(List<Entry<T>> removed, List<Entry<T>> added) {
        for (Entry<T> e : added) {
            Objects.requireNonNull(e.value(), "value");
            checkFilter(e.filter(), e.queueGroup());
        }
        long stamp = lock.writeLock();
        try {
            // Change the trie first and invalidate afterwards: until its entry is dropped a cached
            // subject answers as before the whole change, and no miss can store a result before the
            // lock is released, when every change is in.
            for (Entry<T> e : removed) {
                if (Subjects.isValidFilter(e.filter()) && trie.remove(tokens(e.filter()), e.queueGroup(), e.value())) {
                    count--;
                }
            }
            for (Entry<T> e : added) {
                if (trie.insert(e.filter(), tokens(e.filter()), e.queueGroup(), e.value())) {
                    count++;
                }
            }
            for (Entry<T> e : removed) {
                if (Subjects.isValidFilter(e.filter())) {
                    invalidate(e.filter(), tokens(e.filter()));
                }
            }
            for (Entry<T> e : added) {
                invalidate(e.filter(), tokens(e.filter()));
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The number of entries. */
    public int count() {
        return count;
    }

    /**
     * The entries matching the literal subject in {@code length} bytes of {@code subject} from
     * {@code offset}. The hot path: a cache hit allocates nothing and takes no lock. Every token
     * of the subject is taken literally (see {@link Subjects#matches}); a subject that is empty or
     * has an empty token matches nothing. The bytes are not retained.
     */
    @SuppressWarnings("unchecked")
    public Match<T> match(byte[] subject, int offset, int length) {
        int hash = MatchCache.hash(subject, offset, length);
        Match<?> hit = cache.get(subject, offset, length, hash);
        if (hit != null) {
            return (Match<T>) hit;
        }
        return (Match<T>) miss(subject, offset, length, hash);
    }

    /** {@link #match(byte[], int, int)} for a subject held as a String; allocates its bytes. */
    public Match<T> match(String subject) {
        byte[] bytes = subject.getBytes(StandardCharsets.UTF_8);
        return match(bytes, 0, bytes.length);
    }

    /** A snapshot of every entry, in no particular order, for monitoring. */
    public List<Entry<T>> entries() {
        long stamp = lock.readLock();
        try {
            return trie.entries();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** A thread's scratch for misses: the subject's token ranges and a result builder. */
    private static final class MissScratch {
        final SubjectTokens tokens = new SubjectTokens();
        final MatchBuilder builder = new MatchBuilder();
    }

    private static final ThreadLocal<MissScratch> MISS_SCRATCH = ThreadLocal.withInitial(MissScratch::new);

    private Match<?> miss(byte[] subject, int offset, int length, int hash) {
        MissScratch scratch = MISS_SCRATCH.get();
        SubjectTokens tokens = scratch.tokens;
        try {
            if (!tokens.split(subject, offset, length)) {
                return Match.empty();
            }
            byte[] key = Arrays.copyOfRange(subject, offset, offset + length);
            MatchBuilder builder = scratch.builder;
            builder.reset();
            long stamp = lock.readLock();
            try {
                trie.collect(tokens, builder);
                Match<?> result = builder.build();
                cache.put(key, hash, result);
                return result;
            } finally {
                lock.unlockRead(stamp);
                builder.reset();
            }
        } finally {
            tokens.clear();
        }
    }

    /** Called with the lock held exclusively, after the trie changed. */
    private void invalidate(String filter, String[] tokens) {
        if (Subjects.isLiteral(filter)) {
            cache.invalidateLiteral(filter.getBytes(StandardCharsets.UTF_8));
        } else {
            cache.invalidateMatching(tokens);
        }
    }

    private static void checkFilter(String filter, String queueGroup) {
        if (!Subjects.isValidFilter(filter)) {
            throw new IllegalArgumentException("invalid filter: '" + filter + "'");
        }
        if (queueGroup != null && queueGroup.isEmpty()) {
            throw new IllegalArgumentException("empty queue group; use null for a plain entry");
        }
    }

    /** The filter's tokens in the trie's encoding (UTF-8 bytes as ISO-8859-1 chars). */
    private static String[] tokens(String filter) {
        byte[] bytes = filter.getBytes(StandardCharsets.UTF_8);
        String[] tokens = subjectTokens(bytes, 0, bytes.length);
        assert tokens != null : filter;
        return tokens;
    }

    /** The tokens of a subject, or null if it is empty or has an empty token. */
    private static String[] subjectTokens(byte[] subject, int offset, int length) {
        if (length <= 0) {
            return null;
        }
        int end = offset + length;
        int count = 1;
        for (int i = offset; i < end; i++) {
            if (subject[i] == Subjects.SEPARATOR) {
                count++;
            }
        }
        String[] tokens = new String[count];
        int start = offset;
        int t = 0;
        for (int i = offset; i <= end; i++) {
            if (i == end || subject[i] == Subjects.SEPARATOR) {
                if (i == start) {
                    return null;
                }
                tokens[t++] = new String(subject, start, i - start, StandardCharsets.ISO_8859_1);
                start = i + 1;
            }
        }
        return tokens;
    }
}
