package io.halyard.cli.jetstream;

import io.halyard.cli.connection.ConnectionOptions;
import io.halyard.cli.format.Json;
import io.halyard.cli.format.OutputOptions;
import io.halyard.cli.format.Payloads;
import io.halyard.cli.format.Times;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code halyard stream get STREAM SEQ} or {@code halyard stream get STREAM -S SUBJECT}: one stored
 * message. {@code --json} prints {@code {stream, subject, seq, time, headers, data (base64), text}}.
 */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Read one message of a stream, by sequence or as the last on a subject.")
public final class StreamGetCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name.")
    String stream;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SEQ", description = "Sequence of the message.")
    Long sequence;

    @Option(names = {"-S", "--last-for"}, paramLabel = "SUBJECT", description = "The last message on this subject instead.")
    String lastFor;

    @Option(names = "--raw", description = "Print only the payload.")
    boolean raw;

    @Override
    public Integer call() throws Exception {
        if ((sequence == null) == (lastFor == null)) {
            throw new ParameterException(spec.commandLine(), "give either a sequence or --last-for SUBJECT");
        }
        try (Connection nc = connection.connect()) {
            JetStreamManagement jsm = connection.jetStreamManagement(nc);
            MessageInfo m = sequence != null ? jsm.getMessage(stream, sequence) : jsm.getLastMessage(stream, lastFor);
            if (output.json()) {
                output.printJson(json(stream, m));
            } else if (raw) {
                output.println(Payloads.display(m.getData()));
            } else {
                print(m, output.out());
            }
        }
        return 0;
    }

    static io.nats.client.support.JsonValue json(String stream, MessageInfo m) {
        byte[] data = m.getData() == null ? new byte[0] : m.getData();
        return Json.object().put("stream", stream).put("subject", m.getSubject()).put("seq", m.getSeq())
                .put("time", m.getTime()).put("headers", Payloads.headers(m.getHeaders()))
                .put("data", Payloads.base64(data)).put("text", Payloads.text(data)).build();
    }

    private void print(MessageInfo m, PrintWriter out) {
        byte[] data = m.getData() == null ? new byte[0] : m.getData();
        out.printf("Message %,d of stream %s, subject %s, received %s, %,d bytes%n", m.getSeq(), stream, m.getSubject(),
                Times.format(m.getTime()), data.length);
        Headers headers = m.getHeaders();
        if (headers != null && !headers.isEmpty()) {
            for (String key : headers.keySet()) {
                for (String value : headers.get(key)) {
                    out.printf("%s: %s%n", key, value);
                }
            }
        }
        out.println();
        out.println(Payloads.display(data));
        out.flush();
    }
}
