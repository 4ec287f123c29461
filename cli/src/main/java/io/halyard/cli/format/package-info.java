/**
 * How the CLI reads values from flags and writes results: durations and byte sizes as the NATS CLI takes
 * them, tables and "info" views for people, indented JSON for {@code --json}, progress bars at a terminal,
 * and one-line errors with exit codes ({@link io.halyard.cli.format.ErrorReport}).
 *
 * <p>May import: the JDK, picocli, jnats' JSON and message types. Nothing else of the CLI.
 */
package io.halyard.cli.format;
