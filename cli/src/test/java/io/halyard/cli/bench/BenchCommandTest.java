package io.halyard.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.HalyardCli;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    private static final ServerUrl URL = ServerUrl.parse("nats://127.0.0.1:4222");
    private static final List<BenchRunner.Target> TWO_TARGETS = List.of(
            new BenchRunner.Target("halyard", URL, 0), new BenchRunner.Target("nats-server", URL, 0));
    private static final BenchSettings SETTINGS = BenchSettings.of(1000, 1);

    private static BenchCommand parse(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void shouldPlanEveryScenarioAtEverySizeWithReqrepOncePerRequesterCount() {
        List<ScenarioRun> plan = parse("--scenario", "pub,fanout,queue,reqrep", "--size", "16,1KiB",
                "--fanout-subs", "3", "--requesters", "1,8").plan();
        assertEquals(List.of(
                new ScenarioRun(Scenario.PUB, 1, 16), new ScenarioRun(Scenario.PUB, 1, 1024),
                new ScenarioRun(Scenario.FANOUT, 3, 16), new ScenarioRun(Scenario.FANOUT, 3, 1024),
                new ScenarioRun(Scenario.QUEUE, 4, 16), new ScenarioRun(Scenario.QUEUE, 4, 1024),
                new ScenarioRun(Scenario.REQREP, 1, 16), new ScenarioRun(Scenario.REQREP, 8, 16),
                new ScenarioRun(Scenario.REQREP, 1, 1024), new ScenarioRun(Scenario.REQREP, 8, 1024)), plan);
    }

    @Test
    void shouldPlanJspubOncePerSizeWithItsWindow() {
        List<ScenarioRun> plan = parse("--scenario", "jspub", "--size", "16,1KiB", "--js-window", "512").plan();
        assertEquals(List.of(new ScenarioRun(Scenario.JSPUB, 512, 16), new ScenarioRun(Scenario.JSPUB, 512, 1024)), plan);
        assertEquals("jspub-512", plan.get(0).label());
    }

    @Test
    void shouldPlanJspullPerClientCountAndKvAtItsOwnSizes() {
        List<ScenarioRun> plan = parse("--scenario", "jspull,jspull-ackall,kv", "--size", "16,1KiB",
                "--js-clients", "1,4", "--kv-clients", "1,16").plan();
        assertEquals(List.of(
                new ScenarioRun(Scenario.JSPULL, 1, 16), new ScenarioRun(Scenario.JSPULL, 4, 16),
                new ScenarioRun(Scenario.JSPULL, 1, 1024), new ScenarioRun(Scenario.JSPULL, 4, 1024),
                new ScenarioRun(Scenario.JSPULL_ACKALL, 1, 16), new ScenarioRun(Scenario.JSPULL_ACKALL, 4, 16),
                new ScenarioRun(Scenario.JSPULL_ACKALL, 1, 1024), new ScenarioRun(Scenario.JSPULL_ACKALL, 4, 1024),
                new ScenarioRun(Scenario.KV, 1, 128), new ScenarioRun(Scenario.KV, 16, 128)), plan);
        assertEquals("jspull-ackall-4", plan.get(5).label());
        assertEquals("kv-16", plan.get(9).label());
    }

    @Test
    void shouldPrintMediansOfRepeatedRunsWithEachRunsRatio() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResultTable table = new ResultTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        ScenarioRun run = new ScenarioRun(Scenario.JSPULL, 1, 128);
        long second = 1_000_000_000L;
        List<ScenarioResult> results = new java.util.ArrayList<>();
        for (long[] rates : new long[][] {{300, 100}, {100, 100}, {240, 120}}) {
            results.add(new ScenarioResult("halyard", run, new ScenarioResult.Throughput(rates[0], second, 128), null,
                    null, null, null));
            results.add(new ScenarioResult("nats-server", run, new ScenarioResult.Throughput(rates[1], second, 128),
                    null, null, null, null));
        }
        table.printMedians(results, 3);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*jspull-1\\s+128B\\s+acked msgs/s\\s+240\\s+100\\s+2\\.00\\s+\\[3\\.00 1\\.00 2\\.00].*"),
                text);
    }

    @Test
    void shouldLetALaterOptionOverrideAnEarlierOneAsTheScriptRelies() {
        CommandLine cli = new CommandLine(new HalyardCli()).setOverwrittenOptionsAllowed(true);
        CommandLine.ParseResult parsed = cli.parseArgs("bench", "--duration", "10", "--duration", "2");
        assertEquals(2.0, (Double) parsed.subcommand().matchedOptionValue("--duration", 0.0));
    }

    @Test
    void shouldRenderJsonWithResultsAndRatios() {
        String json = JsonReport.render(TWO_TARGETS, SETTINGS, sampleResults());
        JsonValue root = parseJson(json);
        assertEquals(2, root.map.get("results").array.size());
        JsonValue first = root.map.get("comparisons").array.get(0);
        assertEquals("pubsub", first.map.get("label").string);
        assertEquals("pub msgs/s", first.map.get("metric").string);
        assertEquals(2.0, first.map.get("ratio").number.doubleValue(), 1e-9);
        assertEquals(Boolean.TRUE, first.map.get("higher_is_better").bool);
    }

    @Test
    void shouldPrintValuesAndRatioPerMetricWhenComparing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResultTable table = new ResultTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<ScenarioResult> results = sampleResults();
        table.printComparison(results.get(0), results.get(1));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s)pubsub\\s+16B\\s+pub msgs/s\\s+2,000\\s+1,000\\s+2\\.00.*"), text);
        assertTrue(text.contains("FAIL: received 999 of 1000 (missing 1"), text);
    }

    private static List<ScenarioResult> sampleResults() {
        ScenarioRun run = new ScenarioRun(Scenario.PUBSUB, 1, 16);
        long second = 1_000_000_000L;
        ScenarioResult fast = new ScenarioResult("halyard", run, new ScenarioResult.Throughput(2000, second, 16),
                new ScenarioResult.Throughput(2000, second, 16), new ScenarioResult.Delivery(2000, 2000, 0, 0, 0),
                null, null, new CpuUsage(10, 90));
        ScenarioResult lossy = new ScenarioResult("nats-server", run, new ScenarioResult.Throughput(1000, second, 16),
                new ScenarioResult.Throughput(999, second, 16), new ScenarioResult.Delivery(1000, 999, 1, 0, 0),
                null, null, new CpuUsage(10, Double.NaN));
        return List.of(fast, lossy);
    }

    private static JsonValue parseJson(String json) {
        try {
            return JsonParser.parse(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
