package io.halyard.cli.format;

import io.nats.client.support.JsonValue;
import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code -j, --json} and where output goes, as a picocli mixin: results on the command line's out
 * (stdout), notes and progress on its err (stderr), so that {@code --json} output is exactly one JSON
 * document (or one per line for streams of events) on stdout.
 */
public final class OutputOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-j", "--json"}, description = "Print JSON for scripts instead of text for people.")
    boolean json;

    public boolean json() {
        return json;
    }

    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    public PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** Prints {@code value} indented, as one document. */
    public void printJson(JsonValue value) {
        PrintWriter out = out();
        out.println(Json.pretty(value));
        out.flush();
    }

    /** Prints {@code value} on one line, for a stream of JSON documents (NDJSON). */
    public void printJsonLine(JsonValue value) {
        PrintWriter out = out();
        out.println(value.toJson());
        out.flush();
    }

    /**
     * What an {@code add} command prints about what it created: with {@code --json} the server's reply
     * (through {@link Json#reply}); for people {@code heading}, a blank line and the info page that
     * {@code page} writes.
     */
    public void printCreated(JsonValue reply, String heading, Consumer<PrintWriter> page) {
        if (json) {
            printJson(Json.reply(reply));
        } else {
            println(heading);
            println("");
            page.accept(out());
        }
    }

    /** A line for people on stdout. */
    public void println(String line) {
        PrintWriter out = out();
        out.println(line);
        out.flush();
    }

    /** A progress bar on stderr that draws only for a person at a terminal and never with --json. */
    public ProgressBar progress(String label, long total) {
        return ProgressBar.of(err(), label, total, !json && ProgressBar.terminal());
    }
}
