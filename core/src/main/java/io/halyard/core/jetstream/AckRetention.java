package io.halyard.core.jetstream;

/**
 * What a stream's retention policy does once a consumer is done with a message (acknowledged or
 * terminated it): a work-queue stream deletes it; an interest stream deletes it when every consumer
 * is done with it. Limits streams keep it (no retention object at all). Called on the JetStream thread.
 */
@FunctionalInterface
interface AckRetention {
    void done(Consumer consumer, long streamSeq);
}
