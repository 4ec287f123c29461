package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Table;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueStatus;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code halyard kv ls}: the buckets as a table (or names); {@code halyard kv ls BUCKET}: its keys, one per
 * line. {@code --json}: an array of bucket names, or of keys.
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List buckets, or the keys of a bucket.")
public final class KvLsCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BUCKET", description = "List this bucket's keys.")
    String bucket;

    @Option(names = {"-n", "--names"}, description = "Print only bucket names, one per line.")
    boolean namesOnly;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            if (bucket != null) {
                List<String> keys = connection.keyValue(nc, bucket).keys().stream().sorted().toList();
                if (output.json()) {
                    output.printJson(Json.of(keys));
                } else if (keys.isEmpty() && !namesOnly) {
                    output.err().println("no keys in bucket " + bucket);
                } else {
                    keys.forEach(output::println);
                }
                return 0;
            }
            List<KeyValueStatus> buckets = connection.keyValueManagement(nc).getStatuses().stream()
                    .sorted(Comparator.comparing(KeyValueStatus::getBucketName)).toList();
            List<String> names = buckets.stream().map(KeyValueStatus::getBucketName).toList();
            if (output.json()) {
                output.printJson(Json.of(names));
            } else if (namesOnly) {
                names.forEach(output::println);
            } else if (buckets.isEmpty()) {
                output.println("No key-value buckets defined");
            } else {
                Table table = Table.of("Bucket", "Description", "Values", "Size", "History", "TTL").alignRight(2, 3, 4);
                for (KeyValueStatus s : buckets) {
                    table.row(s.getBucketName(), s.getDescription(), String.format("%,d", s.getEntryCount()),
                            ByteSizes.format(s.getByteCount()), s.getMaxHistoryPerKey(), KvView.ttl(s.getTtl()));
                }
                table.print(output.out());
            }
        }
        return 0;
    }
}
