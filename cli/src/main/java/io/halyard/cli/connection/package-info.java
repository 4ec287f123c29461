/**
 * How every jnats-based command connects: the NATS CLI's connection flags and environment variables
 * ({@link io.halyard.cli.connection.ConnectionOptions}, a picocli mixin), its contexts
 * ({@link io.halyard.cli.connection.NatsContext}), and TLS from PEM files
 * ({@link io.halyard.cli.connection.TlsFiles}).
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.format}.
 */
package io.halyard.cli.connection;
