package io.halyard.core.subject;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The entries of a {@link SubjectIndex} that match one literal subject: the plain subscribers,
 * each of which gets the message, and the queue groups, one member of each getting it.
 *
 * <p>An entry appears once per (filter, queue group, value) that matches: a value inserted under
 * both {@code "a.*"} and {@code "a.>"} appears twice for {@code "a.b"}, as two NATS subscriptions
 * of one client would each get the message. Queue groups are merged by name across filters, as in
 * nats-server: members of group {@code "q"} on {@code "a.*"} and on {@code "a.b"} form one group.
 * The order of entries is unspecified.
 *
 * <p>Immutable, hence thread-safe; one instance is shared by every thread whose subject hits the
 * same cache entry. Whether a member is still open is the caller's concern: it may call
 * {@link #pick} again or scan the group with {@link #member}.
 *
 * @param <T> the values stored in the index
 */
public final class Match<T> {

    private static final Object[] NONE = new Object[0];
    private static final String[] NO_NAMES = new String[0];
    private static final Object[][] NO_GROUPS = new Object[0][];
    private static final Match<?> EMPTY = new Match<>(NONE, NO_NAMES, NO_GROUPS);

    private final Object[] plain;
    private final String[] groupNames;
    private final Object[][] members;

    Match(Object[] plain, String[] groupNames, Object[][] members) {
        this.plain = plain;
        this.groupNames = groupNames;
        this.members = members;
    }

    /** The shared result for a subject that matches nothing. */
    @SuppressWarnings("unchecked")
    public static <T> Match<T> empty() {
        return (Match<T>) EMPTY;
    }

    /** A result over these arrays, which it now owns; null group arrays for no groups. */
    static Match<?> of(Object[] plain, String[] groupNames, Object[][] members) {
        if (groupNames == null || groupNames.length == 0) {
            return plain.length == 0 ? EMPTY : new Match<>(plain, NO_NAMES, NO_GROUPS);
        }
        return new Match<>(plain.length == 0 ? NONE : plain, groupNames, members);
    }

    /** Whether nothing matched. */
    public boolean isEmpty() {
        return plain.length == 0 && groupNames.length == 0;
    }

    /** The number of plain (non-queue) entries. */
    public int plainCount() {
        return plain.length;
    }

    /** The {@code i}-th plain entry, {@code 0 <= i < plainCount()}. */
    @SuppressWarnings("unchecked")
    public T plain(int i) {
        return (T) plain[i];
    }

    /** The number of distinct queue groups. */
    public int groupCount() {
        return groupNames.length;
    }

    /** The name of group {@code g}, {@code 0 <= g < groupCount()}. */
    public String groupName(int g) {
        return groupNames[g];
    }

    /** The number of members of group {@code g}; at least 1. */
    public int groupSize(int g) {
        return members[g].length;
    }

    /** Member {@code i} of group {@code g}. */
    @SuppressWarnings("unchecked")
    public T member(int g, int i) {
        return (T) members[g][i];
    }

    /**
     * One member of group {@code g}, chosen uniformly at random with {@link ThreadLocalRandom} (as
     * nats-server picks a random start). Not a round-robin counter kept in this object: every event
     * loop that publishes to a hot subject shares this instance, so a counter would make each pick
     * a contended write to one cache line, and a Match rebuilt after eviction would restart the
     * counter at member 0, sending every first message to the same member.
     *
     * <p>Repeated calls may return the same member. To skip members that cannot take the message
     * (closed, or the publisher itself without echo), scan from {@link #pickIndex} instead.
     */
    @SuppressWarnings("unchecked")
    public T pick(int g) {
        return (T) members[g][pickIndex(g)];
    }

    /**
     * A uniformly random member index of group {@code g}: the start of a scan that visits every
     * member once, {@code member(g, (start + i) % groupSize(g))} for {@code i < groupSize(g)}.
     */
    public int pickIndex(int g) {
        int n = members[g].length;
        return n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Match{plain=").append(plain.length);
        for (int g = 0; g < groupNames.length; g++) {
            sb.append(", ").append(groupNames[g]).append('=').append(members[g].length);
        }
        return sb.append('}').toString();
    }
}
