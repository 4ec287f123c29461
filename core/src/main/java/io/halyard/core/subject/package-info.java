/**
 * Subjects and the subject index: the NATS subject rules ({@link io.halyard.core.subject.Subjects}:
 * validity of publish subjects and filters, matching, overlap and containment of filters) and the
 * routing table from a published subject to the subscriptions it reaches
 * ({@link io.halyard.core.subject.SubjectIndex}, with its immutable
 * {@link io.halyard.core.subject.Match} results and queue-group picking).
 *
 * <p>Owns: the trie of subject levels, the match cache and its invalidation. Does not own what the
 * values are (subscriptions, sessions, consumers are the caller's) nor any limit such as
 * {@code max_sub_tokens} or {@code max_control_line}, which the session applies.
 *
 * <p>May import: the JDK only. Nothing here knows Netty, the protocol module, sessions or
 * accounts; every other part of the broker may depend on this package.
 */
package io.halyard.core.subject;
