/**
 * JetStream: streams on the {@code io.halyard.log} store and the {@code $JS.API.*} request/reply API
 * with nats-server's JSON and error codes. {@link io.halyard.core.jetstream.JetStream} owns the
 * streams and the JetStream thread; {@link io.halyard.core.jetstream.JetStreamApi} dispatches API
 * requests; {@link io.halyard.core.jetstream.Stream} is one stream and its publish path;
 * {@link io.halyard.core.jetstream.Consumers} owns the consumers, each a
 * {@link io.halyard.core.jetstream.Consumer} reading its stream's store.
 *
 * <p>May import: the JDK, {@code io.halyard.log}, {@code io.halyard.protocol}, the rest of core,
 * Jackson. Never the server module.
 */
package io.halyard.core.jetstream;
