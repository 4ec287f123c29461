/**
 * The stream store: one append-only, checksummed log per stream, where "acknowledged" means "on
 * disk".
 *
 * <p>{@link io.halyard.log.StreamStore} is the interface the broker's streams use;
 * {@link io.halyard.log.FileStore} keeps records in segment files with group-commit fsync and
 * validates every record on recovery; {@link io.halyard.log.MemoryStore} keeps them on the heap.
 * Both enforce {@link io.halyard.log.StoreLimits} with JetStream's semantics.
 *
 * <p>May import: the JDK only. The store knows bytes, sequences, timestamps and subject strings
 * (opaque dot-separated keys with {@code *}/{@code >} filters); it knows nothing of consumers,
 * acknowledgements or the NATS protocol.
 */
package io.halyard.log;
