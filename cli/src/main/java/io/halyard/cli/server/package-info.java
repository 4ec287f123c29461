/**
 * {@code halyard server info} and {@code halyard server check}: what a server tells any client about
 * itself, and health checks with the Nagios exit codes monitoring systems expect.
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.connection}, {@code io.halyard.cli.format}.
 */
package io.halyard.cli.server;
