/**
 * The {@code halyard} command line's entry point ({@link io.halyard.cli.HalyardCli}); subcommands live
 * in subpackages.
 *
 * <p>May import: the JDK, picocli, jnats. Nothing of Halyard's server modules: the CLI is a client.
 */
package io.halyard.cli;
