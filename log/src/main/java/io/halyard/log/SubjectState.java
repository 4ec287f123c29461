package io.halyard.log;

/** What a store holds on one subject: the number of messages and the first and last sequence. */
public record SubjectState(String subject, long messages, long firstSequence, long lastSequence) {
}
