package io.halyard.cli.objectstore;

import io.halyard.cli.bucket.BucketDeleteCommand;
import io.halyard.cli.format.CommandFailure;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code halyard obj rm BUCKET NAME} deletes an object; {@code halyard obj rm BUCKET --force} deletes the
 * bucket (as with {@code kv del}, a whole bucket needs {@code --force} because halyard never asks).
 */
@Command(name = "rm", aliases = "del", mixinStandardHelpOptions = true, description = "Delete an object, or with --force and no name the bucket.")
public final class ObjRmCommand extends BucketDeleteCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Object name; without it the bucket is deleted (needs --force).")
    String name;

    public ObjRmCommand() {
        super("object", "name");
    }

    @Override
    protected String member() {
        return name;
    }

    @Override
    protected void deleteMember(Connection nc, String member) throws Exception {
        ObjectStore store = connection.objectStore(nc, bucket);
        ObjectInfo info = store.getInfo(member);
        if (info == null || info.isDeleted()) {
            throw new CommandFailure("no object " + member + " in bucket " + bucket);
        }
        store.delete(member);
    }

    @Override
    protected void deleteBucket(Connection nc) throws Exception {
        connection.objectStore(nc, bucket); // a missing bucket is an error, as a missing stream is
        connection.objectStoreManagement(nc).delete(bucket);
    }
}
