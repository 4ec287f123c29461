/**
 * Everyday messaging from the shell, on jnats: {@code halyard pub}, {@code sub}, {@code req} and
 * {@code reply}. These favour clarity over speed; {@code halyard bench} is the fast path.
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.connection}, {@code io.halyard.cli.format}.
 */
package io.halyard.cli.messaging;
