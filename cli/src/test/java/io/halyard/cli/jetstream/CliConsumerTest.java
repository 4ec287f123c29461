package io.halyard.cli.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.SharedBroker;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.support.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code halyard consumer add/ls/info/rm/next} end to end against a Halyard server in this JVM. */
@Timeout(60)
class CliConsumerTest {

    @RegisterExtension
    static final SharedBroker broker = new SharedBroker();

    private static CliRun cli(String... args) {
        return broker.cli(args);
    }

    private static void publish(String subject, String... bodies) throws Exception {
        try (Connection nc = Nats.connect(broker.url())) {
            JetStream js = nc.jetStream();
            for (String body : bodies) {
                js.publish(subject, body.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldCreateAPullConsumerFromTheNatsCliFlagsAndShowIt() {
        assertEquals(0, cli("stream", "add", "C_ADD", "--subjects", "cadd.>").exitCode());
        CliRun add = cli("consumer", "add", "C_ADD", "WORKER", "--pull", "--ack", "explicit", "--deliver", "all",
                "--filter", "cadd.x", "--max-deliver", "5", "--wait", "45s", "--defaults");
        assertEquals(0, add.exitCode(), add.toString());
        assertTrue(add.out().startsWith("Consumer WORKER was created on stream C_ADD"), add.toString());
        assertTrue(add.out().matches("(?s).*\\n\\s+Mode: pull\\n.*"), add.toString());
        assertTrue(add.out().matches("(?s).*\\n\\s+Filter Subjects: cadd\\.x\\n.*"), add.toString());
        assertTrue(add.out().matches("(?s).*\\n\\s+Ack Wait: 45s\\n.*"), add.toString());

        CliRun info = cli("consumer", "info", "C_ADD", "WORKER", "--json");
        assertEquals(0, info.exitCode(), info.toString());
        JsonValue config = info.json().map.get("config");
        assertEquals("WORKER", config.map.get("durable_name").string);
        assertEquals("explicit", config.map.get("ack_policy").string);
        assertEquals("all", config.map.get("deliver_policy").string);
        assertEquals(5L, config.map.get("max_deliver").number.longValue());
        assertEquals("C_ADD", info.json().map.get("stream_name").string);
    }

    @Test
    void shouldListConsumersAndRemoveOne() {
        assertEquals(0, cli("stream", "add", "C_LS", "--subjects", "cls.>").exitCode());
        assertEquals(0, cli("consumer", "add", "C_LS", "ONE", "--pull").exitCode());
        assertEquals(0, cli("consumer", "add", "C_LS", "TWO", "--target", "deliver.two").exitCode());

        CliRun table = cli("consumer", "ls", "C_LS");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().matches("(?s)Name\\s+Mode.*\\nONE\\s+pull\\s+0\\s+0\\s+never\\nTWO\\s+push.*"), table.toString());
        assertEquals(List.of("ONE", "TWO"), cli("consumer", "ls", "C_LS", "--json").json().array.stream().map(v -> v.string).toList());

        CliRun rm = cli("consumer", "rm", "C_LS", "ONE", "-f");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("TWO\n", cli("consumer", "ls", "C_LS", "-n").out());

        CliRun gone = cli("consumer", "info", "C_LS", "ONE");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertEquals("halyard: consumer not found (10014)\n", gone.err());
    }

    @Test
    void shouldPullAndAcknowledgeMessagesWithNext() throws Exception {
        assertEquals(0, cli("stream", "add", "C_NEXT", "--subjects", "cnext").exitCode());
        assertEquals(0, cli("consumer", "add", "C_NEXT", "PULLER", "--pull", "--ack", "explicit").exitCode());
        publish("cnext", "alpha", "beta", "gamma");

        CliRun one = cli("consumer", "next", "C_NEXT", "PULLER");
        assertEquals(0, one.exitCode(), one.toString());
        assertTrue(one.out().startsWith("#1 subject cnext, stream seq 1, consumer seq 1, delivered 1 time, 2 pending, 5 bytes\nalpha\n"),
                one.toString());

        CliRun two = cli("consumer", "next", "C_NEXT", "PULLER", "--count", "2", "--json");
        assertEquals(0, two.exitCode(), two.toString());
        List<JsonValue> messages = two.json().array;
        assertEquals(List.of("beta", "gamma"), messages.stream().map(m -> m.map.get("text").string).toList());
        assertEquals(3L, messages.get(1).map.get("seq").number.longValue());

        JsonValue state = cli("consumer", "info", "C_NEXT", "PULLER", "--json").json();
        assertEquals(0L, state.map.get("num_ack_pending").number.longValue(), "all three acknowledged: " + state);
        assertEquals(3L, state.map.get("ack_floor").map.get("stream_seq").number.longValue());

        CliRun none = cli("consumer", "next", "C_NEXT", "PULLER", "--wait", "1s");
        assertEquals(1, none.exitCode(), none.toString());
        assertEquals("halyard: no message from consumer PULLER of stream C_NEXT within 1s\n", none.err());
    }

    @Test
    void shouldLeaveAMessageUnacknowledgedWithNoAck() throws Exception {
        assertEquals(0, cli("stream", "add", "C_NOACK", "--subjects", "cnoack").exitCode());
        assertEquals(0, cli("consumer", "add", "C_NOACK", "LATER", "--pull", "--wait", "30s").exitCode());
        publish("cnoack", "keep me");
        CliRun next = cli("consumer", "next", "C_NOACK", "LATER", "--no-ack", "--raw");
        assertEquals("keep me\n", next.out(), next.toString());
        JsonValue state = cli("consumer", "info", "C_NOACK", "LATER", "--json").json();
        assertEquals(1L, state.map.get("num_ack_pending").number.longValue(), state.toString());
    }

    @Test
    void shouldReportUnknownStreamsAndBadOptions() {
        CliRun unknown = cli("consumer", "add", "NO_SUCH_STREAM", "X", "--pull");
        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertEquals("halyard: stream not found (10059)\n", unknown.err());

        CliRun bothModes = cli("consumer", "add", "ANY", "X", "--pull", "--target", "t");
        assertEquals(2, bothModes.exitCode(), bothModes.toString());

        CliRun badAck = cli("consumer", "add", "ANY", "X", "--ack", "sometimes");
        assertEquals(2, badAck.exitCode(), badAck.toString());
        assertTrue(badAck.err().contains("ack is none, all or explicit, not 'sometimes'"), badAck.toString());

        CliRun badDeliver = cli("consumer", "add", "ANY", "X", "--deliver", "yesterday");
        assertEquals(2, badDeliver.exitCode(), badDeliver.toString());
    }
}
