/**
 * {@code halyard bench}: whole-scenario benchmarks (pub, pubsub, fanout, queue, reqrep; JetStream jspub,
 * jspull, jspull-ackall, kv) against any NATS-protocol server, so Halyard and nats-server can be
 * measured side by side with the same tool.
 *
 * <p>The load generator speaks the protocol by hand over blocking {@code SocketChannel}s, one thread per
 * connection: {@link io.halyard.cli.bench.Publisher} writes pre-encoded batches of {@code PUB} frames,
 * {@link io.halyard.cli.bench.MsgScanner} counts inbound {@code MSG}/{@code HMSG} frames without copying
 * bodies. Hot loops allocate nothing per message. Every run is bounded by a message cap, a time cap and
 * a watchdog ({@link io.halyard.cli.bench.ConnectionGroup}).
 *
 * <p>The JetStream consumer and key-value scenarios drive jnats itself ({@code consume}, {@code KeyValue}):
 * there the client library is part of what is measured, as in an application, and jnats sets up and
 * checks every JetStream scenario.
 *
 * <p>May import: the JDK, picocli and jnats. Knows nothing of Halyard's server code: it measures from
 * outside.
 */
package io.halyard.cli.bench;
