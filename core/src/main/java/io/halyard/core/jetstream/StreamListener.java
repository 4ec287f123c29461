package io.halyard.core.jetstream;

/**
 * Told that a stream's messages up to a sequence are durable and readable through
 * {@link Stream#store()} — how consumers learn of new messages without polling.
 *
 * <p>Called on the thread that saw the durability: the file store's writer thread, or the
 * publisher's event loop for a memory stream. Calls may repeat a sequence or, from two threads,
 * arrive out of order: treat the argument as "at least up to here" and keep the maximum. Must not
 * block and must not call the stream's or the store's mutators (hand work to another thread).
 */
@FunctionalInterface
public interface StreamListener {
    void onDurable(Stream stream, long durableSequence);
}
