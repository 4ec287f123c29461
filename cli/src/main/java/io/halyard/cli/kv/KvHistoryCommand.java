package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.CommandFailure;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Payloads;
import io.halyard.cli.format.Table;
import io.halyard.cli.format.Times;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code halyard kv history BUCKET KEY}: every kept revision of a key, oldest first; {@code --json}: an array of entries. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Show the kept revisions of a key.")
public final class KvHistoryCommand implements Callable<Integer> {

    private static final int VALUE_COLUMN_WIDTH = 40;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", paramLabel = "KEY", description = "Key.")
    String key;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            List<KeyValueEntry> entries = connection.keyValue(nc, bucket).history(key);
            if (entries.isEmpty()) {
                throw new CommandFailure("no history for key " + key + " in bucket " + bucket);
            }
            if (output.json()) {
                output.printJson(Json.of(entries.stream().map(KvEntries::json).toList()));
                return 0;
            }
            Table table = Table.of("Revision", "Op", "Created", "Length", "Value").alignRight(0, 3);
            for (KeyValueEntry e : entries) {
                String value = Payloads.display(e.getValue()).replace('\n', ' ');
                if (value.length() > VALUE_COLUMN_WIDTH) {
                    value = value.substring(0, VALUE_COLUMN_WIDTH - 1) + "…";
                }
                table.row(e.getRevision(), KvEntries.operation(e.getOperation()), Times.format(e.getCreated()),
                        e.getDataLen(), value);
            }
            table.print(output.out());
        }
        return 0;
    }
}
