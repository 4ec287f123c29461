package io.halyard.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Runs scenarios against one server, or against two alternately: for each scenario and size, every
 * target in turn, so that slow drift on the machine (thermal, other load) spreads over both rather than
 * landing on whichever ran last.
 *
 * <p>Not thread-safe. Each run uses fresh subjects (a random run id), so stray messages from an earlier
 * run cannot be counted.
 */
public final class BenchRunner {

    /**
     * A server to measure and the name to report it under.
     *
     * @param pid the server's process id when it runs on this machine (for its CPU use), else 0
     */
    public record Target(String label, ServerUrl url, long pid) {
    }

    private final List<Target> targets;
    private final BenchSettings settings;
    private final JetStreamSettings jetStream;
    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

    BenchRunner(List<Target> targets, BenchSettings settings) {
        this(targets, settings, JetStreamSettings.DEFAULTS);
    }

    BenchRunner(List<Target> targets, BenchSettings settings, JetStreamSettings jetStream) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target server");
        }
        this.targets = List.copyOf(targets);
        this.settings = settings;
        this.jetStream = jetStream;
    }

    List<Target> targets() {
        return targets;
    }

    /**
     * Runs every scenario on every target; {@code each} sees results in order, as they complete. Before
     * a JetStream scenario the runner waits {@link #SETTLE_MILLIS} ms: a server that just deleted a
     * stream, compacted files or saved consumer state must not take CPU from the next server's run on
     * the same machine.
     */
    List<ScenarioResult> run(List<ScenarioRun> runs, Consumer<ScenarioResult> each) {
        return run(runs, false, each);
    }

    /**
     * {@link #run(List, Consumer)}, measuring the targets in reverse order when {@code reversed} (so
     * repeated runs cancel any advantage of going first or second); results are still reported in
     * target order.
     */
    List<ScenarioResult> run(List<ScenarioRun> runs, boolean reversed, Consumer<ScenarioResult> each) {
        List<ScenarioResult> results = new ArrayList<>();
        for (ScenarioRun run : runs) {
            ScenarioResult[] measured = new ScenarioResult[targets.size()];
            for (int k = 0; k < targets.size(); k++) {
                int i = reversed ? targets.size() - 1 - k : k;
                if (isJetStream(run.scenario())) {
                    settle();
                }
                measured[i] = runOne(targets.get(i), run, settings);
            }
            for (ScenarioResult result : measured) {
                results.add(result);
                each.accept(result);
            }
        }
        return results;
    }

    /**
     * Exercises the driver's hot loops (so the JIT has compiled them) with a short pubsub and reqrep per
     * target, and — when {@code runs} include JetStream scenarios — a short jspub, jspull and kv, which
     * also warm a JIT-compiled server's JetStream paths; results are discarded.
     */
    void warmUp(long messages, List<ScenarioRun> runs) {
        if (messages <= 0) {
            return;
        }
        BenchSettings brief = settings.withLimits(messages, 1.0);
        BenchSettings briefRequests = settings.withLimits(Math.max(100, messages / 100), 1.0);
        boolean jetStream = runs.stream().anyMatch(r -> isJetStream(r.scenario()));
        String warmupId = runId + "-warmup";
        for (Target target : targets) {
            runOne(target, new ScenarioRun(Scenario.PUBSUB, 1, 16), brief, warmupId);
            runOne(target, new ScenarioRun(Scenario.REQREP, 1, 16), briefRequests, warmupId);
            if (jetStream) {
                BenchSettings js = settings.withLimits(Math.max(1000, messages / 4), 3.0);
                runOne(target, new ScenarioRun(Scenario.JSPUB, 1024, 128), js, warmupId);
                runOne(target, new ScenarioRun(Scenario.JSPULL, 1, 128), js, warmupId);
                runOne(target, new ScenarioRun(Scenario.KV, 4, 128), settings.withLimits(Math.max(200, messages / 50), 2.0),
                        warmupId);
            }
        }
    }

    private ScenarioResult runOne(Target target, ScenarioRun run, BenchSettings limits) {
        return runOne(target, run, limits, runId);
    }

    static final long SETTLE_MILLIS = 1500;

    private static boolean isJetStream(Scenario s) {
        return s == Scenario.JSPUB || s == Scenario.JSPULL || s == Scenario.JSPULL_ACKALL || s == Scenario.KV
                || s == Scenario.MIRROR || s == Scenario.SOURCE;
    }

    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ScenarioResult runOne(Target target, ScenarioRun run, BenchSettings limits, String subjectId) {
        return switch (run.scenario()) {
            case REQREP -> new RequestReplyScenario(target, run, limits, subjectId).run();
            case JSPUB -> new JsPublishScenario(target, run, limits, subjectId).run();
            case JSPULL, JSPULL_ACKALL -> new JsPullScenario(target, run, limits, jetStream, subjectId).run();
            case KV -> new KvScenario(target, run, limits, jetStream, subjectId).run();
            case MIRROR, SOURCE -> new CopyScenario(target, run, limits, jetStream, subjectId).run();
            default -> new ThroughputScenario(target, run, limits, subjectId).run();
        };
    }
}
