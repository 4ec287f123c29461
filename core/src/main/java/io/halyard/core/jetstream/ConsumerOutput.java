package io.halyard.core.jetstream;

/**
 * Where a consumer's messages go: the broker in a server, a recording fake in unit tests.
 * Implementations must accept calls from the JetStream thread.
 */
interface ConsumerOutput {
    /** Publishes a message to {@code subject} (headers: a whole {@code NATS/1.0} block or null). */
    void publish(String subject, String reply, byte[] headers, byte[] payload);

    /** Delivers a stored message to the subscribers of {@code to}, its {@code MSG} carrying {@code subject}. */
    void publishTo(String to, String subject, String reply, byte[] headers, byte[] payload);

    /** Whether anyone subscribes to {@code subject} (a push consumer delivers only then). */
    boolean hasInterest(String subject);
}
