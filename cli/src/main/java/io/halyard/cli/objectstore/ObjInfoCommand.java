package io.halyard.cli.objectstore;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code halyard obj info BUCKET [NAME]}: a bucket's state (its stream info with --json), or an object's info. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a bucket, or an object's info.")
public final class ObjInfoCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Object name.")
    String name;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            if (name == null) {
                ObjectStoreStatus status = connection.objectStore(nc, bucket).getStatus();
                if (output.json()) {
                    output.printJson(Json.reply(status.getBackingStreamInfo().getJv()));
                } else {
                    ObjViews.print(status, output.out());
                }
                return 0;
            }
            ObjectInfo info = connection.objectStore(nc, bucket).getInfo(name);
            if (info == null || info.isDeleted()) {
                throw new CommandFailure("no object " + name + " in bucket " + bucket);
            }
            if (output.json()) {
                output.printJson(ObjViews.json(info));
            } else {
                ObjViews.print(info, output.out());
            }
        }
        return 0;
    }
}
