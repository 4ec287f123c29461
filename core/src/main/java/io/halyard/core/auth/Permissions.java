package io.halyard.core.auth;

import io.halyard.core.subject.Match;
import io.halyard.core.subject.SubjectIndex;
import io.halyard.core.subject.Subjects;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A user's publish and subscribe allow/deny lists, compiled into subject indexes so the per-message
 * publish check is one cached, allocation-free lookup.
 *
 * <p>Semantics (nats-server's): an empty allow list allows everything; deny wins over allow. A
 * subscription filter is allowed when some allow filter covers it entirely; a wildcard subscription
 * that is allowed but overlaps a deny filter stays, and messages on denied subjects are not delivered
 * to it ({@link #denySubscriptionDelivery}).
 *
 * <p>Immutable and thread-safe; shared by every connection of the user.
 */
public final class Permissions {
    private final List<String> publishAllow;
    private final List<String> publishDeny;
    private final List<String> subscribeAllow;
    private final List<String> subscribeDeny;
    /** Small caches: a user publishes to a handful of hot subjects. */
    private static final int CACHE_ENTRIES = 256;
    private final SubjectIndex<String> publishAllowIndex = new SubjectIndex<>(CACHE_ENTRIES);
    private final SubjectIndex<String> publishDenyIndex = new SubjectIndex<>(CACHE_ENTRIES);
    private final SubjectIndex<String> subscribeDenyIndex = new SubjectIndex<>(CACHE_ENTRIES);

    public Permissions(List<String> publishAllow, List<String> publishDeny,
                       List<String> subscribeAllow, List<String> subscribeDeny) {
        this.publishAllow = List.copyOf(publishAllow);
        this.publishDeny = List.copyOf(publishDeny);
        this.subscribeAllow = List.copyOf(subscribeAllow);
        this.subscribeDeny = List.copyOf(subscribeDeny);
        this.publishAllow.forEach(f -> publishAllowIndex.insert(f, null, f));
        this.publishDeny.forEach(f -> publishDenyIndex.insert(f, null, f));
        this.subscribeDeny.forEach(f -> subscribeDenyIndex.insert(f, null, f));
    }

    /** Whether a message may be published to the literal subject {@code subject[off, off+len)}. */
    public boolean canPublish(byte[] subject, int off, int len) {
        if (!publishAllow.isEmpty() && isEmpty(publishAllowIndex.match(subject, off, len))) {
            return false;
        }
        return publishDeny.isEmpty() || isEmpty(publishDenyIndex.match(subject, off, len));
    }

    public boolean canPublish(String subject) {
        byte[] b = subject.getBytes(StandardCharsets.UTF_8);
        return canPublish(b, 0, b.length);
    }

    /** Whether the subscription filter may be created at all. */
    public boolean canSubscribe(String filter) {
        if (!subscribeAllow.isEmpty()) {
            boolean covered = false;
            for (String allow : subscribeAllow) {
                if (Subjects.isSubsetOf(filter, allow)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        for (String deny : subscribeDeny) {
            if (Subjects.isSubsetOf(filter, deny)) {
                return false;
            }
        }
        return true;
    }

    /** Whether deny filters exist that may hide some messages from an allowed wildcard subscription. */
    public boolean hasSubscribeDeny() {
        return !subscribeDeny.isEmpty();
    }

    /** Whether a message on the literal subject must not reach this user's subscriptions. */
    public boolean denySubscriptionDelivery(byte[] subject, int off, int len) {
        return !subscribeDeny.isEmpty() && !isEmpty(subscribeDenyIndex.match(subject, off, len));
    }

    private static boolean isEmpty(Match<String> m) {
        return m.plainCount() == 0 && m.groupCount() == 0;
    }

    @Override
    public String toString() {
        return "publish allow=" + publishAllow + " deny=" + publishDeny
                + ", subscribe allow=" + subscribeAllow + " deny=" + subscribeDeny;
    }
}
