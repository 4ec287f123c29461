package io.halyard.log;

/**
 * Told when appends become durable. Called on the store's writer thread, in sequence order, once per
 * group commit: every message up to and including {@code sequence} is durable under the store's
 * {@link DurabilityMode}. Must not block and must not call back into the store's mutators.
 */
@FunctionalInterface
public interface DurabilityListener {
    void onDurable(long sequence);
}
