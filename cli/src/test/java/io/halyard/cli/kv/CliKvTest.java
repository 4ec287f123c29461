package io.halyard.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.SharedBroker;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.support.JsonValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code halyard kv add/put/get/del/ls/watch/history/info} end to end against a Halyard server in this JVM. */
@Timeout(60)
class CliKvTest {

    @RegisterExtension
    static final SharedBroker broker = new SharedBroker();

    private static CliRun cli(String... args) {
        return broker.cli(args);
    }

    @Test
    void shouldCreateABucketThenPutGetAndDeleteKeys() {
        CliRun add = cli("kv", "add", "config", "--history", "5", "--description", "settings");
        assertEquals(0, add.exitCode(), add.toString());
        assertTrue(add.out().matches("(?s)Bucket config was created\\n.*\\n\\s+History Kept: 5\\n.*"), add.toString());

        CliRun put = cli("kv", "put", "config", "colour", "blue");
        assertEquals(0, put.exitCode(), put.toString());
        assertEquals("Put config > colour: revision 1\n", put.out());
        CliRun putJson = cli("kv", "put", "config", "colour", "green", "--json");
        assertEquals(2L, putJson.json().map.get("revision").number.longValue(), putJson.toString());

        CliRun get = cli("kv", "get", "config", "colour");
        assertEquals(0, get.exitCode(), get.toString());
        assertTrue(get.out().startsWith("config > colour revision 2, created "), get.toString());
        assertTrue(get.out().endsWith("\n\ngreen\n"), get.toString());
        assertEquals("green\n", cli("kv", "get", "config", "colour", "--raw").out());
        assertEquals("blue\n", cli("kv", "get", "config", "colour", "--revision", "1", "--raw").out());

        JsonValue json = cli("kv", "get", "config", "colour", "--json").json();
        assertEquals("config", json.map.get("bucket").string);
        assertEquals("PUT", json.map.get("operation").string);
        assertEquals("green", json.map.get("text").string);
        assertEquals("Z3JlZW4=", json.map.get("value").string);

        CliRun del = cli("kv", "del", "config", "colour");
        assertEquals(0, del.exitCode(), del.toString());
        CliRun gone = cli("kv", "get", "config", "colour");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertEquals("halyard: no value for key colour in bucket config\n", gone.err());
    }

    @Test
    void shouldListBucketsAndKeys() {
        assertEquals(0, cli("kv", "add", "listing").exitCode());
        cli("kv", "put", "listing", "b", "2");
        cli("kv", "put", "listing", "a", "1");

        assertEquals("a\nb\n", cli("kv", "ls", "listing").out());
        assertEquals(List.of("a", "b"), cli("kv", "ls", "listing", "--json").json().array.stream().map(v -> v.string).toList());

        CliRun buckets = cli("kv", "ls");
        assertEquals(0, buckets.exitCode(), buckets.toString());
        assertTrue(buckets.out().matches("(?s)Bucket\\s+Description\\s+Values.*\\nlisting\\s+2\\s+\\d+ B\\s+1\\s+never\\n.*"),
                buckets.toString());
        assertTrue(cli("kv", "ls", "--json").json().array.stream().anyMatch(v -> v.string.equals("listing")));
    }

    @Test
    void shouldShowTheHistoryOfAKey() {
        assertEquals(0, cli("kv", "add", "hist", "--history", "10").exitCode());
        cli("kv", "put", "hist", "k", "one");
        cli("kv", "put", "hist", "k", "two");
        cli("kv", "del", "hist", "k");

        CliRun table = cli("kv", "history", "hist", "k");
        assertEquals(0, table.exitCode(), table.toString());
        List<String> lines = table.out().lines().toList();
        assertEquals(5, lines.size(), table.toString());
        assertTrue(lines.get(0).matches("Revision\\s+Op\\s+Created\\s+Length\\s+Value"), table.toString());
        assertTrue(lines.get(2).matches("\\s*1\\s+PUT\\s+.* UTC\\s+3\\s+one"), table.toString());
        assertTrue(lines.get(4).matches("\\s*3\\s+DEL\\s+.*"), table.toString());

        List<JsonValue> json = cli("kv", "history", "hist", "k", "--json").json().array;
        assertEquals(List.of("PUT", "PUT", "DEL"), json.stream().map(e -> e.map.get("operation").string).toList());
    }

    @Test
    void shouldWatchCurrentValuesAndThenChanges() throws Exception {
        assertEquals(0, cli("kv", "add", "watched").exitCode());
        cli("kv", "put", "watched", "existing", "before");
        CompletableFuture<CliRun> watch = CompletableFuture.supplyAsync(
                () -> cli("kv", "watch", "watched", "--count", "2", "--json"));
        try (Connection nc = Nats.connect(broker.url())) {
            KeyValue kv = nc.keyValue("watched");
            // The watch prints the current value first; keep writing the change until it has been seen.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!watch.isDone() && System.nanoTime() < deadline) {
                kv.put("changed", "after");
                Thread.sleep(100);
            }
        }
        CliRun run = watch.get(30, TimeUnit.SECONDS);
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.toString());
        assertTrue(lines.get(0).contains("\"key\":\"existing\"") && lines.get(0).contains("\"text\":\"before\""), run.toString());
        assertTrue(lines.get(1).contains("\"key\":\"changed\"") && lines.get(1).contains("\"text\":\"after\""), run.toString());
    }

    @Test
    void shouldShowBucketInfoAndDeleteTheBucketOnlyWithForce() {
        assertEquals(0, cli("kv", "add", "doomed", "--ttl", "1h").exitCode());
        CliRun info = cli("kv", "info", "doomed");
        assertTrue(info.out().matches("(?s).*\\n\\s+Values Expire After: 1h\\n.*"), info.toString());
        assertEquals("KV_doomed", cli("kv", "info", "doomed", "--json").json().map.get("config").map.get("name").string);

        CliRun refused = cli("kv", "del", "doomed");
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("deleting the whole bucket doomed needs --force"), refused.toString());

        assertEquals(0, cli("kv", "del", "doomed", "--force").exitCode());
        CliRun gone = cli("kv", "get", "doomed", "k");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertEquals("halyard: no key-value bucket doomed\n", gone.err());
        assertEquals("halyard: no key-value bucket doomed\n", cli("kv", "del", "doomed", "-f").err());
    }
}
