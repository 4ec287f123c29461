/**
 * What {@code halyard kv} and {@code halyard obj} share because both kinds of bucket are JetStream streams
 * underneath: deleting a member or, with {@code --force}, the whole bucket
 * ({@link io.halyard.cli.bucket.BucketDeleteCommand}).
 *
 * <p>May import: the JDK, picocli, jnats, {@code io.halyard.cli.connection}, {@code io.halyard.cli.format}.
 */
package io.halyard.cli.bucket;
