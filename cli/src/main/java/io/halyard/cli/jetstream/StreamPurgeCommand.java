package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.PurgeResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard stream purge STREAM}: removes messages — all, or those of {@code --subject}, those before
 * {@code --seq}, or all but the last {@code --keep}. {@code --json} prints the server's purge response.
 */
@Command(name = "purge", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Remove messages from a stream (all unless limited by the options).")
public final class StreamPurgeCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Only messages on this subject (wildcards allowed).")
    String subject;

    @Option(names = "--seq", paramLabel = "SEQUENCE", description = "Only messages before this sequence.")
    Long sequence;

    @Option(names = "--keep", paramLabel = "N", description = "Keep the last N messages.")
    Long keep;

    @Option(names = {"-f", "--force"}, description = "Accepted for the NATS CLI's scripts; halyard never prompts.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (sequence != null && keep != null) {
            throw new ParameterException(spec.commandLine(), "--seq and --keep cannot be combined");
        }
        try (Connection nc = connection.connect()) {
            JetStreamManagement jsm = connection.jetStreamManagement(nc);
            PurgeResponse response;
            if (subject == null && sequence == null && keep == null) {
                response = jsm.purgeStream(stream);
            } else {
                PurgeOptions.Builder options = PurgeOptions.builder();
                if (subject != null) {
                    options.subject(subject);
                }
                if (sequence != null) {
                    options.sequence(sequence);
                }
                if (keep != null) {
                    options.keep(keep);
                }
                response = jsm.purgeStream(stream, options.build());
            }
            if (output.json()) {
                output.printJson(Json.reply(response.getJv()));
            } else {
                output.println(String.format("Purged %,d message%s from %s", response.getPurged(),
                        response.getPurged() == 1 ? "" : "s", stream));
                output.println("");
                StreamView.print(jsm.getStreamInfo(stream), output.out());
            }
        }
        return 0;
    }
}
