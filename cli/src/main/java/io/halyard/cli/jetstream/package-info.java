/**
 * {@code halyard stream} and {@code halyard consumer}: JetStream administration through jnats'
 * {@code JetStreamManagement}, with the NATS CLI's command and flag names. Each subcommand is one class;
 * {@code StreamView} and {@code ConsumerView} render the "info" pages.
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.connection}, {@code io.halyard.cli.format}.
 */
package io.halyard.cli.jetstream;
