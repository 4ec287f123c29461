/**
 * The NATS client wire protocol, as bytes: {@link io.halyard.protocol.NatsParser} turns inbound bytes
 * into calls on a {@link io.halyard.protocol.ParserListener}; {@link io.halyard.protocol.NatsEncoder}
 * writes outbound frames ({@code INFO}, {@code MSG}, {@code HMSG}, {@code +OK}, {@code -ERR}, …).
 *
 * <p>May import: the JDK and Netty's buffer package. Knows nothing of sockets, sessions or
 * subscriptions: it is the "decode" and "encode" of decode → decide → encode.
 */
package io.halyard.protocol;
