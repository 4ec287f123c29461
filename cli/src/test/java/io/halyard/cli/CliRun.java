package io.halyard.cli;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the {@code halyard} command line in this JVM as {@code main} would — same error handling and exit
 * codes — with stdout and stderr captured.
 */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code args} as given. */
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HalyardCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs {@code args} against {@code url}: {@code -s url --no-context} go last, so tests ignore the user's contexts. */
    public static CliRun against(String url, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-s");
        all.add(url);
        all.add("--no-context");
        return run(all.toArray(new String[0]));
    }

    /** Whether no NATS_* connection variable is set, which tests of defaults and contexts assume. */
    public static boolean cleanEnvironment() {
        return System.getenv().keySet().stream().noneMatch(k -> k.startsWith("NATS_"));
    }

    /** stdout parsed as JSON; fails the test with the output when it is not JSON. */
    public JsonValue json() {
        try {
            return JsonParser.parse(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not JSON: " + this, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
