package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.ByteSizes;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Table;
import io.halyard.cli.format.Times;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfo;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code halyard stream ls}: the streams as a table, or their names. Streams that back key-value and
 * object buckets ({@code KV_*}, {@code OBJ_*}) are shown only with {@code --all}, as in the NATS CLI, whose
 * {@code --json} output — an array of names — this one matches.
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List streams.")
public final class StreamLsCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Only streams that store this subject (wildcards allowed).")
    String subject;

    @Option(names = {"-n", "--names"}, description = "Print only the names, one per line.")
    boolean namesOnly;

    @Option(names = {"-a", "--all"}, description = "Include the streams of key-value and object buckets.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connection.connect()) {
            JetStreamManagement jsm = connection.jetStreamManagement(nc);
            List<StreamInfo> streams = (subject == null ? jsm.getStreams() : jsm.getStreams(subject)).stream()
                    .filter(s -> all || !internal(s.getConfiguration().getName()))
                    .sorted(Comparator.comparing(s -> s.getConfiguration().getName()))
                    .toList();
            List<String> names = streams.stream().map(s -> s.getConfiguration().getName()).toList();
            if (output.json()) {
                output.printJson(Json.of(names));
            } else if (namesOnly) {
                names.forEach(output::println);
            } else if (streams.isEmpty()) {
                output.println("No streams defined");
            } else {
                Table table = Table.of("Name", "Subjects", "Messages", "Size", "Last Message").alignRight(2, 3);
                for (StreamInfo s : streams) {
                    table.row(s.getConfiguration().getName(), String.join(", ", s.getConfiguration().getSubjects()),
                            String.format("%,d", s.getStreamState().getMsgCount()),
                            ByteSizes.format(s.getStreamState().getByteCount()),
                            s.getStreamState().getMsgCount() == 0 ? "never" : Times.ago(s.getStreamState().getLastTime()));
                }
                table.print(output.out());
            }
        }
        return 0;
    }

    /** A stream that backs a key-value or object bucket. */
    static boolean internal(String stream) {
        return stream.startsWith("KV_") || stream.startsWith("OBJ_");
    }
}
