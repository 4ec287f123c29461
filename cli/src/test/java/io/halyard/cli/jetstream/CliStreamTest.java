package io.halyard.cli.jetstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.SharedBroker;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.support.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code halyard stream add/ls/info/rm/purge/get} end to end against a Halyard server in this JVM. */
@Timeout(60)
class CliStreamTest {

    @RegisterExtension
    static final SharedBroker broker = new SharedBroker();

    private static CliRun cli(String... args) {
        return broker.cli(args);
    }

    private static void publish(String subject, String body, Headers headers) throws Exception {
        try (Connection nc = Nats.connect(broker.url())) {
            JetStream js = nc.jetStream();
            js.publish(subject, headers, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldCreateAStreamFromTheNatsCliFlagsAndShowIt() {
        CliRun add = cli("stream", "add", "ORDERS", "--subjects", "orders.>", "--storage", "file", "--retention", "limits",
                "--max-msgs", "100", "--max-age", "1h", "--replicas", "1", "--defaults");
        assertEquals(0, add.exitCode(), add.toString());
        assertTrue(add.out().startsWith("Stream ORDERS was created"), add.toString());
        assertTrue(add.out().matches("(?s).*\\n\\s+Subjects: orders\\.>\\n.*"), add.toString());
        assertTrue(add.out().matches("(?s).*\\n\\s+Maximum Age: 1h\\n.*"), add.toString());
        assertTrue(add.out().matches("(?s).*\\n\\s+Maximum Messages: 100\\n.*"), add.toString());

        CliRun info = cli("stream", "info", "ORDERS", "--json");
        assertEquals(0, info.exitCode(), info.toString());
        JsonValue config = info.json().map.get("config");
        assertEquals("ORDERS", config.map.get("name").string);
        assertEquals(List.of("orders.>"), config.map.get("subjects").array.stream().map(v -> v.string).toList());
        assertEquals(100L, config.map.get("max_msgs").number.longValue());
        assertEquals(3_600_000_000_000L, config.map.get("max_age").number.longValue());
        assertEquals("file", config.map.get("storage").string);
        assertTrue(info.json().map.containsKey("state"), info.toString());
        assertTrue(!info.json().map.containsKey("type"), "the API response type is not part of the info: " + info);
    }

    @Test
    void shouldCreateAMirrorAndASourcingStreamAndShowWhatTheyCopy() throws Exception {
        assertEquals(0, cli("stream", "add", "CP_ORIGIN", "--subjects", "cp.>").exitCode());
        publish("cp.a", "one", null);
        CliRun mirror = cli("stream", "add", "CP_MIRROR", "--mirror", "CP_ORIGIN");
        assertEquals(0, mirror.exitCode(), mirror.toString());
        assertTrue(mirror.out().matches("(?s).*Mirror.*\n\s+Stream Name: CP_ORIGIN\n.*"), mirror.toString());
        CliRun source = cli("stream", "add", "CP_ALL", "--source", "CP_ORIGIN,CP_MIRROR", "--json");
        assertEquals(0, source.exitCode(), source.toString());
        assertEquals(List.of("CP_ORIGIN", "CP_MIRROR"), source.json().map.get("config").map.get("sources").array.stream()
                .map(v -> v.map.get("name").string).toList());
        long deadline = System.nanoTime() + 10_000_000_000L;
        CliRun info = cli("stream", "info", "CP_ALL");
        while (!info.out().matches("(?s).*\n\s+Messages: 2\n.*") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            info = cli("stream", "info", "CP_ALL");
        }
        assertTrue(info.out().matches("(?s).*\n\s+Messages: 2\n.*"), "a copy from each: " + info);
        assertTrue(info.out().matches("(?s).*Source.*\n\s+Stream Name: CP_ORIGIN\n.*Source.*\n\s+Stream Name: CP_MIRROR\n.*"),
                info.toString());
        assertTrue(info.out().matches("(?s).*\n\s+Lag: 0\n.*"), info.toString());
    }

    @Test
    void shouldCreateAStreamFromAJsonConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stream.json");
        Files.writeString(file, "{\"name\":\"FROMFILE\",\"subjects\":[\"file.>\"],\"storage\":\"memory\",\"max_msgs_per_subject\":3}");
        CliRun add = cli("stream", "add", "--config", file.toString(), "--json");
        assertEquals(0, add.exitCode(), add.toString());
        assertEquals("memory", add.json().map.get("config").map.get("storage").string);
        assertEquals(3L, add.json().map.get("config").map.get("max_msgs_per_subject").number.longValue());
    }

    @Test
    void shouldListStreamsAsATableAsNamesAndAsJsonWithoutBucketStreamsUnlessAll() throws Exception {
        assertEquals(0, cli("stream", "add", "LIST_A", "--subjects", "list.a").exitCode());
        assertEquals(0, cli("stream", "add", "LIST_B", "--subjects", "list.b").exitCode());
        assertEquals(0, cli("kv", "add", "listbucket").exitCode());
        publish("list.a", "one", null);
        publish("list.a", "two", null);

        CliRun table = cli("stream", "ls");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.out().startsWith("Name"), table.toString());
        assertTrue(table.out().matches("(?s).*\\nLIST_A\\s+list\\.a\\s+2\\s+\\d+ B\\s+\\S.*"), table.toString());
        assertTrue(!table.out().contains("KV_listbucket"), table.toString());

        CliRun names = cli("stream", "ls", "--names", "--all");
        assertTrue(names.out().lines().toList().containsAll(List.of("LIST_A", "LIST_B", "KV_listbucket")), names.toString());

        CliRun json = cli("stream", "ls", "--json", "--subject", "list.b");
        assertEquals(List.of("LIST_B"), json.json().array.stream().map(v -> v.string).toList(), json.toString());
    }

    @Test
    void shouldGetAMessageBySequenceAndTheLastOnASubject() throws Exception {
        assertEquals(0, cli("stream", "add", "GET", "--subjects", "get.>").exitCode());
        Headers headers = new Headers().add("Trace-Id", "t-1");
        publish("get.a", "first", headers);
        publish("get.b", "second", null);
        publish("get.a", "third", null);

        CliRun human = cli("stream", "get", "GET", "1");
        assertEquals(0, human.exitCode(), human.toString());
        assertTrue(human.out().startsWith("Message 1 of stream GET, subject get.a"), human.toString());
        assertTrue(human.out().contains("Trace-Id: t-1\n"), human.toString());
        assertTrue(human.out().endsWith("\nfirst\n"), human.toString());

        CliRun json = cli("stream", "get", "GET", "--last-for", "get.a", "--json");
        assertEquals(0, json.exitCode(), json.toString());
        assertEquals(3L, json.json().map.get("seq").number.longValue());
        assertEquals("get.a", json.json().map.get("subject").string);
        assertEquals("third", json.json().map.get("text").string);
        assertEquals("third", new String(Base64.getDecoder().decode(json.json().map.get("data").string), StandardCharsets.UTF_8));

        CliRun raw = cli("stream", "get", "GET", "2", "--raw");
        assertEquals("second\n", raw.out(), raw.toString());

        CliRun missing = cli("stream", "get", "GET", "99");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.err().matches("halyard: .*\\(\\d+\\)\\n"), missing.toString());
    }

