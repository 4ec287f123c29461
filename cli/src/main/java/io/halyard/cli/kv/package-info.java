/**
 * {@code halyard kv}: key-value buckets through jnats' {@code KeyValue} and {@code KeyValueManagement}, with
 * the NATS CLI's command and flag names.
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.connection}, {@code io.halyard.cli.format},
 * {@code io.halyard.cli.jetstream} (policy converters), {@code io.halyard.cli.bucket}.
 */
package io.halyard.cli.kv;
