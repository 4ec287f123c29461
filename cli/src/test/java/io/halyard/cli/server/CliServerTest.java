package io.halyard.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.SharedBroker;
import io.halyard.cli.TestBroker;
import io.nats.client.support.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code halyard server info} and {@code server check connection/jetstream} against a Halyard server in this JVM. */
@Timeout(60)
class CliServerTest {

    @RegisterExtension
    static final SharedBroker broker = new SharedBroker();

    private static CliRun cli(String... args) {
        return broker.cli(args);
    }

    @Test
    void shouldShowTheServersInfoRoundTripAndJetStreamUsage() {
        CliRun human = cli("server", "info");
        assertEquals(0, human.exitCode(), human.toString());
        assertTrue(human.out().startsWith("Server "), human.toString());
        assertTrue(human.out().matches("(?s).*\\n\\s+Version: 2\\.\\d+\\.\\d+.*"), human.toString());
        assertTrue(human.out().matches("(?s).*\\n\\s+Round Trip: \\S+\\n.*"), human.toString());
        assertTrue(human.out().matches("(?s).*\\nJetStream \\(this account\\):\\n.*\\n\\s+Streams: 0 \\(no limit\\)\\n.*"),
                human.toString());

        JsonValue json = cli("server", "info", "--json").json();
        assertEquals(Boolean.TRUE, json.map.get("info").map.get("jetstream").bool);
        assertEquals(broker.port(), json.map.get("info").map.get("port").number.intValue());
        assertTrue(json.map.get("rtt_ns").number.longValue() > 0);
        assertTrue(json.map.get("jetstream").map.containsKey("limits"), json.toString());
    }

    @Test
    void shouldPassTheConnectionCheckWithItsMeasurements() {
        CliRun text = cli("server", "check", "connection");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().matches("OK connection: connected to nats://127\\.0\\.0\\.1:\\d+ in \\S+; rtt \\S+; request \\S+\\n"),
                text.toString());

        CliRun json = cli("server", "check", "conn", "--json");
        assertEquals("OK", json.json().map.get("status").string);
        assertTrue(json.json().map.get("metrics").map.containsKey("request_time"), json.toString());
    }

    @Test
    void shouldWarnWhenAThresholdIsExceeded() {
        CliRun run = cli("server", "check", "connection", "--rtt-warn", "1ns");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("WARNING connection: "), run.toString());
        assertTrue(run.out().contains("(warning: rtt over "), run.toString());
    }

    @Test
    void shouldBeCriticalWhenTheServerIsDown() throws Exception {
        CliRun run = CliRun.against(TestBroker.deadUrl(), "server", "check", "connection");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("CRITICAL connection: cannot connect to nats://127.0.0.1:"), run.toString());
    }

    @Test
    void shouldPassTheJetStreamCheck() {
        CliRun run = cli("server", "check", "jetstream");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("OK jetstream: memory "), run.toString());
        assertEquals("OK", cli("server", "check", "js", "--json").json().map.get("status").string);
    }
}
