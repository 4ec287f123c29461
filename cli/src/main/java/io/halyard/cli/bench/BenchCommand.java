package io.halyard.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code halyard bench}: whole-scenario throughput and latency against a NATS-protocol server, driven by
 * a pipelined raw-protocol load generator (see {@link Publisher}, {@link Subscriber}) so that the client
 * side is not what gets measured. With {@code --baseline} it measures two servers alternately and prints
 * their ratio.
 *
 * <p>Exit status: 0 when every scenario passed its checks, 1 when any failed (loss, duplicates, errors).
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Measure a NATS-protocol server: pub, pubsub, fanout, queue (checked exactly-once) and"
                + " reqrep (latency) with a pipelined raw-protocol load generator; and JetStream: jspub (async"
                + " publish, PubAcks/s), jspull and jspull-ackall (pull consumers acking, jnats), kv (jnats"
                + " KeyValue put/get, sync), mirror and source (a filled stream copied by a new one).",
                "Every scenario is bounded by --msgs and --duration."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-s", "--server"}, defaultValue = "nats://127.0.0.1:4222",
            description = "Server URL, nats://[user:pass@|token@]host:port (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--label", defaultValue = "server", description = "Name for --server in output (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(names = "--server-pid", defaultValue = "0",
            description = "Process id of --server if it runs on this machine: its CPU use is reported per scenario.")
    long serverPid;

    @Option(names = "--baseline", description = "A second server to measure alternately with --server; ratios are --server ÷ --baseline.")
    String baseline;

    @Option(names = "--baseline-label", defaultValue = "baseline", description = "Name for --baseline (default: ${DEFAULT-VALUE}).")
    String baselineLabel;

    @Option(names = "--baseline-pid", defaultValue = "0", description = "Process id of --baseline, as --server-pid.")
    long baselinePid;

    @Option(names = "--scenario", split = ",", defaultValue = "pub,pubsub,fanout,queue,reqrep",
            description = "Scenarios, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(names = "--size", split = ",", defaultValue = "16,1KiB", converter = Quantity.Bytes.class,
            description = "Payload sizes, e.g. 16,1KiB (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--msgs", defaultValue = "10M", converter = Quantity.Count.class,
            description = "At most this many messages (reqrep: requests) per scenario, e.g. 500k (default: ${DEFAULT-VALUE}).")
    long maxMessages;

    @Option(names = "--duration", defaultValue = "10", description = "At most this many seconds of load per scenario (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--fanout-subs", defaultValue = "4", description = "Subscribers in the fanout scenario (default: ${DEFAULT-VALUE}).")
    int fanoutSubscribers;

    @Option(names = "--queue-members", defaultValue = "4", description = "Members of the queue group (default: ${DEFAULT-VALUE}).")
    int queueMembers;

    @Option(names = "--requesters", split = ",", defaultValue = "1,8",
            description = "Concurrent requesters for reqrep, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> requesters;

    @Option(names = "--js-window", defaultValue = "4096",
            description = "jspub: publishes that may await their PubAck at once (default: ${DEFAULT-VALUE}).")
    int jsWindow;

    @Option(names = "--js-clients", split = ",", defaultValue = "1",
            description = "jspull: pulling clients (connections sharing one durable consumer), one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> pullClients;

    @Option(names = "--js-prefill", defaultValue = "200k", converter = Quantity.Count.class,
            description = "jspull: messages in the stream to drain, at most --msgs (default: ${DEFAULT-VALUE}).")
    long pullMessages;

    @Option(names = "--js-batch", defaultValue = "256",
            description = "jspull: messages per pull request (jnats consume batch size) (default: ${DEFAULT-VALUE}).")
    int pullBatch;

    @Option(names = "--kv-clients", split = ",", defaultValue = "1,16",
            description = "kv: concurrent clients, each with one operation in flight, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> kvClients;

    @Option(names = "--kv-size", split = ",", defaultValue = "128", converter = Quantity.Bytes.class,
            description = "kv: value sizes (kv ignores --size) (default: ${DEFAULT-VALUE}).")
    List<Integer> kvSizes;

    @Option(names = "--kv-keys", defaultValue = "1000", description = "kv: distinct keys (default: ${DEFAULT-VALUE}).")
    int kvKeys;

    @Option(names = "--idle-timeout", defaultValue = "3",
            description = "Seconds subscribers may receive nothing before the rest counts as lost (default: ${DEFAULT-VALUE}).")
    double idleTimeoutSeconds;

    @Option(names = "--warmup", defaultValue = "200k", converter = Quantity.Count.class,
            description = "Messages of an unreported pubsub + reqrep warm-up per server (plus jspub, jspull and kv when"
                    + " JetStream scenarios run), 0 to skip (default: ${DEFAULT-VALUE}).")
    long warmupMessages;

    @Option(names = "--batch", defaultValue = "64KiB", converter = Quantity.Bytes.class,
            description = "Bytes per publisher write (default: ${DEFAULT-VALUE}).")
    int batchBytes;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Runs of the whole plan (one warm-up). With --baseline the two servers swap places on every"
                    + " other run, and a table of medians follows (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "Print one JSON document on stdout instead of tables (progress goes to stderr).")
    boolean json;

    @Option(names = "--json-out", paramLabel = "FILE", description = "Also write the JSON document to FILE.")
    Path jsonFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        validate();
        BenchSettings settings = new BenchSettings(maxMessages, (long) (durationSeconds * 1e9),
                (long) (idleTimeoutSeconds * TimeUnit.SECONDS.toNanos(1)), batchBytes,
                BenchSettings.DEFAULT_READ_BUFFER_BYTES);
        List<BenchRunner.Target> targets = new ArrayList<>();
        targets.add(new BenchRunner.Target(label, url(server), serverPid));
        if (baseline != null) {
            targets.add(new BenchRunner.Target(baselineLabel, url(baseline), baselinePid));
        }
        List<ScenarioRun> runs = plan();
        BenchRunner runner = new BenchRunner(targets, settings, new JetStreamSettings(pullMessages, pullBatch, kvKeys));
        PrintStream progress = json ? System.err : System.out;
        ResultTable table = new ResultTable(progress);
        if (targets.size() == 1) {
            table.printHeader(targets.get(0).url().toString(), settings);
        } else {
            table.printComparisonHeader(label, baselineLabel, settings);
        }
        runner.warmUp(warmupMessages, runs);
        List<ScenarioResult> pending = new ArrayList<>();
        List<ScenarioResult> results = new ArrayList<>();
        for (int rep = 0; rep < repeat; rep++) {
            if (repeat > 1) {
                progress.printf("-- run %d of %d%s%n", rep + 1, repeat,
                        targets.size() == 2 && rep % 2 == 1 ? " (" + baselineLabel + " measured first)" : "");
            }
            results.addAll(runner.run(runs, rep % 2 == 1, r -> {
                pending.add(r);
                if (targets.size() == 1) {
                    table.printRow(r);
                } else if (pending.size() == 2) {
                    table.printComparison(pending.get(0), pending.get(1));
                    pending.clear();
                }
                progress.flush();
            }));
        }
        if (repeat > 1 && targets.size() == 2) {
            table.printMedians(results, repeat);
        }
        String report = JsonReport.render(targets, settings, results);
        if (json) {
            System.out.println(report);
        }
        if (jsonFile != null) {
            Files.writeString(jsonFile, report + System.lineSeparator());
        }
        return results.stream().allMatch(ScenarioResult::ok) ? 0 : 1;
    }

    private ServerUrl url(String text) {
        try {
            return ServerUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void validate() {
        boolean ok = sizes.stream().allMatch(n -> n > 0) && requesters.stream().allMatch(n -> n > 0)
                && fanoutSubscribers > 0 && queueMembers > 0 && maxMessages > 0 && durationSeconds > 0
                && idleTimeoutSeconds > 0 && batchBytes > 0 && jsWindow > 0
                && pullClients.stream().allMatch(n -> n > 0) && pullMessages > 0 && pullBatch > 0
                && kvClients.stream().allMatch(n -> n > 0) && kvSizes.stream().allMatch(n -> n > 0) && kvKeys > 0
                && repeat > 0;
        if (!ok) {
            throw new ParameterException(spec.commandLine(),
                    "sizes, client counts, --msgs, --duration, --idle-timeout, --batch, --repeat and the --js-/--kv-"
                            + " options must all be positive");
        }
        scenarios.forEach(name -> {
            try {
                Scenario.fromCliName(name.trim());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        });
    }

    /**
     * Scenario × size, in the order given; reqrep, jspull and kv expand to one run per client count
     * (--requesters, --js-clients, --kv-clients); kv runs at the --kv-size sizes.
     */
    List<ScenarioRun> plan() {
        List<ScenarioRun> runs = new ArrayList<>();
        for (String name : scenarios) {
            Scenario scenario = Scenario.fromCliName(name.trim());
            if (scenario == Scenario.KV) {
                kvSizes.forEach(size -> kvClients.forEach(n -> runs.add(new ScenarioRun(scenario, n, size))));
                continue;
            }
            for (int size : sizes) {
                switch (scenario) {
                    case FANOUT -> runs.add(new ScenarioRun(scenario, fanoutSubscribers, size));
                    case QUEUE -> runs.add(new ScenarioRun(scenario, queueMembers, size));
                    case REQREP -> requesters.forEach(n -> runs.add(new ScenarioRun(scenario, n, size)));
                    case JSPUB -> runs.add(new ScenarioRun(scenario, jsWindow, size));
                    case JSPULL, JSPULL_ACKALL -> pullClients.forEach(n -> runs.add(new ScenarioRun(scenario, n, size)));
                    default -> runs.add(new ScenarioRun(scenario, 1, size));
                }
            }
        }
        return runs;
    }
}
