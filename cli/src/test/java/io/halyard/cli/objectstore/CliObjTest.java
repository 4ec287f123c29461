package io.halyard.cli.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.halyard.cli.CliRun;
import io.halyard.cli.SharedBroker;
import io.nats.client.support.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code halyard obj add/put/get/ls/rm/info} end to end against a Halyard server in this JVM. */
@Timeout(60)
class CliObjTest {

    @RegisterExtension
    static final SharedBroker broker = new SharedBroker();

    private static CliRun cli(String... args) {
        return broker.cli(args);
    }

    @Test
    void shouldPutAndGetAFileOfManyChunksByteForByte(@TempDir Path dir) throws Exception {
        assertEquals(0, cli("obj", "add", "files", "--description", "test files").exitCode());
        byte[] content = new byte[300_000]; // jnats' chunks are 128 KiB: three chunks
        new Random(42).nextBytes(content);
        Path source = dir.resolve("blob.bin");
        Files.write(source, content);

        CliRun put = cli("obj", "put", "files", source.toString());
        assertEquals(0, put.exitCode(), put.toString());
        assertTrue(put.out().startsWith("Stored blob.bin in bucket files: 293.0 KiB in 3 chunks, SHA-256="), put.toString());
        assertEquals("", put.err(), "no progress bar without a terminal");

        Path copy = dir.resolve("copy.bin");
        CliRun get = cli("obj", "get", "files", "blob.bin", "-O", copy.toString());
        assertEquals(0, get.exitCode(), get.toString());
        assertArrayEquals(content, Files.readAllBytes(copy));
        assertTrue(get.out().startsWith("Wrote blob.bin (293.0 KiB) to "), get.toString());

        CliRun again = cli("obj", "get", "files", "blob.bin", "-O", copy.toString());
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().endsWith("exists; use --force to overwrite it\n"), again.toString());
        assertEquals(0, cli("obj", "get", "files", "blob.bin", "-O", copy.toString(), "--force").exitCode());

        JsonValue info = cli("obj", "info", "files", "blob.bin", "--json").json();
        assertEquals("blob.bin", info.map.get("name").string);
        assertEquals(300_000L, info.map.get("size").number.longValue());
        assertEquals(3L, info.map.get("chunks").number.longValue());
        assertTrue(info.map.get("mtime").string.endsWith("Z"), info.toString());
    }

    @Test
    void shouldListRemoveObjectsAndDeleteTheBucketOnlyWithForce(@TempDir Path dir) throws Exception {
        assertEquals(0, cli("obj", "add", "docs").exitCode());
        Path a = Files.writeString(dir.resolve("a.txt"), "alpha");
        Path b = Files.writeString(dir.resolve("b.txt"), "bravo");
        assertEquals(0, cli("obj", "put", "docs", a.toString()).exitCode());
        CliRun named = cli("obj", "put", "docs", b.toString(), "--name", "renamed.txt", "--json");
        assertEquals("renamed.txt", named.json().map.get("name").string, named.toString());

        CliRun table = cli("obj", "ls", "docs");
        assertTrue(table.out().matches("(?s)Name\\s+Size\\s+Modified\\n.*\\na\\.txt\\s+5 B\\s+.* UTC\\nrenamed\\.txt\\s+5 B\\s+.*"),
                table.toString());
        List<JsonValue> json = cli("obj", "ls", "docs", "--json").json().array;
        assertEquals(List.of("a.txt", "renamed.txt"), json.stream().map(o -> o.map.get("name").string).toList());
        assertTrue(cli("obj", "ls", "--json").json().array.stream().anyMatch(v -> v.string.equals("docs")));

        CliRun rm = cli("obj", "rm", "docs", "a.txt");
        assertEquals(0, rm.exitCode(), rm.toString());
        assertEquals("renamed.txt\n", cli("obj", "ls", "docs", "--names").out());
        CliRun missing = cli("obj", "get", "docs", "a.txt", "-O", dir.resolve("x").toString());
        assertEquals(1, missing.exitCode(), missing.toString());
        assertEquals("halyard: no object a.txt in bucket docs\n", missing.err());
        assertFalse(Files.exists(dir.resolve("x")));

        assertEquals(2, cli("obj", "rm", "docs").exitCode());
        assertEquals(0, cli("obj", "rm", "docs", "-f").exitCode());
        assertFalse(cli("obj", "ls", "--json").json().array.stream().anyMatch(v -> v.string.equals("docs")));
    }

    @Test
    void shouldReportAMissingFileAndAnUnknownBucket(@TempDir Path dir) throws Exception {
        CliRun noFile = cli("obj", "put", "anything", dir.resolve("nope").toString());
        assertEquals(1, noFile.exitCode(), noFile.toString());
        assertTrue(noFile.err().startsWith("halyard: no such file: "), noFile.toString());

        Path file = Files.writeString(dir.resolve("f"), "x");
        CliRun noBucket = cli("obj", "put", "no-such-bucket", file.toString());
        assertEquals(1, noBucket.exitCode(), noBucket.toString());
        assertEquals("halyard: no object bucket no-such-bucket\n", noBucket.err());
    }
}
