package io.halyard.log;

/** What a full store does with a new message (JetStream's {@code discard}). */
public enum DiscardPolicy {
    /** Remove the oldest messages to make room. */
    OLD,
    /** Reject the new message. */
    NEW
}
