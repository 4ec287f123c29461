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
