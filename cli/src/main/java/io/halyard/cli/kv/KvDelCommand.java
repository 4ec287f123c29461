package io.halyard.cli.kv;

import io.halyard.cli.bucket.BucketDeleteCommand;
import io.nats.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code halyard kv del BUCKET KEY} deletes a key (its history stays, as in jnats); {@code halyard kv del
 * BUCKET --force} deletes the whole bucket ({@link BucketDeleteCommand} says why it wants {@code --force}).
 */
@Command(name = "del", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a key, or with --force and no key the bucket.")
public final class KvDelCommand extends BucketDeleteCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "Key; without it the bucket is deleted (needs --force).")
    String key;

    public KvDelCommand() {
        super("key", "key");
    }

    @Override
    protected String member() {
        return key;
    }

    @Override
    protected void deleteMember(Connection nc, String member) throws Exception {
        connection.keyValue(nc, bucket).delete(member);
    }

    @Override
    protected void deleteBucket(Connection nc) throws Exception {
        connection.keyValue(nc, bucket); // a missing bucket is an error, as a missing stream is
        connection.keyValueManagement(nc).delete(bucket);
    }
}