    @Test
    void shouldPurgeOneSubjectThenEverything() throws Exception {
        assertEquals(0, cli("stream", "add", "PURGE", "--subjects", "purge.>").exitCode());
        publish("purge.a", "1", null);
        publish("purge.b", "2", null);
        publish("purge.b", "3", null);

        CliRun subject = cli("stream", "purge", "PURGE", "--subject", "purge.b", "-f", "--json");
        assertEquals(0, subject.exitCode(), subject.toString());
        assertEquals(2L, subject.json().map.get("purged").number.longValue());
        assertEquals(Boolean.TRUE, subject.json().map.get("success").bool);

        CliRun all = cli("stream", "purge", "PURGE", "-f");
        assertEquals(0, all.exitCode(), all.toString());
        assertTrue(all.out().startsWith("Purged 1 message from PURGE\n"), all.toString());
        assertTrue(all.out().matches("(?s).*\\n\\s+Messages: 0\\n.*"), all.toString());
    }

    @Test
    void shouldRemoveAStreamAndThenReportItAsNotFound() {
        assertEquals(0, cli("stream", "add", "GONE", "--subjects", "gone").exitCode());
        CliRun rm = cli("stream", "rm", "GONE", "-f");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("Deleted stream GONE\n", rm.out());

        CliRun info = cli("stream", "info", "GONE");
        assertEquals(1, info.exitCode(), info.toString());
        assertEquals("", info.out());
        assertEquals("halyard: stream not found (10059)\n", info.err());
    }

    @Test
    void shouldRefuseBadArgumentsWithOneLineAndExitCode2() {
        CliRun storage = cli("stream", "add", "BAD", "--storage", "disk");
        assertEquals(2, storage.exitCode(), storage.toString());
        assertEquals(1, storage.err().lines().count(), storage.toString());
        assertTrue(storage.err().contains("storage is file or memory, not 'disk'"), storage.toString());
        assertTrue(storage.err().contains("(see 'halyard stream add --help')"), storage.toString());

        CliRun age = cli("stream", "add", "BAD", "--max-age", "1parsec");
        assertEquals(2, age.exitCode(), age.toString());
        assertTrue(age.err().contains("'1parsec' is not a duration"), age.toString());

        CliRun noName = cli("stream", "info");
        assertEquals(2, noName.exitCode(), noName.toString());
        assertTrue(noName.err().startsWith("halyard: Missing required parameter: 'STREAM'"), noName.toString());

        CliRun neither = cli("stream", "get", "BAD");
        assertEquals(2, neither.exitCode(), neither.toString());
    }
}
