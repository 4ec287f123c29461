package io.halyard.core.subject;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bounded cache from literal subject bytes to {@link Match}: a four-way set-associative table of
 * immutable entries, with the entries' hashes copied into a parallel array of tags. A lookup
 * hashes the bytes, compares the four tags of its set (one cache line) and compares bytes only
 * for a tag that matches; it neither locks, writes nor allocates. A store fills an empty way of
 * the set or evicts a random one. Four ways rather than two: with two, three hot subjects that
 * share a set would evict each other on every lookup.
 *
 * <p>A tag is only a hint: a reader racing with a store may see a tag and an entry that do not
 * belong together, so the entry's own hash and bytes are always checked.
 *
 * <p>Thread-safety: {@link #get} from any thread at any time. {@link #put} from threads holding
 * {@link SubjectIndex}'s lock in shared mode (two racing puts may lose one entry, which only costs
 * a later miss). {@link #invalidateLiteral}, {@link #invalidateMatching} and {@link #clear} only
 * with that lock held exclusively, so no put of a result computed from the old trie can follow
 * them.
 */
final class MatchCache {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final VarHandle TAG = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int WAYS = 4;

    /** One cached result; immutable, so safely shared between threads through a race. */
    private static final class Entry {
        final byte[] subject;
        final int hash;
        final Match<?> match;

        Entry(byte[] subject, int hash, Match<?> match) {
            this.subject = subject;
            this.hash = hash;
            this.match = match;
        }
    }

    private final Entry[] slots;
    private final int[] tags;
    private final int setMask;

    /** @param capacity entries, rounded up to a power of two, at least {@value #WAYS} */
    MatchCache(int capacity) {
        int sets = Math.max(1, Integer.highestOneBit(Math.max(capacity, WAYS) * 2 - 1) / WAYS);
        this.slots = new Entry[sets * WAYS];
        this.tags = new int[sets * WAYS];
        this.setMask = sets - 1;
    }

    int capacity() {
        return slots.length;
    }

    /** A hash of the bytes that spreads well into the low bits; allocation-free. */
    static int hash(byte[] b, int off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = off;
        int end = off + len;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            h = (h ^ (long) LONG_LE.get(b, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        for (; i < end; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x94D049BB133111EBL;
        }
        h ^= h >>> 32;
        h *= 0xFF51AFD7ED558CCDL;
        return (int) (h ^ (h >>> 29));
    }

    /** The cached match for the subject, or null. */
    Match<?> get(byte[] b, int off, int len, int hash) {
        int base = (hash & setMask) * WAYS;
        for (int slot = base; slot < base + WAYS; slot++) {
            if ((int) TAG.getAcquire(tags, slot) != hash) {
                continue;
            }
            Entry e = (Entry) SLOT.getAcquire(slots, slot);
            if (e != null && e.hash == hash
                    && Arrays.equals(e.subject, 0, e.subject.length, b, off, off + len)) {
                return e.match;
            }
        }
        return null;
    }

    /** Caches {@code match} for {@code subject}, which the cache now owns. */
    void put(byte[] subject, int hash, Match<?> match) {
        int base = (hash & setMask) * WAYS;
        int victim = base + ThreadLocalRandom.current().nextInt(WAYS);
        for (int slot = base; slot < base + WAYS; slot++) {
            if (SLOT.getAcquire(slots, slot) == null) {
                victim = slot;
                break;
            }
        }
        SLOT.setRelease(slots, victim, new Entry(subject, hash, match));
        TAG.setRelease(tags, victim, hash);
    }

    /** Drops the entry for this literal subject, if cached. */
    void invalidateLiteral(byte[] subject) {
        int hash = hash(subject, 0, subject.length);
        int base = (hash & setMask) * WAYS;
        for (int slot = base; slot < base + WAYS; slot++) {
            Entry e = (Entry) SLOT.getAcquire(slots, slot);
            if (e != null && e.hash == hash && Arrays.equals(e.subject, subject)) {
                SLOT.setRelease(slots, slot, null);
            }
        }
    }

    /**
     * Drops every entry whose subject the filter (tokens as in {@link SubjectTrie}) matches: a scan
     * of the whole table, bounded by its capacity, paid only when a wildcard entry changes.
     */
    void invalidateMatching(String[] filterTokens) {
        for (int i = 0; i < slots.length; i++) {
            Entry e = (Entry) SLOT.getAcquire(slots, i);
            if (e != null && matches(filterTokens, e.subject)) {
                SLOT.setRelease(slots, i, null);
            }
        }
    }

    void clear() {
        for (int i = 0; i < slots.length; i++) {
            SLOT.setRelease(slots, i, null);
        }
    }

    /**
     * Whether the filter matches the subject exactly as {@link SubjectTrie#collect} routes it:
     * subject tokens are literal, {@code "*"} takes one token, {@code ">"} one or more. The
     * subject has no empty token (those are never cached).
     */
    static boolean matches(String[] filterTokens, byte[] subject) {
        int pos = 0;
        int len = subject.length;
        for (String token : filterTokens) {
            if (pos > len) {
                return false;
            }
            if (SubjectTrie.TAIL.equals(token)) {
                return true;
            }
            int end = pos;
            while (end < len && subject[end] != Subjects.SEPARATOR) {
                end++;
            }
            if (!SubjectTrie.ONE_TOKEN.equals(token) && !sameToken(token, subject, pos, end)) {
                return false;
            }
            pos = end + 1;
        }
        return pos > len;
    }

    private static boolean sameToken(String token, byte[] subject, int start, int end) {
        if (token.length() != end - start) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) != (subject[start + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
