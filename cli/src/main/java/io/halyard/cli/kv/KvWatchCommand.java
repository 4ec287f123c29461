package io.halyard.cli.kv;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code halyard kv watch BUCKET [KEY]}: prints the latest value of each matching key, then every change, one
 * line each (with {@code --json}, one JSON entry per line), until {@code --count} entries or Ctrl-C.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the values of keys and then their changes as they happen.")
public final class KvWatchCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "BUCKET", description = "Bucket name.")
    String bucket;

    @Parameters(index = "1", arity = "0..1", defaultValue = ">", paramLabel = "KEY",
            description = "Key to watch; wildcards * and > allowed (default: all keys).")
    String key;

    @Option(names = "--history", description = "Start with every kept revision, not only the latest.")
    boolean history;

    @Option(names = "--updates-only", description = "Only changes from now on.")
    boolean updatesOnly;

    @Option(names = "--deletes", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Include deletes (default: true).")
    boolean deletes;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "Exit after N entries (0: never).")
    long count;

    @Override
    public Integer call() throws Exception {
        BlockingQueue<KeyValueEntry> entries = new LinkedBlockingQueue<>();
        List<KeyValueWatchOption> options = new ArrayList<>();
        if (history) {
            options.add(KeyValueWatchOption.INCLUDE_HISTORY);
        }
        if (updatesOnly) {
            options.add(KeyValueWatchOption.UPDATES_ONLY);
        }
        if (!deletes) {
            options.add(KeyValueWatchOption.IGNORE_DELETE);
        }
        try (Connection nc = connection.connect()) {
            KeyValueWatcher watcher = new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    entries.add(entry);
                }

                @Override
                public void endOfData() {
                    // the current values have all arrived; changes follow
                }
            };
            try (NatsKeyValueWatchSubscription ignored = connection.keyValue(nc, bucket)
                    .watch(key, watcher, options.toArray(new KeyValueWatchOption[0]))) {
                for (long seen = 0; count == 0 || seen < count; seen++) {
                    KeyValueEntry e = entries.take();
                    if (output.json()) {
                        output.printJsonLine(KvEntries.json(e));
                    } else {
                        output.println(KvEntries.line(e));
                    }
                }
            }
        }
        return 0;
    }
}
