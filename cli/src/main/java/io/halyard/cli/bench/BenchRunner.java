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
    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

    BenchRunner(List<Target> targets, BenchSettings settings) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target server");
        }
        this.targets = List.copyOf(targets);
        this.settings = settings;
    }

    List<Target> targets() {
        return targets;
    }

    /** Runs every scenario on every target; {@code each} sees results in order, as they complete. */
    List<ScenarioResult> run(List<ScenarioRun> runs, Consumer<ScenarioResult> each) {
        List<ScenarioResult> results = new ArrayList<>();
        for (ScenarioRun run : runs) {
            for (Target target : targets) {
                ScenarioResult result = runOne(target, run, settings);
                results.add(result);
                each.accept(result);
            }
        }
        return results;
    }

    /**
     * Exercises the driver's hot loops (so the JIT has compiled them) with a short pubsub and reqrep per
     * target; results are discarded.
     */
    void warmUp(long messages) {
        if (messages <= 0) {
            return;
        }
        BenchSettings brief = settings.withLimits(messages, 1.0);
        BenchSettings briefRequests = settings.withLimits(Math.max(100, messages / 100), 1.0);
        String warmupId = runId + "-warmup";
        for (Target target : targets) {
            runOne(target, new ScenarioRun(Scenario.PUBSUB, 1, 16), brief, warmupId);
            runOne(target, new ScenarioRun(Scenario.REQREP, 1, 16), briefRequests, warmupId);
        }
    }

    private ScenarioResult runOne(Target target, ScenarioRun run, BenchSettings limits) {
        return runOne(target, run, limits, runId);
    }

    private static ScenarioResult runOne(Target target, ScenarioRun run, BenchSettings limits, String subjectId) {
        return switch (run.scenario()) {
            case REQREP -> new RequestReplyScenario(target, run, limits, subjectId).run();
            case JSPUB -> new JsPublishScenario(target, run, limits, subjectId).run();
            default -> new ThroughputScenario(target, run, limits, subjectId).run();
        };
    }
}
