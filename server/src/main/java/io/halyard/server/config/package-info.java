/**
 * Halyard's configuration: nats-server's config file format and command-line flags, read into
 * {@link io.halyard.server.config.ServerOptions}.
 *
 * <ul>
 *   <li>{@link io.halyard.server.config.ConfParser} parses the format (blocks, arrays, includes,
 *       {@code $VARIABLES}, size suffixes) into a tree of
 *       {@link io.halyard.server.config.ConfValue}s that remember file, line and column;</li>
 *   <li>{@link io.halyard.server.config.ConfigLoader} maps that tree onto the options, warning about
 *       nats-server options Halyard does not support yet and rejecting unknown ones;</li>
 *   <li>{@link io.halyard.server.config.CommandLine} reads the flags and lays them over the file;</li>
 *   <li>{@link io.halyard.server.config.GoDuration} reads durations the way Go does.</li>
 * </ul>
 * Problems are {@link io.halyard.server.config.ConfigException}s whose lines read
 * {@code file:line:col: what is wrong}. The user-facing description is {@code docs/configuration.md}.
 *
 * <p>Imports: the JDK only. Nothing here opens sockets or starts threads; the server module's
 * bootstrap consumes the options.
 */
package io.halyard.server.config;
