/**
 * The broker domain, testable in-process without sockets: {@link io.halyard.core.Broker} (the
 * registry of clients and the router), {@code client} (a connection's session: decide), {@code
 * subject} (validation and the subject index), {@code auth} (users, tokens, permissions).
 *
 * <p>May import: the JDK, {@code io.halyard.protocol}, Netty's buffer package, Jackson (JSON of
 * control frames), bcrypt. Never the server module or a Netty transport: a connection is reached
 * through {@link io.halyard.core.client.Transport}.
 */
package io.halyard.core;
