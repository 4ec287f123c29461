package io.halyard.cli.objectstore;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Table;
import io.halyard.cli.format.Times;
import io.nats.client.Connection;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreStatus;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code halyard obj ls}: the object buckets (names with {@code --json}); {@code halyard obj ls BUCKET}: its
 * objects (an array of object infos with {@code --json}).
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List object buckets, or the objects of a bucket.")
public final class ObjLsCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BUCKET", description = "List this bucket's objects.")
    String bucket;

    @Option(names = {"-n", "--names"}, description = "Print only names, one per line.")
    boolean namesOnly;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            if (bucket != null) {
                objects(connection.objectStore(nc, bucket).getList());
            } else {
                buckets(connection.objectStoreManagement(nc).getStatuses());
            }
        }
        return 0;
    }

    private void objects(List<ObjectInfo> all) {
        List<ObjectInfo> objects = all.stream().filter(o -> !o.isDeleted())
                .sorted(Comparator.comparing(ObjectInfo::getObjectName)).toList();
        if (output.json()) {
            output.printJson(Json.of(objects.stream().map(ObjViews::json).toList()));
        } else if (namesOnly) {
            objects.forEach(o -> output.println(o.getObjectName()));
        } else if (objects.isEmpty()) {
            output.println("No objects in bucket " + bucket);
        } else {
            Table table = Table.of("Name", "Size", "Modified").alignRight(1);
            objects.forEach(o -> table.row(o.getObjectName(), ByteSizes.format(o.getSize()), Times.format(o.getModified())));
            table.print(output.out());
        }
    }

    private void buckets(List<ObjectStoreStatus> all) {
        List<ObjectStoreStatus> buckets = all.stream().sorted(Comparator.comparing(ObjectStoreStatus::getBucketName)).toList();
        List<String> names = buckets.stream().map(ObjectStoreStatus::getBucketName).toList();
        if (output.json()) {
            output.printJson(Json.of(names));
        } else if (namesOnly) {
            names.forEach(output::println);
        } else if (buckets.isEmpty()) {
            output.println("No object buckets defined");
        } else {
            Table table = Table.of("Bucket", "Description", "Size", "Sealed").alignRight(2);
            buckets.forEach(s -> table.row(s.getBucketName(), s.getDescription(), ByteSizes.format(s.getSize()), s.isSealed()));
            table.print(output.out());
        }
    }
}
