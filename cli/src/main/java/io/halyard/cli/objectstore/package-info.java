/**
 * {@code halyard obj}: object buckets through jnats' {@code ObjectStore} and {@code ObjectStoreManagement},
 * with the NATS CLI's command and flag names.
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.connection}, {@code io.halyard.cli.format},
 * {@code io.halyard.cli.jetstream} (policy converters), {@code io.halyard.cli.bucket}.
 */
package io.halyard.cli.objectstore;
